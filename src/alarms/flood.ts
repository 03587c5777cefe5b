/**
 * Alarm flood per operator position (EEMUA 191, DOMAIN.md): a flood starts when a position gets
 * more than `startAbove` alarms in `windowMs` (10 in 10 min) and ends when it is down to fewer than
 * `endBelow` (5). Pure: times are passed in; `advance` also lets old alarms leave the window.
 */
export interface FloodPolicy {
  readonly windowMs: number;
  readonly startAbove: number;
  readonly endBelow: number;
}

export const EEMUA_FLOOD: FloodPolicy = { windowMs: 600_000, startAbove: 10, endBelow: 5 };

export interface FloodChange {
  readonly position: string;
  readonly flood: boolean;
  /** Alarms in the window when it changed. */
  readonly count: number;
  readonly time: number;
}

export class FloodTracker {
  private readonly windows = new Map<string, number[]>();
  private readonly flooded = new Set<string>();

  constructor(private readonly policy: FloodPolicy = EEMUA_FLOOD) {}

  /** An alarm annunciated at `time` for `position`; returns the change it caused, if any. */
  alarm(position: string, time: number): FloodChange | undefined {
    const w = this.windows.get(position) ?? [];
    w.push(time);
    this.windows.set(position, w);
    this.expire(position, w, time);
    if (!this.flooded.has(position) && w.length > this.policy.startAbove) {
      this.flooded.add(position);
      return { position, flood: true, count: w.length, time };
    }
    return undefined;
  }

  /** Lets time pass: alarms leave the windows, floods may end. */
  advance(now: number): FloodChange[] {
    const changes: FloodChange[] = [];
    for (const [position, w] of this.windows) {
      this.expire(position, w, now);
      if (this.flooded.has(position) && w.length < this.policy.endBelow) {
        this.flooded.delete(position);
        changes.push({ position, flood: false, count: w.length, time: now });
      }
      if (w.length === 0 && !this.flooded.has(position)) this.windows.delete(position);
    }
    return changes;
  }

  count(position: string): number {
    return this.windows.get(position)?.length ?? 0;
  }

  isFlooded(position: string): boolean {
    return this.flooded.has(position);
  }

  /** The positions in flood now. */
  floods(): string[] {
    return [...this.flooded];
  }

  private expire(_position: string, w: number[], now: number): void {
    while (w.length > 0 && (w[0] ?? now) <= now - this.policy.windowMs) w.shift();
  }
}
