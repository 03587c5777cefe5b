import { describe, expect, it } from 'vitest';
import { isHazgateError, type Point, type RawReading, type Sample } from '../../src/core/index.js';
import { normalizeReading, scaleCurrentLoop } from '../../src/pipeline/index.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const gas: Point = { id: 'GT-101', kind: 'gas', type: 'number', range: [0, 100], unit: '%LEL', attrs: {}, scaling: { kind: 'current-loop', faultLowMa: 3.6, faultHighMa: 21 } };
const level: Point = { id: 'TK101.LT', kind: 'level', type: 'number', attrs: {} };
const valve: Point = { id: 'XV-101.ZSO', kind: 'valve', type: 'boolean', attrs: {} };
const counts: Point = { id: 'PT-1', kind: 'pressure', type: 'number', range: [0, 2], attrs: {}, scaling: { kind: 'linear', rawLow: 0, rawHigh: 27648 } };
const points = new Map([gas, level, valve, counts].map((p) => [p.id, p]));
const ctx = { points, now: NOW, maxFutureMs: 300_000 };

function run(r: Partial<RawReading> & { pointId: string; value: unknown }): Sample | string {
  const out = normalizeReading({ source: 'test', ...r }, ctx);
  return isHazgateError(out) ? out.code : out;
}

describe('normalizeReading', () => {
  it.each([
    [{ pointId: 'nope', value: 1 }, 'HG_ERR_INGEST_UNKNOWN_POINT'],
    [{ pointId: 'TK101.LT', value: '12' }, 'HG_ERR_INGEST_WRONG_TYPE'],
    [{ pointId: 'TK101.LT', value: null }, 'HG_ERR_INGEST_WRONG_TYPE'],
    [{ pointId: 'TK101.LT', value: true }, 'HG_ERR_INGEST_WRONG_TYPE'],
    [{ pointId: 'TK101.LT', value: Number.NaN }, 'HG_ERR_INGEST_NOT_FINITE'],
    [{ pointId: 'TK101.LT', value: Number.POSITIVE_INFINITY }, 'HG_ERR_INGEST_NOT_FINITE'],
    [{ pointId: 'TK101.LT', value: 1, ts: NOW + 3_600_000 }, 'HG_ERR_INGEST_FUTURE_TIMESTAMP'],
    [{ pointId: 'TK101.LT', value: 1, ts: 12 }, 'HG_ERR_INGEST_BAD_TIMESTAMP'],
    [{ pointId: 'TK101.LT', value: 1, ts: Number.NaN }, 'HG_ERR_INGEST_BAD_TIMESTAMP'],
    [{ pointId: 'XV-101.ZSO', value: 2 }, 'HG_ERR_INGEST_WRONG_TYPE'],
  ])('refuses %j with %s', (reading, code) => {
    expect(run(reading)).toBe(code);
  });

  it('names the point and the origin in the error', () => {
    const out = normalizeReading({ source: 'mqtt', pointId: 'TK101.LT', value: 'x', origin: 'plant/TK101.LT' }, ctx);
    expect(isHazgateError(out) && out.message).toMatch(/TK101\.LT.*plant\/TK101\.LT/);
  });

  it('keeps the device time and marks its source', () => {
    const s = run({ pointId: 'TK101.LT', value: 55.5, ts: NOW - 1000 }) as Sample;
    expect(s).toMatchObject({ value: 55.5, ts: NOW - 1000, rts: NOW, tsSource: 'device', quality: { level: 'good' } });
  });

  it('stamps gateway time when the device gave none', () => {
    expect(run({ pointId: 'TK101.LT', value: 1 })).toMatchObject({ ts: NOW, tsSource: 'gateway' });
  });

  it('takes booleans and 0/1 for discrete points', () => {
    expect(run({ pointId: 'XV-101.ZSO', value: 1 })).toMatchObject({ value: true });
    expect(run({ pointId: 'XV-101.ZSO', value: false })).toMatchObject({ value: false });
  });

  it('scales 4-20 mA and keeps the worse of device and signal quality', () => {
    expect(run({ pointId: 'GT-101', value: 12 })).toMatchObject({ value: 50, quality: { level: 'good' } });
    expect(run({ pointId: 'GT-101', value: 12, quality: { level: 'uncertain', reason: 'calibrating' } })).toMatchObject({ quality: { level: 'uncertain', reason: 'calibrating' } });
    expect(run({ pointId: 'GT-101', value: 0, quality: { level: 'uncertain', reason: 'x' } })).toMatchObject({ quality: { level: 'bad' } });
  });

  it('scales linear counts', () => {
    expect((run({ pointId: 'PT-1', value: 13824 }) as Sample).value).toBeCloseTo(1, 9);
  });
});

describe('scaleCurrentLoop (NAMUR NE 43)', () => {
  it.each([
    [0, -25, 'bad', 'signal-fault-low'], // broken wire must never look like 0 %LEL and normal
    [3.5, -3.125, 'bad', 'signal-fault-low'],
    [3.6, 0, 'uncertain', 'under-range'],
    [3.9, 0, 'uncertain', 'under-range'],
    [4, 0, 'good', undefined],
    [8, 25, 'good', undefined],
    [20, 100, 'good', undefined],
    [20.5, 100, 'uncertain', 'over-range'],
    [21, 100, 'uncertain', 'over-range'],
    [21.5, 109.375, 'bad', 'signal-fault-high'],
  ])('%f mA → %f, %s', (ma, value, level, reason) => {
    const out = scaleCurrentLoop(ma, 0, 100, 3.6, 21);
    expect(out.value).toBeCloseTo(value, 9);
    expect(out.quality.level).toBe(level);
    expect(out.quality.reason).toBe(reason);
  });
});
