import { describe, expect, it } from 'vitest';
import type { EsdNotInServiceRule, InterlockBypassRule, InterlockTripRule, Point, RuleResult } from '../../src/core/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { BypassEvaluator } from '../../src/engine/packs/esd/bypass.js';
import { interlocksOf } from '../../src/engine/packs/esd/interlock.js';
import { firstOutGroupOf } from '../../src/engine/packs/esd/trip.js';
import { point, sample, T0 } from './engine-fixtures.js';

/** Interlock bypass against the register, ESD not in service per unit, and trips' first-out groups, on fake time. */

const S = 1000;
const PRIORITIES = { bypassed: 3, unregistered: 2, overdue: 2 } as const;

function flag(interlock: string, f: string, attrs: Record<string, string> = {}): Point {
  return point(`${interlock}.${f}`, { kind: 'interlock', type: 'boolean', unit: undefined, attrs: { interlock, flag: f, unit: 'TF-1', ...attrs } });
}

function register(interlock: string): Point {
  return point(`${interlock}.REG`, { kind: 'bypass-register', unit: undefined, attrs: { interlock, unit: 'TF-1' } });
}

const IL1 = { bypass: flag('IL-1', 'bypass'), reg: register('IL-1') };

function bypassHarness(use: 'required' | 'none' = 'required') {
  const [members] = interlocksOf([IL1.bypass], [IL1.bypass, IL1.reg]);
  if (members === undefined) throw new Error('no interlock');
  const e = new BypassEvaluator(members, use, PRIORITIES);
  const changes: string[] = [];
  const note = (changed: boolean, at: number): void => {
    if (changed) changes.push(`${at}s ${e.level ?? 'normal'} p${e.priority}`);
  };
  return {
    e,
    changes,
    sis: (at: number, v: boolean, q: 'good' | 'bad' = 'good') => note(e.update(sample(IL1.bypass.id, v, T0 + at * S, q)), at),
    reg: (at: number, plannedEnd: number) => note(e.update(sample(IL1.reg.id, plannedEnd, T0 + at * S)), at),
    tick: (at: number) => note(e.tick(T0 + at * S), at),
  };
}

describe('interlock bypass', () => {
  it('an SIS bypass with no register entry is UNREGISTERED; registering it makes it a standing BYPASSED; ending both returns it', () => {
    const h = bypassHarness();
    h.sis(0, false);
    h.reg(0, 0);
    h.sis(10, true);
    expect(h.e.describe()).toBe('SIS bypass on: IL-1.bypass; no active entry in the bypass register');
    expect(h.e.value).toBe(true);
    h.reg(20, T0 + 3600 * S);
    expect(h.e.value).toBe(T0 + 3600 * S);
    h.sis(30, false);
    h.reg(31, 0);
    expect(h.changes).toEqual(['10s UNREGISTERED p2', '20s BYPASSED p3', '31s normal p3']);
  });

  it('a register that has not reported cannot show the SIS bypass was approved: UNREGISTERED', () => {
    const h = bypassHarness();
    h.sis(0, true);
    expect(h.changes).toEqual(['0s UNREGISTERED p2']);
    expect(h.e.describe()).toBe('SIS bypass on: IL-1.bypass; the bypass register has not reported');
  });

  it('a bypass still on at its planned end is OVERDUE on the tick that passes it, whatever the SIS says, until the entry ends', () => {
    const h = bypassHarness();
    h.reg(0, T0 + 60 * S);
    h.sis(0, true);
    for (let t = 1; t <= 59; t++) h.tick(t);
    expect(h.changes).toEqual(['0s BYPASSED p3']);
    h.tick(60);
    expect(h.changes).toEqual(['0s BYPASSED p3', '60s OVERDUE p2']);
    expect(h.e.describe()).toBe('still bypassed after its planned end 2025-01-01T00:01:00Z; SIS bypass on: IL-1.bypass');
    h.sis(70, false);
    h.tick(71);
    expect(h.e.level).toBe('OVERDUE');
    h.reg(80, 0);
    expect(h.e.level).toBeNull();
  });

  it('a registered bypass not yet on at the SIS is already BYPASSED (the register is the record)', () => {
    const h = bypassHarness();
    h.sis(0, false);
    h.reg(5, T0 + 3600 * S);
    expect(h.changes).toEqual(['5s BYPASSED p3']);
  });

  it('register: none judges the SIS alone: BYPASSED, never UNREGISTERED or OVERDUE, and needs no ticks', () => {
    const h = bypassHarness('none');
    expect(h.e.needsTick).toBe(false);
    h.sis(0, true);
    h.reg(1, T0 + 2 * S);
    h.tick(10);
    h.sis(20, false);
    expect(h.changes).toEqual(['0s BYPASSED p3', '20s normal p3']);
  });

  it('a bad sample says nothing; after a restart the level stays as the journal left it until the register and the SIS have reported', () => {
    const h = bypassHarness();
    expect(h.e.seed('UNREGISTERED')).toBe(true);
    expect(h.e.seed('DISCREPANCY')).toBe(false);
    h.tick(1);
    h.sis(2, false, 'bad');
    expect(h.changes).toEqual([]);
    expect(h.e.level).toBe('UNREGISTERED');
    // The SIS says off, but the register has not reported: nothing is known of an entry yet.
    h.sis(3, false);
    expect(h.changes).toEqual([]);
    h.reg(4, 0);
    expect(h.changes).toEqual(['4s normal p2']);
  });
});

function rules(): [InterlockBypassRule, EsdNotInServiceRule] {
  return [
    { id: 'byp', kind: 'interlock-bypass', select: { match: { kind: 'interlock', flag: 'bypass' } }, register: 'required', priorities: PRIORITIES, priority: 2 },
    { id: 'nis', kind: 'esd-not-in-service', select: { match: { kind: 'interlock' } }, hazardLevels: ['1', '2'], priority: 1 },
  ];
}

describe('ESD not in service at a major hazard source', () => {
  const points = [
    flag('IL-1', 'bypass', { hazardLevel: '1' }),
    flag('IL-1', 'in-service'),
    flag('IL-1', 'trip'),
    register('IL-1'),
    flag('IL-2', 'in-service'),
    flag('IL-3', 'bypass', { unit: 'TF-3', hazardLevel: '3' }),
    { ...register('IL-3'), attrs: { interlock: 'IL-3', unit: 'TF-3' } },
  ];

  it('one condition per unit of a listed level, over its interlocks\' flags and register points; zone = the unit', () => {
    const engine = new RuleEngine(points, rules(), T0);
    expect(engine.conditionIds().sort()).toEqual(['byp/IL-1', 'byp/IL-3', 'nis/TF-1']);
    expect(engine.condition('nis/TF-1')).toMatchObject({ pointId: null, zoneId: 'TF-1' });
    expect(engine.condition('byp/IL-3')).toMatchObject({ pointId: 'IL-3.bypass', zoneId: 'TF-3' });
  });

  it('MAJOR_HAZARD while any interlock is bypassed or not in service; normal when none is', () => {
    const engine = new RuleEngine(points, rules(), T0);
    const nis = (r: readonly RuleResult[]): string[] => r.filter((x) => x.conditionId === 'nis/TF-1').map((x) => `${x.level ?? 'normal'} ${String(x.value)}`);
    expect(nis(engine.evaluate(sample('IL-1.bypass', false, T0)))).toEqual([]);
    expect(nis(engine.evaluate(sample('IL-2.in-service', false, T0 + S)))).toEqual(['MAJOR_HAZARD 1']);
    expect(nis(engine.evaluate(sample('IL-1.REG', T0 + 3600 * S, T0 + 2 * S)))).toEqual([]);
    expect(nis(engine.evaluate(sample('IL-2.in-service', true, T0 + 3 * S)))).toEqual([]);
    // A trip is no loss of service; the register entry still holds it.
    expect(nis(engine.evaluate(sample('IL-1.trip', true, T0 + 4 * S)))).toEqual([]);
    const [back] = engine.evaluate(sample('IL-1.REG', 0, T0 + 5 * S)).filter((x) => x.conditionId === 'nis/TF-1');
    expect(back).toMatchObject({ level: null, priority: 1, value: 0, zoneId: 'TF-1', message: 'TF-1 back to normal (all 2 ESD interlocks in service at this level-1 major hazard source)' });
    // The level-3 unit never raises it.
    expect(nis(engine.evaluate(sample('IL-3.bypass', true, T0 + 6 * S)))).toEqual([]);
  });
});

describe('trips: first-out groups', () => {
  const trip = (firstOutBy: InterlockTripRule['firstOutBy'], prefix?: string): InterlockTripRule => ({
    id: 'esd-trip', kind: 'interlock-trip', select: { match: { flag: 'trip' } }, priority: 1, firstOutBy, latch: true,
    ...(prefix === undefined ? {} : { suppress: { firstOut: prefix } }),
  });

  it('names the group per unit, per site or none; the prefix is suppress.firstOut, else the rule id', () => {
    const p = flag('IL-1', 'trip', { unit: 'Tank farm #3' });
    expect(firstOutGroupOf(trip('unit'), p)).toBe('esd-trip.Tank-farm--3');
    expect(firstOutGroupOf(trip('unit', 'esd'), p)).toBe('esd.Tank-farm--3');
    expect(firstOutGroupOf(trip('site'), p)).toBe('esd-trip');
    expect(firstOutGroupOf(trip('none'), p)).toBeUndefined();
  });

  it('each trip condition carries its unit\'s group; TRIPPED follows the flag, polarity applied, bad samples ignored', () => {
    const points = [flag('IL-1', 'trip'), flag('IL-2', 'trip', { unit: 'TF-2', polarity: 'inverted' })];
    const engine = new RuleEngine(points, [trip('unit')], T0);
    expect(engine.condition('esd-trip/IL-1.trip')?.rule.suppress).toEqual({ firstOut: 'esd-trip.TF-1' });
    expect(engine.condition('esd-trip/IL-2.trip')?.rule.suppress).toEqual({ firstOut: 'esd-trip.TF-2' });
    expect(engine.evaluate(sample('IL-1.trip', true, T0))).toMatchObject([{ level: 'TRIPPED', priority: 1, message: 'IL-1.trip TRIPPED in TF-1' }]);
    expect(engine.evaluate(sample('IL-1.trip', false, T0 + S, 'bad'))).toEqual([]);
    // A healthy-true flag: true is normal, false is tripped.
    expect(engine.evaluate(sample('IL-2.trip', true, T0))).toEqual([]);
    expect(engine.evaluate(sample('IL-2.trip', false, T0 + S))).toMatchObject([{ conditionId: 'esd-trip/IL-2.trip', level: 'TRIPPED' }]);
  });
});
