import { describe, expect, it } from 'vitest';
import { uniformAt } from '../../devices/simulator/prng.js';
import { readingsAt } from '../../devices/simulator/readings.js';
import type { BooleanPoint, NumericPoint, Scenario, ScenarioEvent } from '../../devices/simulator/scenario.js';
import { pointOutputAt, scenarioTimeMs, wireValue, type PointOutput } from '../../devices/simulator/signal.js';

const S = 1000;

function numeric(overrides: Partial<NumericPoint> = {}): NumericPoint {
  return {
    id: 'GT-101', type: 'number', base: 1, noise: 0, driftPerS: 0, min: undefined, max: undefined,
    decimals: undefined, range: undefined, signal: 'engineering', unit: '%LEL', profile: undefined,
    ...overrides,
  };
}

function scenarioWith(point: NumericPoint | BooleanPoint, events: ScenarioEvent[] = [], overrides: Partial<Scenario> = {}): Scenario {
  return { name: 'test', description: '', tickMs: S, atEnd: 'loop', durationMs: 180 * S, seed: undefined, points: [point], events, ...overrides };
}

function valueAt(scenario: Scenario, elapsedMs: number, seed = 1): PointOutput {
  const point = scenario.points[0];
  if (point === undefined) throw new Error('scenario without points');
  return pointOutputAt(scenario, point, elapsedMs, seed);
}

function numberAt(scenario: Scenario, elapsedMs: number, seed = 1): number {
  const output = valueAt(scenario, elapsedMs, seed);
  if (output.kind !== 'value' || typeof output.value !== 'number') throw new Error(`expected a number at ${elapsedMs} ms, got ${JSON.stringify(output)}`);
  return output.value;
}

const ticks = (count: number): number[] => Array.from({ length: count }, (_, i) => i * S);

describe('base and noise', () => {
  it.each([
    { base: 1, noise: 0.4 },
    { base: 62, noise: 0.2 },
    { base: -5, noise: 3 },
    { base: 0.5, noise: 0 },
  ])('base $base ± noise $noise stays within the band and uses it', ({ base, noise }) => {
    const scenario = scenarioWith(numeric({ base, noise }));
    const values = ticks(1000).map((t) => numberAt(scenario, t));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(base - noise);
    expect(Math.max(...values)).toBeLessThanOrEqual(base + noise);
    // Uniform noise covers most of the band over 1000 ticks.
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThanOrEqual(noise * 1.8);
  });

  it.each([
    { name: 'min clamps', point: { base: 0.1, noise: 0.5, min: 0 }, low: 0, high: 0.6, limit: 0 },
    { name: 'max clamps', point: { base: 99.9, noise: 0.5, min: 0, max: 100 }, low: 99.4, high: 100, limit: 100 },
  ])('$name', ({ point, low, high, limit }) => {
    const scenario = scenarioWith(numeric(point));
    const values = ticks(500).map((t) => numberAt(scenario, t));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(low);
    expect(Math.max(...values)).toBeLessThanOrEqual(high);
    expect(values).toContain(limit);
  });

  it.each([
    { decimals: 0, expected: [2, 2] },
    { decimals: 1, expected: [1.6, 1.6] },
    { decimals: 3, expected: [1.556, 1.556] },
  ])('rounds to $decimals decimals', ({ decimals, expected }) => {
    const scenario = scenarioWith(numeric({ base: 1.5555, decimals }));
    expect([numberAt(scenario, 0), numberAt(scenario, 7 * S)]).toEqual(expected);
  });

  it.each([
    { t: 0, expected: 62 },
    { t: 50 * S, expected: 62.5 },
    { t: 100 * S, expected: 63 },
  ])('drift moves the base line: $expected at $t ms', ({ t, expected }) => {
    const scenario = scenarioWith(numeric({ base: 62, driftPerS: 0.01 }));
    expect(numberAt(scenario, t)).toBeCloseTo(expected, 9);
  });
});

describe('ramp', () => {
  const up: ScenarioEvent = { kind: 'ramp', pointId: 'GT-101', atMs: 10 * S, to: 65, overMs: 32 * S };
  const down: ScenarioEvent = { kind: 'ramp', pointId: 'GT-101', atMs: 70 * S, to: 2, overMs: 30 * S };
  const scenario = scenarioWith(numeric({ base: 1 }), [up, down]);

  it.each([
    { t: 0, expected: 1 },
    { t: 10 * S, expected: 1 },
    { t: 18 * S, expected: 17 },
    { t: 26 * S, expected: 33 },
    { t: 42 * S, expected: 65 },
    { t: 60 * S, expected: 65 },
    { t: 70 * S, expected: 65 },
    { t: 85 * S, expected: 33.5 },
    { t: 100 * S, expected: 2 },
    { t: 179 * S, expected: 2 },
  ])('at $t ms the value is $expected', ({ t, expected }) => {
    expect(numberAt(scenario, t)).toBeCloseTo(expected, 9);
  });

  it('lands exactly on its end values', () => {
    expect(numberAt(scenarioWith(numeric({ base: 0.1 }), [{ ...up, to: 0.3, overMs: 3 * S }]), 13 * S)).toBe(0.3);
    expect(numberAt(scenario, 100 * S)).toBe(2);
  });

  it('a ramp that starts before the previous one ends starts from where that one had got to', () => {
    const early: ScenarioEvent = { kind: 'ramp', pointId: 'GT-101', atMs: 20 * S, to: 0, overMs: 10 * S };
    const interrupted = scenarioWith(numeric({ base: 0 }), [{ ...up, atMs: 0, to: 100, overMs: 40 * S }, early]);
    expect(numberAt(interrupted, 20 * S)).toBe(50);
    expect(numberAt(interrupted, 25 * S)).toBe(25);
    expect(numberAt(interrupted, 30 * S)).toBe(0);
  });
});

describe('step', () => {
  const steps: ScenarioEvent[] = [
    { kind: 'step', pointId: 'GT-101', atMs: 10 * S, to: 5 },
    { kind: 'step', pointId: 'GT-101', atMs: 60 * S, to: 0.5 },
  ];

  it.each([
    { t: 9 * S, expected: 1 },
    { t: 10 * S, expected: 5 },
    { t: 59 * S, expected: 5 },
    { t: 60 * S, expected: 0.5 },
    { t: 179 * S, expected: 0.5 },
  ])('at $t ms the value is $expected', ({ t, expected }) => {
    expect(numberAt(scenarioWith(numeric({ base: 1 }), steps), t)).toBe(expected);
  });

  it('a step ends the drift of the base line', () => {
    const scenario = scenarioWith(numeric({ base: 1, driftPerS: 0.1 }), steps);
    expect([5, 10, 40].map((s) => numberAt(scenario, s * S))).toEqual([1.5, 5, 5]);
  });

  it.each([
    { t: 0, expected: true },
    { t: 30 * S, expected: false },
    { t: 90 * S, expected: true },
  ])('a boolean point steps: $expected at $t ms', ({ t, expected }) => {
    const valve: BooleanPoint = { id: 'XV-101.ZSO', type: 'boolean', base: true, unit: undefined, profile: undefined };
    const scenario = scenarioWith(valve, [
      { kind: 'step', pointId: 'XV-101.ZSO', atMs: 30 * S, to: false },
      { kind: 'step', pointId: 'XV-101.ZSO', atMs: 90 * S, to: true },
    ]);
    expect(valueAt(scenario, t)).toEqual({ kind: 'value', value: expected });
  });
});

describe('stuck, silent and fault', () => {
  const noisy = numeric({ base: 20, noise: 2, decimals: 2 });
  const stuck = scenarioWith(noisy, [{ kind: 'stuck', pointId: 'GT-101', atMs: 120 * S, forMs: 30 * S }]);

  it('stuck holds the value of its first tick for its whole window', () => {
    const frozen = numberAt(stuck, 120 * S);
    const during = ticks(30).map((t) => numberAt(stuck, 120 * S + t));
    expect(new Set(during)).toEqual(new Set([frozen]));
    expect(frozen).toBe(numberAt(scenarioWith(noisy), 120 * S));
    const after = ticks(10).map((t) => numberAt(stuck, 150 * S + t));
    expect(new Set(after).size).toBeGreaterThan(1);
  });

  it('stuck during a ramp holds the ramp value reached', () => {
    const scenario = scenarioWith(numeric({ base: 0 }), [
      { kind: 'ramp', pointId: 'GT-101', atMs: 0, to: 60, overMs: 60 * S },
      { kind: 'stuck', pointId: 'GT-101', atMs: 30 * S, forMs: 20 * S },
    ]);
    expect([29, 30, 40, 49, 50, 55].map((s) => numberAt(scenario, s * S))).toEqual([29, 30, 30, 30, 50, 55]);
  });

  const silent = scenarioWith(noisy, [{ kind: 'silent', pointId: 'GT-101', atMs: 60 * S, forMs: 60 * S }]);

  it.each([
    { t: 59 * S, kind: 'value' },
    { t: 60 * S, kind: 'silent' },
    { t: 119 * S, kind: 'silent' },
    { t: 120 * S, kind: 'value' },
  ])('silent window: $kind at $t ms', ({ t, kind }) => {
    expect(valueAt(silent, t).kind).toBe(kind);
  });

  it('a silent point is left out of the readings of a tick', () => {
    expect(readingsAt(silent, 59 * S, 1).map((r) => r.pointId)).toEqual(['GT-101']);
    expect(readingsAt(silent, 60 * S, 1)).toEqual([]);
  });

  const loop = numeric({ id: 'GT-105', base: 1, range: [0, 100], signal: '4-20mA' });
  const fault = scenarioWith(loop, [{ kind: 'fault', pointId: 'GT-105', atMs: 140 * S, forMs: 20 * S, value: 3.5 }]);

  it.each([
    { t: 139 * S, output: { kind: 'value', value: 1 }, wire: 4.16 },
    { t: 140 * S, output: { kind: 'fault', value: 3.5 }, wire: 3.5 },
    { t: 159 * S, output: { kind: 'fault', value: 3.5 }, wire: 3.5 },
    { t: 160 * S, output: { kind: 'value', value: 1 }, wire: 4.16 },
  ])('fault window: $output.kind at $t ms, $wire mA on the wire', ({ t, output, wire }) => {
    const actual = valueAt(fault, t);
    expect(actual).toEqual(output);
    if (actual.kind === 'silent') throw new Error('unexpected silence');
    expect(wireValue(loop, actual)).toBe(wire);
  });

  it('silent wins over fault, fault over stuck', () => {
    const events: ScenarioEvent[] = [
      { kind: 'stuck', pointId: 'GT-105', atMs: 0, forMs: 100 * S },
      { kind: 'fault', pointId: 'GT-105', atMs: 10 * S, forMs: 50 * S, value: 22 },
      { kind: 'silent', pointId: 'GT-105', atMs: 20 * S, forMs: 10 * S },
    ];
    const scenario = scenarioWith(loop, events);
    expect([5, 15, 25, 65].map((s) => valueAt(scenario, s * S).kind)).toEqual(['value', 'fault', 'silent', 'value']);
  });
});

describe('4-20 mA on the wire', () => {
  it.each([
    { range: [0, 100] as const, pv: 0, ma: 4 },
    { range: [0, 100] as const, pv: 25, ma: 8 },
    { range: [0, 100] as const, pv: 50, ma: 12 },
    { range: [0, 100] as const, pv: 100, ma: 20 },
    { range: [-40, 120] as const, pv: 24.5, ma: 10.45 },
  ])('$pv in $range is $ma mA', ({ range, pv, ma }) => {
    expect(wireValue(numeric({ range, signal: '4-20mA' }), { kind: 'value', value: pv })).toBe(ma);
  });

  it('an engineering point sends its engineering value', () => {
    expect(wireValue(numeric({ range: [0, 100] }), { kind: 'value', value: 42.1 })).toBe(42.1);
  });
});

describe('time and loop', () => {
  it.each([
    { atEnd: 'loop', elapsed: 0, expected: 0 },
    { atEnd: 'loop', elapsed: 179 * S, expected: 179 * S },
    { atEnd: 'loop', elapsed: 180 * S, expected: 0 },
    { atEnd: 'loop', elapsed: 365 * S, expected: 5 * S },
    { atEnd: 'hold', elapsed: 179 * S, expected: 179 * S },
    { atEnd: 'hold', elapsed: 365 * S, expected: 180 * S },
  ] as const)('$atEnd: $elapsed ms elapsed is $expected ms into the scenario', ({ atEnd, elapsed, expected }) => {
    expect(scenarioTimeMs({ atEnd, durationMs: 180 * S }, elapsed)).toBe(expected);
  });

  it('a looping scenario replays its events every round', () => {
    const scenario = scenarioWith(numeric({ base: 1 }), [{ kind: 'ramp', pointId: 'GT-101', atMs: 10 * S, to: 65, overMs: 30 * S }]);
    for (const t of [0, 25 * S, 40 * S, 100 * S]) {
      expect(numberAt(scenario, t + 180 * S)).toBe(numberAt(scenario, t));
      expect(numberAt(scenario, t + 3 * 180 * S)).toBe(numberAt(scenario, t));
    }
  });

  it('a holding scenario keeps its final state after the end, still with noise', () => {
    const scenario = scenarioWith(numeric({ base: 1, noise: 0.5 }), [{ kind: 'step', pointId: 'GT-101', atMs: 10 * S, to: 40 }], { atEnd: 'hold' });
    const late = ticks(20).map((t) => numberAt(scenario, 1000 * S + t));
    expect(late.every((v) => v >= 39.5 && v <= 40.5)).toBe(true);
    expect(new Set(late).size).toBeGreaterThan(1);
  });
});

describe('seeded noise', () => {
  const scenario = scenarioWith(numeric({ base: 10, noise: 1 }));
  const series = (seed: number): number[] => ticks(50).map((t) => numberAt(scenario, t, seed));

  it('the same seed gives the same series, in any order of evaluation', () => {
    expect(series(42)).toEqual(series(42));
    expect(ticks(50).reverse().map((t) => numberAt(scenario, t, 42)).reverse()).toEqual(series(42));
  });

  it('another seed gives another series', () => {
    expect(series(43)).not.toEqual(series(42));
  });

  it('points get independent noise', () => {
    expect(uniformAt(1, 'GT-101', 5)).not.toBe(uniformAt(1, 'GT-102', 5));
  });

  it.each([0, 1, 7, 0xffff_ffff])('uniformAt(seed %i) stays in [0, 1)', (seed) => {
    const values = Array.from({ length: 2000 }, (_, i) => uniformAt(seed, 'AT-201', i));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});
