import { describe, expect, it } from 'vitest';
import type { PeopleSettings, TagPosition, ZoneSpec } from '../../src/core/index.js';
import { maxCircleCover, PeopleMonitor, type PeopleAlarm } from '../../src/engine/people/index.js';

/** Crowd gathering (MEM 2023: N people within a 15 m circle for more than 1 min in warning zones). */

const S = 1000;
const T0 = Date.UTC(2025, 0, 6, 2);

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

const ZONES: ZoneSpec[] = [
  { id: 'unit-1', name: 'Alkylation unit', kind: 'warning', colour: 'red', polygon: rect(0, 0, 200, 200) },
  { id: 'rack', kind: 'warning', colour: 'yellow', polygon: rect(300, 0, 400, 200), crowd: { minPeople: 3, radiusM: 10, forMs: 30 * S } },
  { id: 'canteen', kind: 'general', polygon: rect(500, 0, 600, 100) },
];
/** Entry at the first fix inside: the times below count from the first second (debounce: people-entry.test.ts). */
const SETTINGS: PeopleSettings = { crowdByColour: { red: { minPeople: 5 } }, enterAfterMs: 0 };

/** Positions of n people around (cx, cy), at most `spread` m from it. */
function ring(n: number, cx: number, cy: number, spread: number, t: number, prefix = 'W'): TagPosition[] {
  return Array.from({ length: n }, (_, i) => ({
    tagId: `${prefix}${i}`,
    x: cx + spread * Math.cos((2 * Math.PI * i) / n),
    y: cy + spread * Math.sin((2 * Math.PI * i) / n),
    ts: t,
  }));
}

/** Feeds the fixes at `t` then ticks; the alarm changes of both. */
function second(m: PeopleMonitor, fixes: readonly TagPosition[], t: number): PeopleAlarm[] {
  const out: PeopleAlarm[] = [];
  for (const f of fixes) out.push(...m.position({ ...f, ts: t }, t).alarms);
  return [...out, ...m.tick(t)];
}

const crowdOnly = (alarms: readonly PeopleAlarm[]): string[] => alarms.filter((a) => a.rule === 'crowd').map((a) => `${a.conditionId} ${a.level ?? 'normal'} p${a.priority}`);

describe('crowd gathering in a monitor', () => {
  it('raises after more than 60 s of 5 people within 15 m in a red zone, at red priority, and clears when they disperse', () => {
    const m = new PeopleMonitor({ zones: ZONES, settings: SETTINGS });
    const group = ring(5, 100, 100, 12, T0);
    let first: PeopleAlarm | undefined;
    for (let s = 0; s <= 61; s++) {
      const alarms = second(m, group, T0 + s * S);
      if (s <= 60) expect(crowdOnly(alarms), `${s} s`).toEqual([]);
      else first = alarms.find((a) => a.rule === 'crowd');
    }
    expect(first?.conditionId).toBe('crowd/unit-1');
    expect(first?.level).toBe('CROWD');
    expect(first?.priority).toBe(1);
    expect(first?.value).toBe(5);
    expect(first?.people.map((p) => p.tagId)).toEqual(['W0', 'W1', 'W2', 'W3', 'W4']);
    expect(first?.message).toContain('5 people within 15 m for 1 min 1 s (threshold 5)');
    expect(crowdOnly(second(m, group, T0 + 62 * S))).toEqual([]);
    const dispersed = group.map((f, i) => ({ ...f, x: 20 + i * 35 }));
    expect(crowdOnly(second(m, dispersed, T0 + 63 * S))).toEqual(['crowd/unit-1 normal p1']);
  });

  it('never raises for a gathering of less than 60 s, and a new gathering starts its time again', () => {
    const m = new PeopleMonitor({ zones: ZONES, settings: SETTINGS });
    const group = ring(6, 50, 50, 8, T0);
    const apart = group.map((f, i) => ({ ...f, x: 10 + i * 31 }));
    const seen: string[] = [];
    for (let s = 0; s < 50; s++) seen.push(...crowdOnly(second(m, group, T0 + s * S)));
    for (let s = 50; s < 55; s++) seen.push(...crowdOnly(second(m, apart, T0 + s * S)));
    for (let s = 55; s <= 115; s++) seen.push(...crowdOnly(second(m, group, T0 + s * S)));
    expect(seen).toEqual([]);
    expect(crowdOnly(second(m, group, T0 + 116 * S))).toEqual(['crowd/unit-1 CROWD p1']);
  });

  it('counts only people inside the zone, and four in a red zone are no crowd', () => {
    const m = new PeopleMonitor({ zones: ZONES, settings: SETTINGS });
    // Six people within 15 m of (200, 100), half of them just outside the zone's east edge (x > 201).
    const straddling = ring(6, 203, 100, 9, T0);
    const four = ring(4, 60, 60, 3, T0, 'F');
    const seen: string[] = [];
    for (let s = 0; s <= 120; s++) seen.push(...crowdOnly(second(m, [...straddling, ...four], T0 + s * S)));
    expect(seen).toEqual([]);
    expect(m.state.headcount('unit-1')).toBe(7);
  });

  it('uses a zone threshold over its colour, and leaves zones without a threshold unwatched', () => {
    const m = new PeopleMonitor({ zones: ZONES, settings: SETTINGS });
    const rack = ring(3, 350, 100, 9, T0, 'R');
    const canteen = ring(30, 550, 50, 5, T0, 'C');
    const seen: string[] = [];
    for (let s = 0; s <= 31; s++) seen.push(...crowdOnly(second(m, [...rack, ...canteen], T0 + s * S)));
    expect(seen).toEqual(['crowd/rack CROWD p3']);
  });

  it('holds an active crowd while one person stands on the rim (hysteresis, 3 m by default) and ends it when the group is wider', () => {
    const m = new PeopleMonitor({ zones: ZONES, settings: SETTINGS });
    const tight = ring(5, 100, 100, 14.5, T0);
    for (let s = 0; s <= 61; s++) second(m, tight, T0 + s * S);
    expect(m.active().map((f) => f.conditionId)).toEqual(['crowd/unit-1']);
    // Smallest enclosing circle now 17.5 m (over 15, within 15 + 3 m): still the same crowd.
    const wider = ring(5, 100, 100, 17.5, T0);
    expect(crowdOnly(second(m, wider, T0 + 62 * S))).toEqual([]);
    const tooWide = ring(5, 100, 100, 18.5, T0);
    expect(crowdOnly(second(m, tooWide, T0 + 63 * S))).toEqual(['crowd/unit-1 normal p1']);
    // Back to 17.5 m: not a crowd any more (15 m for a new one).
    expect(crowdOnly(second(m, wider, T0 + 200 * S))).toEqual([]);
  });

  it('leaves out tags gone silent (their last fix is not a person standing there)', () => {
    const m = new PeopleMonitor({ zones: ZONES, settings: { ...SETTINGS, offlineAfterMs: 30 * S } });
    const group = ring(5, 100, 100, 5, T0);
    second(m, group, T0);
    const seen: string[] = [];
    for (let s = 1; s <= 90; s++) seen.push(...crowdOnly(second(m, group.slice(0, 4), T0 + s * S)));
    expect(seen).toEqual([]);
  });
});

/** The oracle: every candidate centre (each point, and the two centres through each pair of points ≤ 2r apart). */
function bruteForceCover(xs: readonly number[], ys: readonly number[], r: number): number {
  const n = xs.length;
  const count = (cx: number, cy: number): number => xs.filter((x, i) => Math.hypot(x - cx, (ys[i] as number) - cy) <= r + 1e-7).length;
  let best = n === 0 ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const [xi, yi] = [xs[i] as number, ys[i] as number];
    best = Math.max(best, count(xi, yi));
    for (let j = i + 1; j < n; j++) {
      const [xj, yj] = [xs[j] as number, ys[j] as number];
      const d = Math.hypot(xj - xi, yj - yi);
      if (d > 2 * r || d === 0) continue;
      const [mx, my] = [(xi + xj) / 2, (yi + yj) / 2];
      const h = Math.sqrt(Math.max(0, r * r - (d / 2) ** 2));
      const [ux, uy] = [-(yj - yi) / d, (xj - xi) / d];
      best = Math.max(best, count(mx + h * ux, my + h * uy), count(mx - h * ux, my - h * uy));
    }
  }
  return best;
}

/** A small seeded generator, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('max points in a circle of radius r', () => {
  it('matches the brute-force oracle on random clouds', () => {
    const rand = lcg(20250106);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rand() * 60);
      const side = 10 + rand() * 150;
      const r = 2 + rand() * 20;
      // Some clouds clustered (a crowd), some uniform.
      const clustered = trial % 3 === 0;
      const xs = Array.from({ length: n }, () => (clustered ? side / 2 + (rand() - 0.5) * r * 3 : rand() * side));
      const ys = Array.from({ length: n }, () => (clustered ? side / 2 + (rand() - 0.5) * r * 3 : rand() * side));
      const cover = maxCircleCover(xs, ys, r);
      const expected = bruteForceCover(xs, ys, r);
      expect(cover.count, `trial ${trial}: n=${n} r=${r}`).toBe(expected);
      expect(cover.members.length, `trial ${trial} members`).toBe(expected);
      for (const i of cover.members) expect(Math.hypot((xs[i] as number) - cover.cx, (ys[i] as number) - cover.cy)).toBeLessThanOrEqual(r + 1e-6);
    }
  });

  it('handles the edge cases: nothing, one point, people on the same spot, points exactly 2r apart', () => {
    expect(maxCircleCover([], [], 15).count).toBe(0);
    expect(maxCircleCover([3], [4], 15)).toMatchObject({ count: 1, members: [0] });
    expect(maxCircleCover([1, 1, 1, 1, 90], [2, 2, 2, 2, 2], 15).count).toBe(4);
    expect(maxCircleCover([0, 30, 60, 90], [0, 0, 0, 0], 15).count).toBe(2);
    expect(maxCircleCover([0, 30.001, 60.002], [0, 0, 0], 15).count).toBe(1);
    // A crowd in a ring of radius 14.9 around (500, 500) plus scattered people: all the ring.
    const xs = [...Array.from({ length: 12 }, (_, i) => 500 + 14.9 * Math.cos(i)), 400, 600, 470];
    const ys = [...Array.from({ length: 12 }, (_, i) => 500 + 14.9 * Math.sin(i)), 400, 600, 470];
    const cover = maxCircleCover(xs, ys, 15);
    expect(cover.count).toBe(12);
    expect(cover.members).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('works on negative coordinates and a large sparse site', () => {
    const rand = lcg(7);
    const xs = Array.from({ length: 40 }, () => -5_000 + rand() * 10_000);
    const ys = Array.from({ length: 40 }, () => -5_000 + rand() * 10_000);
    xs.push(-4321, -4322, -4330);
    ys.push(-1234, -1240, -1236);
    expect(maxCircleCover(xs, ys, 15).count).toBe(bruteForceCover(xs, ys, 15));
    expect(maxCircleCover(xs, ys, 15).count).toBeGreaterThanOrEqual(3);
  });
});
