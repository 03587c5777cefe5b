import type { TagMotion, TagPosition } from '../../core/index.js';
import type { TagTrack } from './tag-track.js';
import { outlinedZonesAt, readerZonesOf, type ZoneMap } from './zones.js';

/**
 * Who was where, kept over a restart (plain JSON; the gateway writes and reads the file). It matters
 * most in mines whose tags are placed by readers only: readers report changes, so without it
 * nobody would be underground after a restart until each miner passed a reader again.
 */
export interface PeopleSnapshot {
  readonly version: 1;
  /** Gateway time the snapshot was taken, epoch ms. */
  readonly takenAt: number;
  readonly tags: readonly TagSnapshot[];
}

export interface TagSnapshot {
  readonly tagId: string;
  /** Gateway time of its latest fix, tag state or reader event, epoch ms. */
  readonly lastSeen: number;
  /** Its latest fix; null for tags only readers (or states without a fix) have reported. */
  readonly fix: TagPosition | null;
  /**
   * Every reader that reported the tag: the latest event's source time, whether that put it inside,
   * and the gateway time it was accepted (absent in files written before it was kept: lastSeen is used).
   */
  readonly readers: readonly { readonly readerId: string; readonly ts: number; readonly inside: boolean; readonly acceptedAt?: number | undefined }[];
  /** Its zones, each with the gateway time it entered. */
  readonly zones: readonly { readonly zoneId: string; readonly since: number }[];
  /** When it began reporting `still` (gateway time); null when it was not. */
  readonly stillSince: number | null;
  readonly sos: boolean;
  /** The motion and charge as last reported (absent in older files: the fix's are used). */
  readonly motion?: TagMotion | undefined;
  readonly battery?: number | undefined;
  /** Gateway time of its latest tag state without a position (absent: none). */
  readonly statusAt?: number | undefined;
}

/** Silences that decide what a restore keeps. */
export interface RestoreLimits {
  readonly offlineAfterMs: number;
  readonly forgetAfterMs: number;
}

export function tagSnapshot(track: TagTrack): TagSnapshot {
  return {
    tagId: track.tagId,
    lastSeen: track.lastSeen,
    fix: track.fix === undefined ? null : { ...track.fix },
    readers: [...track.readerLatest].map(([readerId, r]) => ({ readerId, ts: r.ts, inside: track.readers.has(readerId), acceptedAt: r.acceptedAt })),
    zones: [...track.zones].map(([zoneId, since]) => ({ zoneId, since })),
    stillSince: Number.isNaN(track.stillSince) ? null : track.stillSince,
    sos: track.sos,
    ...(track.motion === undefined ? {} : { motion: track.motion }),
    ...(track.battery === undefined ? {} : { battery: track.battery }),
    ...(track.statusAt === -Infinity ? {} : { statusAt: track.statusAt }),
  };
}

/**
 * Fills a new track with a tag restored at `now` from a snapshot taken at `takenAt`; false when there is
 * nothing to keep: a tag in no reader area silent past forgetAfterMs would be forgotten at once.
 * What comes back:
 * - reader areas of readers some zone still lists, as they were, with each reader's latest event
 *   time and when it was accepted (a late event stays refused within the reorder window; a reader
 *   no zone lists any more would keep the tag for ever);
 * - motion and battery as last reported;
 * - outlined zones the last fix still holds (hysteresis included) that the tag was in, with their
 *   entry times, so a dwell does not start again; reader zones with theirs;
 * - lastSeen as it was; a tag that was reporting when the snapshot was taken counts as heard at
 *   `now` for tag-offline (it had no chance to report during the restart), one already silent
 *   keeps counting from lastSeen;
 * - a still run keeps what it had before the snapshot; the downtime is not counted as stillness.
 */
export function restoreTrack(track: TagTrack, saved: TagSnapshot, takenAt: number, now: number, zones: ZoneMap, hysteresisM: number, limits: RestoreLimits): boolean {
  for (const r of saved.readers) {
    if (zones.zonesOfReader(r.readerId).length === 0) continue;
    track.readerLatest.set(r.readerId, { ts: r.ts, acceptedAt: r.acceptedAt ?? saved.lastSeen });
    if (r.inside) track.readers.add(r.readerId);
  }
  const fix = saved.fix !== null && Number.isFinite(saved.fix.x) && Number.isFinite(saved.fix.y) && Number.isFinite(saved.fix.ts) ? saved.fix : undefined;
  if (track.readers.size === 0 && now - saved.lastSeen > limits.forgetAfterMs) return false;
  track.fix = fix;
  track.lastSeen = saved.lastSeen;
  track.fixAcceptedAt = fix === undefined ? -Infinity : saved.lastSeen;
  track.statusAt = saved.statusAt ?? -Infinity;
  track.flagsTs = fix?.ts ?? -Infinity;
  track.flagsAt = fix === undefined ? -Infinity : saved.lastSeen;
  track.silentSince = takenAt - saved.lastSeen <= limits.offlineAfterMs ? Math.max(now, saved.lastSeen) : saved.lastSeen;
  track.motion = saved.motion ?? fix?.motion;
  track.battery = saved.battery ?? fix?.battery;
  track.stillSince = saved.stillSince === null || track.motion !== 'still' ? NaN : saved.stillSince + Math.max(0, now - takenAt);
  track.sos = saved.sos;
  const was = new Map(saved.zones.filter((z) => zones.get(z.zoneId) !== undefined && Number.isFinite(z.since)).map((z) => [z.zoneId, z.since]));
  const outlined = new Set<string>();
  if (fix !== undefined) for (const zoneId of outlinedZonesAt(zones, fix, new Set(was.keys()), hysteresisM)) if (was.has(zoneId)) outlined.add(zoneId);
  track.outlined = outlined;
  for (const zoneId of [...outlined, ...readerZonesOf(zones, track.readers)]) track.zones.set(zoneId, was.get(zoneId) ?? now);
  return true;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const MOTIONS: readonly unknown[] = ['moving', 'still', 'fallen'] satisfies TagMotion[];
/** An optional field: absent, or what `ok` says. */
const absentOr = (x: unknown, ok: (v: unknown) => boolean): boolean => x === undefined || ok(x);

function isTagSnapshot(x: unknown): x is TagSnapshot {
  if (!isObject(x) || typeof x['tagId'] !== 'string' || !isTime(x['lastSeen']) || typeof x['sos'] !== 'boolean') return false;
  const fix = x['fix'];
  if (fix !== null && !(isObject(fix) && fix['tagId'] === x['tagId'] && isTime(fix['x']) && isTime(fix['y']) && isTime(fix['ts']))) return false;
  if (!(x['stillSince'] === null || isTime(x['stillSince']))) return false;
  if (!absentOr(x['motion'], (m) => MOTIONS.includes(m)) || !absentOr(x['battery'], isTime) || !absentOr(x['statusAt'], isTime)) return false;
  const readers = x['readers'];
  const zones = x['zones'];
  const isReader = (r: unknown): boolean => isObject(r) && typeof r['readerId'] === 'string' && isTime(r['ts']) && typeof r['inside'] === 'boolean' && absentOr(r['acceptedAt'], isTime);
  if (!Array.isArray(readers) || !readers.every(isReader)) return false;
  return Array.isArray(zones) && zones.every((z) => isObject(z) && typeof z['zoneId'] === 'string' && isTime(z['since']));
}

/** Whether parsed JSON is a PeopleSnapshot this version reads (the gateway checks a file with it before restoring). */
export function isPeopleSnapshot(x: unknown): x is PeopleSnapshot {
  return isObject(x) && x['version'] === 1 && isTime(x['takenAt']) && Array.isArray(x['tags']) && x['tags'].every(isTagSnapshot);
}
