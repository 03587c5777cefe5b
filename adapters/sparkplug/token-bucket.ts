import type { Clock } from '../../src/core/clock.js';

/**
 * A token bucket: `perSecond` tokens a second, at most `perSecond` saved up. Bounds how many rebirth
 * requests the host sends in all, however many edge nodes (real or forged) ask for one. Pure apart
 * from the injected clock.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock,
  ) {
    this.tokens = perSecond;
    this.at = clock.now();
  }

  /** Takes a token: 0 when one was there, else how many ms until one will be (nothing taken). */
  take(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.at) * this.perSecond) / 1000);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
  }
}
