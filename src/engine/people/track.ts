import type { TagPosition, TrackPoint } from '../../core/index.js';

export interface TrackOptions {
  /** A new point is kept when the tag moved this far from the last kept one, m (default 1). */
  readonly minMoveM?: number;
  /** …or when this long passed since it, ms (default 30 s): a still tag still leaves a trace. */
  readonly maxGapMs?: number;
  /** Points kept per tag, oldest dropped first (default 8,640: a day at 10 s spacing). */
  readonly maxPoints?: number;
}

/**
 * Recent tracks of tags, in memory and bounded: a fix is kept only when the tag moved or time
 * passed, so 5,000 tags at 1 Hz keep a day of movement in a few hundred MB at worst (and far less
 * for people who mostly stand still). Lost at restart.
 */
export class TrackBuffer {
  private readonly tracks = new Map<string, TrackPoint[]>();
  private readonly minMoveM: number;
  private readonly maxGapMs: number;
  private readonly maxPoints: number;

  constructor(o: TrackOptions = {}) {
    this.minMoveM = o.minMoveM ?? 1;
    this.maxGapMs = o.maxGapMs ?? 30_000;
    this.maxPoints = o.maxPoints ?? 8_640;
  }

  add(p: TagPosition): void {
    let track = this.tracks.get(p.tagId);
    if (track === undefined) this.tracks.set(p.tagId, (track = []));
    const last = track.at(-1);
    const floor = p.floor ?? null;
    if (last !== undefined) {
      if (p.ts <= last.ts) return;
      const moved = Math.hypot(p.x - last.x, p.y - last.y) >= this.minMoveM || floor !== last.floor;
      if (!moved && p.ts - last.ts < this.maxGapMs) return;
    }
    track.push({ x: p.x, y: p.y, floor, ts: p.ts });
    if (track.length > this.maxPoints) track.splice(0, track.length - this.maxPoints);
  }

  /** Oldest first; undefined for a tag never seen. */
  between(tagId: string, from: number, to: number): TrackPoint[] | undefined {
    const track = this.tracks.get(tagId);
    return track?.filter((p) => p.ts >= from && p.ts <= to);
  }
}
