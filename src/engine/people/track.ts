import type { TagPosition, TrackPoint } from '../../core/index.js';
import { PEOPLE_DEFAULTS } from './settings.js';

export interface TrackOptions {
  /** A new point is kept when the tag moved this far from the last kept one, m (default 1). */
  readonly minMoveM?: number;
  /** …or when this long passed since it, ms (default 30 s): a still tag still leaves a trace. */
  readonly maxGapMs?: number;
  /** Points kept per tag, oldest dropped first (default 8,640: a day at 10 s spacing, 2.4 h of steady walking). */
  readonly maxPoints?: number;
  /** Points kept over all tags; past it the tracks of the longest-silent tags go first (default 20 million, about 520 MB). */
  readonly maxTotalPoints?: number;
  /** evictSilent's default retention, ms (default 24 h: PeopleSettings.trackRetentionMs). */
  readonly retentionMs?: number;
  /** See PeopleSettings.reorderWindowMs (default 10 s); applies when add is given the gateway time. */
  readonly reorderWindowMs?: number;
}

export interface TrackStats {
  /** Tags with a track. */
  readonly tags: number;
  /** Points kept, all tags. */
  readonly points: number;
  /**
   * Bytes they hold, estimated: the typed arrays' capacity (not just the points in use) and a
   * per-tag overhead (the four typed arrays, the ring, its map entry and the tag id: about 1 kB
   * measured on Node 20, more than a short ring's points).
   */
  readonly bytes: number;
}

/** x, y, ts as Float64 and the floor as a Uint16 index: 26 bytes a point. */
const BYTES_PER_POINT = 3 * 8 + 2;
/** Estimated bytes of one tag's ring besides its points (measured: ~1,000 on Node 20 x64). */
const BYTES_PER_TAG = 1_000;
/** A tag seen once (a visitor card, a junk id) holds two points' room: the ring doubles as it walks. */
const FIRST_CAPACITY = 2;
/** Floor index 0 is no floor; a site has a few dozen floors, names past this many are kept as none. */
const MAX_FLOORS = 0xffff;
/** Past maxTotalPoints, tracks go until the total is this share of it, so eviction is not run per point. */
const LOW_WATER = 0.95;

/** One tag's points, oldest first, in a ring over typed arrays grown by doubling up to maxPoints. */
class Ring {
  xs: Float64Array;
  ys: Float64Array;
  ts: Float64Array;
  floors: Uint16Array;
  /** Physical index of the oldest point. */
  head = 0;
  length = 0;
  /**
   * Gateway time the latest fix was taken (the fix's own time when add had no gateway time): the
   * reorder window and eviction run from it, not from the tag's clock.
   */
  acceptedAt = -Infinity;

  constructor(capacity: number) {
    this.xs = new Float64Array(capacity);
    this.ys = new Float64Array(capacity);
    this.ts = new Float64Array(capacity);
    this.floors = new Uint16Array(capacity);
  }

  get capacity(): number {
    return this.ts.length;
  }

  /** Physical index of the i-th oldest point. */
  slot(i: number): number {
    return (this.head + i) % this.capacity;
  }

  newest(): number {
    return this.slot(this.length - 1);
  }

  /** Appends; at maxPoints the oldest is overwritten. Whether the count grew. */
  push(x: number, y: number, floor: number, ts: number, maxPoints: number): boolean {
    if (this.length === this.capacity && this.capacity < maxPoints) this.grow(Math.min(this.capacity * 2, maxPoints));
    const full = this.length === this.capacity;
    const at = full ? this.head : this.slot(this.length);
    this.xs[at] = x;
    this.ys[at] = y;
    this.ts[at] = ts;
    this.floors[at] = floor;
    if (full) this.head = (this.head + 1) % this.capacity;
    else this.length++;
    return !full;
  }

  popNewest(): void {
    this.length--;
  }

  /** The first logical index whose time is ≥ t (binary search: times rise along the ring). */
  firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ts[this.slot(mid)] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private grow(capacity: number): void {
    const [head, before, n] = [this.head, this.capacity, this.length];
    const copy = <T extends Float64Array | Uint16Array>(from: T, to: T): T => {
      for (let i = 0; i < n; i++) to[i] = from[(head + i) % before] as number;
      return to;
    };
    this.xs = copy(this.xs, new Float64Array(capacity));
    this.ys = copy(this.ys, new Float64Array(capacity));
    this.ts = copy(this.ts, new Float64Array(capacity));
    this.floors = copy(this.floors, new Uint16Array(capacity));
    this.head = 0;
  }
}

/**
 * Recent tracks of tags, in memory and bounded: a fix is kept only when the tag moved or time
 * passed; each tag's points sit in a ring of typed arrays (26 bytes a point, so 5,000 tags walking
 * for an hour take about 0.5 GB rather than several GB of objects), at most maxPoints per tag and
 * maxTotalPoints in all; evictSilent drops the tracks of tags gone quiet. Lost at restart.
 */
export class TrackBuffer {
  private readonly rings = new Map<string, Ring>();
  private readonly floorIds = new Map<string, number>();
  private readonly floorNames: (string | null)[] = [null];
  private total = 0;
  private readonly minMoveM: number;
  private readonly maxGapMs: number;
  private readonly maxPoints: number;
  private readonly maxTotalPoints: number;
  private readonly retentionMs: number;
  private readonly reorderWindowMs: number;

  constructor(o: TrackOptions = {}) {
    this.minMoveM = o.minMoveM ?? 1;
    this.maxGapMs = o.maxGapMs ?? 30_000;
    this.maxTotalPoints = o.maxTotalPoints ?? 20_000_000;
    this.maxPoints = Math.max(1, Math.min(o.maxPoints ?? 8_640, this.maxTotalPoints));
    this.retentionMs = o.retentionMs ?? PEOPLE_DEFAULTS.trackRetentionMs;
    this.reorderWindowMs = o.reorderWindowMs ?? PEOPLE_DEFAULTS.reorderWindowMs;
  }

  /**
   * Takes a fix. One stamped at or before the tag's newest point is dropped, unless `now` (gateway
   * time) is given and the newest was taken reorderWindowMs ago or more: then the device clock went
   * back, it is believed, and the points stamped after it (from the wrong clock) are dropped.
   */
  add(p: TagPosition, now?: number): void {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y) || !Number.isFinite(p.ts)) return;
    let ring = this.rings.get(p.tagId);
    const floor = this.floorId(p.floor ?? null);
    if (ring !== undefined && ring.length > 0) {
      if (p.ts <= (ring.ts[ring.newest()] as number)) {
        if (now === undefined || now - ring.acceptedAt < this.reorderWindowMs || p.ts === ring.ts[ring.newest()]) return;
        while (ring.length > 0 && (ring.ts[ring.newest()] as number) >= p.ts) {
          ring.popNewest();
          this.total--;
        }
      }
      ring.acceptedAt = now ?? p.ts;
      if (ring.length > 0 && !this.worthKeeping(ring, p, floor)) return;
    }
    if (ring === undefined) this.rings.set(p.tagId, (ring = new Ring(Math.min(FIRST_CAPACITY, this.maxPoints))));
    ring.acceptedAt = now ?? p.ts;
    if (ring.push(p.x, p.y, floor, p.ts, this.maxPoints)) this.total++;
    if (this.total > this.maxTotalPoints) this.evictOverCap();
  }

  /** Oldest first; undefined for a tag never seen (or whose track was evicted). */
  between(tagId: string, from: number, to: number): TrackPoint[] | undefined {
    const ring = this.rings.get(tagId);
    if (ring === undefined) return undefined;
    const out: TrackPoint[] = [];
    for (let i = ring.firstAtOrAfter(from); i < ring.length; i++) {
      const at = ring.slot(i);
      const ts = ring.ts[at] as number;
      if (ts > to) break;
      out.push({ x: ring.xs[at] as number, y: ring.ys[at] as number, floor: this.floorNames[ring.floors[at] as number] ?? null, ts });
    }
    return out;
  }

  /**
   * Drops the tracks of tags whose latest fix was taken more than retentionMs before `now` (gateway
   * time, as given to add: a tag whose clock runs late is not evicted while it reports); how many.
   */
  evictSilent(now: number, retentionMs = this.retentionMs): number {
    let dropped = 0;
    for (const [tagId, ring] of this.rings) {
      if (ring.length > 0 && ring.acceptedAt >= now - retentionMs) continue;
      this.drop(tagId, ring);
      dropped++;
    }
    return dropped;
  }

  stats(): TrackStats {
    let bytes = 0;
    for (const ring of this.rings.values()) bytes += ring.capacity * BYTES_PER_POINT + BYTES_PER_TAG;
    return { tags: this.rings.size, points: this.total, bytes };
  }

  private worthKeeping(ring: Ring, p: TagPosition, floor: number): boolean {
    const last = ring.newest();
    const moved = Math.hypot(p.x - (ring.xs[last] as number), p.y - (ring.ys[last] as number)) >= this.minMoveM || floor !== ring.floors[last];
    return moved || p.ts - (ring.ts[last] as number) >= this.maxGapMs;
  }

  private floorId(name: string | null): number {
    if (name === null) return 0;
    const known = this.floorIds.get(name);
    if (known !== undefined || this.floorNames.length > MAX_FLOORS) return known ?? 0;
    this.floorIds.set(name, this.floorNames.length);
    this.floorNames.push(name);
    return this.floorNames.length - 1;
  }

  /** Past maxTotalPoints: drops whole tracks, longest silent (latest fix taken longest ago) first, down to the low-water mark. */
  private evictOverCap(): void {
    const bySilence = [...this.rings].sort(([, a], [, b]) => a.acceptedAt - b.acceptedAt);
    const target = Math.floor(this.maxTotalPoints * LOW_WATER);
    for (const [tagId, ring] of bySilence) {
      if (this.total <= target) break;
      this.drop(tagId, ring);
    }
  }

  private drop(tagId: string, ring: Ring): void {
    this.total -= ring.length;
    this.rings.delete(tagId);
  }
}
