import { describe, expect, it } from 'vitest';
import { downsample } from '../../src/console/lib/trend-downsample.js';
import { linePaths } from '../../src/console/lib/trend-path.js';
import { formatTick, formatTickValue, linear, niceStep, niceTicks, tickLabelKind, timeStep, timeTicks, valueDomain } from '../../src/console/lib/trend-scale.js';
import { gapThreshold, LiveSeries, lowerBound, medianInterval, nearest, seriesFromColumns, stats, type Series } from '../../src/console/lib/trend-series.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 29, 0, 0, 0);

function series(values: readonly (number | null)[], step = 1000, start = T0, quality: Readonly<Record<string, 'uncertain' | 'bad'>> = {}): Series {
  return seriesFromColumns({ ts: values.map((_, i) => start + i * step), value: values, quality });
}

describe('nice value ticks', () => {
  it('steps are 1, 2, 2.5 or 5 × 10^k', () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(1.3)).toBe(2);
    expect(niceStep(2.2)).toBe(2.5);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(7)).toBe(10);
    expect(niceStep(0.013)).toBeCloseTo(0.02);
    expect(niceStep(0)).toBe(1);
  });
  it('cover the data on whole steps, without float noise', () => {
    const t = niceTicks(0.1, 0.95, 5);
    expect(t.min).toBe(0);
    expect(t.max).toBe(1);
    expect(t.ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const n = niceTicks(-3.2, 47, 5);
    expect(n.ticks[0]).toBeLessThanOrEqual(-3.2);
    expect(n.ticks[n.ticks.length - 1]).toBeGreaterThanOrEqual(47);
    expect(n.ticks.length).toBeLessThanOrEqual(7);
  });
  it('a flat line or junk still gets a domain', () => {
    expect(niceTicks(5, 5).ticks.length).toBeGreaterThan(1);
    expect(niceTicks(0, 0).ticks.length).toBeGreaterThan(1);
    expect(niceTicks(Number.NaN, 3).ticks).toEqual(niceTicks(0, 1).ticks);
    expect(niceTicks(10, 0).min).toBe(0);
  });
  it('formats tick values without noise', () => {
    expect(formatTickValue(0.1 + 0.2)).toBe('0.3');
    expect(formatTickValue(1500)).toBe('1500');
  });
});

describe('value domain', () => {
  it('is the configured range, widened to the data', () => {
    expect(valueDomain(20, 30, [0, 100])).toEqual([0, 100]);
    expect(valueDomain(-5, 130, [0, 100])).toEqual([-5, 130]);
    expect(valueDomain(Number.NaN, Number.NaN, [0, 100])).toEqual([0, 100]);
  });
  it('is the data with room without a range; booleans 0..1', () => {
    const [lo, hi] = valueDomain(10, 20, undefined);
    expect(lo).toBeLessThan(10);
    expect(hi).toBeGreaterThan(20);
    expect(valueDomain(7, 7, undefined)[0]).toBeLessThan(7);
    expect(valueDomain(Number.NaN, Number.NaN, undefined)).toEqual([0, 1]);
    expect(valueDomain(0, 1, [0, 100], true)).toEqual([0, 1]);
  });
  it('ignores a backwards range', () => {
    expect(valueDomain(1, 2, [5, 5])[1]).toBeLessThan(3);
  });
});

describe('time ticks', () => {
  it('pick a step that keeps the ticks few', () => {
    expect(timeStep(0, H, 12)).toBe(5 * 60_000);
    expect(timeStep(0, 7 * 24 * H, 12)).toBe(24 * H);
    expect(timeStep(0, 15 * 60_000, 10)).toBe(2 * 60_000);
  });
  it('fall on round local times, midnights marked', () => {
    const { step, ticks } = timeTicks(T0 - 3 * H - 1234, T0 + 3 * H, 8);
    expect(step).toBe(H);
    expect(ticks.every((t) => t.t % H === 0)).toBe(true);
    expect(ticks.filter((t) => t.midnight).map((t) => t.t)).toEqual([T0]);
    expect(tickLabelKind(ticks.find((t) => t.midnight)!, step)).toBe('date');
    expect(tickLabelKind(ticks[0]!, step)).toBe('time');
  });
  it('use the time zone given: Beijing midnight is 16:00 UTC', () => {
    const cst = () => 8 * H;
    const { ticks } = timeTicks(T0, T0 + 24 * H, 12, cst);
    const mid = ticks.filter((t) => t.midnight).map((t) => t.t);
    expect(mid).toEqual([T0 + 16 * H]);
    expect(ticks.every((t) => (t.t + 8 * H) % (2 * H) === 0)).toBe(true);
  });
  it('labels in the user language', () => {
    expect(formatTick(T0 + 14.5 * H, 'time', 'en', 'UTC')).toBe('14:30');
    expect(formatTick(T0 + 14.5 * H + 15_000, 'seconds', 'zh-CN', 'UTC')).toBe('14:30:15');
    expect(formatTick(T0, 'date', 'zh-CN', 'UTC')).toBe('11月29日');
    expect(formatTick(T0, 'date', 'en', 'UTC')).toBe('29 Nov');
    expect(formatTick(T0, 'time', 'en', 'UTC')).toBe('00:00');
  });
  it('a linear scale maps the domain to pixels', () => {
    const x = linear(0, 10, 100, 200);
    expect(x(5)).toBe(150);
    expect(linear(1, 1, 0, 10)(1)).toBe(0);
  });
});

describe('series', () => {
  it('from columns: booleans 0/1, bad and null break, quality codes', () => {
    const s = seriesFromColumns({ ts: [1, 2, 3, 4], value: [true, false, 5, null], quality: { '1': 'uncertain', '2': 'bad' } });
    expect([...s.v.slice(0, 2)]).toEqual([1, 0]);
    expect(Number.isNaN(s.v[2]!)).toBe(true);
    expect(Number.isNaN(s.v[3]!)).toBe(true);
    expect([...s.q]).toEqual([0, 1, 2, 0]);
  });
  it('sorts what came out of order', () => {
    const s = seriesFromColumns({ ts: [3, 1, 2], value: [30, 10, 20], quality: { '0': 'uncertain' } });
    expect([...s.t]).toEqual([1, 2, 3]);
    expect([...s.v]).toEqual([10, 20, 30]);
    expect([...s.q]).toEqual([0, 0, 1]);
  });
  it('live: appends newer samples only, grows, drops what left the window', () => {
    const live = new LiveSeries(series([1, 2, 3]));
    expect(live.push({ ts: T0 + 1000, value: 9, quality: { level: 'good' } })).toBe(false);
    for (let i = 3; i < 200; i++) expect(live.push({ ts: T0 + i * 1000, value: i, quality: { level: i === 50 ? 'bad' : 'good' } })).toBe(true);
    expect(live.length).toBe(200);
    expect(Number.isNaN(live.view().v[50]!)).toBe(true);
    live.dropBefore(T0 + 100_500);
    const v = live.view();
    expect(v.t[0]).toBe(T0 + 100_000); // one before the window stays
    expect(live.lastTime).toBe(T0 + 199_000);
    live.push({ ts: T0 + 500_000, value: true, quality: { level: 'uncertain' } });
    expect(live.view().v[live.length - 1]).toBe(1);
    expect(live.view().q[live.length - 1]).toBe(1);
  });
  it('stats, nearest and lowerBound', () => {
    const s = series([5, null, -2, 8, 3]);
    const st = stats(s, T0, T0 + 10_000);
    expect(st).toMatchObject({ min: -2, max: 8, last: 3, count: 4, lastTime: T0 + 4000 });
    expect(Number.isNaN(stats(s, T0 + 60_000, T0 + 70_000).min)).toBe(true);
    expect(nearest(s, T0 + 800)).toBe(0); // index 1 is a gap: the nearest drawable is 0
    expect(nearest(s, T0 + 1100)).toBe(2);
    expect(nearest(s, T0 + 3900)).toBe(4);
    expect(lowerBound(s.t, s.length, T0 + 2500)).toBe(3);
  });
});

describe('down-sampling', () => {
  it('leaves a short series alone', () => {
    const s = series([1, 2, 3, 4]);
    const d = downsample(s, T0, T0 + 3000, 100);
    expect([...d.v]).toEqual([1, 2, 3, 4]);
  });
  it('a one-sample spike survives, about two points a bucket', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 1000));
    values[43_210] = 1000;
    values[77_777] = -1000;
    const s = series(values);
    const d = downsample(s, T0, T0 + 99_999_000, 500);
    expect(d.length).toBeLessThanOrEqual(500 * 2 + 4);
    expect(Math.max(...d.v)).toBe(1000);
    expect(Math.min(...d.v)).toBe(-1000);
    for (let i = 1; i < d.length; i++) expect(d.t[i]!).toBeGreaterThanOrEqual(d.t[i - 1]!);
  });
  it('keeps a break where a bad sample was, even inside one bucket', () => {
    const values: (number | null)[] = Array.from({ length: 10_000 }, (_, i) => i % 7);
    const s = series(values, 1000, T0, { '5000': 'bad' });
    const d = downsample(s, T0, T0 + 9_999_000, 100);
    const breaks = [...d.v].filter((v) => Number.isNaN(v)).length;
    expect(breaks).toBe(1);
    const p = linePaths(d, (t) => (t - T0) / 1e5, (v) => v);
    expect(p.good.split('M').length - 1).toBe(2); // two runs: the line breaks once
  });
  it('marks a bucket with uncertain samples', () => {
    const s = series(Array.from({ length: 1000 }, () => 1), 1000, T0, { '500': 'uncertain' });
    const d = downsample(s, T0, T0 + 999_000, 10);
    expect([...d.q].filter((q) => q === 1).length).toBeGreaterThan(0);
    expect([...d.q].filter((q) => q === 0).length).toBeGreaterThan(0);
  });
  it('keeps a sample on each side of the window so the line reaches the edges', () => {
    const s = series(Array.from({ length: 1000 }, (_, i) => i));
    const d = downsample(s, T0 + 100_500, T0 + 899_500, 50);
    expect(d.t[0]).toBe(T0 + 100_000);
    expect(d.t[d.length - 1]).toBe(T0 + 900_000);
  });
  it('draws a week of 1 Hz (604,800 samples) fast', () => {
    const n = 604_800;
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      t[i] = T0 + i * 1000;
      v[i] = Math.sin(i / 5000) * 10 + (i % 13);
    }
    const s: Series = { t, v, q: new Uint8Array(n), length: n };
    const start = performance.now();
    const d = downsample(s, T0, T0 + n * 1000, 1800);
    const p = linePaths(d, linear(T0, T0 + n * 1000, 0, 1800), (x) => x);
    const ms = performance.now() - start;
    expect(d.length).toBeLessThanOrEqual(1800 * 2 + 4);
    expect(p.points).toBe(d.length);
    expect(ms).toBeLessThan(200);
  });
});

describe('line paths', () => {
  const x = (t: number) => (t - T0) / 1000;
  const y = (v: number) => v;
  it('a straight line with breaks; a lone sample is a short dash', () => {
    const s = series([1, 2, null, 5, null, 7, 8]);
    const p = linePaths(s, x, y);
    expect(p.good).toBe('M0 1L1 2M2 5h2M5 7L6 8');
    expect(p.points).toBe(5);
    expect(p.uncertain).toBe('');
  });
  it('segments touching an uncertain sample go to the dashed path', () => {
    const s = series([1, 2, 3, 4], 1000, T0, { '2': 'uncertain' });
    const p = linePaths(s, x, y);
    expect(p.good).toBe('M0 1L1 2');
    expect(p.uncertain).toBe('M1 2L2 3L3 4');
  });
  it('a step line holds each value; live, to the right edge', () => {
    const s = series([0, 1, 0]);
    expect(linePaths(s, x, y, { step: true }).good).toBe('M0 0H1V1H2V0');
    expect(linePaths(s, x, y, { step: true, extendTo: 10 }).good).toBe('M0 0H1V1H2V0H10');
    expect(linePaths(series([1]), x, y, { step: true, extendTo: 10 }).good).toBe('M0 1H10');
  });
  it('nothing to draw is an empty path', () => {
    expect(linePaths(series([]), x, y)).toEqual({ good: '', uncertain: '', points: 0 });
    expect(linePaths(series([null, null]), x, y).points).toBe(0);
  });
});

describe('silences', () => {
  it('a silence longer than the threshold breaks the line, with or without reduction', () => {
    const values = Array.from({ length: 200 }, (_, i) => i);
    const ts = values.map((_, i) => T0 + (i < 100 ? i * 1000 : i * 1000 + 60_000));
    const s = seriesFromColumns({ ts, value: values, quality: {} });
    expect(gapThreshold(s, T0, T0 + 300_000, false)).toBe(10_000);
    expect(gapThreshold(s, T0, T0 + 300_000, true)).toBe(Number.POSITIVE_INFINITY);
    expect(medianInterval(s, T0, T0 + 300_000)).toBe(1000);
    for (const buckets of [1000, 20]) {
      const d = downsample(s, T0, T0 + 300_000, buckets, 10_000);
      expect([...d.v].filter((v) => Number.isNaN(v)).length).toBe(1);
      expect(linePaths(d, (t) => t / 1000, (v) => v).good.split('M').length - 1).toBe(2);
    }
    expect([...downsample(s, T0, T0 + 300_000, 1000).v].some((v) => Number.isNaN(v))).toBe(false);
  });
  it('a lone sample has no interval', () => {
    expect(Number.isNaN(medianInterval(series([1]), T0, T0 + 1000))).toBe(true);
    expect(gapThreshold(series([1]), T0, T0 + 1000, false)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('flapping quality', () => {
  it('every other sample bad in every bucket: nothing is cut off the end', () => {
    const n = 10_000;
    const quality: Record<string, 'bad'> = {};
    for (let i = 1; i < n; i += 2) quality[String(i)] = 'bad';
    const s = series(Array.from({ length: n }, (_, i) => i), 1000, T0, quality);
    const d = downsample(s, T0, T0 + (n - 1) * 1000, 50);
    const drawn = [...d.t].filter((_, i) => !Number.isNaN(d.v[i]!));
    expect(drawn[drawn.length - 1]).toBe(T0 + (n - 2) * 1000);
    expect(Number.isNaN(d.v[d.length - 1]!)).toBe(true); // the last sample is bad: the line ends in a break
  });
});
