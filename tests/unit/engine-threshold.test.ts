import { describe, expect, it } from 'vitest';
import type { ThresholdLevel, ThresholdRule } from '../../src/core/index.js';
import { resolveDeadband } from '../../src/engine/index.js';
import { engineFor, expand, FOUR_LEVELS, level, point, runSeries, sample, T0 } from './engine-fixtures.js';

function rule(levels: readonly ThresholdLevel[]): ThresholdRule {
  return { id: 'gas', kind: 'threshold', select: { points: ['GT-101'] }, levels };
}

/** Each row: levels, a one-sample-per-second series, the level after each step (`-` = normal). */
const cases: ReadonlyArray<readonly [string, readonly ThresholdLevel[], string, string]> = [
  ['four exclusive levels', FOUR_LEVELS, '20 41 55 45 20 8 3 12', '- H HH H - L LL -'],
  ['a jump straight to HH and back to normal', FOUR_LEVELS, '20 60 20', '- HH -'],
  ['the limit itself activates and does not chatter (no deadband)', [level('H', 'high', 40)], '40 40x3 39.9', 'H Hx3 -'],
  ['low limit itself activates', [level('L', 'low', 10)], '11 10 10.1', '- L -'],
  ['absolute deadband: clears at limit - deadband', [level('H', 'high', 40, { deadband: 5 })], '41 38 35.1 35 41', 'H H H - H'],
  ['low deadband: clears at limit + deadband', [level('L', 'low', 10, { deadband: 2 })], '9 11 11.9 12', 'L L L -'],
  ['on-delay: must hold 3 s of sample time', [level('H', 'high', 40, { onDelayMs: 3000 })], '45x4 20', '-x3 H -'],
  ['on-delay restarts when the value dips', [level('H', 'high', 40, { onDelayMs: 3000 })], '45 45 20 45x4', '-x6 H'],
  ['off-delay: must be back inside 2 s', [level('H', 'high', 40, { offDelayMs: 2000 })], '45 20x3', 'H H H -'],
  ['off-delay restarts when the value goes back out', [level('H', 'high', 40, { offDelayMs: 2000 })], '45 20 45 20x3', 'Hx5 -'],
  ['HH clears with its own deadband while H stays', [level('H', 'high', 40, { deadband: 2 }), level('HH', 'high', 50, { deadband: 2 })], '55 49 48 39 38', 'HH HH H H -'],
  ['bad samples change nothing', FOUR_LEVELS, '20 !60 !60 20 60 !20 !1', '- - - - HH HH HH'],
  ['uncertain samples count', FOUR_LEVELS, '20 ~60 ~20', '- HH -'],
];

describe('threshold condition', () => {
  it.each(cases)('%s', (_name, levels, series, expected) => {
    const engine = engineFor(rule(levels));
    expect(runSeries(engine, 'GT-101', 'gas/GT-101', series).levels).toEqual(expand(expected));
  });

  it('compares a boolean point as 0/1', () => {
    const trip: ThresholdRule = { ...rule([level('TRIP', 'high', 1, { priority: 1 })]), select: { points: ['ESD-1'] } };
    const engine = engineFor(trip, point('ESD-1', { kind: 'interlock', type: 'boolean' }));
    expect(runSeries(engine, 'ESD-1', 'gas/ESD-1', 'false true true false').levels).toEqual(['-', 'TRIP', 'TRIP', '-']);
  });

  it('completes an on-delay on tick, at the tick time', () => {
    const engine = engineFor(rule([level('H', 'high', 40, { onDelayMs: 3000 })]));
    expect(engine.evaluate(sample('GT-101', 45, T0))).toHaveLength(0);
    expect(engine.tick(T0 + 2999)).toHaveLength(0);
    const [result] = engine.tick(T0 + 3000);
    expect(result).toMatchObject({ level: 'H', time: T0 + 3000, value: 45 });
  });

  it('completes an off-delay on tick', () => {
    const engine = engineFor(rule([level('H', 'high', 40, { offDelayMs: 2000 })]));
    engine.evaluate(sample('GT-101', 45, T0));
    engine.evaluate(sample('GT-101', 20, T0 + 1000));
    expect(engine.tick(T0 + 2999)).toHaveLength(0);
    expect(engine.tick(T0 + 3000)).toMatchObject([{ level: null, value: 20, time: T0 + 3000 }]);
  });

  it('does not complete an on-delay on tick once the value went back inside', () => {
    const engine = engineFor(rule([level('H', 'high', 40, { onDelayMs: 3000 })]));
    engine.evaluate(sample('GT-101', 45, T0));
    engine.evaluate(sample('GT-101', 20, T0 + 1000));
    expect(engine.tick(T0 + 10_000)).toHaveLength(0);
    expect(engine.levelOf('gas/GT-101')).toBeNull();
  });

  it('emits escalation and de-escalation with the priority of the level entered or left', () => {
    const { results } = runSeries(engineFor(rule(FOUR_LEVELS)), 'GT-101', 'gas/GT-101', '45 55 45 20');
    expect(results.map((r) => [r.level, r.priority])).toEqual([
      ['H', 3],
      ['HH', 2],
      ['H', 3],
      [null, 3],
    ]);
  });

  it('shows the lowest of the active low levels', () => {
    const { results } = runSeries(engineFor(rule(FOUR_LEVELS)), 'GT-101', 'gas/GT-101', '3 7');
    expect(results.map((r) => r.level)).toEqual(['LL', 'L']);
  });
});

describe('resolveDeadband', () => {
  const withRange = point('LT-1', { range: [0, 200] });
  it.each([
    ['absolute wins over pct', level('H', 'high', 1, { deadband: 3, deadbandPct: 5 }), withRange, 3],
    ['pct of the span', level('H', 'high', 1, { deadbandPct: 5 }), withRange, 10],
    ['pct of a span given high-to-low', level('H', 'high', 1, { deadbandPct: 5 }), point('X', { range: [200, 0] }), 10],
    ['pct without a range is 0', level('H', 'high', 1, { deadbandPct: 5 }), point('X'), 0],
    ['none is 0', level('H', 'high', 1), withRange, 0],
  ])('%s', (_name, l, p, expected) => {
    expect(resolveDeadband(l, p)).toBe(expected);
  });

  it('applies deadbandPct in evaluation (2 % of 0-100 = 2)', () => {
    const r: ThresholdRule = { ...rule([level('H', 'high', 40, { deadbandPct: 2 })]) };
    const engine = engineFor(r, point('GT-101', { range: [0, 100] }));
    expect(runSeries(engine, 'GT-101', 'gas/GT-101', '41 38.5 38 41').levels).toEqual(['H', 'H', '-', 'H']);
  });
});
