import { describe, expect, it, vi } from 'vitest';
import { ruleSchema } from '../../src/config/rules.js';
import type { DetectorFaultRule, GasLevelRule, GasVoteRule, LeakRateRule, Point, RuleSpec, Sample } from '../../src/core/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { leakRise } from '../../src/engine/packs/gas/leak-rate.js';
import { gasLevels, STANDARD_SETPOINTS, toxicBasis } from '../../src/engine/packs/gas/levels.js';
import { gasProfile, type GasProfile } from '../../src/engine/packs/gas/profile.js';
import { gasReference, listedGases } from '../../src/engine/packs/gas/reference.js';
import { convert, gasUnitOf, parseQuantity } from '../../src/engine/packs/gas/units.js';
import { voteLevels, ZoneVoteEvaluator } from '../../src/engine/packs/gas/vote.js';
import { ThresholdEvaluator } from '../../src/engine/threshold.js';
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
    expect(gasReference('CO')).toMatchObject({ oel: { mgm3: 20, kind: 'PC-TWA', stelMgm3: 30 } });
    expect(gasReference('XYZ')).toBeUndefined();
  });

  it('takes the OEL as GB/T 50493-2019 appendix B does: the MAC, else the PC-TWA (never the higher PC-STEL)', () => {
    // Level 1 (100 %OEL) in mg/m³ and the IDLH, as a vendor's reproduction of appendix B lists them.
    const appendixB: Readonly<Record<string, readonly [number, number]>> = {
      H2S: [10, 430], CO: [20, 1700], NO2: [5, 96], Cl2: [1, 88], CH3OH: [25, 33000], SO2: [5, 270], NH3: [20, 360],
      CO2: [9000, 92000], C6H6: [6, 9800], HCN: [1, 56], HCl: [7.5, 150], COCl2: [0.5, 8],
    };
    const listed = listedGases().filter((g) => g.oel !== undefined);
    expect(listed.map((g) => g.gas).sort()).toEqual(Object.keys(appendixB).sort());
    for (const g of listed) {
      expect([g.oel?.mgm3, g.idlh], g.gas).toEqual(appendixB[g.gas]);
      // The PC-STEL is reference data only, and never lower than the limit used.
      if (g.oel?.stelMgm3 !== undefined) expect(g.oel.stelMgm3, g.gas).toBeGreaterThan(g.oel.mgm3);
      expect(g.oel?.kind === 'MAC' || g.oel?.kind === 'PC-TWA', g.gas).toBe(true);
    }
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
    // The usual 0-10 ppm chlorine detector is wider than 0-300 %OEL (1.02 ppm): still the %OEL basis.
    expect(levelsOf(point('AT-8', { unit: 'ppm', range: [0, 10], attrs: { gas: 'Cl2', class: 'toxic' } }))).toBe('AL1 0.3391, AL2 0.6781');
    // CO: PC-TWA 20 mg/m³ = 17.2 ppm (not the PC-STEL's 25.7); SO2 PC-TWA 5 mg/m³ = 1.88 ppm.
    expect(levelsOf(point('AT-9', { unit: 'ppm', range: [0, 500], attrs: { gas: 'CO', class: 'toxic' } }))).toBe('AL1 17.17, AL2 34.33');
    expect(levelsOf(point('AT-10', { unit: 'ppm', range: [0, 20], attrs: { gas: 'SO2', class: 'toxic' } }))).toBe('AL1 1.876, AL2 3.752');
    expect(levelsOf(point('OT-8', { unit: '%VOL', range: [0, 25], attrs: { class: 'oxygen' } }))).toBe('LOW 19.5, HIGH 23.5');
  });

  it('takes the %IDLH basis only for a point that declares it, never from its range', () => {
    const h2s = (high: number, attrs: Record<string, string> = {}): GasProfile =>
      profileOf(point('AT-1', { unit: 'ppm', range: [0, high], attrs: { gas: 'H2S', class: 'toxic', ...attrs } }));
    expect(toxicBasis(h2s(21), 'point')).toBe('oel'); // 300 %OEL = 21.16 ppm
    expect(toxicBasis(h2s(21.2), 'point')).toBe('oel');
    expect(toxicBasis(h2s(100), 'point')).toBe('oel');
    expect(toxicBasis(h2s(100, { toxicBasis: 'oel' }), 'point')).toBe('oel');
    expect(toxicBasis(h2s(100, { toxicBasis: 'idlh' }), 'point')).toBe('idlh');
    expect(toxicBasis(h2s(21.2, { toxicBasis: 'IDLH' }), 'point')).toBe('idlh');
    // A rule may force the %OEL basis over the declaration (stricter).
    expect(toxicBasis(h2s(100, { toxicBasis: 'idlh' }), 'oel')).toBe('oel');
    expect(levelsOf(point('AT-4', { unit: 'ppm', range: [0, 100], attrs: { gas: 'H2S', class: 'toxic' } }))).toBe('AL1 7.054, AL2 14.11');
    expect(levelsOf(point('AT-5', { unit: 'ppm', range: [0, 100], attrs: { gas: 'H2S', class: 'toxic', toxicBasis: 'idlh' } }))).toBe('AL1 15.17, AL2 30.33');
    // A declared basis says so in the level's text.
    const [l1] = gasLevels(h2s(100, { toxicBasis: 'idlh' }), STANDARD_SETPOINTS) as { basis: string }[];
    expect(l1?.basis).toBe('5 %IDLH of H2S IDLH 430 mg/m³ (GB/T 50493-2019 appendix B) = 15.2 ppm (declared: attrs.toxicBasis idlh)');
  });

  it('refuses a %IDLH declaration the point disproves or the pack cannot compute', () => {
    const problem = (p: Point): string => {
      const r = gasProfile(p);
      return r.ok ? 'ok' : `${r.problem.field}: ${r.problem.message}`;
    };
    const toxic = (range: [number, number] | undefined, attrs: Record<string, string>): Point =>
      point('AT-1', { unit: 'ppm', ...(range === undefined ? {} : { range }), attrs: { class: 'toxic', ...attrs } });
    expect(problem(toxic([0, 20], { gas: 'H2S', toxicBasis: 'idlh' }))).toBe(
      'attrs.toxicBasis: toxic point "AT-1" declares the %IDLH basis (attrs.toxicBasis: idlh), but its range [0, 20] measures 0-300 %OEL (21.2 ppm): GB/T 50493-2019 5.5.2 allows %IDLH only where no detector can; remove attrs.toxicBasis',
    );
    expect(problem(toxic(undefined, { gas: 'H2S', toxicBasis: 'idlh' }))).toMatch(/^attrs\.toxicBasis: toxic point "AT-1" declares the %IDLH basis \(attrs\.toxicBasis: idlh\) without a range/);
    expect(problem(toxic([0, 100], { gas: 'XYZ', oel: '1 ppm', toxicBasis: 'idlh' }))).toBe(
      'attrs.toxicBasis: toxic point "AT-1" declares the %IDLH basis (attrs.toxicBasis: idlh) but has no IDLH: name a listed gas or give attrs.idlh (e.g. "430 mg/m3")',
    );
    expect(problem(toxic([0, 100], { gas: 'XYZ', oel: '1 ppm', idlh: '50 ppm', toxicBasis: 'idlh' }))).toBe('ok');
    expect(problem(toxic([0, 100], { gas: 'H2S', toxicBasis: 'auto' }))).toBe('attrs.toxicBasis: toxic point "AT-1": attrs.toxicBasis "auto" is neither oel nor idlh');
    expect(problem(point('GT-1', { range: [0, 100], attrs: { class: 'combustible', toxicBasis: 'idlh' } }))).toBe(
      'attrs.toxicBasis: combustible point "GT-1" has attrs.toxicBasis "idlh"; only a toxic detector has a toxic basis',
    );
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

describe('gas-vote running count', () => {
  /** A small deterministic PRNG (mulberry32), so a failure replays. */
  function rng(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it.each([
    ['abstain', 1],
    ['vote', 2],
  ] as const)('equals a full recount after every sample (faulted: %s, seed %i)', (faulted, seed) => {
    const n = 12;
    const members = Array.from({ length: n }, (_, i) => point(`GT-${i}`, { range: [0, 100], area: 'a', attrs: { gas: 'CH4', class: 'combustible' } }));
    const rule = parse<GasVoteRule>({ id: 'v', kind: 'gas-vote', select: { match: { area: 'a' } }, k: 4, faulted, deadbandPct: 2 });
    const zone = new ZoneVoteEvaluator(rule, members);
    // The brute force: each member's own levels and quality, counted from scratch.
    const own = members.map((p) => ({ e: new ThresholdEvaluator({ id: 'v', kind: 'threshold', select: rule.select, levels: voteLevels(rule, p) }, p), faulted: false }));
    const next = rng(seed);
    for (let i = 0; i < 5000; i++) {
      const j = Math.floor(next() * n);
      const p = members[j] as Point;
      const m = own[j] as (typeof own)[number];
      const roll = next();
      const s = roll < 0.1 ? bad(p.id, T0 + i, 'signal-fault-low') : good(p.id, roll < 0.55 ? next() * 30 : 20 + next() * 40, T0 + i);
      zone.update(s);
      m.faulted = s.quality.level === 'bad';
      m.e.update(s.value as number, s);
      const count = own.filter((o) => (o.faulted ? faulted === 'vote' : o.e.level !== null)).length;
      expect(zone.value, `sample ${i}`).toBe(count);
      expect(zone.level, `sample ${i}`).toBe(count >= rule.k ? 'CONFIRMED' : null);
    }
  });

  it('reads one member per sample, not the whole zone (a recount was O(n) per sample, O(n²) per scan)', () => {
    const n = 2000;
    const members = Array.from({ length: n }, (_, i) => point(`GT-${i}`, { range: [0, 100], area: 'a', attrs: { class: 'combustible' } }));
    const zone = new ZoneVoteEvaluator(parse<GasVoteRule>({ id: 'v', kind: 'gas-vote', select: { match: { area: 'a' } }, k: 2 }), members);
    const reads = vi.spyOn(ThresholdEvaluator.prototype, 'level', 'get');
    try {
      for (let i = 0; i < 2 * n; i++) zone.update(good(`GT-${i % n}`, i % 7 === 0 ? 30 : 1, T0 + i));
      // Before and after the member's own update: two reads a sample (a recount read all 2000).
      expect(reads.mock.calls.length).toBeLessThanOrEqual(2 * 2 * n);
    } finally {
      reads.mockRestore();
    }
    // The last pass (samples 2000-3999): the members whose last sample index is a multiple of 7 vote.
    const voting = Array.from({ length: n }, (_, j) => n + j).filter((i) => i % 7 === 0).length;
    expect(zone.value).toBe(voting);
    expect(zone.level).toBe('CONFIRMED');
  });
});

describe('leak-rate conditions on fake time', () => {
  const rule = parse<LeakRateRule>({ id: 'lr', kind: 'leak-rate', select: { match: { class: 'combustible' } } });

  it('fills the defaults from the schema: 10 %LEL within 60 s, 0.4 LEL·m on open path, priority 3', () => {
    expect(rule).toMatchObject({ windowMs: 60_000, rise: 10, openPathRise: 0.4, priority: 3 });
    expect(() => parse({ id: 'lr', kind: 'leak-rate', select: { points: ['GT-1'] }, rise: 30 })).toThrow(/below level 1 \(25 %LEL\)/);
  });

  it('converts the rise to each combustible detector unit and refuses the other classes', () => {
    const rise = (p: Point): number | string => {
      const r = leakRise(rule, profileOf(p));
      return typeof r === 'string' ? r : Number(r.rise.toPrecision(6));
    };
    const ch4 = (unit: string): Point => point('GT-1', { unit, range: [0, 100], attrs: { gas: 'CH4', class: 'combustible' } });
    expect(['%LEL', '%lel', 'LEL', '%VOL', '%', 'ppm', 'mg/m3', 'LEL·m'].map((u) => rise(ch4(u)))).toEqual([10, 10, 10, 0.44, 0.44, 4400, 2935.77, 0.4]);
    expect(rise(point('AT-1', { unit: 'ppm', range: [0, 100], attrs: { gas: 'H2S', class: 'toxic' } }))).toBe('it is a toxic detector; a leak rate watches combustible detectors');
    expect(rise(point('OT-1', { unit: '%VOL', range: [0, 25], attrs: { class: 'oxygen' } }))).toBe('it is a oxygen detector; a leak rate watches combustible detectors');
  });

  it('raises RISE on a %VOL detector at 0.44 %VOL within the minute, not before, and ignores bad samples', () => {
    const gt = point('GT-2', { unit: '%VOL', range: [0, 5], attrs: { gas: 'CH4', class: 'combustible' } });
    const engine = new RuleEngine([gt], [rule], T0);
    expect(engine.evaluate(good('GT-2', 0.1, T0))).toEqual([]);
    expect(engine.evaluate(good('GT-2', 0.53, T0 + 30_000))).toEqual([]);
    expect(engine.evaluate(bad('GT-2', T0 + 31_000, 'comm-lost'))).toEqual([]);
    const [rise] = engine.evaluate(good('GT-2', 0.55, T0 + 40_000));
    expect(rise).toMatchObject({ level: 'RISE', priority: 3, message: 'GT-2 RISE 0.55 %VOL (rose ≥ 10 %LEL of CH4 (LEL 4.4 %VOL) = 0.44 %VOL within 60 s: a leak before level 1)' });
    // 61 s on, 0.1 has left the window: the minute's rise is 0.02.
    expect(engine.evaluate(good('GT-2', 0.55, T0 + 61_000))).toMatchObject([{ level: null }]);
  });
});
