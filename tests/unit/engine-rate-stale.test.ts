import { describe, expect, it } from 'vitest';
import type { RateRule, StaleRule } from '../../src/core/index.js';
import { MonotonicWindow } from '../../src/engine/index.js';
import { engineFor, expand, runSeries, sample, T0 } from './engine-fixtures.js';

function rate(extra: Partial<RateRule>): RateRule {
  return { id: 'rate', kind: 'rate', select: { points: ['GT-101'] }, windowMs: 5000, priority: 3, ...extra };
}

describe('rate condition', () => {
  const cases: ReadonlyArray<readonly [string, Partial<RateRule>, string, string]> = [
    ['rise against the window minimum', { rise: 10 }, '10 12 15 21 22', '- - - RISE RISE'],
    // t=6 s evicts the 10 of t=0 (ts < 6000 - 5000) and t=1 s's 12 stays: 22 - 12 = 10 is still RISE;
    // t=7 s evicts the 12, min is 15: 22 - 15 = 7 returns to normal.
    ['window eviction by sample time', { rise: 10 }, '10 12 15 21 22 22 22 22', '- - - RISE RISE RISE RISE -'],
    ['fall against the window maximum', { fall: 10 }, '50 48 45 39 39', '- - - FALL FALL'],
    ['a slow rise never alarms (5 per window)', { rise: 10 }, '10 11 12 13 14 15 16 17 18', '-x9'],
    ['bad samples stay out of the window', { rise: 10 }, '20 !0 25 !100', '- - - -'],
    ['uncertain samples count', { rise: 10 }, '20 ~31', '- RISE'],
    ['RISE wins when both hold', { rise: 5, fall: 5 }, '10 0 10', '- FALL RISE'],
  ];

  it.each(cases)('%s', (_name, extra, series, expected) => {
    const engine = engineFor(rate(extra));
    expect(runSeries(engine, 'GT-101', 'rate/GT-101', series).levels).toEqual(expand(expected));
  });

  it('ignores a sample older than the newest one', () => {
    const engine = engineFor(rate({ rise: 10 }));
    engine.evaluate(sample('GT-101', 20, T0 + 2000));
    expect(engine.evaluate(sample('GT-101', 0, T0 + 1000))).toHaveLength(0);
    expect(engine.evaluate(sample('GT-101', 25, T0 + 3000))).toHaveLength(0);
  });

  it('reports the rise limit and the window in the default message', () => {
    const { results } = runSeries(engineFor(rate({ rise: 10, windowMs: 60_000 })), 'GT-101', 'rate/GT-101', '10 25');
    expect(results[0]?.message).toBe('GT-101 RISE 25 %LEL (rise ≥ 10 within 60 s)');
  });
});

describe('MonotonicWindow', () => {
  it('keeps the exact min and max of a random walk through growth and eviction', () => {
    const lows = new MonotonicWindow('min', 2);
    const highs = new MonotonicWindow('max', 2);
    const kept: Array<[number, number]> = [];
    let x = 50;
    let seed = 42;
    for (let t = 0; t < 2000; t++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31; // a seeded LCG: a reproducible, non-periodic walk
      x += (seed % 21) - 10;
      lows.push(t, x);
      highs.push(t, x);
      kept.push([t, x]);
      const cutoff = t - 40;
      lows.evictBefore(cutoff);
      highs.evictBefore(cutoff);
      const inWindow = kept.filter(([ts]) => ts >= cutoff).map(([, v]) => v);
      expect([lows.front(), highs.front()]).toEqual([Math.min(...inWindow), Math.max(...inWindow)]);
    }
  });

  it('is NaN when empty', () => {
    const w = new MonotonicWindow('min');
    w.push(1, 5);
    w.evictBefore(2);
    expect(w.front()).toBeNaN();
    expect(w.length).toBe(0);
  });
});

describe('stale condition', () => {
  const stale: StaleRule = { id: 'stale', kind: 'stale', select: { points: ['GT-101'] }, afterMs: 5000, priority: 4 };

  it('goes STALE on tick when a point never reported since engine start', () => {
    const engine = engineFor(stale);
    expect(engine.tick(T0 + 4999)).toHaveLength(0);
    const [result] = engine.tick(T0 + 5000);
    expect(result).toMatchObject({ level: 'STALE', priority: 4, value: null, time: T0 + 5000 });
    expect(result?.message).toBe('GT-101 STALE: no good data for 5 s (last no value)');
  });

  it('emits STALE once, then returns to normal on the next good sample', () => {
    const engine = engineFor(stale);
    engine.evaluate(sample('GT-101', 19.2, T0 + 1000));
    expect(engine.tick(T0 + 5999)).toHaveLength(0);
    expect(engine.tick(T0 + 6000)).toMatchObject([{ level: 'STALE', value: 19.2 }]);
    expect(engine.tick(T0 + 9000)).toHaveLength(0);
    const back = engine.evaluate(sample('GT-101', 19.5, T0 + 9500));
    expect(back).toMatchObject([{ level: null, priority: 4, message: 'GT-101 back to normal (19.5 %LEL)' }]);
  });

  it('judges by receive time, not source time', () => {
    const engine = engineFor(stale);
    // A device with a clock an hour behind still proves the point alive.
    engine.evaluate({ ...sample('GT-101', 1, T0 - 3_600_000), rts: T0 + 4000 });
    expect(engine.tick(T0 + 8999)).toHaveLength(0);
    expect(engine.tick(T0 + 9000)).toHaveLength(1);
  });

  it('is not refreshed by bad samples, but by uncertain ones', () => {
    const engine = engineFor(stale);
    engine.evaluate(sample('GT-101', 1, T0 + 1000));
    engine.evaluate(sample('GT-101', 1, T0 + 4000, 'bad'));
    expect(engine.tick(T0 + 6000)).toMatchObject([{ level: 'STALE' }]);
    expect(engine.evaluate(sample('GT-101', 1, T0 + 6500, 'bad'))).toHaveLength(0);
    expect(engine.evaluate(sample('GT-101', 1, T0 + 7000, 'uncertain'))).toMatchObject([{ level: null }]);
  });
});
