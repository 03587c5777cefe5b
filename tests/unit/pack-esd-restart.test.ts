import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario, readingsAt } from '../../devices/index.js';
import { loadSite } from '../../src/app/index.js';
import { formatProblem } from '../../src/config/index.js';
import type { EsdNotInServiceRule, InterlockBypassRule, Point, RuleResult, ValveRule } from '../../src/core/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { point, sample, T0 } from './engine-fixtures.js';

/**
 * The ESD pack after a gateway restart, on fake time. The alarm manager seeds every retained level
 * (`engine.seed`); then the bypass register feeds every register point its current value
 * (`publishAll`, before any adapter connects); then the SIS signals arrive, one sample at a time.
 * None of that partial information may return a retained alarm that is still true (a false return
 * loses the operator's acknowledgement and re-alarms unacknowledged); a true return still clears.
 */

const S = 1000;

/** Feeds samples (point, value, seconds from T0, quality) and logs every result as `<s>s <condition> <level>`. */
function driver(engine: RuleEngine) {
  const log: string[] = [];
  const note = (at: number, results: readonly RuleResult[]): void => {
    for (const r of results) log.push(`${at}s ${r.conditionId} ${r.level ?? 'normal'}`);
  };
  return {
    log,
    feed(at: number, pointId: string, value: number | boolean, quality: 'good' | 'bad' = 'good'): void {
      note(at, engine.evaluate(sample(pointId, value, T0 + at * S, quality)));
    },
    run(from: number, to: number): void {
      for (let t = from; t <= to; t++) note(t, engine.tick(T0 + t * S));
    },
  };
}

describe('the ESD demo restarted in the middle of its scenario', () => {
  const SITE = fileURLToPath(new URL('../../deploy/sites/demo-esd.yaml', import.meta.url));
  const SCENARIO = fileURLToPath(new URL('../../devices/scenarios/esd-tank-farm.yaml', import.meta.url));

  it('resumes the retained alarms with no return, publishAll first; the valve still returns when it closes', async () => {
    const site = loadSite(SITE);
    if (!site.ok) throw new Error(site.problems.map(formatProblem).join('\n'));
    const scenario = await loadScenario(SCENARIO);
    const registers = site.config.points.filter((p) => p.kind === 'bypass-register').map((p) => p.id);
    const seed = scenario.seed ?? 1;

    // Before the restart: run to 30 s and keep what is active (the journal's retained levels).
    const before = new RuleEngine(site.config.points, site.config.rules, T0);
    for (const id of registers) before.evaluate(sample(id, 0, T0));
    for (let t = 0; t <= 30_000; t += scenario.tickMs) {
      for (const r of readingsAt(scenario, t, seed)) before.evaluate(sample(r.pointId, r.value, T0 + t));
      before.tick(T0 + t);
    }
    const retained = before.conditionIds().flatMap((id) => {
      const level = before.levelOf(id);
      return level === null || level === undefined ? [] : [[id, level] as const];
    });
    expect(Object.fromEntries(retained)).toEqual({
      'esd-valve/XV-401': 'DISCREPANCY',
      'esd-trip/IL-401.TRIP': 'TRIPPED',
      'interlock-bypass/IL-402': 'UNREGISTERED',
      'esd-not-in-service/tank-farm-4': 'MAJOR_HAZARD',
    });

    // The restart at 31 s: seed, publishAll, then the SIS as the scenario plays on.
    const after = new RuleEngine(site.config.points, site.config.rules, T0 + 31 * S);
    for (const [id, level] of retained) expect(after.seed(id, level)).toBe(true);
    const log: string[] = [];
    const record = (t: number, results: readonly RuleResult[]): void => {
      for (const r of results) log.push(`${t / 1000}s ${r.conditionId} ${r.level ?? 'normal'}`);
    };
    for (const id of registers) record(31_000, after.evaluate(sample(id, 0, T0 + 31 * S)));
    for (let t = 31_000; t <= 60_000; t += scenario.tickMs) {
      for (const r of readingsAt(scenario, t, seed)) record(t, after.evaluate(sample(r.pointId, r.value, T0 + t)));
      record(t, after.tick(T0 + t));
    }
    expect(log).toEqual(['42s esd-valve/XV-401 normal']);
  });
});

function flag(interlock: string, f: string, attrs: Record<string, string> = {}): Point {
  return point(`${interlock}.${f}`, { kind: 'interlock', type: 'boolean', unit: undefined, attrs: { interlock, flag: f, unit: 'TF-1', ...attrs } });
}

function register(interlock: string): Point {
  return point(`${interlock}.REG`, { kind: 'bypass-register', unit: undefined, attrs: { interlock, unit: 'TF-1' } });
}

const PRIORITIES = { bypassed: 3, unregistered: 2, overdue: 2 } as const;
const BYPASS: InterlockBypassRule = { id: 'byp', kind: 'interlock-bypass', select: { match: { kind: 'interlock', flag: 'bypass' } }, register: 'required', priorities: PRIORITIES, priority: 2 };
const NIS: EsdNotInServiceRule = { id: 'nis', kind: 'esd-not-in-service', select: { match: { kind: 'interlock' } }, hazardLevels: ['1', '2'], priority: 1 };

describe('ESD not in service after a restart with MAJOR_HAZARD retained', () => {
  // A level-1 unit: IL-1 (bypass, in-service, register), IL-2 (bypass, register).
  const points = [flag('IL-1', 'bypass', { hazardLevel: '1' }), flag('IL-1', 'in-service'), register('IL-1'), flag('IL-2', 'bypass'), register('IL-2')];

  function restarted() {
    const engine = new RuleEngine(points, [NIS], T0);
    expect(engine.seed('nis/TF-1', 'MAJOR_HAZARD')).toBe(true);
    return { engine, ...driver(engine) };
  }

  it('the register\'s start-up zeros and the first SIS flags do not return it while the bypassed flag has not reported', () => {
    const h = restarted();
    // publishAll: no register entry for either interlock.
    h.feed(0, 'IL-1.REG', 0);
    h.feed(0, 'IL-2.REG', 0);
    // The adapters connect: IL-1 is in service, IL-2 is still bypassed at the SIS (its flag comes last).
    h.feed(1, 'IL-1.bypass', false);
    h.feed(1, 'IL-1.in-service', true);
    h.feed(2, 'IL-2.bypass', false, 'bad');
    h.feed(3, 'IL-2.bypass', true);
    expect(h.log).toEqual([]);
    expect(h.engine.levelOf('nis/TF-1')).toBe('MAJOR_HAZARD');
    // A true return: the bypass is removed.
    h.feed(10, 'IL-2.bypass', false);
    expect(h.log).toEqual(['10s nis/TF-1 normal']);
  });

  it('returns as soon as the last signal of the unit has reported and none is out (the bypass was removed while hazgate was down)', () => {
    const h = restarted();
    h.feed(0, 'IL-1.REG', 0);
    h.feed(0, 'IL-2.REG', 0);
    h.feed(1, 'IL-1.bypass', false);
    h.feed(1, 'IL-2.bypass', false);
    expect(h.log).toEqual([]);
    h.feed(2, 'IL-1.in-service', true);
    expect(h.log).toEqual(['2s nis/TF-1 normal']);
  });

  it('a registered bypass fed by publishAll holds it; with nothing out afterwards it returns', () => {
    const h = restarted();
    h.feed(0, 'IL-1.REG', T0 + 3600 * S);
    h.feed(0, 'IL-2.REG', 0);
    h.feed(1, 'IL-1.bypass', true);
    h.feed(1, 'IL-1.in-service', true);
    h.feed(1, 'IL-2.bypass', false);
    expect(h.log).toEqual([]);
    h.feed(20, 'IL-1.bypass', false);
    h.feed(21, 'IL-1.REG', 0);
    expect(h.log).toEqual(['21s nis/TF-1 normal']);
  });

  it('keeps a running count of the interlocks out: value and level follow flips and bad samples over many interlocks', () => {
    const many = Array.from({ length: 200 }, (_, i) => [flag(`IL-${i}`, 'bypass', i === 0 ? { hazardLevel: '1' } : {}), flag(`IL-${i}`, 'in-service'), register(`IL-${i}`)]).flat();
    const engine = new RuleEngine(many, [NIS], T0);
    const results: RuleResult[] = [];
    const feed = (id: string, v: number | boolean, q: 'good' | 'bad' = 'good'): void => {
      results.push(...engine.evaluate(sample(id, v, T0, q)));
    };
    for (let i = 0; i < 200; i++) {
      feed(`IL-${i}.REG`, 0);
      feed(`IL-${i}.bypass`, false);
      feed(`IL-${i}.in-service`, true);
    }
    expect(results).toEqual([]);
    feed('IL-7.bypass', true);
    feed('IL-7.in-service', false); // the same interlock twice over: still one out
    feed('IL-150.REG', T0 + 60 * S);
    feed('IL-150.REG', T0, 'bad');
    expect(results.map((r) => `${r.level ?? 'normal'} ${String(r.value)}`)).toEqual(['MAJOR_HAZARD 1']);
    feed('IL-7.bypass', false);
    feed('IL-7.bypass', false);
    feed('IL-7.in-service', true);
    expect(results).toHaveLength(1);
    feed('IL-150.REG', 0);
    expect(results.map((r) => `${r.level ?? 'normal'} ${String(r.value)}`)).toEqual(['MAJOR_HAZARD 1', 'normal 0']);
  });
});

describe('interlock bypass after a restart with a level retained', () => {
  // IL-1 is bypassed at the SIS by either of two flags (two SIS channels).
  const points = [flag('IL-1', 'bypass'), { ...flag('IL-1', 'bypass'), id: 'IL-1.bypass2' }, register('IL-1')];

  function restarted(level: string) {
    const engine = new RuleEngine(points, [BYPASS], T0);
    expect(engine.seed('byp/IL-1', level)).toBe(true);
    return { engine, ...driver(engine) };
  }

  it('UNREGISTERED: one SIS flag saying off while the other has not reported is no return', () => {
    const h = restarted('UNREGISTERED');
    h.feed(0, 'IL-1.REG', 0);
    h.run(0, 1);
    h.feed(1, 'IL-1.bypass', false);
    h.feed(2, 'IL-1.bypass2', true);
    h.run(2, 5);
    expect(h.log).toEqual([]);
    h.feed(10, 'IL-1.bypass2', false);
    expect(h.log).toEqual(['10s byp/IL-1 normal']);
  });

  it('UNREGISTERED, bypass removed while hazgate was down: returns once both flags have said off', () => {
    const h = restarted('UNREGISTERED');
    h.feed(0, 'IL-1.REG', 0);
    h.feed(1, 'IL-1.bypass2', false);
    expect(h.log).toEqual([]);
    h.feed(1, 'IL-1.bypass', false);
    expect(h.log).toEqual(['1s byp/IL-1 normal']);
  });

  it('BYPASSED: an SIS flag ahead of the register neither escalates to UNREGISTERED nor returns', () => {
    const h = restarted('BYPASSED');
    h.feed(0, 'IL-1.bypass', true);
    h.feed(0, 'IL-1.bypass2', false);
    h.run(0, 2);
    expect(h.log).toEqual([]);
    h.feed(3, 'IL-1.REG', T0 + 3600 * S);
    h.run(3, 5);
    expect(h.log).toEqual([]);
    expect(h.engine.levelOf('byp/IL-1')).toBe('BYPASSED');
  });

  it('OVERDUE: publishAll says the entry is still open past its end, it stays; ended while down, it returns once the SIS says off', () => {
    const h = restarted('OVERDUE');
    h.feed(0, 'IL-1.REG', T0 - 60 * S);
    h.run(0, 2);
    h.feed(3, 'IL-1.bypass', false);
    h.feed(3, 'IL-1.bypass2', false);
    expect(h.log).toEqual([]);
    const g = restarted('OVERDUE');
    g.feed(0, 'IL-1.REG', 0);
    g.run(0, 2);
    g.feed(3, 'IL-1.bypass', false);
    expect(g.log).toEqual([]);
    g.feed(4, 'IL-1.bypass2', false);
    expect(g.log).toEqual(['4s byp/IL-1 normal']);
  });
});

describe('ESD valve after a restart with a level retained', () => {
  const PRI = { failToClose: 1, failToOpen: 3, positionFault: 2 } as const;
  const VALVE: ValveRule = { id: 'v', kind: 'valve', select: { match: { kind: 'valve' } }, travelMs: 10 * S, settleMs: 2 * S, priorities: PRI, priority: 1 };
  const vp = (signal: string): Point => point(`XV-1.${signal}`, { kind: 'valve', type: 'boolean', unit: undefined, attrs: { valve: 'XV-1', signal } });
  const points = [vp('command'), vp('open'), vp('closed')];

  function restarted(level: string) {
    const engine = new RuleEngine(points, [VALVE], T0);
    expect(engine.seed('v/XV-1', level)).toBe(true);
    return { engine, ...driver(engine) };
  }

  it('DISCREPANCY (stuck half-way): switches reporting neither before the command arrives is no POSITION_FAULT and no return', () => {
    const h = restarted('DISCREPANCY');
    h.feed(0, 'XV-1.open', false);
    h.feed(0, 'XV-1.closed', false);
    h.run(0, 15);
    h.feed(16, 'XV-1.command', false);
    h.run(16, 30);
    expect(h.log).toEqual([]);
    h.feed(31, 'XV-1.closed', true);
    expect(h.log).toEqual(['31s v/XV-1 normal']);
  });

  it('DISCREPANCY: the command first, then one switch, then the other: held until the position is known', () => {
    const h = restarted('DISCREPANCY');
    h.feed(0, 'XV-1.command', false);
    h.feed(0, 'XV-1.closed', false);
    h.run(0, 5);
    h.feed(6, 'XV-1.open', true);
    h.run(6, 20);
    expect(h.log).toEqual([]);
  });

  it('POSITION_FAULT from a bad switch: still bad after the restart, it stays; usable again, it returns', () => {
    const h = restarted('POSITION_FAULT');
    h.feed(0, 'XV-1.command', false);
    h.feed(0, 'XV-1.open', false);
    h.feed(0, 'XV-1.closed', true, 'bad');
    h.run(0, 20);
    expect(h.log).toEqual([]);
    h.feed(21, 'XV-1.closed', true);
    expect(h.log).toEqual(['21s v/XV-1 normal']);
  });
});
