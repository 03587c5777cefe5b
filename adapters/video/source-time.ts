/**
 * Source timestamps of camera events. Camera and AI-box clocks are often wrong (no NTP, reset to
 * 1970 or 2000 after a power cut); a detection is never dropped for that: an unusable time is
 * replaced by the gateway's receive time (and counted). Pure.
 */

/** 2000-01-01T00:00:00Z: anything earlier is a clock that was never set. */
export const EARLIEST_SOURCE_TIME = 946_684_800_000;
/** A source time further ahead of the receive time than this is a wrong clock too. */
export const MAX_FUTURE_MS = 24 * 3_600_000;

/**
 * Epoch ms from epoch milliseconds (a number) or ISO 8601 text (without a UTC offset it is read
 * in the gateway's local zone), or undefined when absent or unusable.
 */
export function sourceTime(raw: unknown, receivedAt: number): number | undefined {
  let ms: number;
  if (typeof raw === 'number') ms = raw;
  else if (typeof raw === 'string' && raw.trim() !== '') ms = Date.parse(raw.trim());
  else return undefined;
  if (!Number.isFinite(ms) || ms < EARLIEST_SOURCE_TIME || ms > receivedAt + MAX_FUTURE_MS) return undefined;
  return Math.round(ms);
}
