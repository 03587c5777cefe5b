import { describe, expect, it } from 'vitest';
import { isHazgateError, type FeedCheckRule, type MethaneRule, type MineGasRule, type Point, type RuleResult, type RuleSpec, type Sample, type SensorFaultRule } from '../../src/core/index.js';
import { packChecks, RuleEngine } from '../../src/engine/index.js';
import { engineFor, point, runSeries, sample, T0 } from './engine-fixtures.js';

/** The coal pack's evaluators through the real engine, on fake time (no sleeping). */

const methaneRule: MethaneRule = { id: 'ch4', kind: 'methane', select: { match: { gas: 'CH4' } }, priority: 1 };
/** The pack's defaults: 12 s to verify (2 s power-off time plus a 10 s scan), silent after 65 s. */
const feedRule = (extra: Partial<FeedCheckRule> = {}): FeedCheckRule => ({ id: 'fc', kind: 'feed-check', select: { match: { gas: 'CH4' } }, priority: 1, timeoutMs: 12_000, silentAfterMs: 65_000, unexpectedOff: 'alarm', ...extra });
const gasRule = (extra: Partial<MineGasRule> = {}): MineGasRule => ({ id: 'mg', kind: 'mine-gas', select: { match: { kind: 'gas' } }, priority: 2, deadbandPct: 0, ...extra });
const faultRule = (extra: Partial<SensorFaultRule> = {}): SensorFaultRule => ({ id: 'sf', kind: 'sensor-fault', select: { match: { kind: 'gas' } }, priority: 2, silentAfterMs: 65_000, feedSensors: true, ...extra });

const ch4 = (id: string, location: string, feeders = 'none', more: Record<string, string> = {}): Point =>
  point(id, { unit: '%', range: [0, 4], attrs: { gas: 'CH4', location, feeders, ...more } });
const feed = (id: string, feeder: string): Point => point(id, { kind: 'feed', type: 'boolean', unit: '', attrs: { feeder } });

/** A sample received at `rts`, stamped by the device at `ts`. */
const at = (pointId: string, value: number | boolean, rts: number, ts = rts, quality: Sample['quality']['level'] = 'good'): Sample => ({ ...sample(pointId, value, ts, quality), rts });
/** A bad sample with its quality reason (a broken loop, a comms fault). */
const bad = (pointId: string, rts: number, reason: string): Sample => ({ ...sample(pointId, 0, rts, 'bad'), quality: { level: 'bad', reason }, rts });

function levels(results: readonly RuleResult[]): (string | null)[] {
  return results.map((r) => r.level);
}

describe('methane: alarm, power-off and restore per location', () => {
  it.each([
    ['working-face', '0.5 1.0 1.49 1.5 1.2 1.0 0.99', '- ALARM ALARM POWER_OFF POWER_OFF POWER_OFF -'],
    // Restore < 1.0, not DOMAIN.md's < 1.5: no power at 1.49 % after a power-off.
    ['upper-corner', '0.5 1.0 1.6 1.5 1.49 1.0 0.99', '- ALARM POWER_OFF POWER_OFF POWER_OFF POWER_OFF -'],
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
    // A site alarm level below the restore level: POWER_OFF steps down to ALARM.
    const run = runSeries(engineFor(methaneRule, ch4('P', 'working-face', 'none', { alarmAt: '0.8' })), 'P', 'ch4/P', '1.6 0.9 0.3');
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

  it('feeders dead within the timeout: nothing; a status one 10 s scan late, at the timeout itself, is in time', () => {
    const engine = start();
    engine.evaluate(at('WF', 1.6, T0 + 10_000));
    engine.evaluate(at('K1', false, T0 + 11_000));
    expect(engine.tick(T0 + 22_000)).toEqual([]);
    expect(engine.evaluate(at('K2', false, T0 + 22_000))).toEqual([]);
    expect(engine.tick(T0 + 40_000)).toEqual([]);
  });

  it('a feeder still live past the timeout: FEED_FAULT naming it, back when it drops', () => {
    const engine = start();
    engine.evaluate(at('WF', 1.6, T0 + 10_000));
    engine.evaluate(at('K1', false, T0 + 10_500));
    expect(engine.tick(T0 + 22_000)).toEqual([]);
    const [fault] = engine.tick(T0 + 22_001);
    expect(fault).toMatchObject({ conditionId: 'fc/WF', pointId: 'WF', level: 'FEED_FAULT', priority: 1, value: 1.6, time: T0 + 22_001 });
    expect(fault?.message).toBe('WF FEED_FAULT: 馈电异常: power-off (methane 1.6 %, power-off level 1.5 %) not confirmed by the feed status after 12 s: F-102 live');
    expect(levels(engine.evaluate(at('K2', false, T0 + 23_000)))).toEqual([null]);
  });

  it('takes another configured timeout (slow feed-status scan)', () => {
    const engine = start(feedRule({ timeoutMs: 32_000 }));
    engine.evaluate(at('WF', 1.6, T0 + 10_000));
    expect(engine.tick(T0 + 42_000)).toEqual([]);
    expect(levels(engine.tick(T0 + 43_000))).toEqual(['FEED_FAULT']);
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
    expect(engine.tick(T0 + 21_000)).toEqual([]);
    expect(levels(engine.tick(T0 + 23_000))).toEqual(['FEED_FAULT']);
  });

  it('a feeder switched back on while methane is above restore: FEED_FAULT at once; below restore the power may return', () => {
    const engine = start();
    engine.evaluate(at('WF', 1.6, T0 + 10_000));
    engine.evaluate(at('K1', false, T0 + 10_500));
    engine.evaluate(at('K2', false, T0 + 10_500));
    expect(engine.evaluate(at('WF', 1.2, T0 + 24_000))).toEqual([]);
    const [fault] = engine.evaluate(at('K2', true, T0 + 25_000));
    expect(fault?.message).toMatch(/F-102 re-energised$/);
    expect(levels(engine.evaluate(at('WF', 0.9, T0 + 26_000)))).toEqual([null]);
    expect(engine.evaluate(at('K1', true, T0 + 27_000))).toEqual([]);
  });

  it('a bad feed-status sample holds the last usable state; a feeder that never reported cannot confirm', () => {
    const engine = start();
    engine.evaluate(at('WF', 1.6, T0 + 10_000));
    engine.evaluate(at('K1', false, T0 + 10_500));
    engine.evaluate(at('K2', false, T0 + 10_500));
    expect(engine.evaluate(at('K2', true, T0 + 15_000, T0 + 15_000, 'bad'))).toEqual([]);
    expect(engine.tick(T0 + 30_000)).toEqual([]);

    const silent = new RuleEngine(points, [feedRule()], T0);
    silent.evaluate(at('K1', true, T0));
    silent.evaluate(at('WF', 1.6, T0 + 1000));
    silent.evaluate(at('K1', false, T0 + 1500));
    const [fault] = silent.tick(T0 + 14_000);
    expect(fault?.message).toMatch(/F-102 no status$/);
  });

  it('a feeder dead with no power-off: FEED_OFF (priority 3) past the timeout, unless a power-off explains it in time', () => {
    const engine = start();
    engine.evaluate(at('K2', false, T0 + 10_000));
    expect(engine.tick(T0 + 22_000)).toEqual([]);
    const [off] = engine.tick(T0 + 23_000);
    expect(off).toMatchObject({ level: 'FEED_OFF', priority: 3 });
    expect(off?.message).toMatch(/^WF FEED_OFF: F-102 de-energised/);
    expect(levels(engine.evaluate(at('K2', true, T0 + 24_000)))).toEqual([null]);

    const explained = start();
    explained.evaluate(at('K1', false, T0 + 10_000));
    explained.evaluate(at('K2', false, T0 + 10_000));
    explained.evaluate(at('WF', 1.5, T0 + 11_000));
    expect(explained.tick(T0 + 40_000)).toEqual([]);
  });

  it('a feeder drop read up to one scan before the power-off reading is explained; later than the timeout it is FEED_OFF until explained', () => {
    const scanLate = start();
    scanLate.evaluate(at('K1', false, T0 + 10_000));
    scanLate.evaluate(at('K2', false, T0 + 10_000));
    expect(scanLate.tick(T0 + 20_000)).toEqual([]);
    expect(scanLate.evaluate(at('WF', 1.6, T0 + 22_000))).toEqual([]);
    expect(scanLate.tick(T0 + 40_000)).toEqual([]);

    const tooLate = start();
    tooLate.evaluate(at('K1', false, T0 + 10_000));
    tooLate.evaluate(at('K2', false, T0 + 10_000));
    expect(levels(tooLate.tick(T0 + 23_000))).toEqual(['FEED_OFF']);
    expect(levels(tooLate.evaluate(at('WF', 1.6, T0 + 24_000)))).toEqual([null]);
  });

  it('unexpectedOff: ignore raises no FEED_OFF, and still raises FEED_FAULT', () => {
    const engine = start(feedRule({ unexpectedOff: 'ignore' }));
    engine.evaluate(at('K2', false, T0 + 10_000));
    expect(engine.tick(T0 + 30_000)).toEqual([]);
    engine.evaluate(at('K2', true, T0 + 31_000));
    engine.evaluate(at('WF', 1.6, T0 + 32_000));
    expect(levels(engine.tick(T0 + 45_000))).toEqual(['FEED_FAULT']);
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
    expect(engine.tick(T0 + 46_000).map((r) => [r.conditionId, r.level])).toEqual([['fc/UC', 'FEED_OFF'], ['fc/WF', 'FEED_OFF']]);
  });

  it('after a restart: a retained FEED_FAULT holds until the feeders report dead again, without a flap', () => {
    const engine = new RuleEngine(points, [feedRule()], T0);
    expect(engine.seed('fc/WF', 'POWER_OFF')).toBe(false);
    expect(engine.seed('fc/WF', 'FEED_FAULT')).toBe(true);
    expect(engine.evaluate(at('WF', 1.6, T0 + 1000))).toEqual([]);
    expect(engine.evaluate(at('K1', false, T0 + 1500))).toEqual([]);
    expect(engine.tick(T0 + 15_000)).toEqual([]);
    expect(levels(engine.evaluate(at('K2', false, T0 + 16_000)))).toEqual([null]);

    const retained = new RuleEngine(points, [feedRule()], T0);
    retained.seed('fc/WF', 'FEED_OFF');
    expect(retained.evaluate(at('K1', true, T0 + 1000))).toEqual([]);
    expect(levels(retained.evaluate(at('K2', true, T0 + 1000)))).toEqual([null]);
  });
});

describe('feed check: a faulty or silent CH4 sensor demands the power-off (断线断电)', () => {
  const points = [ch4('WF', 'working-face', 'F-101,F-102'), feed('K1', 'F-101'), feed('K2', 'F-102')];
  const start = (rule: FeedCheckRule = feedRule(), ps: readonly Point[] = points): RuleEngine => {
    const engine = new RuleEngine(ps, [rule], T0);
    engine.evaluate(at('K1', true, T0));
    engine.evaluate(at('K2', true, T0));
    engine.evaluate(at('WF', 0.3, T0));
    return engine;
  };

  it('a broken line cut in time: nothing, and the feeders dropping is no FEED_OFF; power back after the repair: nothing', () => {
    const engine = start();
    expect(engine.evaluate(bad('WF', T0 + 10_000, 'signal-fault-low'))).toEqual([]);
    engine.evaluate(at('K1', false, T0 + 11_000));
    engine.evaluate(at('K2', false, T0 + 22_000));
    expect(engine.tick(T0 + 40_000)).toEqual([]);
    expect(engine.evaluate(at('WF', 0.3, T0 + 41_000))).toEqual([]);
    engine.evaluate(at('K1', true, T0 + 42_000));
    engine.evaluate(at('K2', true, T0 + 42_000));
    expect(engine.tick(T0 + 60_000)).toEqual([]);
  });

  it('a bad CH4 sample with the feeders still live: FEED_FAULT past the timeout, saying 断线断电; a good reading below restore ends it', () => {
    const engine = start();
    engine.evaluate(bad('WF', T0 + 10_000, 'signal-fault-low'));
    engine.evaluate(at('K1', false, T0 + 11_000));
    expect(engine.tick(T0 + 22_000)).toEqual([]);
    const [fault] = engine.tick(T0 + 23_000);
    expect(fault).toMatchObject({ level: 'FEED_FAULT', priority: 1, value: 0.3 });
    expect(fault?.message).toBe('WF FEED_FAULT: 馈电异常: power-off (断线断电: signal-fault-low (loop current below the NAMUR NE 43 fault limit: broken line or sensor fault); last usable methane 0.3 %) not confirmed by the feed status after 12 s: F-102 live');
    // Another bad reason is the same fault; a good reading at the power-off level keeps the demand.
    expect(engine.evaluate(bad('WF', T0 + 24_000, 'comm-lost'))).toEqual([]);
    expect(engine.evaluate(at('WF', 1.6, T0 + 25_000))).toEqual([]);
    expect(levels(engine.evaluate(at('WF', 0.9, T0 + 26_000)))).toEqual([null]);
  });

  it('a feeder switched back on during the fault is re-energised', () => {
    const engine = start();
    engine.evaluate(bad('WF', T0 + 10_000, 'comm-lost'));
    engine.evaluate(at('K1', false, T0 + 11_000));
    engine.evaluate(at('K2', false, T0 + 11_000));
    expect(engine.tick(T0 + 30_000)).toEqual([]);
    const [fault] = engine.evaluate(at('K2', true, T0 + 31_000));
    expect(fault?.message).toMatch(/^WF FEED_FAULT: 馈电异常: power-off \(断线断电: comm-lost \(communication with the sensor lost\); .*: F-102 re-energised$/);
  });

  it('feeders read dead up to one scan before the bad CH4 sample: explained, no FEED_OFF', () => {
    const engine = start();
    engine.evaluate(at('K1', false, T0 + 10_000));
    engine.evaluate(at('K2', false, T0 + 10_000));
    expect(engine.evaluate(bad('WF', T0 + 20_000, 'signal-fault-low'))).toEqual([]);
    expect(engine.tick(T0 + 40_000)).toEqual([]);
  });

  it("another sensor's fault explains a shared feeder going dead", () => {
    const shared = [ch4('UC', 'upper-corner', 'F-101'), ...points];
    const engine = start(feedRule(), shared);
    engine.evaluate(at('UC', 0.3, T0));
    engine.evaluate(bad('UC', T0 + 10_000, 'signal-fault-low'));
    engine.evaluate(at('K1', false, T0 + 11_000));
    expect(engine.tick(T0 + 40_000)).toEqual([]);
  });

  it('a CH4 sensor silent for more than silentAfter demands the power-off from then; a stale feed status says how old it is', () => {
    const engine = start();
    engine.evaluate(at('K1', true, T0 + 60_000));
    expect(engine.tick(T0 + 65_000)).toEqual([]);
    // Silent since T0 + 65 s: the feeders have 12 s from then.
    expect(engine.tick(T0 + 77_000)).toEqual([]);
    const [fault] = engine.tick(T0 + 77_001);
    expect(fault?.message).toBe('WF FEED_FAULT: 馈电异常: power-off (sensor silent: no data for more than 65 s; last usable methane 0.3 %) not confirmed by the feed status after 12 s: F-101 live, F-102 live (last status 77 s ago)');
    expect(levels(engine.evaluate(at('WF', 0.3, T0 + 78_000)))).toEqual([null]);
  });

  it('a bad sample is a sign of life: a sensor sending bad samples is faulty, not silent', () => {
    const engine = start(feedRule({ silentAfterMs: 5000 }));
    engine.evaluate(at('K1', false, T0 + 1000));
    engine.evaluate(at('K2', false, T0 + 1000));
    engine.evaluate(bad('WF', T0 + 4000, 'comm-timeout'));
    expect(engine.tick(T0 + 30_000)).toEqual([]);
    expect(engine.evaluate(at('WF', 0.3, T0 + 31_000))).toEqual([]);
  });
});

describe('sensor fault', () => {
  const ps = [ch4('WF', 'working-face', 'F-101,F-102'), point('CO', { unit: 'ppm', attrs: { gas: 'CO' } }), feed('K1', 'F-101'), feed('K2', 'F-102'), feed('K9', 'F-109')];

  it('watches the selected gas sensors and the feed sensors of their CH4 power-off scopes, once each', () => {
    expect(new RuleEngine(ps, [faultRule()], T0).conditionIds()).toEqual(['sf/WF', 'sf/CO', 'sf/K1', 'sf/K2']);
    expect(new RuleEngine(ps, [faultRule({ feedSensors: false })], T0).conditionIds()).toEqual(['sf/WF', 'sf/CO']);
    expect(new RuleEngine(ps, [faultRule({ select: { points: ['WF', 'K1'] } })], T0).conditionIds()).toEqual(['sf/WF', 'sf/K1', 'sf/K2']);
  });

  it('FAULT while the latest sample is bad (whatever the reason), normal on a good or uncertain one', () => {
    const run = runSeries(new RuleEngine(ps, [faultRule()], T0), 'CO', 'sf/CO', '3 !0 !0 ~3 !0 3');
    expect(run.levels).toEqual(['-', 'FAULT', 'FAULT', '-', 'FAULT', '-']);
    expect(run.results[0]).toMatchObject({ level: 'FAULT', priority: 2 });
  });

  it("names the reason, and at a CH4 sensor the power-off its fault demands; the first reason is kept", () => {
    const engine = new RuleEngine(ps, [faultRule()], T0);
    engine.evaluate(at('WF', 0.4, T0));
    const [fault] = engine.evaluate(bad('WF', T0 + 1000, 'signal-fault-low'));
    expect(fault?.message).toBe('WF FAULT: signal-fault-low (loop current below the NAMUR NE 43 fault limit: broken line or sensor fault); methane unknown (last usable 0.4 %): its power-off scope F-101, F-102 must be cut (断线断电)');
    expect(engine.evaluate(bad('WF', T0 + 2000, 'comm-lost'))).toEqual([]);
    expect(engine.evaluate(at('WF', 0.4, T0 + 3000))[0]?.message).toBe('WF sensor fault cleared (0.4 %)');
    const [co] = engine.evaluate(bad('CO', T0 + 4000, 'comm-vendor-x'));
    expect(co?.message).toBe('CO FAULT: comm-vendor-x (communication fault); the reading cannot be trusted (no usable reading yet)');
  });

  it('FAULT when silent for more than silentAfter, counted from engine start or the last sample of any quality', () => {
    const engine = new RuleEngine(ps, [faultRule()], T0);
    engine.evaluate(bad('CO', T0 + 10_000, 'comm-lost'));
    engine.evaluate(at('CO', 3, T0 + 20_000));
    for (const id of ['WF', 'K1', 'K2']) engine.evaluate(at(id, id === 'WF' ? 0.3 : true, T0 + 1000));
    expect(engine.tick(T0 + 66_000)).toEqual([]);
    expect(engine.tick(T0 + 66_001).map((r) => [r.conditionId, r.level])).toEqual([['sf/WF', 'FAULT'], ['sf/K1', 'FAULT'], ['sf/K2', 'FAULT']]);
    const [co] = engine.tick(T0 + 85_001);
    expect(co).toMatchObject({ conditionId: 'sf/CO', level: 'FAULT' });
    expect(co?.message).toBe('CO FAULT: silent: no data for more than 65 s; the reading cannot be trusted (last usable 3 ppm)');
    expect(levels(engine.evaluate(at('CO', 3, T0 + 86_000)))).toEqual([null]);
  });

  it('starts from a retained FAULT; refuses a level it does not have', () => {
    const engine = new RuleEngine(ps, [faultRule()], T0);
    expect(engine.seed('sf/CO', 'STALE')).toBe(false);
    expect(engine.seed('sf/CO', 'FAULT')).toBe(true);
    expect(engine.evaluate(bad('CO', T0 + 1000, 'comm-lost'))).toEqual([]);
    expect(levels(engine.evaluate(at('CO', 3, T0 + 2000)))).toEqual([null]);
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
