/** Cancels a scheduled callback (calling it twice, or after it ran, is harmless). */
export type CancelTimer = () => void;

/**
 * Timers the uplink waits with (ack timeouts, back-off, polling), injected so unit tests run them
 * on fake time. The same shape as adapters/lib/mqtt's; src/uplink may not import adapters.
 */
export interface UplinkTimers {
  schedule(callback: () => void, delayMs: number): CancelTimer;
}

export const systemTimers: UplinkTimers = {
  schedule(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    return () => clearTimeout(handle);
  },
};

/** Back-off bounds: the first wait after a failure, doubling up to the last. */
export interface BackoffOptions {
  readonly minMs: number;
  readonly maxMs: number;
}

export const UPLINK_BACKOFF: BackoffOptions = { minMs: 1_000, maxMs: 60_000 };

/** Wait before retry `attempt` (0 = the first after a failure): minMs · 2^attempt, at most maxMs. */
export function backoffDelay(attempt: number, backoff: BackoffOptions): number {
  // Past 2^31 the cap has long applied; the exponent is clamped so the power stays finite.
  return Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(Math.max(0, attempt), 31));
}
