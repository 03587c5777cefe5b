import type { TagMotion, ZoneColour, ZoneKind } from '../../src/core/people.js';
import { readScenarioText } from '../simulator/load.js';
import { validateScenarioYaml } from '../simulator/parse.js';
import { centroid } from './geometry.js';
import type { LocationScenario, RouteStop, SimZone, TagAction, TagEvent, TagGroup, Vec } from './scenario.js';
import { checkLocationScenario } from './scenario-checks.js';
import { locationScenarioFileSchema, type EventEntry, type GroupEntry, type LocationScenarioFile } from './scenario-schema.js';
import { expandTagRange } from './tag-ids.js';

/** Defaults of the file's optional keys (README "People scenario files"). */
export const LOCATION_DEFAULTS = {
  noiseM: 0.3,
  speed: 1.2,
  speedSpread: 0.15,
  pauseS: 0,
  z: 1.2,
  battery: [60, 100] as const,
  spread: 2,
} as const;

/**
 * Parses and validates a people scenario. Every problem is reported at once in one
 * HG_ERR_SIM_SCENARIO error naming the file, the YAML path and the line of each.
 */
export function parseLocationScenario(text: string, file: string): LocationScenario {
  // The checks work out each group's tag ids on the way; the conversion needs them too.
  let groupIds: string[][] = [];
  const data = validateScenarioYaml(text, file, locationScenarioFileSchema, (parsed) => {
    const checked = checkLocationScenario(parsed);
    groupIds = checked.groupIds;
    return checked.problems;
  });
  return toScenario(data, groupIds);
}

/** Reads a people scenario file and validates it (HG_ERR_SIM_SCENARIO on any problem, read errors included). */
export async function loadLocationScenario(file: string): Promise<LocationScenario> {
  return parseLocationScenario(await readScenarioText(file), file);
}

const vec = ([x, y]: readonly [number, number]): Vec => ({ x, y });

function toScenario(file: LocationScenarioFile, groupIds: readonly string[][]): LocationScenario {
  const zones: SimZone[] = Object.entries(file.zones ?? {}).map(([id, z]) => ({
    id,
    name: z.name,
    kind: (z.kind ?? 'general') as ZoneKind,
    colour: z.colour as ZoneColour | undefined,
    floor: z.floor,
    polygon: z.polygon.map(vec),
    readers: z.readers ?? [],
  }));
  const zoneById = new Map(zones.map((z) => [z.id, z]));
  const events = (file.events ?? []).map((entry, index) => toEvent(entry, index, zoneById));
  return {
    name: file.scenario,
    description: file.description ?? '',
    tickMs: file.tickMs,
    atEnd: file.loop === true ? 'loop' : 'hold',
    durationMs: Math.round(file.durationS * 1000),
    seed: file.seed,
    site: file.site,
    noiseM: file.noiseM ?? LOCATION_DEFAULTS.noiseM,
    zones,
    groups: file.groups.map((g, i) => toGroup(g, groupIds[i] ?? [])),
    // Array.prototype.sort is stable: events at the same time keep file order.
    events: [...events].sort((a, b) => a.atMs - b.atMs),
  };
}

function toGroup(g: GroupEntry, tagIds: readonly string[]): TagGroup {
  const route: RouteStop[] = g.route.map((stop) => (typeof stop === 'string' ? { zone: stop } : { point: vec(stop) }));
  return {
    tagIds,
    route,
    speed: g.speed ?? LOCATION_DEFAULTS.speed,
    speedSpread: g.speedSpread ?? LOCATION_DEFAULTS.speedSpread,
    pauseMs: Math.round((g.pauseS ?? LOCATION_DEFAULTS.pauseS) * 1000),
    z: g.z ?? LOCATION_DEFAULTS.z,
    floor: g.floor,
    battery: g.battery ?? LOCATION_DEFAULTS.battery,
    positions: g.positions ?? true,
  };
}

function toEvent(entry: EventEntry, index: number, zones: ReadonlyMap<string, SimZone>): TagEvent {
  // The checks have refused bad ranges already.
  const tagIds = entry.tags.flatMap((item) => {
    const ids = expandTagRange(item);
    return typeof ids === 'string' ? [] : ids;
  });
  return { atMs: entry.at, tagIds: [...new Set(tagIds)], action: toAction(entry, zones), index };
}

function toAction(entry: EventEntry, zones: ReadonlyMap<string, SimZone>): TagAction {
  if (entry.goto !== undefined) {
    const zone = entry.goto.zone === undefined ? undefined : zones.get(entry.goto.zone);
    const target = entry.goto.point !== undefined ? vec(entry.goto.point) : centroid(zone?.polygon ?? []);
    return { kind: 'goto', target, spreadM: entry.goto.spread ?? LOCATION_DEFAULTS.spread, stayMs: entry.goto.stay };
  }
  if (entry.sos !== undefined) return { kind: 'sos', forMs: entry.sos.for };
  if (entry.silent !== undefined) return { kind: 'silent', forMs: entry.silent.for };
  if (entry.nofix !== undefined) return { kind: 'no-fix', forMs: entry.nofix.for };
  if (entry.motion !== undefined) return { kind: 'motion', state: entry.motion.state as TagMotion, forMs: entry.motion.for };
  if (entry.battery !== undefined) return { kind: 'battery', to: entry.battery.to, overMs: entry.battery.over };
  // The schema admits exactly one action per event, so this is unreachable for parsed input.
  throw new Error(`event at ${entry.at} ms for ${entry.tags.join(', ')} has no action`);
}
