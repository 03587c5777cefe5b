import { describe, expect, it } from 'vitest';
import { isHazgateError, type FeedCheckRule, type MethaneRule, type MineGasRule, type Point, type RuleResult, type RuleSpec, type Sample } from '../../src/core/index.js';
import { packChecks, RuleEngine } from '../../src/engine/index.js';
import { engineFor, point, runSeries, sample, T0 } from './engine-fixtures.js';

/** The coal pack's evaluators through the real engine, on fake time (no sleeping). */

const methaneRule: MethaneRule = { id: 'ch4', kind: 'methane', select: { match: { gas: 'CH4' } }, priority: 1 };
const feedRule = (extra: Partial<FeedCheckRule> = {}): FeedCheckRule => ({ id: 'fc', kind: 'feed-check', select: { match: { gas: 'CH4' } }, priority: 1, timeoutMs: 2000, unexpectedOff: 'alarm', ...extra });
const gasRule = (extra: Partial<MineGasRule> = {}): MineGasRule => ({ id: 'mg', kind: 'mine-gas', select: { match: { kind: 'gas' } }, priority: 2, deadbandPct: 0, ...extra });

const ch4 = (id: string, location: string, feeders = 'none', more: Record<string, string> = {}): Point =>
  point(id, { unit: '%', range: [0, 4], attrs: { gas: 'CH4', location, feeders, ...more } });
const feed = (id: string, feeder: string): Point => point(id, { kind: 'feed', type: 'boolean', unit: '', attrs: { feeder } });

/** A sample received at `rts`, stamped by the device at `ts`. */
const at = (pointId: string, value: number | boolean, rts: number, ts = rts, quality: Sample['quality']['level'] = 'good'): Sample => ({ ...sample(pointId, value, ts, quality), rts });

function levels(results: readonly RuleResult[]): (string | null)[] {
  return results.map((r) => r.level);
}

describe('methane: alarm, power-off and restore per location', () => {
  it.each([
    ['working-face', '0.5 1.0 1.49 1.5 1.2 1.0 0.99', '- ALARM ALARM POWER_OFF POWER_OFF POWER_OFF -'],
    ['upper-corner', '0.5 1.6 1.5 1.4 1.0 0.99', '- POWER_OFF POWER_OFF ALARM ALARM -'],
    ['return-airway', '0.99 1.0 0.99', '- POWER_OFF -'],
    ['intake', '0.49 0.5 0.49', '- POWER_OFF -'],
    ['drainage-roadway', '2.49 2.5 2.49', '- POWER_OFF -'],
    ['heading-face', '1.0 1.5 1.0 0.9', 'ALARM POWER_OFF POWER_OFF -'],
  ])('%s: %s', (location, series, expected) => {
    const run = runSeries(engineFor(methaneRule, ch4('P', location)), 'P', 'ch4/P', series);
    expect(run.levels.join(' ')).toBe(expected);
  });

  it('holds its level on bad samples and on non-finite values', () => {
    const run = runSeries(engineFor(methaneRule, ch4('P', 'working-face')), 'P', 'ch4/P', '1.6 !0 !0.2 0.5');
    expect(run.levels).toEqual(['POWER_OFF', 'POWER_OFF', 'POWER_OFF', '-']);
  });

  it('priorities: ALARM 2, POWER_OFF 1, a return carries the level it left', () => {
    const run = runSeries(engineFor(methaneRule, ch4('P', 'upper-corner')), 'P', 'ch4/P', '1.6 1.2 0.3');
    expect(run.results.map((r) => [r.level, r.priority])).toEqual([['POWER_OFF', 1], ['ALARM', 2], [null, 2]]);
  });

  it('uses the site limits of the point', () => {
    const run = runSeries(engineFor(methaneRule, ch4('P', 'working-face', 'none', { alarmAt: '0.8', powerOffAt: '1.2', restoreBelow: '0.7' })), 'P', 'ch4/P', '0.8 1.2 0.75 0.69');
    expect(run.levels).toEqual(['ALARM', 'POWER_OFF', 'POWER_OFF', '-']);
  });

  it('starts from a retained POWER_OFF, keeping the restore hysteresis; refuses a level it does not have', () => {
    const engine = engineFor(methaneRule, ch4('P', 'working-face'));
    expect(engine.seed('ch4/P', 'HH')).toBe(false);
    expect(engine.seed('ch4/P', 'POWER_OFF')).toBe(true);
    expect(engine.evaluate(sample('P', 1.2, T0))).toEqual([]);
    expect(levels(engine.evaluate(sample('P', 0.9, T0 + 1000)))).toEqual([null]);
  });

  it('refuses, at construction, a point the config checks would have refused', () => {
    try {
      engineFor(methaneRule, point('P', { unit: '%', attrs: { gas: 'CH4' } }));
      expect.unreachable();
    } catch (e) {
      expect(isHazgateError(e) && e.code).toBe('HG_ERR_CONFIG_INVALID');
      expect((e as Error).message).toMatch(/"P" has no attrs\.location/);
    }
  });
});

describe('feed check: power-off verification (馈电异常)', () => {
  const points = [ch4('WF', 'working-face', 'F-101,F-102'), feed('K1', 'F-101'), feed('K2', 'F-102')];
  const start = (rule: FeedCheckRule = feedRule(), ps: readonly Point[] = points): RuleEngine => {
    const engine = new RuleEngine(ps, [rule], T0);
    engine.evaluate(at('K1', true, T0));
    engine.evaluate(at('K2', true, T0));
    engine.evaluate(at('WF', 0.3, T0));
    return engine;
  };

  it('is one group condition per sensor, over the sensor and its feed points', () => {
    const engine = start();
    expect(engine.conditionIds()).toEqual(['fc/WF']);
    expect(engine.condition('fc/WF')).toMatchObject({ pointId: 'WF' });
  });

  it('feeders dead within the timeout: nothing; the timeout itself is allowed', () => {
    const engine = start();
    engine.evaluate(at('WF', 1.6, T0 + 10_000));
    engine.evaluate(at('K1', false, T0 + 11_000));
    expect(engine.tick(T0 + 12_000)).toEqual([]);
    expect(engine.evaluate(at('K2', false, T0 + 12_000))).toEqual([]);
    expect(engine.tick(T0 + 20_000)).toEqual([]);
  });

  it('a feeder still live past the timeout: FEED_FAULT naming it, back when it drops', () => {
    const engine = start();
    engine.evaluate(at('WF', 1.6, T0 + 10_000));
    engine.evaluate(at('K1', false, T0 + 10_500));
    expect(engine.tick(T0 + 12_000)).toEqual([]);
    const [fault] = engine.tick(T0 + 12_001);
    expect(fault).toMatchObject({ conditionId: 'fc/WF', pointId: 'WF', level: 'FEED_FAULT', priority: 1, value: 1.6, time: T0 + 12_001 });
    expect(fault?.message).toMatch(/: F-102 live$/);
    expect(levels(engine.evaluate(at('K2', false, T0 + 13_000)))).toEqual([null]);
  });

  it('takes a longer configured timeout (slow feed-status scan)', () => {
    const engine = start(feedRule({ timeoutMs: 5000 }));
    engine.evaluate(at('WF', 1.6, T0 + 10_000));
    expect(engine.tick(T0 + 15_000)).toEqual([]);
    expect(levels(engine.tick(T0 + 16_000))).toEqual(['FEED_FAULT']);
  });

  it("takes a sensor's own attrs.feedTimeout over the rule's", () => {
    const slow = [ch4('WF', 'working-face', 'F-101,F-102', { feedTimeout: '7s' }), feed('K1', 'F-101'), feed('K2', 'F-102')];
    const engine = start(feedRule(), slow);
    engine.evaluate(at('WF', 1.6, T0 + 10_000));
    expect(engine.tick(T0 + 17_000)).toEqual([]);
    expect(levels(engine.tick(T0 + 18_000))).toEqual(['FEED_FAULT']);
  });

  it('times the power-off by receive time, not by a device clock that is an hour off', () => {
    const engine = start();
    engine.evaluate(at('WF', 1.6, T0 + 10_000, T0 - 3_600_000));
    expect(engine.tick(T0 + 11_000)).toEqual([]);
    expect(levels(engine.tick(T0 + 13_000))).toEqual(['FEED_FAULT']);
  });

  it('a feeder switched back on while methane is above restore: FEED_FAULT at once; below restore the power may return', () => {
    const engine = start();
    engine.evaluate(at('WF', 1.6, T0 + 10_000));
    engine.evaluate(at('K1', false, T0 + 10_500));
    engine.evaluate(at('K2', false, T0 + 10_500));
    expect(engine.evaluate(at('WF', 1.2, T0 + 20_000))).toEqual([]);
    const [fault] = engine.evaluate(at('K2', true, T0 + 21_000));
    expect(fault?.message).toMatch(/F-102 re-energised$/);
    expect(levels(engine.evaluate(at('WF', 0.9, T0 + 22_000)))).toEqual([null]);
    expect(engine.evaluate(at('K1', true, T0 + 23_000))).toEqual([]);
  });

  it('a bad feed-status sample holds the last usable state; a feeder that never reported cannot confirm', () => {
    const engine = start();
    engine.evaluate(at('WF', 1.6, T0 + 10_000));
    engine.evaluate(at('K1', false, T0 + 10_500));
    engine.evaluate(at('K2', false, T0 + 10_500));
    expect(engine.evaluate(at('K2', true, T0 + 15_000, T0 + 15_000, 'bad'))).toEqual([]);
    expect(engine.tick(T0 + 20_000)).toEqual([]);

    const silent = new RuleEngine(points, [feedRule()], T0);
    silent.evaluate(at('K1', true, T0));
    silent.evaluate(at('WF', 1.6, T0 + 1000));
    silent.evaluate(at('K1', false, T0 + 1500));
    const [fault] = silent.tick(T0 + 4000);
    expect(fault?.message).toMatch(/F-102 no status$/);
  });

  it('a feeder dead with no power-off: FEED_OFF (priority 3) past the timeout, unless a power-off explains it in time', () => {
    const engine = start();
    engine.evaluate(at('K2', false, T0 + 10_000));
    expect(engine.tick(T0 + 12_000)).toEqual([]);
    const [off] = engine.tick(T0 + 13_000);
    expect(off).toMatchObject({ level: 'FEED_OFF', priority: 3 });
    expect(off?.message).toMatch(/^WF FEED_OFF: F-102 de-energised/);
    expect(levels(engine.evaluate(at('K2', true, T0 + 14_000)))).toEqual([null]);

    const explained = start();
    explained.evaluate(at('K1', false, T0 + 10_000));
    explained.evaluate(at('K2', false, T0 + 10_000));
    explained.evaluate(at('WF', 1.5, T0 + 11_000));
    expect(explained.tick(T0 + 20_000)).toEqual([]);
  });

  it('unexpectedOff: ignore raises no FEED_OFF, and still raises FEED_FAULT', () => {
    const engine = start(feedRule({ unexpectedOff: 'ignore' }));
    engine.evaluate(at('K2', false, T0 + 10_000));
    expect(engine.tick(T0 + 20_000)).toEqual([]);
    engine.evaluate(at('K2', true, T0 + 21_000));
    engine.evaluate(at('WF', 1.6, T0 + 22_000));
    expect(levels(engine.tick(T0 + 25_000))).toEqual(['FEED_FAULT']);
  });

  it("another sensor's power-off explains a shared feeder going dead", () => {
    const shared = [ch4('UC', 'upper-corner', 'F-101'), ...points];
    const engine = start(feedRule(), shared);
    engine.evaluate(at('UC', 0.3, T0));
    expect(engine.conditionIds()).toEqual(['fc/UC', 'fc/WF']);
    engine.evaluate(at('UC', 1.6, T0 + 10_000));
    engine.evaluate(at('K1', false, T0 + 10_500));
    expect(engine.tick(T0 + 30_000)).toEqual([]);
    // The same drop with UC not cutting: WF's group sees a feeder dead without a power-off.
    engine.evaluate(at('UC', 0.3, T0 + 31_000));
    engine.evaluate(at('K1', true, T0 + 32_000));
    engine.evaluate(at('K1', false, T0 + 33_000));
    expect(engine.tick(T0 + 36_000).map((r) => [r.conditionId, r.level])).toEqual([['fc/UC', 'FEED_OFF'], ['fc/WF', 'FEED_OFF']]);
  });

  it('after a restart: a retained FEED_FAULT holds until the feeders report dead again, without a flap', () => {
    const engine = new RuleEngine(points, [feedRule()], T0);
    expect(engine.seed('fc/WF', 'POWER_OFF')).toBe(false);
    expect(engine.seed('fc/WF', 'FEED_FAULT')).toBe(true);
    expect(engine.evaluate(at('WF', 1.6, T0 + 1000))).toEqual([]);
    expect(engine.evaluate(at('K1', false, T0 + 1500))).toEqual([]);
    expect(engine.tick(T0 + 5000)).toEqual([]);
    expect(levels(engine.evaluate(at('K2', false, T0 + 6000)))).toEqual([null]);

    const retained = new RuleEngine(points, [feedRule()], T0);
    retained.seed('fc/WF', 'FEED_OFF');
    expect(retained.evaluate(at('K1', true, T0 + 1000))).toEqual([]);
    expect(levels(retained.evaluate(at('K2', true, T0 + 1000)))).toEqual([null]);
  });
});

describe('mine gases', () => {
  const gases = [
    point('CO', { unit: 'ppm', attrs: { gas: 'CO' } }),
    point('O2', { unit: '%', attrs: { gas: 'O2' } }),
    point('CH4', { unit: '%', attrs: { gas: 'CH4' } }),
    point('C2H4', { unit: 'ppm', attrs: { gas: 'C2H4' } }),
  ];

  it('judges only gases with a regulatory limit (methane has its own kind)', () => {
    expect(new RuleEngine(gases, [gasRule()], T0).conditionIds()).toEqual(['mg/CO', 'mg/O2']);
  });

  it('is beyond the limit strictly, and clears at it', () => {
    const engine = new RuleEngine(gases, [gasRule()], T0);
    expect(runSeries(engine, 'CO', 'mg/CO', '24 24.01 24 30').levels).toEqual(['-', 'HIGH', '-', 'HIGH']);
    expect(runSeries(engine, 'O2', 'mg/O2', '20 19.99 20 !15').levels).toEqual(['-', 'LOW', '-', '-']);
  });

  it('deadbandPct is a percentage of the limit', () => {
    const engine = new RuleEngine(gases, [gasRule({ deadbandPct: 10 })], T0);
    expect(runSeries(engine, 'CO', 'mg/CO', '25 22 21.6').levels).toEqual(['HIGH', 'HIGH', '-']);
    expect(runSeries(engine, 'O2', 'mg/O2', '19 21.9 22').levels).toEqual(['LOW', 'LOW', '-']);
  });

  it('takes the rule priority', () => {
    const engine = new RuleEngine(gases, [gasRule({ priority: 1 })], T0);
    expect(engine.evaluate(sample('CO', 30, T0))[0]).toMatchObject({ level: 'HIGH', priority: 1 });
  });
});

describe('coal checks', () => {
  it('report problems at the point paths, once each, and nothing for rules of other kinds', () => {
    const ps = [ch4('WF', 'working-face', 'F-9'), point('G', { unit: 'ppm', attrs: {} })];
    const rules: RuleSpec[] = [methaneRule, feedRule(), gasRule()];
    expect(packChecks(rules, ps)).toEqual([
      { path: ['points', 0, 'attrs', 'feeders'], message: 'CH4 point "WF" cuts feeder "F-9", but no feed point (kind: feed) has attrs.feeder "F-9"' },
      { path: ['points', 1, 'attrs'], message: expect.stringMatching(/^gas point "G" has no attrs\.gas/) },
    ]);
    expect(packChecks([{ id: 't', kind: 'threshold', select: { points: ['G'] }, levels: [] }], ps)).toEqual([]);
  });
});
