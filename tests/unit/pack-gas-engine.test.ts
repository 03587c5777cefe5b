import { describe, expect, it } from 'vitest';
import { ruleSchema } from '../../src/config/rules.js';
import type { DetectorFaultRule, GasLevelRule, GasVoteRule, Point, RuleSpec, Sample } from '../../src/core/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { gasLevels, STANDARD_SETPOINTS, toxicBasis } from '../../src/engine/packs/gas/levels.js';
import { gasProfile, type GasProfile } from '../../src/engine/packs/gas/profile.js';
import { gasReference, listedGases } from '../../src/engine/packs/gas/reference.js';
import { convert, gasUnitOf, parseQuantity } from '../../src/engine/packs/gas/units.js';
import { expand, point, runSeries, T0 } from './engine-fixtures.js';

/** Pack rules as the config schema makes them (defaults filled in), so the tests use what sites get. */
function parse<R extends RuleSpec>(rule: Record<string, unknown>): R {
  return ruleSchema.parse(rule) as R;
}

function profileOf(p: Point): GasProfile {
  const r = gasProfile(p);
  if (!r.ok) throw new Error(r.problem.message);
  return r.profile;
}

function bad(pointId: string, ts: number, reason: string): Sample {
  return { pointId, value: 0, quality: { level: 'bad', reason }, ts, rts: ts, tsSource: 'device' };
}

function good(pointId: string, value: number, ts: number): Sample {
  return { pointId, value, quality: { level: 'good' }, ts, rts: ts, tsSource: 'device' };
}

const CH4_LEL = point('GT-1', { range: [0, 100], attrs: { gas: 'CH4', class: 'combustible' } });

describe('gas reference data and units', () => {
  it('lists every gas the brief names, with an LEL for combustibles and an OEL and IDLH for toxics', () => {
    const gases = listedGases().map((g) => g.gas);
    expect(gases).toEqual(expect.arrayContaining(['CH4', 'C3H8', 'H2', 'C2H4', 'C6H6', 'NH3', 'H2S', 'CO', 'Cl2', 'SO2', 'NO2', 'HCN', 'O2']));
    for (const g of listedGases()) {
      if (g.oel !== undefined) expect(g.idlh, g.gas).toBeGreaterThan(g.oel.mgm3);
      if (g.lel !== undefined) expect(g.lel, g.gas).toBeGreaterThan(0);
    }
    expect(gasReference('h2s')).toMatchObject({ gas: 'H2S', oel: { mgm3: 10, kind: 'MAC' }, idlh: 430 });
    expect(gasReference('CO')).toMatchObject({ oel: { mgm3: 30, kind: 'PC-STEL', twaMgm3: 20 } });
    expect(gasReference('XYZ')).toBeUndefined();
  });

  it('reads the spellings of gas units', () => {
    expect(['%LEL', '%lel', '%VOL', '% vol', '%', 'ppm', 'mg/m3', 'mg/m³', 'LEL·m', 'LEL.m', 'mA', undefined].map(gasUnitOf)).toEqual([
      '%LEL', '%LEL', '%VOL', '%VOL', '%VOL', 'ppm', 'mg/m3', 'mg/m3', 'LEL·m', 'LEL·m', undefined, undefined,
    ]);
    expect(parseQuantity('10', 'mg/m3')).toEqual({ value: 10, unit: 'mg/m3' });
    expect(parseQuantity('7 ppm', 'mg/m3')).toEqual({ value: 7, unit: 'ppm' });
    expect(parseQuantity('7 %LEL', 'mg/m3')).toBeUndefined();
    expect(parseQuantity('-1', 'mg/m3')).toBeUndefined();
  });

  it('converts between concentrations at 20 °C (24.04 L/mol) and through the LEL', () => {
    expect(convert(25, '%LEL', '%VOL', { lel: 4.4 })).toBeCloseTo(1.1, 12);
    expect(convert(10, 'mg/m3', 'ppm', { molarMass: 34.08 })).toBeCloseTo(7.054, 3);
    expect(convert(1, '%VOL', 'ppm', {})).toBe(10_000);
    expect(convert(50, '%LEL', 'ppm', { lel: 4.0 })).toBeCloseTo(20_000, 9);
    expect(convert(10, 'mg/m3', 'ppm', {})).toBeUndefined();
    expect(convert(1, 'LEL·m', '%LEL', { lel: 4.4 })).toBeUndefined();
  });
});

describe('GB/T 50493-2019 5.5.2 levels of a point', () => {
  const levelsOf = (p: Point): string =>
    (gasLevels(profileOf(p), STANDARD_SETPOINTS) as { name: string; limit: number }[]).map((l) => `${l.name} ${Number(l.limit.toPrecision(4))}`).join(', ');

  it('computes each class in the point unit', () => {
    expect(levelsOf(CH4_LEL)).toBe('AL1 25, AL2 50');
    expect(levelsOf(point('GT-2', { unit: '%VOL', range: [0, 5], attrs: { gas: 'CH4', class: 'combustible' } }))).toBe('AL1 1.1, AL2 2.2');
    expect(levelsOf(point('GT-3', { unit: 'ppm', range: [0, 20000], attrs: { gas: 'H2', class: 'combustible' } }))).toBe('AL1 10000, AL2 20000');
    expect(levelsOf(point('GP-4', { unit: 'LEL·m', range: [0, 5], attrs: { class: 'combustible' } }))).toBe('AL1 1, AL2 2');
    expect(levelsOf(point('AT-5', { unit: 'ppm', range: [0, 20], attrs: { gas: 'H2S', class: 'toxic' } }))).toBe('AL1 7.054, AL2 14.11');
    expect(levelsOf(point('AT-6', { unit: 'mg/m3', range: [0, 30], attrs: { gas: 'H2S', class: 'toxic' } }))).toBe('AL1 10, AL2 20');
    expect(levelsOf(point('AT-7', { unit: 'ppm', range: [0, 1], attrs: { gas: 'Cl2', class: 'toxic' } }))).toBe('AL1 0.3391, AL2 0.6781');
    // The usual 0-10 ppm chlorine detector is wider than 0-300 %OEL (1.02 ppm): 5 / 10 %IDLH (88 mg/m³).
    expect(levelsOf(point('AT-8', { unit: 'ppm', range: [0, 10], attrs: { gas: 'Cl2', class: 'toxic' } }))).toBe('AL1 1.492, AL2 2.984');
    expect(levelsOf(point('OT-8', { unit: '%VOL', range: [0, 25], attrs: { class: 'oxygen' } }))).toBe('LOW 19.5, HIGH 23.5');
  });

  it('takes the %IDLH basis only for a detector whose range is wider than 0-300 %OEL', () => {
    const h2s = (high: number): GasProfile => profileOf(point('AT-1', { unit: 'ppm', range: [0, high], attrs: { gas: 'H2S', class: 'toxic' } }));
    expect(toxicBasis(h2s(21), 'auto')).toBe('oel'); // 300 %OEL = 21.16 ppm
    expect(toxicBasis(h2s(21.2), 'auto')).toBe('idlh');
    expect(toxicBasis(h2s(100), 'oel')).toBe('oel');
    expect(toxicBasis(profileOf(point('AT-2', { unit: 'ppm', attrs: { gas: 'H2S', class: 'toxic' } })), 'auto')).toBe('oel');
    // An OEL given without an IDLH: the %OEL basis whatever the range.
    expect(toxicBasis(profileOf(point('AT-3', { unit: 'ppm', range: [0, 1000], attrs: { gas: 'XYZ', class: 'toxic', oel: '1 ppm' } })), 'auto')).toBe('oel');
    expect(levelsOf(point('AT-4', { unit: 'ppm', range: [0, 100], attrs: { gas: 'H2S', class: 'toxic' } }))).toBe('AL1 15.17, AL2 30.33');
  });

  it('lets point attributes override the reference values', () => {
    expect(levelsOf(point('GT-1', { unit: '%VOL', range: [0, 5], attrs: { gas: 'CH4', class: 'combustible', lel: '5.0' } }))).toBe('AL1 1.25, AL2 2.5');
    expect(levelsOf(point('AT-1', { unit: 'ppm', range: [0, 15], attrs: { gas: 'H2S', class: 'toxic', oel: '5 ppm' } }))).toBe('AL1 5, AL2 10');
  });
});

describe('gas-level conditions on fake time', () => {
  const rule = parse<GasLevelRule>({ id: 'gl', kind: 'gas-level', select: { points: ['GT-1'] }, deadbandPct: 2 });

  it('fills the standard defaults and the rule priority from the schema', () => {
    expect(rule).toMatchObject({ setpoints: STANDARD_SETPOINTS, priorities: { level1: 2, level2: 1, oxygen: 2 }, priority: 1, level2Audiences: ['fire-control-room'] });
  });

  it('activates at the limit with no on-delay, keeps the deadband, and holds on bad samples', () => {
    const engine = new RuleEngine([CH4_LEL], [rule], T0);
    const run = runSeries(engine, 'GT-1', 'gl/GT-1', '10 25 50 !0 !0 48.5 47.9 23.5 22.9');
    expect(run.levels).toEqual(expand('- AL1 AL2 AL2x3 AL1 AL1 -'));
    expect(run.results.map((r) => r.time - T0)).toEqual([1000, 2000, 6000, 8000]);
  });

  it('sends level 2 (and its return) to the fire control room, level 1 to the operators only', () => {
    const engine = new RuleEngine([CH4_LEL], [rule], T0);
    const [al1] = engine.evaluate(good('GT-1', 30, T0));
    const [al2] = engine.evaluate(good('GT-1', 60, T0 + 1000));
    const [back] = engine.evaluate(good('GT-1', 1, T0 + 2000));
    expect(al1).toMatchObject({ level: 'AL1', priority: 2 });
    expect(al1?.audiences).toBeUndefined();
    expect(al2).toMatchObject({ level: 'AL2', priority: 1, audiences: ['fire-control-room'] });
    expect(back).toMatchObject({ level: null, priority: 1, audiences: ['fire-control-room'], message: 'GT-1 back to normal (1 %LEL)' });
  });

  it('refuses to build a condition for a point the checks would have refused', () => {
    const bare = point('GT-9', { range: [0, 100] });
    expect(() => new RuleEngine([bare], [{ ...rule, select: { points: ['GT-9'] } }], T0)).toThrow(expect.objectContaining({ code: 'HG_ERR_CONFIG_INVALID' }));
  });
});

describe('detector-fault conditions on fake time', () => {
  const rule = parse<DetectorFaultRule>({ id: 'df', kind: 'detector-fault', select: { points: ['GT-1'] }, silentAfter: '30s' });

  it('defaults to the fire control room and priority 2', () => {
    expect(rule).toMatchObject({ audiences: ['fire-control-room'], priority: 2, silentAfterMs: 30_000 });
  });

  it('is FAULT while samples are bad, whatever the reason, and clears on the next usable one', () => {
    const engine = new RuleEngine([CH4_LEL], [rule], T0);
    const run = runSeries(engine, 'GT-1', 'df/GT-1', '2 !0 !0 ~0 3 !0 3');
    expect(run.levels).toEqual(expand('- FAULT FAULT - - FAULT -'));
  });

  it('keeps the first reason of a fault for its message and puts it in the message', () => {
    const engine = new RuleEngine([CH4_LEL], [rule], T0);
    engine.evaluate(good('GT-1', 12, T0));
    const [first] = engine.evaluate(bad('GT-1', T0 + 1000, 'signal-fault-low'));
    expect(engine.evaluate(bad('GT-1', T0 + 2000, 'comm-lost'))).toEqual([]);
    expect(first).toMatchObject({ level: 'FAULT', value: 12, audiences: ['fire-control-room'] });
    expect(first?.message).toContain('signal-fault-low (loop current below the NAMUR NE 43 fault limit');
    const [cleared] = engine.evaluate(good('GT-1', 1, T0 + 3000));
    expect(cleared).toMatchObject({ level: null, message: 'GT-1 detector fault cleared (1 %LEL)' });
    const [comm] = engine.evaluate(bad('GT-1', T0 + 4000, 'comm-timeout'));
    expect(comm?.message).toContain('comm-timeout (the detector does not answer)');
  });

  it('goes FAULT after silentAfter of gateway time without any sample, counted from the start', () => {
    const engine = new RuleEngine([CH4_LEL], [rule], T0);
    expect(engine.tick(T0 + 29_999)).toEqual([]);
    expect(engine.tick(T0 + 30_000)).toMatchObject([{ level: 'FAULT', time: T0 + 30_000 }]);
    expect(engine.evaluate(good('GT-1', 1, T0 + 31_000))).toMatchObject([{ level: null }]);
    // A bad sample is not silence: the fault it raises is the bad quality's.
    engine.evaluate(bad('GT-1', T0 + 40_000, 'detector-fault'));
    expect(engine.tick(T0 + 100_000)).toEqual([]);
    expect(engine.levelOf('df/GT-1')).toBe('FAULT');
  });

  it('resumes a FAULT retained across a restart until a usable sample', () => {
    const engine = new RuleEngine([CH4_LEL], [rule], T0);
    expect(engine.seed('df/GT-1', 'AL1')).toBe(false);
    expect(engine.seed('df/GT-1', 'FAULT')).toBe(true);
    expect(engine.evaluate(bad('GT-1', T0 + 1000, 'signal-fault-low'))).toEqual([]);
    expect(engine.evaluate(good('GT-1', 1, T0 + 2000))).toMatchObject([{ level: null }]);
  });
});

describe('gas-vote conditions on fake time', () => {
  const members = ['GT-1', 'GT-2', 'GT-3'].map((id) => point(id, { range: [0, 100], area: 'a', attrs: { gas: 'CH4', class: 'combustible' } }));
  const vote = (extra: Record<string, unknown> = {}): GasVoteRule => parse<GasVoteRule>({ id: 'v', kind: 'gas-vote', select: { match: { area: 'a' } }, k: 2, ...extra });

  it('confirms the zone while k members are at level 1, naming the zone, not a point', () => {
    const engine = new RuleEngine(members, [vote()], T0);
    expect(engine.evaluate(good('GT-1', 30, T0))).toEqual([]);
    const [confirmed] = engine.evaluate(good('GT-2', 26, T0 + 1000));
    expect(confirmed).toMatchObject({ conditionId: 'v/a', pointId: null, zoneId: 'a', level: 'CONFIRMED', value: 2, priority: 1 });
    expect(engine.evaluate(good('GT-3', 60, T0 + 2000))).toEqual([]);
    expect(engine.evaluate(good('GT-1', 1, T0 + 3000))).toEqual([]);
    expect(engine.evaluate(good('GT-2', 1, T0 + 4000))).toMatchObject([{ level: null, value: 1 }]);
  });

  it('lets a faulted member abstain by default, or vote when the rule is fail-safe', () => {
    const abstain = new RuleEngine(members, [vote()], T0);
    abstain.evaluate(good('GT-1', 30, T0));
    expect(abstain.evaluate(bad('GT-2', T0 + 1000, 'signal-fault-low'))).toEqual([]);
    const failSafe = new RuleEngine(members, [vote({ faulted: 'vote' })], T0);
    failSafe.evaluate(good('GT-1', 30, T0));
    expect(failSafe.evaluate(bad('GT-2', T0 + 1000, 'signal-fault-low'))).toMatchObject([{ level: 'CONFIRMED', value: 2 }]);
  });

  it('keeps a confirmation retained across a restart until every member has reported again', () => {
    const engine = new RuleEngine(members, [vote()], T0);
    expect(engine.seed('v/a', 'CONFIRMED')).toBe(true);
    expect(engine.evaluate(good('GT-1', 1, T0))).toEqual([]);
    expect(engine.evaluate(good('GT-2', 1, T0 + 1000))).toEqual([]);
    expect(engine.evaluate(good('GT-3', 1, T0 + 2000))).toMatchObject([{ level: null, value: 0 }]);
  });

  it('votes at level 2 only when asked, and at a plain limit in the members unit', () => {
    const l2 = new RuleEngine(members, [vote({ at: 'level2' })], T0);
    l2.evaluate(good('GT-1', 30, T0));
    expect(l2.evaluate(good('GT-2', 30, T0 + 1000))).toEqual([]);
    expect(l2.evaluate(good('GT-2', 50, T0 + 2000))).toEqual([]);
    expect(l2.evaluate(good('GT-1', 50, T0 + 3000))).toMatchObject([{ level: 'CONFIRMED' }]);
    const limit = new RuleEngine(members, [vote({ limit: 10 })], T0);
    limit.evaluate(good('GT-1', 10, T0));
    expect(limit.evaluate(good('GT-3', 11, T0 + 1000))).toMatchObject([{ level: 'CONFIRMED', message: 'a CONFIRMED: 2 of 3 detectors ≥ 10 (GT-1, GT-3), k = 2' }]);
  });
});
