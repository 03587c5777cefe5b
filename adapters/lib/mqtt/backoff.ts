/** Cancels a scheduled callback. */
export type CancelTimer = () => void;

/** Timers the session waits with, injectable so tests run the back-off on fake time. */
export interface Timers {
  schedule(callback: () => void, delayMs: number): CancelTimer;
}

export const systemTimers: Timers = {
  schedule(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    return () => clearTimeout(handle);
  },
};

/** Wait before reconnect attempt `attempt` (0 = the first after a loss): initial · 2^attempt, at most max. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  // 2^31 ms is 24 days: past that the cap has long applied, and the power would overflow nothing useful.
  const factor = 2 ** Math.min(Math.max(0, attempt), 31);
  return Math.min(maxMs, initialMs * factor);
}
