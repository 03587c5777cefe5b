/** Time is injected: rules, alarms and timers never read the wall clock themselves. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
