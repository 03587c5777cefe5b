import { VIDEO_EVENT_TYPES, type VideoEventType } from '../../src/core/observation.js';

/**
 * Vendor event names → hazgate's normalised detections. Names are compared after `typeKey`
 * (lower case, no `-`, `_`, spaces or dots), so `fireDetection`, `fire_detection` and
 * `FIREDETECTION` are one name. Pure.
 */

/** What a vendor name means: a detection, a liveness message only, or something to drop quietly. */
export type TypeMeaning = VideoEventType | 'heartbeat' | 'ignore';

export const TYPE_MEANINGS: readonly TypeMeaning[] = [...VIDEO_EVENT_TYPES, 'heartbeat', 'ignore'];

/**
 * Built-in names. Hikvision ISAPI `eventType` values first, then `targetType`/`detectionTarget`
 * values that name the finding themselves (used when the eventType is a generic one, e.g. an AI
 * box's own container event). Every hazgate type and `heartbeat` also map to themselves, so the
 * generic format can use them as they are. Sites add or override names with `eventTypeMap`.
 */
const BUILT_IN: ReadonlyArray<readonly [TypeMeaning, readonly string[]]> = [
  ['intrusion', ['fielddetection', 'linedetection', 'regionEntrance', 'intrusion', 'intrusionDetection', 'lineCrossing']],
  ['fire-smoke', ['fireDetection', 'smokeDetection', 'smokeAndFireDetection', 'fireAndSmokeDetection', 'fireSmokeDetection', 'fire', 'smoke']],
  ['no-helmet', ['safetyHelmetDetection', 'helmetDetection', 'helmet', 'noHelmet', 'noSafetyHelmet', 'withoutHelmet']],
  ['smoking', ['smoking', 'smokingDetection']],
  ['phone', ['calling', 'phone', 'callingDetection', 'playCellphone', 'phoneDetection', 'playPhone']],
  ['fall', ['fall', 'fallDown', 'failDown', 'faint', 'fallDetection']],
  ['crowd', ['crowd', 'peopleGathering', 'crowdDetection', 'peopleGatheringDetection']],
  // videoloss active: the picture is gone (covered, cable cut); inactive is the keepalive (see isapi-alert.ts).
  ['tamper', ['videotampering', 'shelteralarm', 'tamper', 'tamperDetection', 'videoloss']],
  ['heartbeat', ['heartBeat', 'heartbeat', 'keepalive']],
];

export type TypeTable = ReadonlyMap<string, TypeMeaning>;

/** The comparison key of a vendor name. */
export function typeKey(name: string): string {
  return name.toLowerCase().replace(/[-_\s.]/g, '');
}

/** The built-in table with a site's own names on top (they win). */
export function buildTypeTable(overrides: Readonly<Record<string, TypeMeaning>> = {}): TypeTable {
  const table = new Map<string, TypeMeaning>();
  for (const type of VIDEO_EVENT_TYPES) table.set(typeKey(type), type);
  for (const [meaning, names] of BUILT_IN) for (const name of names) table.set(typeKey(name), meaning);
  for (const [name, meaning] of Object.entries(overrides)) table.set(typeKey(name), meaning);
  return table;
}

export const BUILT_IN_TYPES: TypeTable = buildTypeTable();

/** The meaning of a vendor name, or undefined when neither the site nor hazgate knows it. */
export function meaningOf(table: TypeTable, name: string): TypeMeaning | undefined {
  return table.get(typeKey(name));
}

/** The built-in names of each meaning, for the README table test. */
export function builtInNames(): ReadonlyArray<readonly [TypeMeaning, readonly string[]]> {
  return BUILT_IN;
}
