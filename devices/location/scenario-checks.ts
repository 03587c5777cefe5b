import type { ScenarioProblem } from '../simulator/scenario-checks.js';
import { polygonArea } from './geometry.js';
import type { EventEntry, GroupEntry, LocationScenarioFile } from './scenario-schema.js';
import { expandTagRange, groupTagIds } from './tag-ids.js';

type Path = readonly (string | number)[];

/**
 * Checks across keys of a people scenario, run once the file has the right shape; every problem
 * at once. Returns the tag ids of each group (in file order) alongside, for the conversion.
 */
export function checkLocationScenario(file: LocationScenarioFile): { problems: ScenarioProblem[]; groupIds: string[][] } {
  const problems: ScenarioProblem[] = [];
  const site = file.site;
  const inSite = ([x, y]: readonly [number, number]): boolean => x >= 0 && y >= 0 && x <= site.width && y <= site.height;
  const zones = file.zones ?? {};
  for (const [id, zone] of Object.entries(zones)) {
    const polygon = zone.polygon.map(([x, y]) => ({ x, y }));
    if (polygonArea(polygon) === 0) problems.push({ path: ['zones', id, 'polygon'], message: 'has no area (its vertices are on one line)' });
    zone.polygon.forEach((p, i) => {
      if (!inSite(p)) problems.push({ path: ['zones', id, 'polygon', i], message: `is outside the site (0..${site.width} × 0..${site.height} m)` });
    });
  }
  const groupIds = file.groups.map((group, i) => groupIdsOf(group, ['groups', i], problems));
  const seen = new Map<string, number>();
  groupIds.forEach((ids, i) => {
    for (const id of ids) {
      const first = seen.get(id);
      if (first !== undefined) problems.push({ path: ['groups', i], message: `tag ${id} is also in groups[${first}]` });
      else seen.set(id, i);
    }
  });
  file.groups.forEach((group, i) => problems.push(...checkGroup(group, ['groups', i], zones, inSite)));
  const durationMs = file.durationS * 1000;
  if (durationMs < file.tickMs) problems.push({ path: ['durationS'], message: 'is shorter than one tick (tickMs)' });
  (file.events ?? []).forEach((event, i) => problems.push(...checkEvent(event, ['events', i], { zones, tags: seen, durationMs, inSite })));
  return { problems, groupIds };
}

function groupIdsOf(group: GroupEntry, path: Path, problems: ScenarioProblem[]): string[] {
  const named = group.prefix !== undefined || group.count !== undefined;
  if (named === (group.ids !== undefined)) {
    problems.push({ path, message: 'a group needs either prefix and count, or ids' });
    return group.ids ?? [];
  }
  if (group.ids !== undefined) return group.ids;
  if (group.prefix === undefined || group.count === undefined) {
    problems.push({ path: [...path, group.prefix === undefined ? 'prefix' : 'count'], message: 'prefix and count go together' });
    return [];
  }
  return groupTagIds(group.prefix, group.count);
}

function checkGroup(group: GroupEntry, path: Path, zones: Readonly<Record<string, unknown>>, inSite: (p: readonly [number, number]) => boolean): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  group.route.forEach((stop, j) => {
    if (typeof stop === 'string' && !Object.hasOwn(zones, stop)) problems.push({ path: [...path, 'route', j], message: `names no zone of this scenario: ${stop}` });
    if (typeof stop !== 'string' && !inSite(stop)) problems.push({ path: [...path, 'route', j], message: 'is outside the site' });
  });
  if (group.battery !== undefined && group.battery[0] > group.battery[1]) problems.push({ path: [...path, 'battery'], message: 'the low end must not be above the high end' });
  return problems;
}

interface EventContext {
  readonly zones: Readonly<Record<string, unknown>>;
  readonly tags: ReadonlyMap<string, number>;
  readonly durationMs: number;
  readonly inSite: (p: readonly [number, number]) => boolean;
}

function checkEvent(event: EventEntry, path: Path, ctx: EventContext): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  event.tags.forEach((item, j) => {
    const ids = expandTagRange(item);
    if (typeof ids === 'string') problems.push({ path: [...path, 'tags', j], message: ids });
    else {
      const unknown = ids.filter((id) => !ctx.tags.has(id));
      if (unknown.length > 0) problems.push({ path: [...path, 'tags', j], message: `names no tag of this scenario: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}` });
    }
  });
  if (event.at >= ctx.durationMs) problems.push({ path: [...path, 'at'], message: 'starts at or after the end of the scenario (durationS)' });
  const goto = event.goto;
  if (goto !== undefined) {
    if ((goto.zone === undefined) === (goto.point === undefined)) problems.push({ path: [...path, 'goto'], message: 'goto needs exactly one of zone, point' });
    if (goto.zone !== undefined && !Object.hasOwn(ctx.zones, goto.zone)) problems.push({ path: [...path, 'goto', 'zone'], message: `names no zone of this scenario: ${goto.zone}` });
    if (goto.point !== undefined && !ctx.inSite(goto.point)) problems.push({ path: [...path, 'goto', 'point'], message: 'is outside the site' });
  }
  const length = windowLength(event);
  if (length !== undefined && event.at + length.ms > ctx.durationMs) problems.push({ path: [...path, ...length.key], message: 'ends after the end of the scenario (durationS)' });
  return problems;
}

/** How long a windowed action lasts, and the key that says so. */
function windowLength(event: EventEntry): { ms: number; key: readonly string[] } | undefined {
  for (const action of ['sos', 'silent', 'nofix', 'motion'] as const) {
    const window = event[action];
    if (window !== undefined) return { ms: window.for, key: [action, 'for'] };
  }
  if (event.battery !== undefined) return { ms: event.battery.over, key: ['battery', 'over'] };
  return undefined;
}
