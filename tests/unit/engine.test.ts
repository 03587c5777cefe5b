import { describe, expect, it } from 'vitest';
import { isHazgateError, type Point, type RuleSpec, type ThresholdRule } from '../../src/core/index.js';
import { checkSelectors, RuleEngine, selectPoints } from '../../src/engine/index.js';
import { FOUR_LEVELS, level, point, sample, T0 } from './engine-fixtures.js';

const POINTS: readonly Point[] = [
  point('GT-101', { area: 'tank-farm', attrs: { gas: 'CH4', class: 'combustible' } }),
  point('GT-102', { area: 'tank-farm', attrs: { gas: 'H2S', class: 'toxic' }, unit: 'ppm' }),
  point('GT-201', { area: 'loading', attrs: { gas: 'CH4', class: 'combustible' } }),
  point('TK101.LT', { kind: 'level', unit: '%', area: 'tank-farm', attrs: {} }),
  point('ESD-1', { kind: 'interlock', type: 'boolean', unit: '', attrs: {} }),
];

const ids = (ps: readonly Point[]): string[] => ps.map((p) => p.id);

function gasRule(extra: Partial<ThresholdRule> = {}): ThresholdRule {
  return { id: 'gas', kind: 'threshold', select: { match: { class: 'combustible' } }, levels: FOUR_LEVELS, ...extra };
}

describe('selectPoints', () => {
  it.each([
    ['an attribute', { match: { gas: 'CH4' } }, ['GT-101', 'GT-201']],
    ['attribute and area together', { match: { gas: 'CH4', area: 'tank-farm' } }, ['GT-101']],
    ['kind', { match: { kind: 'level' } }, ['TK101.LT']],
    ['unit', { match: { unit: 'ppm' } }, ['GT-102']],
    ['type', { match: { type: 'boolean' } }, ['ESD-1']],
    ['listed ids, unknown ones skipped', { points: ['ESD-1', 'NOPE'] }, ['ESD-1']],
    ['ids and match united, config order, no duplicates', { points: ['TK101.LT', 'GT-101'], match: { gas: 'CH4' } }, ['GT-101', 'GT-201', 'TK101.LT']],
    ['an attribute nobody has', { match: { gas: 'CO' } }, []],
    ['an empty selector', {}, []],
  ])('by %s', (_name, selector, expected) => {
    expect(ids(selectPoints(selector, POINTS))).toEqual(expected);
  });
});

describe('checkSelectors', () => {
  it('reports unknown ids, empty selections and duplicate rule ids, all at once', () => {
    const rules: RuleSpec[] = [
      gasRule(),
      gasRule({ id: 'typo', select: { points: ['GT-101', 'GT-1O1'] } }),
      gasRule({ id: 'none', select: { match: { gas: 'CO' } } }),
      gasRule(),
    ];
    expect(checkSelectors(rules, POINTS)).toEqual([
      { ruleId: 'typo', message: 'rule "typo" selects unknown point "GT-1O1"' },
      { ruleId: 'none', message: 'rule "none" selects no point (match: gas=CO)' },
      { ruleId: 'gas', message: 'rule id "gas" is used more than once' },
    ]);
  });

  it('is empty for a good config', () => {
    expect(checkSelectors([gasRule()], POINTS)).toEqual([]);
  });
});

describe('RuleEngine', () => {
  it('builds one condition per selected point and rule', () => {
    const stale: RuleSpec = { id: 'stale', kind: 'stale', select: { points: ['GT-101'] }, afterMs: 1000, priority: 4 };
    const engine = new RuleEngine(POINTS, [gasRule(), stale], T0);
    expect(engine.conditionIds().sort()).toEqual(['gas/GT-101', 'gas/GT-201', 'stale/GT-101']);
  });

  it('emits a full RuleResult only on a level change, with the default message', () => {
    const engine = new RuleEngine(POINTS, [gasRule()], T0);
    expect(engine.evaluate(sample('GT-101', 20, T0))).toEqual([]);
    expect(engine.evaluate(sample('GT-101', 62.5, T0 + 1000))).toEqual([
      { conditionId: 'gas/GT-101', ruleId: 'gas', ruleKind: 'threshold', pointId: 'GT-101', level: 'HH', priority: 2, value: 62.5, time: T0 + 1000, message: 'GT-101 HH 62.5 %LEL (limit 50)' },
    ]);
    expect(engine.evaluate(sample('GT-101', 63, T0 + 2000))).toEqual([]);
    expect(engine.evaluate(sample('GT-101', 19.2000001, T0 + 3000))).toMatchObject([
      { level: null, priority: 2, message: 'GT-101 back to normal (19.2 %LEL)' },
    ]);
  });

  it('fills the message template for an active level, the default for the return', () => {
    const named = POINTS.map((p) => (p.id === 'GT-101' ? { ...p, name: 'Tank 101 gas' } : p));
    const rule = gasRule({ message: '{name} ({point}) {level}: {value}{unit} ≥ {limit} {unknown}' });
    const engine = new RuleEngine(named, [rule], T0);
    expect(engine.evaluate(sample('GT-101', 45, T0))[0]?.message).toBe('Tank 101 gas (GT-101) H: 45%LEL ≥ 40 {unknown}');
    expect(engine.evaluate(sample('GT-101', 20, T0 + 1))[0]?.message).toBe('GT-101 back to normal (20 %LEL)');
  });

  it('evaluates only the conditions of the sample point and counts them', () => {
    const engine = new RuleEngine(POINTS, [gasRule(), gasRule({ id: 'gas2' })], T0);
    engine.evaluate(sample('GT-101', 45, T0));
    engine.evaluate(sample('GT-102', 45, T0));
    engine.evaluate(sample('UNKNOWN', 45, T0));
    expect(engine.stats).toMatchObject({ evaluations: 2, results: 2 }); // and evaluation timing (ops-metrics.test.ts)
  });

  it('returns one shared empty array when nothing changes (no allocation on the hot path)', () => {
    const engine = new RuleEngine(POINTS, [gasRule()], T0);
    const first = engine.evaluate(sample('GT-101', 20, T0));
    expect(engine.evaluate(sample('GT-101', 21, T0 + 1))).toBe(first);
    expect(engine.evaluate(sample('NOPE', 21, T0 + 1))).toBe(first);
    expect(engine.tick(T0 + 5)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('refuses two rules with the same id over the same point', () => {
    let caught: unknown;
    try {
      new RuleEngine(POINTS, [gasRule(), gasRule()], T0);
    } catch (e) {
      caught = e;
    }
    expect(isHazgateError(caught) && caught.code).toBe('HG_ERR_CONFIG_INVALID');
  });

  describe('seed after a restart', () => {
    it('a seeded HH returns to normal on a normal sample, with HH priority', () => {
      const engine = new RuleEngine(POINTS, [gasRule()], T0);
      expect(engine.seed('gas/GT-101', 'HH')).toBe(true);
      expect(engine.levelOf('gas/GT-101')).toBe('HH');
      expect(engine.evaluate(sample('GT-101', 19.2, T0))).toMatchObject([{ conditionId: 'gas/GT-101', level: null, priority: 2 }]);
    });

    it('a seeded HH implies H: a sample between them de-escalates to H', () => {
      const h = level('H', 'high', 40, { onDelayMs: 60_000 });
      const engine = new RuleEngine(POINTS, [gasRule({ levels: [h, level('HH', 'high', 50, { priority: 2 })] })], T0);
      engine.seed('gas/GT-101', 'HH');
      expect(engine.evaluate(sample('GT-101', 45, T0))).toMatchObject([{ level: 'H', priority: 3 }]);
    });

    it('seeding the level the first sample shows emits nothing', () => {
      const engine = new RuleEngine(POINTS, [gasRule()], T0);
      engine.seed('gas/GT-101', 'HH');
      expect(engine.evaluate(sample('GT-101', 55, T0))).toEqual([]);
    });

    it('seeds rate and stale conditions', () => {
      const rules: RuleSpec[] = [
        { id: 'rate', kind: 'rate', select: { points: ['GT-101'] }, windowMs: 1000, rise: 5, priority: 3 },
        { id: 'stale', kind: 'stale', select: { points: ['GT-101'] }, afterMs: 1000, priority: 4 },
      ];
      const engine = new RuleEngine(POINTS, rules, T0);
      expect([engine.seed('rate/GT-101', 'RISE'), engine.seed('stale/GT-101', 'STALE')]).toEqual([true, true]);
      const results = engine.evaluate(sample('GT-101', 10, T0));
      expect(results.map((r) => [r.conditionId, r.level])).toEqual([
        ['rate/GT-101', null],
        ['stale/GT-101', null],
      ]);
    });

    it('refuses unknown conditions and levels', () => {
      const engine = new RuleEngine(POINTS, [gasRule()], T0);
      expect(engine.seed('gas/NOPE', 'HH')).toBe(false);
      expect(engine.seed('gas/GT-101', 'HHH')).toBe(false);
      expect(engine.levelOf('gas/GT-101')).toBeNull();
      expect(engine.levelOf('gas/NOPE')).toBeUndefined();
    });
  });
});

describe('RuleEngine configuration errors', () => {
  it('refuses a threshold rule without levels with HG_ERR_CONFIG_INVALID', () => {
    let caught: unknown;
    try {
      new RuleEngine(POINTS, [gasRule({ levels: [] })], T0);
    } catch (e) {
      caught = e;
    }
    expect(isHazgateError(caught) && [caught.code, caught.details]).toEqual(['HG_ERR_CONFIG_INVALID', { ruleId: 'gas' }]);
  });
});
