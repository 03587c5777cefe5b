import type { Priority } from './alarm.js';

/**
 * Personnel location contracts (DOMAIN.md "Personnel location and video", AQ 1119-2023 for mines,
 * the MEM 2023 crowd-gathering guideline for hazardous-chemical plants). Lengths are metres in the
 * site's own coordinate system, times epoch milliseconds, durations milliseconds.
 */

/** One fix from a UWB/BLE location engine (Pozyx-style: tag id, x/y/z, time, battery), ~1 Hz per tag. */
export interface TagPosition {
  readonly tagId: string;
  /** Metres, site coordinates. */
  readonly x: number;
  readonly y: number;
  /** Height, metres (not used for zones: floors are). */
  readonly z?: number | undefined;
  /** Floor or level name (`1F`, `-350m level`); a zone with a floor holds only tags on that floor. */
  readonly floor?: string | undefined;
  /** Source time of the fix, epoch ms. */
  readonly ts: number;
  /** Battery charge, %. */
  readonly battery?: number | undefined;
  /** The tag's SOS button: true raises SOS, false clears it, absent leaves it as it was. */
  readonly sos?: boolean | undefined;
  /** What tags with an accelerometer report; absent on tags that do not. */
  readonly motion?: TagMotion | undefined;
}

export type TagMotion = 'moving' | 'still' | 'fallen';

/**
 * What a tag says of itself in a blink the location engine could not place (Pozyx `success: false`):
 * its SOS button, motion and battery, without x/y. Personnel location applies it to the tag's alarm
 * state and counts it as a sign of life; it changes no zone (the tag's zones stay as its last fix
 * or reader event left them). Absent fields leave what is known as it was.
 */
export interface TagStatus {
  readonly tagId: string;
  /** Source time, epoch ms. */
  readonly ts: number;
  /** true raises SOS, false clears it. */
  readonly sos?: boolean | undefined;
  /** Battery charge, %. */
  readonly battery?: number | undefined;
  readonly motion?: TagMotion | undefined;
  /** The floor the entry names, for the record: a status changes no zone. */
  readonly floor?: string | undefined;
}

/** An RFID/BLE reader (mine base station) saw a tag enter or leave its area. */
export interface ReaderEvent {
  readonly tagId: string;
  readonly readerId: string;
  readonly kind: 'enter' | 'leave';
  /** Source time, epoch ms. */
  readonly ts: number;
}

/**
 * What a zone is for: `restricted` (禁区: nobody without an authorisation), `authorised-only` (only
 * people authorised for it), `key` (重点区域), `danger` (危险区域: approaching it is itself a warning,
 * so nobody without an authorisation), `muster` (assembly point), `warning` (人员聚集预警区: crowd
 * gathering is watched), `general`.
 */
export type ZoneKind = 'restricted' | 'authorised-only' | 'key' | 'danger' | 'muster' | 'warning' | 'general';

export const ZONE_KINDS: readonly ZoneKind[] = ['restricted', 'authorised-only', 'key', 'danger', 'muster', 'warning', 'general'];

/** Risk colour of a warning zone (MEM 2023 guideline, 红橙黄蓝); crowd thresholds may be set per colour. */
export type ZoneColour = 'red' | 'orange' | 'yellow' | 'blue';

/** A headcount limit for the part of the day `from`-`to` (China Standard Time, `HH:MM`, `to` exclusive; `20:00`-`08:00` spans midnight). */
export interface ShiftLimit {
  readonly from: string;
  readonly to: string;
  readonly limit: number;
}

/** A fixed limit, or limits by time of day; outside every listed shift the zone has no limit. */
export type HeadcountLimit = number | readonly ShiftLimit[];

/** Crowd gathering (人员聚集): `minPeople` or more who fit inside a circle of `radiusM` for more than `forMs`. */
export interface CrowdSpec {
  readonly minPeople: number;
  /** Default 15 m (MEM 2023: radius at most 15 m). */
  readonly radiusM?: number | undefined;
  /** Default 60 s (MEM 2023: lasting more than 1 minute). */
  readonly forMs?: number | undefined;
}

export const DEFAULT_CROWD_RADIUS_M = 15;
export const DEFAULT_CROWD_FOR_MS = 60_000;

/** A zone: a polygon on a floor and/or a set of reader areas. */
export interface ZoneSpec {
  readonly id: string;
  readonly name?: string | undefined;
  readonly kind: ZoneKind;
  /** Only tags reporting this floor are in the zone; absent: any floor (or none). */
  readonly floor?: string | undefined;
  /** Vertices in metres, in order (either winding), at least 3; the closing edge is implied. */
  readonly polygon?: readonly (readonly [number, number])[] | undefined;
  /** A tag is in the zone while it is in the area of any of these readers. */
  readonly readers?: readonly string[] | undefined;
  readonly colour?: ZoneColour | undefined;
  /** Most people allowed at once (超员 above it); e.g. 3 in a class 1.1 explosives workshop. */
  readonly headcountLimit?: HeadcountLimit | undefined;
  /** Longest a person may stay (超时 beyond it), ms. */
  readonly maxDwellMs?: number | undefined;
  /** Crowd gathering in this zone; overrides the site's per-colour setting. */
  readonly crowd?: CrowdSpec | undefined;
  /** Cameras that see the zone: every alarm in the zone carries them. */
  readonly cameras?: readonly string[] | undefined;
}

/** A person as an alarm names them (the evacuation list of a zone); unknown tags have nulls. */
export interface PersonRef {
  readonly tagId: string;
  readonly personId: string | null;
  readonly name: string | null;
  readonly role: string | null;
}

/** Who wears a tag. */
export interface Person {
  readonly tagId: string;
  readonly personId: string;
  readonly name: string;
  readonly role?: string | undefined;
  /** Ids of the restricted, authorised-only and danger zones this person may enter. */
  readonly authorisedZones?: readonly string[] | undefined;
}

/** The alarm kinds of personnel location; each is the first part of its condition ids. */
export type PeopleRuleKind = 'headcount' | 'dwell' | 'unauthorised' | 'sos' | 'man-down' | 'tag-offline' | 'battery-low' | 'crowd';

export const PEOPLE_RULE_KINDS: readonly PeopleRuleKind[] = ['headcount', 'dwell', 'unauthorised', 'sos', 'man-down', 'tag-offline', 'battery-low', 'crowd'];

/**
 * Site-wide settings of personnel location. Numbers marked (U) are not from an official text:
 * defaults to configure per site.
 */
export interface PeopleSettings {
  /**
   * A tag leaves a polygon zone only once it is outside by more than this, m (default 3: the ±3 m
   * static accuracy of UWB, AQ 3064.3-2025 as paraphrased in DOMAIN.md). Also widens an active
   * crowd's circle before it ends.
   */
  readonly hysteresisM?: number | undefined;
  /**
   * A tag enters a polygon zone only once its fixes have been inside it this long, ms (default
   * 2 s (U)): the first inside fix starts the clock, an outside fix before then cancels it. Reader
   * zones enter at once (a reader event is a deliberate gate read).
   */
  readonly enterAfterMs?: number | undefined;
  /** `tag-offline` after this long without a fix or reader event, ms (default 60 s (U)). */
  readonly offlineAfterMs?: number | undefined;
  /**
   * A tag silent this long (no fix, no reader event) is forgotten: it leaves its zones, its alarms
   * return to normal and its state is dropped, ms (default 1 h (U), or twice offlineAfterMs when
   * that is longer). A tag in a reader area is never forgotten for silence: readers report changes only.
   */
  readonly forgetAfterMs?: number | undefined;
  /**
   * A fix stamped (source time) before the tag's latest is dropped while that latest fix arrived
   * less than this long ago (gateway time), ms (default 10 s (U)); later, older stamps are believed
   * (the device clock went back) so one fix stamped ahead cannot hold back every correct one.
   */
  readonly reorderWindowMs?: number | undefined;
  /**
   * After a start, headcount and crowd are not judged for this long while zones fill from fresh
   * fixes, and retained headcount/crowd alarms handed back are kept meanwhile, ms (default 10 s (U)).
   */
  readonly warmupMs?: number | undefined;
  /**
   * Tags not on the roster known at most (default 20,000 (U)): past it a new unknown tag is refused
   * and counted (`hazgate_people_refused_total{reason="too-many-tags"}`) until some are forgotten.
   * A stream of junk ids must not grow memory without end; roster tags are always taken.
   */
  readonly maxTags?: number | undefined;
  /** Tracks whose newest point is older than this are dropped from memory, ms (default 24 h (U)). */
  readonly trackRetentionMs?: number | undefined;
  /** `battery-low` below this charge, % (default 20 (U)); clears at or above it plus `batteryDeadbandPct`. */
  readonly batteryLowPct?: number | undefined;
  /** Default 5 (U). */
  readonly batteryDeadbandPct?: number | undefined;
  /** `man-down` when a tag reports `still` for longer than this, ms (default 60 s (U)). */
  readonly stillForMs?: number | undefined;
  /** Crowd thresholds per warning-zone colour (MEM 2023: set by the enterprise (U)); a zone's `crowd` wins. */
  readonly crowdByColour?: Readonly<Partial<Record<ZoneColour, CrowdSpec>>> | undefined;
  /** Priority per alarm kind; crowd defaults to its zone colour's priority (red 1 … blue 4). */
  readonly priorities?: Readonly<Partial<Record<PeopleRuleKind, Priority>>> | undefined;
}

/** A zone's headcount now, with its limit at this time of day. */
export interface ZoneHeadcount {
  readonly zoneId: string;
  readonly name: string | null;
  readonly kind: ZoneKind;
  readonly headcount: number;
  /** The limit in force now (shift limits resolved); null when the zone has none. */
  readonly limit: number | null;
}

/** One remembered position of a tag. */
export interface TrackPoint {
  readonly x: number;
  readonly y: number;
  readonly floor: string | null;
  readonly ts: number;
}

/** What the server may ask of personnel location. */
export interface PeopleService {
  headcounts(now: number): ZoneHeadcount[];
  /** The people in a zone now (the evacuation list); undefined for an unknown zone. */
  zone(zoneId: string, now: number): { readonly zone: ZoneHeadcount; readonly people: readonly PersonRef[] } | undefined;
  /** A tag's positions in [from, to], oldest first; undefined for a tag never seen. */
  track(tagId: string, from: number, to: number): TrackPoint[] | undefined;
}
