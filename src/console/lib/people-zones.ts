import { COLOURS, isUnacked } from './alarm-model.js';
import type { AlarmColour, Priority, Transition, ZoneHeadcount } from './wire.js';

/** The zone kinds of a site's `people.zones` (README, Personnel location), in the order the console explains them. */
export const ZONE_KINDS = ['restricted', 'authorised-only', 'key', 'danger', 'muster', 'warning', 'general'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

/** The personnel-location alarm kinds (rule kind `people`). */
export const PEOPLE_ALARM_KINDS = ['sos', 'man-down', 'unauthorised', 'headcount', 'crowd', 'dwell', 'tag-offline', 'battery-low'] as const;
export type PeopleAlarmKind = (typeof PEOPLE_ALARM_KINDS)[number];

/** A person in need of help: these latch at priority 1 and must stand out on every people view. */
export const URGENT_KINDS: ReadonlySet<PeopleAlarmKind> = new Set(['sos', 'man-down']);

export interface PeopleAlarmId {
  readonly kind: PeopleAlarmKind;
  readonly zoneId: string | null;
  readonly tagId: string | null;
}

/**
 * Reads a people condition id: `<kind>/<zone>` (headcount, crowd), `<kind>/<tag>` (sos, man-down,
 * tag-offline, battery-low), `<kind>/<zone>/<tag>` (dwell, unauthorised). Zone ids hold no `/`, tag
 * ids may. Null for anything else (a gas or video alarm).
 */
export function parsePeopleAlarm(conditionId: string): PeopleAlarmId | null {
  const slash = conditionId.indexOf('/');
  if (slash <= 0) return null;
  const kind = PEOPLE_ALARM_KINDS.find((k) => k === conditionId.slice(0, slash));
  const rest = conditionId.slice(slash + 1);
  if (kind === undefined || rest === '') return null;
  if (kind === 'headcount' || kind === 'crowd') return { kind, zoneId: rest, tagId: null };
  if (kind !== 'dwell' && kind !== 'unauthorised') return { kind, zoneId: null, tagId: rest };
  const cut = rest.indexOf('/');
  if (cut <= 0 || cut === rest.length - 1) return null;
  return { kind, zoneId: rest.slice(0, cut), tagId: rest.slice(cut + 1) };
}

/**
 * The zone an alarm belongs to: the zone it carries (people and video alarms, a tag's alarm placed in
 * its most specific zone), else the zone its id names, else its point's area when that is a zone
 * (a gas detector in the tank farm). Null: in no known zone.
 */
export function zoneOfAlarm(t: Transition, zones: ReadonlySet<string>, pointArea: (pointId: string) => string | undefined): string | null {
  if (t.zoneId !== undefined && t.zoneId !== '') return t.zoneId;
  const id = parsePeopleAlarm(t.conditionId);
  if (id?.zoneId !== null && id?.zoneId !== undefined) return id.zoneId;
  if (t.pointId !== null) {
    const area = pointArea(t.pointId);
    if (area !== undefined && zones.has(area)) return area;
  }
  return null;
}

/** One chip of a zone: the alarms of one kind there (people kinds by name; every other alarm as `other`). */
export interface AlarmChip {
  readonly kind: PeopleAlarmKind | 'other';
  readonly count: number;
  /** The most urgent of them. */
  readonly priority: Priority;
  readonly colour: AlarmColour;
  readonly unacked: boolean;
}

export interface ZoneAlarms {
  readonly chips: readonly AlarmChip[];
  /** The colour of the zone's retained headcount alarm (over its limit), if any. */
  readonly headcountColour: AlarmColour | null;
  /** An SOS or man-down is retained here. */
  readonly urgent: boolean;
  /** Camera ids the zone's alarms name. */
  readonly cameras: readonly string[];
  readonly alarms: readonly Transition[];
}

const CHIP_ORDER: readonly (PeopleAlarmKind | 'other')[] = [...PEOPLE_ALARM_KINDS, 'other'];

/**
 * The retained alarms by zone (shown ones: shelved or out-of-service alarms are not on the board):
 * chips by kind, SOS and man-down first, the headcount alarm's colour, the cameras named. Alarms in no
 * known zone come under the key `null`.
 */
export function alarmsByZone(alarms: readonly Transition[], zones: ReadonlySet<string>, pointArea: (pointId: string) => string | undefined): Map<string | null, ZoneAlarms> {
  const grouped = new Map<string | null, Transition[]>();
  for (const t of alarms) {
    if (!t.annunciated) continue;
    const zone = zoneOfAlarm(t, zones, pointArea);
    let list = grouped.get(zone);
    if (list === undefined) grouped.set(zone, (list = []));
    list.push(t);
  }
  const out = new Map<string | null, ZoneAlarms>();
  for (const [zone, list] of grouped) out.set(zone, summarise(list));
  return out;
}

function summarise(list: readonly Transition[]): ZoneAlarms {
  const byKind = new Map<PeopleAlarmKind | 'other', { count: number; priority: Priority; unacked: boolean }>();
  let headcountColour: AlarmColour | null = null;
  let urgent = false;
  const cameras = new Set<string>();
  for (const t of list) {
    const kind = parsePeopleAlarm(t.conditionId)?.kind ?? 'other';
    const c = byKind.get(kind);
    if (c === undefined) byKind.set(kind, { count: 1, priority: t.priority, unacked: isUnacked(t) });
    else byKind.set(kind, { count: c.count + 1, priority: Math.min(c.priority, t.priority) as Priority, unacked: c.unacked || isUnacked(t) });
    if (kind === 'headcount' && t.active) headcountColour = headcountColour === null || COLOURS.indexOf(t.colour) < COLOURS.indexOf(headcountColour) ? t.colour : headcountColour;
    if (URGENT_KINDS.has(kind as PeopleAlarmKind)) urgent = true;
    for (const cam of t.cameras ?? []) cameras.add(cam);
  }
  const chips = CHIP_ORDER.flatMap((kind) => {
    const c = byKind.get(kind);
    return c === undefined ? [] : [{ kind, count: c.count, priority: c.priority, colour: colourOf(c.priority), unacked: c.unacked }];
  });
  return { chips, headcountColour, urgent, cameras: [...cameras].sort(), alarms: list };
}

export function colourOf(p: Priority): AlarmColour {
  return COLOURS[p - 1] ?? 'blue';
}

/** The SOS and man-down alarms retained now (shown or not: a person asking for help is never hidden), oldest activation first. */
export function urgentAlarms(alarms: readonly Transition[]): Transition[] {
  return alarms
    .filter((t) => {
      const id = parsePeopleAlarm(t.conditionId);
      return id !== null && URGENT_KINDS.has(id.kind);
    })
    .sort((a, b) => (a.activeSince ?? a.time) - (b.activeSince ?? b.time) || (a.conditionId < b.conditionId ? -1 : 1));
}

export interface ZoneRow extends ZoneHeadcount {
  /** When the live headcount came (server time), or null when only the REST list gave it. */
  readonly time: number | null;
}

/**
 * The zones to show: the REST list in its (configured) order with the live headcounts laid over it (a
 * `headcount` message is newer than the page's fetch), then zones only the live messages named.
 */
export function mergeHeadcounts(rest: readonly ZoneHeadcount[], live: ReadonlyMap<string, ZoneHeadcount & { readonly time?: number }>): ZoneRow[] {
  const seen = new Set<string>();
  const rows: ZoneRow[] = rest.map((z) => {
    seen.add(z.zoneId);
    const l = live.get(z.zoneId);
    if (l === undefined) return { ...z, time: null };
    return { zoneId: z.zoneId, name: l.name ?? z.name, kind: l.kind || z.kind, headcount: l.headcount, limit: l.limit === undefined ? z.limit : l.limit, time: l.time ?? null };
  });
  for (const l of live.values()) {
    if (seen.has(l.zoneId)) continue;
    rows.push({ zoneId: l.zoneId, name: l.name ?? null, kind: l.kind, headcount: l.headcount, limit: l.limit ?? null, time: l.time ?? null });
  }
  return rows;
}

export function totalHeadcount(rows: readonly Pick<ZoneHeadcount, 'headcount'>[]): number {
  return rows.reduce((n, z) => n + z.headcount, 0);
}

export type OccupancyLevel = 'none' | 'ok' | 'full' | 'over';

/** How full a zone is against its limit: `none` without one; `full` at the limit; `over` past it. `ratio` is for a bar (0-1). */
export function occupancy(headcount: number, limit: number | null): { readonly ratio: number; readonly level: OccupancyLevel } {
  if (limit === null || !Number.isFinite(limit)) return { ratio: 0, level: 'none' };
  if (limit <= 0) return { ratio: headcount > 0 ? 1 : 0, level: headcount > 0 ? 'over' : 'ok' };
  const ratio = Math.min(1, Math.max(0, headcount / limit));
  return { ratio, level: headcount > limit ? 'over' : headcount === limit ? 'full' : 'ok' };
}

/** A zone row matches when every word is in its id, name or kind (the kind's words in the page's language too). */
export function zoneMatches(z: Pick<ZoneHeadcount, 'zoneId' | 'name' | 'kind'>, text: string, kindLabel = ''): boolean {
  const words = text.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return true;
  const hay = `${z.zoneId} ${z.name ?? ''} ${z.kind} ${kindLabel}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}
