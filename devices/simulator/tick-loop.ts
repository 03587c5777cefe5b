import type { Clock } from '../../src/core/clock.js';

/** Cancels a scheduled callback. */
export type CancelTimer = () => void;

/** Timers the simulator uses, injectable so tests run on fake time (after MQTT.js' timer option). */
export interface Timers {
  schedule(callback: () => void, delayMs: number): CancelTimer;
}

export const systemTimers: Timers = {
  schedule(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    return () => clearTimeout(handle);
  },
};

export interface TickLoopOptions {
  readonly tickMs: number;
  readonly clock: Clock;
  readonly timers: Timers;
  /** Tick n is due at start + n·tickMs; `now` is the clock when it runs. */
  readonly onTick: (tick: number, now: number) => void;
}

export interface TickLoop {
  /** No tick runs after this returns. */
  stop(): void;
}

/**
 * Runs onTick at start + n·tickMs. Deadlines are computed from the start, so timer lateness does
 * not add up; when the process was blocked for several ticks, the missed ones are skipped (a
 * device sends its current value, not a backlog).
 */
export function startTickLoop(options: TickLoopOptions): TickLoop {
  const { tickMs, clock, timers, onTick } = options;
  const startedAt = clock.now();
  let nextTick = 0;
  let cancel: CancelTimer | undefined;
  let running = true;

  const arm = (): void => {
    cancel = timers.schedule(fire, Math.max(0, startedAt + nextTick * tickMs - clock.now()));
  };
  const fire = (): void => {
    if (!running) return;
    const now = clock.now();
    // A timer may fire a little early on a coarse clock: never run a tick twice or go back.
    const tick = Math.max(nextTick, Math.floor((now - startedAt) / tickMs));
    nextTick = tick + 1;
    try {
      onTick(tick, now);
    } finally {
      if (running) arm();
    }
  };

  arm();
  return {
    stop() {
      running = false;
      cancel?.();
    },
  };
}
