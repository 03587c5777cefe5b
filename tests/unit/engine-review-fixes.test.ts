import { describe, expect, it } from 'vitest';
import type { RuleSpec } from '../../src/core/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { level, point, runSeries, sample, T0 } from './engine-fixtures.js';

/** Behaviours pinned after review: each failed before its fix. */
const temperature: RuleSpec = {
  id: 'temp', kind: 'threshold', select: { points: ['TT'] },
  levels: [level('H', 'high', 45, { onDelayMs: 10_000 }), level('HH', 'high', 55, { priority: 2 })],
};

describe('threshold review fixes', () => {
  it('de-escalates HH → H when the value is still beyond H, even while H has an on-delay', () => {
    const engine = new RuleEngine([point('TT')], [temperature], T0);
    const run = runSeries(engine, 'TT', 'temp/TT', '40 60 50 50 40');
    expect(run.levels).toEqual(['-', 'HH', 'H', 'H', '-']);
    expect(run.results.map((r) => r.level)).toEqual(['HH', 'H', null]);
  });

  it('times delays on the gateway clock, not a device clock that is off', () => {
    const rule: RuleSpec = { id: 'd', kind: 'threshold', select: { points: ['P'] }, levels: [level('H', 'high', 50, { onDelayMs: 60_000 })] };
    const engine = new RuleEngine([point('P')], [rule], T0);
    const slowDevice = { ...sample('P', 70, T0 - 600_000), rts: T0 }; // device clock 10 min slow
    expect(engine.evaluate(slowDevice)).toEqual([]);
    expect(engine.tick(T0 + 1_000)).toEqual([]); // 1 s later: the 60 s on-delay has not passed
    expect(engine.tick(T0 + 60_000).map((r) => r.level)).toEqual(['H']);
  });

  it('does not complete an off-delay on time alone while the detector reads bad', () => {
    const rule: RuleSpec = { id: 'o', kind: 'threshold', select: { points: ['P'] }, levels: [level('H', 'high', 50, { offDelayMs: 5_000 })] };
    const engine = new RuleEngine([point('P')], [rule], T0);
    engine.evaluate(sample('P', 70, T0));
    engine.evaluate(sample('P', 10, T0 + 1_000)); // back inside: off-delay starts
    engine.evaluate(sample('P', 0, T0 + 2_000, 'bad')); // wire break
    expect(engine.tick(T0 + 10_000)).toEqual([]);
    expect(engine.evaluate(sample('P', 10, T0 + 11_000)).map((r) => r.level)).toEqual([null]);
  });
});
