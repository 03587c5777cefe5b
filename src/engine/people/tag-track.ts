import type { Person, TagMotion, TagPosition } from '../../core/index.js';

/** What is known of one tag. Times are gateway times (the `now` passed in), except the fix's own `ts`. */
export interface TagView {
  readonly tagId: string;
  readonly person: Person | undefined;
  /** The latest fix from a location engine; undefined for tags only readers (or states without a fix) have reported. */
  readonly fix: TagPosition | undefined;
  /** When the latest fix was accepted; -Infinity without one. */
  readonly fixAcceptedAt: number;
  /** When a tag state without a position (TagStatus) was last taken; -Infinity when none was. */
  readonly statusAt: number;
  /** When a fix, tag state or reader event last came (kept true across a restore). */
  readonly lastSeen: number;
  /**
   * Where `tag-offline` counts silence from: lastSeen, except for a tag restored after a restart
   * that was reporting when the snapshot was taken, which gets the restore time (it had no chance to report).
   */
  readonly silentSince: number;
  /** When the tag began reporting `still` without a break; NaN unless its latest motion is still. */
  readonly stillSince: number;
  /** The SOS button as last reported. */
  readonly sos: boolean;
  /** The motion as last reported (a fix without one clears it, a tag state without one keeps it). */
  readonly motion: TagMotion | undefined;
  /** The charge as last reported, %: a fix or state without a battery reading keeps it. */
  readonly battery: number | undefined;
  /** Reader areas the tag is in. */
  readonly readers: ReadonlySet<string>;
  /** Zone id → when the tag entered it (for an outline, its first fix inside: the entry debounce does not shorten a dwell). */
  readonly zones: ReadonlyMap<string, number>;
  /** Outlined zones its fixes are inside but not yet for enterAfterMs: zone id → first fix inside. */
  readonly entering: ReadonlyMap<string, number>;
}

/** The latest event of one reader about one tag: its source time and the gateway time it was accepted. */
export interface ReaderStamp {
  readonly ts: number;
  readonly acceptedAt: number;
}

/** The mutable record behind a TagView (shared by state.ts and snapshot.ts). */
export interface TagTrack extends TagView {
  person: Person | undefined;
  fix: TagPosition | undefined;
  /** Gateway time the latest fix was accepted (the out-of-order window of positions runs from it). */
  fixAcceptedAt: number;
  statusAt: number;
  lastSeen: number;
  silentSince: number;
  stillSince: number;
  sos: boolean;
  motion: TagMotion | undefined;
  battery: number | undefined;
  /** Source time of the latest fix or tag state whose SOS, motion and battery were taken. */
  flagsTs: number;
  /** Gateway time that one was taken (the out-of-order window of those flags runs from it). */
  flagsAt: number;
  readonly readers: Set<string>;
  /** Reader id → the latest event of that reader about this tag. */
  readonly readerLatest: Map<string, ReaderStamp>;
  /** Outlined zones the tag is in (entered and not left). */
  outlined: ReadonlySet<string>;
  readonly entering: Map<string, number>;
  readonly zones: Map<string, number>;
}

const NONE: ReadonlySet<string> = new Set();

export function newTrack(tagId: string, person: Person | undefined): TagTrack {
  return {
    tagId, person, fix: undefined, fixAcceptedAt: -Infinity, statusAt: -Infinity, lastSeen: -Infinity, silentSince: -Infinity,
    stillSince: NaN, sos: false, motion: undefined, battery: undefined, flagsTs: -Infinity, flagsAt: -Infinity,
    readers: new Set(), readerLatest: new Map(), outlined: NONE, entering: new Map(), zones: new Map(),
  };
}

/**
 * Whether a location engine reports the tag (fixes, or states without a fix, about 1 Hz): only
 * then does its silence mean something (`tag-offline`); readers report changes only.
 */
export function reportedByEngine(tag: TagView): boolean {
  return tag.fix !== undefined || tag.statusAt > -Infinity;
}

/** What a fix or a tag state says of the tag besides where it is. */
export interface TagFlags {
  readonly ts: number;
  readonly sos?: boolean | undefined;
  readonly battery?: number | undefined;
  readonly motion?: TagMotion | undefined;
}

/** Whether a report carries a condition that must not be lost even when it comes late: an SOS press or a fall. */
export function raisesAlarm(r: TagFlags): boolean {
  return r.sos === true || r.motion === 'fallen';
}

/** A fix without motion clears it (the tag reports none); a tag state without motion keeps it. */
export type AbsentMotion = 'clears' | 'keeps';

/**
 * Takes a report's SOS button, motion and battery. One stamped before the latest taken, while that
 * was taken less than reorderWindowMs ago, only raises (an SOS press, a fall: a momentary button
 * pressed in a blink delivered late is still a press); a release or a charge from the past is
 * not taken. Whether it was taken in order.
 */
export function takeFlags(track: TagTrack, r: TagFlags, now: number, reorderWindowMs: number, absent: AbsentMotion): boolean {
  if (r.ts < track.flagsTs && now - track.flagsAt < reorderWindowMs) {
    raiseLate(track, r, now);
    return false;
  }
  track.flagsTs = r.ts;
  track.flagsAt = now;
  if (r.sos !== undefined) track.sos = r.sos;
  if (r.battery !== undefined) track.battery = r.battery;
  if (r.motion !== undefined || absent === 'clears') setMotion(track, r.motion, now);
  return true;
}

/** The alarm flags of a late report: an SOS press and a fall, nothing else. */
export function raiseLate(track: TagTrack, r: TagFlags, now: number): void {
  if (r.sos === true) track.sos = true;
  if (r.motion === 'fallen') setMotion(track, 'fallen', now);
}

function setMotion(track: TagTrack, motion: TagMotion | undefined, now: number): void {
  track.motion = motion;
  track.stillSince = motion !== 'still' ? NaN : Number.isNaN(track.stillSince) ? now : track.stillSince;
}
