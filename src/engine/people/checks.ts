import { ZONE_KINDS, type CrowdSpec, type PeopleSettings, type Person, type ZoneSpec } from '../../core/index.js';
import type { PackProblem } from '../packs/problem.js';
import { boundsOf, polygonArea } from './geometry.js';
import { resolvePeopleSettings } from './settings.js';
import { parseClockTime } from './shift.js';

/** Zone kinds where an authorisation means something. */
const GUARDED: readonly string[] = ['restricted', 'authorised-only', 'danger'];

/**
 * Config-time checks of zones, roster and settings, all problems at once, at paths relative to
 * `zones`, `people` and `settings` (the loader prefixes its own path).
 */
export function checkPeopleSetup(zones: readonly ZoneSpec[], people: readonly Person[], settings: PeopleSettings = {}): PackProblem[] {
  const problems: PackProblem[] = [];
  const ids = new Map<string, ZoneSpec>();
  zones.forEach((zone, i) => {
    if (ids.has(zone.id)) problems.push({ path: ['zones', i, 'id'], message: `zone ${zone.id} is defined twice` });
    ids.set(zone.id, zone);
    problems.push(...checkZone(zone, settings).map((p) => ({ path: ['zones', i, ...p.path], message: p.message })));
  });
  const tags = new Set<string>();
  people.forEach((person, i) => {
    if (tags.has(person.tagId)) problems.push({ path: ['people', i, 'tagId'], message: `tag ${person.tagId} is worn by two people` });
    tags.add(person.tagId);
    (person.authorisedZones ?? []).forEach((zoneId, j) => {
      const zone = ids.get(zoneId);
      if (zone === undefined) problems.push({ path: ['people', i, 'authorisedZones', j], message: `${person.name} (${person.tagId}) is authorised for zone ${zoneId}, which does not exist` });
      else if (!GUARDED.includes(zone.kind)) problems.push({ path: ['people', i, 'authorisedZones', j], message: `zone ${zoneId} is a ${zone.kind} zone: nobody needs an authorisation for it (restricted, authorised-only or danger)` });
    });
  });
  for (const [colour, spec] of Object.entries(settings.crowdByColour ?? {})) {
    if (spec !== undefined) problems.push(...checkCrowd(spec).map((p) => ({ path: ['settings', 'crowdByColour', colour, ...p.path], message: p.message })));
  }
  problems.push(...checkTimes(settings));
  return problems;
}

const DURATIONS = ['enterAfterMs', 'offlineAfterMs', 'forgetAfterMs', 'reorderWindowMs', 'warmupMs', 'trackRetentionMs'] as const;

function checkTimes(settings: PeopleSettings): PackProblem[] {
  const problems: PackProblem[] = [];
  for (const key of DURATIONS) {
    const ms = settings[key];
    if (ms !== undefined && !(ms >= 0)) problems.push({ path: ['settings', key], message: `${key} ${ms} must not be negative` });
  }
  const { forgetAfterMs, offlineAfterMs } = resolvePeopleSettings(settings);
  if (settings.forgetAfterMs !== undefined && !(forgetAfterMs > offlineAfterMs)) {
    problems.push({ path: ['settings', 'forgetAfterMs'], message: `forgetAfterMs ${forgetAfterMs} ms must be longer than offlineAfterMs ${offlineAfterMs} ms: a silent tag would be forgotten before it is called offline` });
  }
  return problems;
}

function checkZone(zone: ZoneSpec, settings: PeopleSettings): PackProblem[] {
  const problems: PackProblem[] = [];
  const at = (path: readonly (string | number)[], message: string): void => void problems.push({ path, message: `zone ${zone.id}: ${message}` });
  if (!ZONE_KINDS.includes(zone.kind)) at(['kind'], `unknown kind ${String(zone.kind)} (${ZONE_KINDS.join(', ')})`);
  if (zone.polygon === undefined && (zone.readers === undefined || zone.readers.length === 0)) at([], 'has neither a polygon nor readers: no tag can ever be in it');
  if (zone.polygon !== undefined) problems.push(...checkPolygon(zone.polygon).map((m) => ({ path: ['polygon'], message: `zone ${zone.id}: ${m}` })));
  const limit = zone.headcountLimit;
  if (typeof limit === 'number' && !(Number.isInteger(limit) && limit >= 0)) at(['headcountLimit'], `headcount limit ${limit} is not a whole number ≥ 0`);
  if (Array.isArray(limit)) {
    limit.forEach((shift, j) => {
      for (const key of ['from', 'to'] as const) if (parseClockTime(shift[key]) === undefined) at(['headcountLimit', j, key], `"${shift[key]}" is not a time of day HH:MM (CST)`);
      if (!(Number.isInteger(shift.limit) && shift.limit >= 0)) at(['headcountLimit', j, 'limit'], `headcount limit ${shift.limit} is not a whole number ≥ 0`);
    });
  }
  if (zone.maxDwellMs !== undefined && !(zone.maxDwellMs > 0)) at(['maxDwellMs'], 'maxDwellMs must be more than 0');
  if (zone.crowd !== undefined) problems.push(...checkCrowd(zone.crowd).map((p) => ({ path: ['crowd', ...p.path], message: `zone ${zone.id}: ${p.message}` })));
  if (zone.kind === 'warning' && zone.crowd === undefined) {
    const byColour = zone.colour === undefined ? undefined : settings.crowdByColour?.[zone.colour];
    if (byColour === undefined) at([], `a warning zone with no crowd threshold (give it crowd.minPeople, or set one for its colour${zone.colour === undefined ? '' : ` ${zone.colour}`}): crowds in it would go unnoticed`);
  }
  return problems;
}

function checkPolygon(polygon: readonly (readonly [number, number])[]): string[] {
  if (polygon.length < 3) return [`a polygon needs at least 3 vertices, it has ${polygon.length}`];
  if (polygon.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) return ['a polygon vertex is not a pair of numbers'];
  const box = boundsOf(polygon);
  if (polygonArea(polygon) < 1e-6 || box.maxX === box.minX || box.maxY === box.minY) return ['the polygon has no area (its vertices are on one line)'];
  return [];
}

function checkCrowd(spec: CrowdSpec): PackProblem[] {
  const problems: PackProblem[] = [];
  if (!(Number.isInteger(spec.minPeople) && spec.minPeople >= 2)) problems.push({ path: ['minPeople'], message: `crowd minPeople ${spec.minPeople} must be a whole number ≥ 2` });
  if (spec.radiusM !== undefined && !(spec.radiusM > 0 && spec.radiusM <= 15)) problems.push({ path: ['radiusM'], message: `crowd radius ${spec.radiusM} m must be more than 0 and at most 15 m (MEM 2023)` });
  if (spec.forMs !== undefined && !(spec.forMs >= 0)) problems.push({ path: ['forMs'], message: `crowd duration ${spec.forMs} ms must not be negative` });
  return problems;
}
