import type { Point } from '../../../core/index.js';
import { spanOf } from './point-facts.js';

/** One member's latest usable reading. */
interface Entry {
  readonly point: Point;
  readonly low: number;
  readonly width: number;
  value: number;
  /** The reading as a percentage of the point's span; NaN when there is none (never read, or bad). */
  pct: number;
  /** Receive time of the reading. */
  rts: number;
  /** Whether it has given a usable reading since the gateway started. */
  heard: boolean;
}

/** A neighbour whose reading contradicts a detector at zero. */
export interface Witness {
  readonly point: Point;
  readonly value: number;
  readonly pct: number;
}

/**
 * The latest reading of every detector of one group (an area, a zone), shared by the group's
 * drop-to-zero conditions: each condition writes its own detector's readings and reads the others'
 * when its detector is at zero. One write per sample; the neighbours are scanned only then.
 */
export class NeighbourBoard {
  private readonly entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();
  /** Members that have not given a usable reading yet. */
  private unheard = 0;

  constructor(members: readonly Point[]) {
    for (const point of members) {
      const span = spanOf(point);
      if (span === undefined) continue; // the checks report a member without a range
      if (this.byId.has(point.id)) continue;
      const entry: Entry = { point, low: span.low, width: span.width, value: NaN, pct: NaN, rts: NaN, heard: false };
      this.entries.push(entry);
      this.byId.set(point.id, entry);
      this.unheard++;
    }
  }

  /** Records a usable reading; returns it as a percentage of the point's span (NaN for a non-member). */
  put(pointId: string, value: number, rts: number): number {
    const e = this.byId.get(pointId);
    if (e === undefined) return NaN;
    e.value = value;
    e.pct = ((value - e.low) / e.width) * 100;
    e.rts = rts;
    if (!e.heard) {
      e.heard = true;
      this.unheard--;
    }
    return e.pct;
  }

  /** Whether every member has given a usable reading since the gateway started. */
  allHeard(): boolean {
    return this.unheard === 0;
  }

  /** A bad reading, or none usable: the member is no evidence of anything until it reads again. */
  forget(pointId: string): void {
    const e = this.byId.get(pointId);
    if (e !== undefined) e.pct = NaN;
  }

  /** The neighbour of `self` reading the most, at least `minPct` of its span, read no longer than `maxAgeMs` before `now`. */
  strongest(self: string, minPct: number, now: number, maxAgeMs: number): Witness | undefined {
    let best: Entry | undefined;
    for (const e of this.entries) {
      if (e.point.id === self || !(e.pct >= minPct) || now - e.rts > maxAgeMs) continue;
      if (best === undefined || e.pct > best.pct) best = e;
    }
    return best === undefined ? undefined : { point: best.point, value: best.value, pct: best.pct };
  }
}
