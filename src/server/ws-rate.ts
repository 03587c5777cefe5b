/**
 * What becomes of a client's message: `ok`; `refused` (answer HG_ERR_WS_RATE, drop it);
 * `refused-quiet` (drop it: the client was told less than a second ago); `abusive` (disconnect).
 */
export type RateVerdict = 'ok' | 'refused' | 'refused-quiet' | 'abusive';

/** Refusals are counted over this long… */
const ABUSE_WINDOW_MS = 10_000;
/** …and a client told at most this often. */
const TELL_EVERY_MS = 1_000;

/**
 * A WebSocket client's message allowance (server.wsMessageRate): a token bucket of `burst`
 * messages refilled at `perSecond`. A message over it is refused and dropped, the client told at
 * most once a second; one that has more than five bursts' worth (at least 100) refused within 10 s
 * keeps on regardless and is disconnected. Pure: the time is passed in.
 */
export class MessageRate {
  private tokens: number;
  private at: number;
  private windowStart: number;
  private refusedInWindow = 0;
  private toldAt = Number.NEGATIVE_INFINITY;
  private readonly abuseLimit: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
    this.windowStart = now;
    this.abuseLimit = Math.max(100, 5 * burst);
  }

  take(now: number): RateVerdict {
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.at) * this.perSecond) / 1000);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'ok';
    }
    if (now - this.windowStart >= ABUSE_WINDOW_MS) {
      this.windowStart = now;
      this.refusedInWindow = 0;
    }
    if (++this.refusedInWindow > this.abuseLimit) return 'abusive';
    if (now - this.toldAt < TELL_EVERY_MS) return 'refused-quiet';
    this.toldAt = now;
    return 'refused';
  }
}
