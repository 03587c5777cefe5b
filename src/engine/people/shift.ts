import type { HeadcountLimit } from '../../core/index.js';

/** Shifts are China Standard Time (UTC+8), the plant's clock, whatever the host's time zone. */
const CST_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Minutes since 00:00 CST of the day `t` (epoch ms) falls in, 0-1439. */
export function cstMinuteOfDay(t: number): number {
  const ms = (((t + CST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return Math.floor(ms / MINUTE_MS);
}

/** `HH:MM` (00:00-23:59, `24:00` for the end of the day) as minutes since midnight; undefined when it is not one. */
export function parseClockTime(text: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (m === null) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return undefined;
  return h * 60 + min;
}

/** Whether minute `m` lies in [from, to), the shift running over midnight when to ≤ from (from = to: all day). */
export function inShift(m: number, from: number, to: number): boolean {
  if (from === to) return true;
  return from < to ? m >= from && m < to : m >= from || m < to;
}

/**
 * The headcount limit in force at `t`: a fixed number, or the strictest of the shifts covering the
 * time (overlapping shifts must not loosen each other); undefined outside every shift or with no
 * limit. Shifts with unparsable times are skipped here: the config checks refuse them.
 */
export function limitAt(limit: HeadcountLimit | undefined, t: number): number | undefined {
  if (limit === undefined || typeof limit === 'number') return limit;
  const m = cstMinuteOfDay(t);
  let best: number | undefined;
  for (const shift of limit) {
    const from = parseClockTime(shift.from);
    const to = parseClockTime(shift.to);
    if (from === undefined || to === undefined || !inShift(m, from, to % 1440)) continue;
    if (best === undefined || shift.limit < best) best = shift.limit;
  }
  return best;
}
