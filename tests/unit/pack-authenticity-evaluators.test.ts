import { describe, expect, it } from 'vitest';
import type { DropToZeroRule, FlatlineRule, MirrorRule, Point, QualityLevel, RuleSpec, Sample, TimeBackwardsRule } from '../../src/core/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { MirrorWindows } from '../../src/engine/packs/authenticity/mirror-windows.js';
import { point, T0 } from './engine-fixtures.js';

/**
 * The Data authenticity pack's evaluators through the real engine, on fake time: every sample
 * carries its receive time (`rts`) and source time (`ts`) explicitly; time passes by `tick(now)`.
 */

function reading(pointId: string, value: number, rts: number, extra: { ts?: number; quality?: QualityLevel; tsSource?: Sample['tsSource'] } = {}): Sample {
  return { pointId, value, quality: { level: extra.quality ?? 'good' }, ts: extra.ts ?? rts, rts, tsSource: extra.tsSource ?? 'device' };
}

const s = (n: number): number => T0 + n * 1000;

/** Feeds readings and returns the level of `conditionId` after each (`-` for normal). */
function levels(engine: RuleEngine, conditionId: string, samples: readonly Sample[]): string[] {
  return samples.map((x) => {
    engine.evaluate(x);
    return engine.levelOf(conditionId) ?? '-';
  });
}

function flatline(extra: Partial<FlatlineRule> = {}): FlatlineRule {
  return { id: 'flat', kind: 'flatline', select: { match: { kind: 'gas' } }, forMs: 60_000, tolerance: 0, priority: 3, ...extra };
}

describe('flatline', () => {
  const gt = point('GT-1', { range: [0, 100] });

  it('raises FLATLINE after `for` of exactly constant good readings, by receive time, and clears at the first change', () => {
    const engine = new RuleEngine([gt], [flatline()], T0);
    const got = levels(engine, 'flat/GT-1', [reading('GT-1', 12, s(0)), reading('GT-1', 12, s(30)), reading('GT-1', 12, s(59)), reading('GT-1', 12, s(60)), reading('GT-1', 12.1, s(61))]);
    expect(got).toEqual(['-', '-', '-', 'FLATLINE', '-']);
  });

  it('measures the run on the gateway clock, not the source clock', () => {
    const engine = new RuleEngine([gt], [flatline()], T0);
    // A backlog stamped a minute apart that arrived within 2 s is no minute of flat data.
    const got = levels(engine, 'flat/GT-1', [reading('GT-1', 12, s(0), { ts: s(-60) }), reading('GT-1', 12, s(2), { ts: s(0) })]);
    expect(got).toEqual(['-', '-']);
  });

  it('counts readings within ±tolerance of the run start as unchanged, and restarts the run beyond it', () => {
    const engine = new RuleEngine([gt], [flatline({ tolerance: 0.2 })], T0);
    const got = levels(engine, 'flat/GT-1', [reading('GT-1', 12, s(0)), reading('GT-1', 12.2, s(30)), reading('GT-1', 11.8, s(60)), reading('GT-1', 12.3, s(70)), reading('GT-1', 12.3, s(120)), reading('GT-1', 12.3, s(130))]);
    expect(got).toEqual(['-', '-', 'FLATLINE', '-', '-', 'FLATLINE']);
  });

  it('never judges readings below the ignore limit: absolute, % of span, or the point attribute', () => {
    const o2 = point('GT-1', { range: [0, 200] });
    const quiet = [reading('GT-1', 9, s(0)), reading('GT-1', 9, s(90))];
    expect(levels(new RuleEngine([o2], [flatline({ ignoreBelow: 10 })], T0), 'flat/GT-1', quiet)).toEqual(['-', '-']);
    // 5 % of a 0-200 span is 10: 9 is in the zero band.
    expect(levels(new RuleEngine([o2], [flatline({ ignoreBelowPct: 5 })], T0), 'flat/GT-1', quiet)).toEqual(['-', '-']);
    expect(levels(new RuleEngine([o2], [flatline({ ignoreBelowPct: 4 })], T0), 'flat/GT-1', quiet)).toEqual(['-', 'FLATLINE']);
    // A head whose noise floor is known: the attribute wins over the rule.
    const known = point('GT-1', { range: [0, 200], attrs: { flatlineIgnoreBelow: '0' } });
    expect(levels(new RuleEngine([known], [flatline({ ignoreBelowPct: 5 })], T0), 'flat/GT-1', [reading('GT-1', 0, s(0)), reading('GT-1', 0, s(90))])).toEqual(['-', 'FLATLINE']);
  });

  it('clears when the reading falls into the ignore band', () => {
    const engine = new RuleEngine([gt], [flatline({ ignoreBelow: 5 })], T0);
    expect(levels(engine, 'flat/GT-1', [reading('GT-1', 12, s(0)), reading('GT-1', 12, s(60)), reading('GT-1', 0, s(61))])).toEqual(['-', 'FLATLINE', '-']);
  });

  it('an uncertain or bad reading breaks a run without moving the level; an active one resumes only on the held value', () => {
    const engine = new RuleEngine([gt], [flatline()], T0);
    const broken = levels(engine, 'flat/GT-1', [reading('GT-1', 12, s(0)), reading('GT-1', 0, s(30), { quality: 'uncertain' }), reading('GT-1', 12, s(31)), reading('GT-1', 12, s(60)), reading('GT-1', 12, s(91))]);
    expect(broken).toEqual(['-', '-', '-', '-', 'FLATLINE']);
    const held = levels(engine, 'flat/GT-1', [reading('GT-1', 12, s(100), { quality: 'bad' }), reading('GT-1', 12, s(101)), reading('GT-1', 0, s(102), { quality: 'bad' }), reading('GT-1', 13, s(103))]);
    expect(held).toEqual(['FLATLINE', 'FLATLINE', 'FLATLINE', '-']);
  });

  it('after a restart (seeded FLATLINE) the first reading is taken as the held value', () => {
    const engine = new RuleEngine([gt], [flatline()], T0);
    expect(engine.seed('flat/GT-1', 'FLATLINE')).toBe(true);
    expect(engine.seed('flat/GT-1', 'HH')).toBe(false);
    expect(levels(engine, 'flat/GT-1', [reading('GT-1', 12, s(0)), reading('GT-1', 12, s(10)), reading('GT-1', 12.5, s(20))])).toEqual(['FLATLINE', 'FLATLINE', '-']);
  });

  it('makes no condition for a discrete point', () => {
    const engine = new RuleEngine([gt, point('XV-1', { type: 'boolean' })], [flatline()], T0);
    expect(engine.conditionIds()).toEqual(['flat/GT-1']);
  });

  it('names the held value and the time in its message, and the template fills in for an alarm only', () => {
    const engine = new RuleEngine([gt], [flatline({ tolerance: 0.5 })], T0);
    engine.evaluate(reading('GT-1', 8.25, s(0)));
    const [up] = engine.evaluate(reading('GT-1', 8.5, s(60)));
    expect(up?.message).toBe('GT-1 FLATLINE: 8.25 %LEL unchanged within ±0.5 %LEL for 1 min (a stuck or frozen signal)');
    const templated = new RuleEngine([gt], [flatline({ message: '{name} frozen at {value} {unit}' })], T0);
    templated.evaluate(reading('GT-1', 3, s(0)));
    expect(templated.evaluate(reading('GT-1', 3, s(60)))[0]?.message).toBe('GT-1 frozen at 3 %LEL');
    expect(templated.evaluate(reading('GT-1', 4, s(61)))[0]?.message).toBe('GT-1 back to normal (4 %LEL)');
  });
});

function backwards(extra: Partial<TimeBackwardsRule> = {}): TimeBackwardsRule {
  return { id: 'clock', kind: 'time-backwards', select: { match: {} }, toleranceMs: 1000, clearAfter: { samples: 3 }, priority: 3, ...extra };
}

describe('time-backwards', () => {
  const tt = point('TT-1', { kind: 'temperature', unit: '°C' });

  it('raises on a step back beyond the tolerance and clears after N samples in a row that go forward', () => {
    const engine = new RuleEngine([tt], [backwards()], T0);
    const at = (rts: number, ts: number): Sample => reading('TT-1', 20, s(rts), { ts: s(ts) });
    const got = levels(engine, 'clock/TT-1', [at(0, 10), at(1, 9.5), at(2, 8), at(3, 8.5), at(4, 9), at(5, 3), at(6, 4), at(7, 4), at(8, 5)]);
    // 9.5 after 10: inside 1 s. 8 after 9.5: back 1.5 s. A second step back (3 after 9) starts the count again; equal times go forward.
    expect(got).toEqual(['-', '-', 'TIME_BACKWARDS', 'TIME_BACKWARDS', 'TIME_BACKWARDS', 'TIME_BACKWARDS', 'TIME_BACKWARDS', 'TIME_BACKWARDS', '-']);
  });

  it('clears on time alone (gateway clock) when asked to, and ticks only then', () => {
    const onSamples = new RuleEngine([tt], [backwards()], T0);
    expect(onSamples.tick(s(10_000))).toEqual([]);
    const engine = new RuleEngine([tt], [backwards({ clearAfter: { timeMs: 60_000 } })], T0);
    levels(engine, 'clock/TT-1', [reading('TT-1', 20, s(0), { ts: s(10) }), reading('TT-1', 20, s(1), { ts: s(5) })]);
    expect(engine.tick(s(60))).toEqual([]);
    const [cleared] = engine.tick(s(61));
    expect(cleared).toMatchObject({ conditionId: 'clock/TT-1', level: null, message: 'TT-1 back to normal: source time moving forward again' });
  });

  it('skips samples the gateway stamped itself (no source time), of any quality otherwise', () => {
    const engine = new RuleEngine([tt], [backwards()], T0);
    const got = levels(engine, 'clock/TT-1', [reading('TT-1', 20, s(0), { ts: s(10) }), reading('TT-1', 20, s(1), { ts: s(1), tsSource: 'gateway' }), reading('TT-1', 20, s(2), { ts: s(2), quality: 'bad' })]);
    expect(got).toEqual(['-', '-', 'TIME_BACKWARDS']);
  });

  it('says how far and between which source times', () => {
    const engine = new RuleEngine([tt], [backwards()], T0);
    engine.evaluate(reading('TT-1', 20, s(0), { ts: Date.UTC(2025, 0, 1, 8, 0, 30) }));
    const [r] = engine.evaluate(reading('TT-1', 20, s(1), { ts: Date.UTC(2025, 0, 1, 7, 0, 30) }));
    expect(r).toMatchObject({ level: 'TIME_BACKWARDS', message: 'TT-1 TIME_BACKWARDS: source time went back 60 min (2025-01-01T07:00:30.000Z after 2025-01-01T08:00:30.000Z)' });
  });
});

function dropout(extra: Partial<DropToZeroRule> = {}): DropToZeroRule {
  return { id: 'drop', kind: 'drop-to-zero', select: { match: { kind: 'gas' } }, fromPct: 10, toPct: 1, withinMs: 10_000, neighbourPct: 5, neighbourMaxAgeMs: 60_000, groupBy: 'area', priority: 2, ...extra };
}

describe('drop-to-zero', () => {
  const pts = ['GT-1', 'GT-2', 'GT-3'].map((id) => point(id, { range: [0, 100], area: 'dike' }));

  function engineOf(rule = dropout(), points: readonly Point[] = pts): RuleEngine {
    return new RuleEngine(points, [rule], T0);
  }

  it('raises DROPOUT on a fast fall to zero while a neighbour reads gas, and names both', () => {
    const engine = engineOf();
    engine.evaluate(reading('GT-2', 14, s(0)));
    engine.evaluate(reading('GT-1', 20, s(1)));
    const [r] = engine.evaluate(reading('GT-1', 0.5, s(4)));
    expect(r).toMatchObject({ conditionId: 'drop/GT-1', pointId: 'GT-1', level: 'DROPOUT', value: 0.5, priority: 2, message: 'GT-1 DROPOUT: fell from 20 to 0.5 %LEL in 3 s while GT-2 reads 14 %LEL (a cut cable or a tampered detector?)' });
    expect(engine.levelOf('drop/GT-2')).toBeNull();
  });

  const cases: ReadonlyArray<readonly [string, readonly Sample[], string]> = [
    ['a fall slower than `within` (gas leaving a head)', [reading('GT-2', 14, s(0)), reading('GT-1', 20, s(0)), reading('GT-1', 12, s(5)), reading('GT-1', 0, s(16))], '-'],
    ['no neighbour reading ≥ neighbourPct', [reading('GT-2', 4.9, s(0)), reading('GT-1', 20, s(0)), reading('GT-1', 0, s(1))], '-'],
    ['the neighbour\'s reading is older than neighbourMaxAge', [reading('GT-2', 30, s(0)), reading('GT-1', 20, s(60)), reading('GT-1', 0, s(61))], '-'],
    ['the neighbour\'s latest reading is bad', [reading('GT-2', 30, s(0)), reading('GT-2', 30, s(1), { quality: 'bad' }), reading('GT-1', 20, s(1)), reading('GT-1', 0, s(2))], '-'],
    ['a fall that stops above toPct', [reading('GT-2', 30, s(0)), reading('GT-1', 20, s(0)), reading('GT-1', 1.5, s(1))], '-'],
    ['the neighbour reads gas within `within` after the fall', [reading('GT-2', 3, s(0)), reading('GT-1', 20, s(0)), reading('GT-1', 0, s(1)), reading('GT-2', 9, s(3)), reading('GT-1', 0, s(5))], 'DROPOUT'],
    ['the neighbour reads gas only after `within`', [reading('GT-2', 3, s(0)), reading('GT-1', 20, s(0)), reading('GT-1', 0, s(1)), reading('GT-2', 9, s(3)), reading('GT-1', 0, s(12))], '-'],
    ['a bad reading of the detector itself moves nothing', [reading('GT-2', 30, s(0)), reading('GT-1', 20, s(0)), reading('GT-1', 0, s(1), { quality: 'bad' })], '-'],
  ];

  it.each(cases)('%s', (_name, samples, expected) => {
    const got = levels(engineOf(), 'drop/GT-1', samples);
    expect(got.at(-1)).toBe(expected);
  });

  it('clears when the detector reads again, or when no neighbour reads gas; then only a new fall raises it', () => {
    const engine = engineOf();
    const up = [reading('GT-2', 14, s(0)), reading('GT-1', 20, s(0)), reading('GT-1', 0, s(1))];
    expect(levels(engine, 'drop/GT-1', [...up, reading('GT-1', 3, s(2))])).toEqual(['-', '-', 'DROPOUT', '-']);
    const again = [reading('GT-1', 20, s(10)), reading('GT-1', 0, s(11)), reading('GT-2', 2, s(12)), reading('GT-1', 0, s(13)), reading('GT-2', 14, s(14)), reading('GT-1', 0, s(15))];
    expect(levels(engine, 'drop/GT-1', again)).toEqual(['-', 'DROPOUT', 'DROPOUT', '-', '-', '-']);
    const [down] = engine.evaluate(reading('GT-1', 20, s(20)));
    expect(down).toBeUndefined();
    const [r] = engine.evaluate(reading('GT-1', 0, s(21)));
    expect(r?.level).toBe('DROPOUT');
    expect(engine.evaluate(reading('GT-2', 2, s(22)))).toEqual([]); // decided at GT-1's readings
    expect(engine.evaluate(reading('GT-1', 0, s(23)))[0]?.message).toBe('GT-1 back to normal: no neighbour reads gas any more (0 %LEL)');
  });

  it('reads thresholds as % of each point\'s span (a 0-4 %CH4 head beside a 0-100 %LEL one)', () => {
    const ch4 = point('CH4-1', { unit: '%', range: [0, 4], area: 'face' });
    const lel = point('GT-9', { range: [0, 100], area: 'face' });
    const engine = engineOf(dropout(), [ch4, lel]);
    engine.evaluate(reading('GT-9', 6, s(0))); // 6 % of span
    engine.evaluate(reading('CH4-1', 0.5, s(0))); // 12.5 % of span
    expect(engine.evaluate(reading('CH4-1', 0.03, s(2)))[0]).toMatchObject({ level: 'DROPOUT', message: expect.stringContaining('fell from 0.5 to 0.03 % in 2 s while GT-9 reads 6 %LEL') });
  });

  it('groups by an attribute when asked, and makes no condition for a point alone in its group', () => {
    const a = point('GT-1', { range: [0, 100], area: 'x', attrs: { zone: 'z1' } });
    const b = point('GT-2', { range: [0, 100], area: 'y', attrs: { zone: 'z1' } });
    const c = point('GT-3', { range: [0, 100], area: 'x', attrs: { zone: 'z2' } });
    expect(new RuleEngine([a, b, c], [dropout({ groupBy: 'zone' })], T0).conditionIds()).toEqual(['drop/GT-1', 'drop/GT-2']);
    expect(new RuleEngine([a, b, c], [dropout()], T0).conditionIds()).toEqual(['drop/GT-1', 'drop/GT-3']);
  });

  it('restores a seeded DROPOUT and lets it clear', () => {
    const engine = engineOf();
    expect(engine.seed('drop/GT-1', 'DROPOUT')).toBe(true);
    engine.evaluate(reading('GT-2', 14, s(0)));
    expect(levels(engine, 'drop/GT-1', [reading('GT-1', 0, s(1)), reading('GT-1', 8, s(2))])).toEqual(['DROPOUT', '-']);
  });
});

function mirror(extra: Partial<MirrorRule> = {}): MirrorRule {
  return { id: 'mirror', kind: 'mirror', select: { match: { kind: 'gas' } }, samples: 5, minChanges: 2, maxLag: 2, groupBy: 'area', priority: 3, ...extra };
}

/** A seeded LCG in [0, 1): reproducible streams. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
}

describe('mirror', () => {
  it('raises MIRROR on both points of a copied stream, each naming the other, and clears when they part', () => {
    const pts = ['GT-1', 'GT-2', 'GT-3'].map((id) => point(id, { area: 'unit' }));
    const engine = new RuleEngine(pts, [mirror()], T0);
    const values = [1, 2, 3, 2, 1, 4, 5];
    const out: string[] = [];
    values.forEach((v, i) => {
      for (const r of engine.evaluate(reading('GT-1', v, s(i)))) out.push(`${i} ${r.conditionId} ${r.level ?? '-'}`);
      for (const r of engine.evaluate(reading('GT-2', v, s(i)))) out.push(`${i} ${r.conditionId} ${r.level ?? '-'} ${r.message}`);
      engine.evaluate(reading('GT-3', v + (i % 2), s(i)));
    });
    engine.evaluate(reading('GT-1', 9, s(7)));
    engine.evaluate(reading('GT-2', 8, s(7)));
    engine.evaluate(reading('GT-1', 9, s(8)));
    expect(out).toEqual(['4 mirror/GT-2 MIRROR GT-2 MIRROR: its last 5 readings equal GT-1\'s, value for value (a copied or faked feed)', '5 mirror/GT-1 MIRROR']);
    expect([engine.levelOf('mirror/GT-1'), engine.levelOf('mirror/GT-2'), engine.levelOf('mirror/GT-3')]).toEqual([null, null, null]);
  });

  it('names every twin of a point fed to several', () => {
    const pts = ['A', 'B', 'C'].map((id) => point(id, { area: 'unit' }));
    const engine = new RuleEngine(pts, [mirror()], T0);
    let last: string | undefined;
    [1, 2, 3, 2, 1].forEach((v, i) => {
      engine.evaluate(reading('A', v, s(i)));
      engine.evaluate(reading('B', v, s(i)));
      last = engine.evaluate(reading('C', v, s(i)))[0]?.message ?? last;
    });
    expect(last).toBe('C MIRROR: its last 5 readings equal A and B\'s, value for value (a copied or faked feed)');
  });

  it('sends every sample to one mirror condition, however big the area', () => {
    const pts = Array.from({ length: 200 }, (_, i) => point(`GT-${i}`, { area: 'big' }));
    const engine = new RuleEngine(pts, [mirror()], T0);
    const before = engine.stats.evaluations;
    for (let i = 0; i < 200; i++) engine.evaluate(reading(`GT-${i}`, i, s(0)));
    expect(engine.stats.evaluations - before).toBe(200);
  });

  it('does not compare points of different groups, nor discrete points', () => {
    const pts = [point('GT-1', { area: 'a' }), point('GT-2', { area: 'b' }), point('XV-1', { area: 'a', type: 'boolean' })];
    expect(new RuleEngine(pts, [mirror()], T0).conditionIds()).toEqual([]);
  });
});

describe('MirrorWindows', () => {
  /** What `twinsOf` must say, by brute force over every pair and lag. */
  function naiveTwins(history: ReadonlyMap<string, number[]>, id: string, n: number, minChanges: number, maxLag: number): string[] {
    const own = history.get(id) ?? [];
    const windowAt = (xs: number[], back: number): number[] | undefined => (xs.length - back >= n ? xs.slice(xs.length - back - n, xs.length - back) : undefined);
    const lively = (w: number[]): boolean => w.slice(1).filter((x, i) => x !== w[i]).length >= minChanges;
    const equal = (a: number[] | undefined, b: number[] | undefined): boolean => a !== undefined && b !== undefined && lively(a) && lively(b) && a.every((x, i) => x === b[i]);
    const out: string[] = [];
    for (const [other, xs] of history) {
      if (other === id) continue;
      let match = false;
      for (let lag = 0; lag <= maxLag && !match; lag++) match = equal(windowAt(own, 0), windowAt(xs, lag)) || equal(windowAt(own, lag), windowAt(xs, 0));
      if (match) out.push(other);
    }
    return out.sort();
  }

  it.each([
    [4, 1, 0],
    [6, 2, 1],
    [5, 2, 2],
    [8, 3, 3],
  ])('agrees with a brute-force comparison on random streams with copies (N=%i, minChanges=%i, maxLag=%i)', (n, minChanges, maxLag) => {
    const ids = ['P0', 'P1', 'P2', 'P3', 'P4'];
    const windows = new MirrorWindows(ids, n, minChanges, maxLag);
    const history = new Map(ids.map((id) => [id, [] as number[]]));
    const random = lcg(n * 31 + maxLag);
    let matches = 0;
    for (let step = 0; step < 3000; step++) {
      // Round robin. P0 is a source with few distinct values (so chance agreements happen too); P1
      // copies it, P2 copies P1, each with a lag that changes every phase (sometimes beyond maxLag),
      // and stop now and then; the others are independent on the same alphabet.
      const id = ids[step % ids.length] ?? 'P0';
      const phase = Math.floor(step / 200);
      const lag = phase % (maxLag + 2);
      const source = history.get(id === 'P1' ? 'P0' : 'P1') ?? [];
      const copying = (id === 'P1' && phase % 4 !== 3) || (id === 'P2' && phase % 3 === 1);
      const x = copying && source.length > lag ? (source[source.length - 1 - lag] ?? 0) : Math.floor(random() * 3) - (random() < 0.1 ? 0.5 : 0);
      windows.push(id, x);
      history.get(id)?.push(x);
      const expected = naiveTwins(history, id, n, minChanges, maxLag);
      expect(windows.twinsOf(id)).toEqual(expected);
      if (expected.length > 0) matches++;
    }
    expect(matches).toBeGreaterThan(100); // the streams really produce copies to find
  });

  it('treats -0 and 0 as the same reading', () => {
    const w = new MirrorWindows(['A', 'B'], 3, 1, 0);
    [1, 0, 2].forEach((x) => w.push('A', x));
    [1, -0, 2].forEach((x) => w.push('B', x));
    expect(w.twinsOf('B')).toEqual(['A']);
  });
});
