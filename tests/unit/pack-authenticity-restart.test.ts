import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario, readingsAt } from '../../devices/index.js';
import { loadSite } from '../../src/app/index.js';
import { formatProblem } from '../../src/config/index.js';
import type { DropToZeroRule, MirrorRule, QualityLevel, RuleResult, Sample } from '../../src/core/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { point, T0 } from './engine-fixtures.js';

/**
 * The Data authenticity pack after a gateway restart, on fake time. The alarm manager seeds every
 * retained level (`engine.seed`) into evaluators whose shared state (the neighbour board, the
 * mirror windows) starts empty; then the detectors report, one sample at a time. An empty board or
 * empty windows are no evidence: no retained DROPOUT or MIRROR may return to normal on them (a
 * false return loses the operator's acknowledgement, and a DROPOUT would never come back: it needs
 * a new fall); a true return still clears.
 */

const s = (n: number): number => T0 + n * 1000;

function reading(pointId: string, value: number, at: number, quality: QualityLevel = 'good'): Sample {
  return { pointId, value, quality: { level: quality }, ts: s(at), rts: s(at), tsSource: 'device' };
}

/** Feeds readings (seconds from T0) and logs every result as `<s>s <condition> <level>`. */
function driver(engine: RuleEngine) {
  const log: string[] = [];
  return {
    log,
    feed(at: number, pointId: string, value: number, quality: QualityLevel = 'good'): RuleResult[] {
      const out = [...engine.evaluate(reading(pointId, value, at, quality))];
      for (const r of out) log.push(`${at}s ${r.conditionId} ${r.level ?? 'normal'}`);
      return out;
    },
  };
}

describe('the authenticity demo restarted in the middle of its scenario', () => {
  const SITE = fileURLToPath(new URL('../../deploy/sites/demo-authenticity.yaml', import.meta.url));
  const SCENARIO = fileURLToPath(new URL('../../devices/scenarios/authenticity-pseudo-data.yaml', import.meta.url));

  it('resumes DROPOUT, MIRROR and FLATLINE with no return; each returns when the data says so', async () => {
    const site = loadSite(SITE);
    if (!site.ok) throw new Error(site.problems.map(formatProblem).join('\n'));
    const scenario = await loadScenario(SCENARIO);
    const seed = scenario.seed ?? 1;
    const play = (engine: RuleEngine, from: number, to: number, log: string[]): void => {
      for (let t = from; t <= to; t += scenario.tickMs) {
        for (const r of readingsAt(scenario, t, seed)) {
          const value = typeof r.value === 'number' ? r.value : Number(r.value);
          for (const x of engine.evaluate({ pointId: r.pointId, value, quality: { level: 'good' }, ts: T0 + t, rts: T0 + t, tsSource: 'device' })) {
            log.push(`${t / 1000}s ${x.conditionId} ${x.level ?? 'normal'}`);
          }
        }
        engine.tick(T0 + t);
      }
    };

    const before = new RuleEngine(site.config.points, site.config.rules, T0);
    play(before, 0, 30_000, []);
    const retained = before.conditionIds().flatMap((id) => {
      const level = before.levelOf(id);
      return level === null || level === undefined ? [] : [[id, level] as const];
    });
    expect(Object.fromEntries(retained)).toEqual({
      'flatline-demo/GT-301': 'FLATLINE',
      'gas-dropout/GT-311': 'DROPOUT',
      'mirrored-feed/AT-321': 'MIRROR',
      'mirrored-feed/AT-322': 'MIRROR',
    });

    // Restarted at 31 s: the detectors report in the order of the site (GT-311 before its neighbour GT-312).
    const after = new RuleEngine(site.config.points, site.config.rules, T0 + 31_000);
    for (const [id, level] of retained) expect(after.seed(id, level)).toBe(true);
    const log: string[] = [];
    play(after, 31_000, 59_000, log);
    expect(log).toEqual(['45s gas-dropout/GT-311 normal', '58s flatline-demo/GT-301 normal']);
  });
});

function dropout(extra: Partial<DropToZeroRule> = {}): DropToZeroRule {
  return { id: 'drop', kind: 'drop-to-zero', select: { match: { kind: 'gas' } }, fromPct: 10, toPct: 1, withinMs: 10_000, neighbourPct: 5, neighbourMaxAgeMs: 60_000, groupBy: 'area', priority: 2, ...extra };
}

describe('DROPOUT after a restart', () => {
  const pts = ['GT-1', 'GT-2', 'GT-3'].map((id) => point(id, { range: [0, 100], area: 'dike' }));

  /** GT-1's DROPOUT retained; the engine (re)started at T0. */
  function restarted() {
    const engine = new RuleEngine(pts, [dropout()], T0);
    expect(engine.seed('drop/GT-1', 'DROPOUT')).toBe(true);
    return { engine, ...driver(engine) };
  }

  it('the dropped detector reporting before its neighbours keeps it; the neighbour that reads gas then holds it', () => {
    const h = restarted();
    h.feed(1, 'GT-1', 0);
    h.feed(1, 'GT-3', 0);
    h.feed(2, 'GT-1', 0);
    h.feed(3, 'GT-2', 14);
    h.feed(4, 'GT-1', 0);
    expect(h.log).toEqual([]);
    // A true return: the gas is gone from the neighbours too.
    h.feed(10, 'GT-2', 2);
    const [r] = h.feed(11, 'GT-1', 0);
    expect(h.log).toEqual(['11s drop/GT-1 normal']);
    expect(r?.message).toBe('GT-1 back to normal: no neighbour reads gas any more (0 %LEL)');
  });

  it('returns once every neighbour has given a usable reading and none reads gas; a bad reading is not one', () => {
    const h = restarted();
    h.feed(1, 'GT-2', 0);
    h.feed(1, 'GT-3', 30, 'bad');
    h.feed(2, 'GT-1', 0);
    expect(h.log).toEqual([]);
    h.feed(3, 'GT-3', 0);
    h.feed(4, 'GT-1', 0);
    expect(h.log).toEqual(['4s drop/GT-1 normal']);
  });

  it('a neighbour that never reports holds it for neighbourMaxAge from the start, no longer', () => {
    const h = restarted();
    h.feed(1, 'GT-2', 0);
    h.feed(30, 'GT-1', 0);
    h.feed(59, 'GT-1', 0);
    expect(h.log).toEqual([]);
    h.feed(60, 'GT-1', 0);
    expect(h.log).toEqual(['60s drop/GT-1 normal']);
  });

  it('the detector reading gas again is a true return at once, neighbours heard or not', () => {
    const h = restarted();
    const [r] = h.feed(1, 'GT-1', 8);
    expect(h.log).toEqual(['1s drop/GT-1 normal']);
    expect(r?.message).toBe('GT-1 back to normal (reads 8 %LEL again)');
  });
});

function mirror(extra: Partial<MirrorRule> = {}): MirrorRule {
  return { id: 'mirror', kind: 'mirror', select: { match: { kind: 'gas' } }, samples: 5, minChanges: 2, maxLag: 2, groupBy: 'area', priority: 3, ...extra };
}

describe('MIRROR after a restart', () => {
  const pts = ['A', 'B', 'C'].map((id) => point(id, { area: 'bay' }));
  const stream = [1, 2, 3, 2, 1, 4, 5, 3, 2, 6, 1, 2];

  function restarted() {
    const engine = new RuleEngine(pts, [mirror()], T0);
    expect(engine.seed('mirror/A', 'MIRROR')).toBe(true);
    expect(engine.seed('mirror/B', 'MIRROR')).toBe(true);
    return { engine, ...driver(engine) };
  }

  it('a copy still running (a reading behind its original: two at the original\'s own readings) keeps both alarms through the refill of the windows', () => {
    const h = restarted();
    stream.forEach((v, i) => {
      h.feed(i, 'A', v);
      const behind = stream[i - 1];
      if (behind !== undefined) h.feed(i, 'B', behind);
      h.feed(i, 'C', 10 + ((i * 7) % 5));
    });
    expect(h.log).toEqual([]);
    expect([h.engine.levelOf('mirror/A'), h.engine.levelOf('mirror/B')]).toEqual(['MIRROR', 'MIRROR']);
    // A true return: B is an honest head again.
    for (let i = 0; i < 7; i++) h.feed(20 + i, 'B', 50 + i * 1.5);
    expect(h.log).toEqual(['20s mirror/B normal']);
  });

  it('a copy that stopped while the gateway was down: each returns once its windows are full again (samples + maxLag readings), not before', () => {
    const h = restarted();
    for (let i = 0; i < 6; i++) {
      h.feed(i, 'A', stream[i] ?? 0);
      h.feed(i, 'B', 20 + ((i * 3) % 7));
    }
    expect(h.log).toEqual([]);
    const [a] = h.feed(6, 'A', 7);
    h.feed(6, 'B', 21);
    expect(h.log).toEqual(['6s mirror/A normal', '6s mirror/B normal']);
    expect(a?.message).toBe("A back to normal: its readings repeat no other point's");
  });
});
