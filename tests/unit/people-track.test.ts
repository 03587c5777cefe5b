import { describe, expect, it } from 'vitest';
import { TrackBuffer } from '../../src/engine/people/index.js';

/** TrackBuffer: per-tag rings over typed arrays, bounded per tag and in all, evicting silent tracks. */

const S = 1000;
const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 6, 2);

/** A tag walking east 2 m a second from x = 0: every fix is kept (minMoveM 1). */
function walk(t: TrackBuffer, tagId: string, seconds: number, from = T0, floor?: string): void {
  for (let s = 0; s < seconds; s++) t.add({ tagId, x: 2 * s, y: 0, ts: from + s * S, ...(floor === undefined ? {} : { floor }) });
}

describe('TrackBuffer', () => {
  it('answers a time range oldest first, floors included, through growth of the ring', () => {
    const t = new TrackBuffer();
    walk(t, 'T1', 100, T0, '-350m level');
    t.add({ tagId: 'T1', x: 500, y: 0, ts: T0 + 100 * S });
    expect(t.between('T1', T0 + 10 * S, T0 + 12 * S)).toEqual([
      { x: 20, y: 0, floor: '-350m level', ts: T0 + 10 * S },
      { x: 22, y: 0, floor: '-350m level', ts: T0 + 11 * S },
      { x: 24, y: 0, floor: '-350m level', ts: T0 + 12 * S },
    ]);
    expect(t.between('T1', T0 + 99.5 * S, Infinity)).toEqual([{ x: 500, y: 0, floor: null, ts: T0 + 100 * S }]);
    expect(t.between('T1', 0, T0 - 1)).toEqual([]);
    expect(t.between('T1', 0, Infinity)?.map((p) => p.ts)).toEqual(Array.from({ length: 101 }, (_, s) => T0 + s * S));
    expect(t.between('nobody', 0, Infinity)).toBeUndefined();
  });

  it('keeps the newest maxPoints per tag in order once the ring wraps', () => {
    const t = new TrackBuffer({ maxPoints: 50 });
    walk(t, 'T1', 137);
    const ts = t.between('T1', 0, Infinity)?.map((p) => (p.ts - T0) / S);
    expect(ts).toEqual(Array.from({ length: 50 }, (_, i) => 87 + i));
    expect(t.between('T1', T0 + 100 * S, T0 + 102 * S)?.map((p) => p.x)).toEqual([200, 202, 204]);
    expect(t.stats()).toEqual({ tags: 1, points: 50, bytes: 50 * 26 + 1_000 });
  });

  it('reports its size: points and the bytes of its typed arrays (26 a point, capacity doubling from 2) and about 1 kB a tag', () => {
    const t = new TrackBuffer();
    walk(t, 'A', 100);
    walk(t, 'B', 10);
    walk(t, 'C', 1);
    expect(t.stats()).toEqual({ tags: 3, points: 111, bytes: (128 + 16 + 2) * 26 + 3 * 1_000 });
  });

  it('evictSilent drops the tracks whose newest point is older than the retention (24 h by default)', () => {
    const t = new TrackBuffer();
    walk(t, 'gone', 10, T0 - 25 * H);
    walk(t, 'quiet', 10, T0 - 2 * H);
    walk(t, 'here', 10, T0);
    expect(t.evictSilent(T0)).toBe(1);
    expect(t.between('gone', 0, Infinity)).toBeUndefined();
    expect(t.evictSilent(T0, H)).toBe(1);
    expect(t.stats()).toMatchObject({ tags: 1, points: 10 });
  });

  it('evictSilent counts from when the gateway last took a fix, not from the clock of the tag', () => {
    const t = new TrackBuffer({ retentionMs: H });
    // A tag whose clock runs two hours late, reporting now; one whose clock runs ahead, silent for 2 h.
    t.add({ tagId: 'late-clock', x: 0, y: 0, ts: T0 - 2 * H }, T0);
    t.add({ tagId: 'ahead-clock', x: 0, y: 0, ts: T0 + H }, T0 - 2 * H);
    expect(t.evictSilent(T0)).toBe(1);
    expect(t.between('late-clock', 0, Infinity)).toHaveLength(1);
    expect(t.between('ahead-clock', 0, Infinity)).toBeUndefined();
  });

  it('past maxTotalPoints drops the tracks of the longest-silent tags first', () => {
    const t = new TrackBuffer({ maxTotalPoints: 100 });
    walk(t, 'oldest', 40, T0);
    walk(t, 'older', 40, T0 + 100 * S);
    walk(t, 'recent', 15, T0 + 200 * S);
    expect(t.stats().points).toBe(95);
    walk(t, 'new', 10, T0 + 300 * S);
    // 105 > 100: 'oldest' goes (65 ≤ 95, the low-water mark).
    expect(t.between('oldest', 0, Infinity)).toBeUndefined();
    expect(t.stats()).toMatchObject({ tags: 3, points: 65 });
  });

  it('drops a fix not newer than the last, unless the clock went back past the reorder window', () => {
    const t = new TrackBuffer();
    t.add({ tagId: 'T', x: 0, y: 0, ts: T0 });
    t.add({ tagId: 'T', x: 5, y: 0, ts: T0 + 300 * S }, T0);
    // Older stamps: dropped without the gateway time, and within 10 s of the last accepted fix.
    t.add({ tagId: 'T', x: 10, y: 0, ts: T0 + S });
    t.add({ tagId: 'T', x: 10, y: 0, ts: T0 + 2 * S }, T0 + 9 * S);
    expect(t.between('T', 0, Infinity)?.map((p) => p.x)).toEqual([0, 5]);
    // Past the window the device clock is believed: the point stamped ahead goes.
    t.add({ tagId: 'T', x: 20, y: 0, ts: T0 + 10 * S }, T0 + 10 * S);
    t.add({ tagId: 'T', x: 30, y: 0, ts: T0 + 11 * S }, T0 + 11 * S);
    expect(t.between('T', 0, Infinity)?.map((p) => [p.x, (p.ts - T0) / S])).toEqual([[0, 0], [20, 10], [30, 11]]);
    expect(t.stats().points).toBe(3);
  });

  it('ignores fixes whose coordinates are not numbers', () => {
    const t = new TrackBuffer();
    t.add({ tagId: 'T', x: Number.NaN, y: 0, ts: T0 });
    expect(t.between('T', 0, Infinity)).toBeUndefined();
  });
});
