import type { Point, QualityLevel, RuleResult, RuleSpec, Sample, ThresholdLevel } from '../../src/core/index.js';
import { RuleEngine } from '../../src/engine/index.js';

/** Fake time: 2025-01-01T00:00:00Z. */
export const T0 = Date.UTC(2025, 0, 1);

export function point(id: string, extra: Partial<Point> = {}): Point {
  return { id, kind: 'gas', unit: '%LEL', type: 'number', attrs: {}, ...extra };
}

export function sample(pointId: string, value: number | boolean, ts: number, quality: QualityLevel = 'good'): Sample {
  return { pointId, value, quality: { level: quality }, ts, rts: ts, tsSource: 'device' };
}

export function level(name: string, direction: 'high' | 'low', limit: number, extra: Partial<ThresholdLevel> = {}): ThresholdLevel {
  return { name, direction, limit, onDelayMs: 0, offDelayMs: 0, priority: 3, ...extra };
}

/** H 40 (p3) / HH 50 (p2) / L 10 (p3) / LL 5 (p2): the usual four-level gas or level alarm. */
export const FOUR_LEVELS: readonly ThresholdLevel[] = [
  level('H', 'high', 40),
  level('HH', 'high', 50, { priority: 2 }),
  level('L', 'low', 10),
  level('LL', 'low', 5, { priority: 2 }),
];

/** Expands `"10 12 30x5 8"` into tokens, repeating `tokenxN` N times. */
export function expand(series: string): string[] {
  const out: string[] = [];
  for (const token of series.trim().split(/\s+/)) {
    const m = /^(.*)x(\d+)$/.exec(token);
    const [base, count] = m?.[1] !== undefined && m[2] !== undefined ? [m[1], Number(m[2])] : [token, 1];
    for (let i = 0; i < count; i++) out.push(base);
  }
  return out;
}

function parseValue(text: string): number | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  const x = Number(text);
  if (!Number.isFinite(x)) throw new Error(`bad series token "${text}"`);
  return x;
}

export interface SeriesRun {
  /** Level after each step, `-` for normal. */
  readonly levels: string[];
  readonly results: RuleResult[];
}

/**
 * Runs a compact series against one condition, one step every `stepMs` from T0. Tokens: a value
 * (`45`, `true`), prefixed `!` for bad or `~` for uncertain quality; `t` = a tick without a sample.
 */
export function runSeries(engine: RuleEngine, pointId: string, conditionId: string, series: string, stepMs = 1000): SeriesRun {
  const levels: string[] = [];
  const results: RuleResult[] = [];
  expand(series).forEach((token, i) => {
    const ts = T0 + i * stepMs;
    if (token === 't') {
      results.push(...engine.tick(ts));
    } else {
      const quality: QualityLevel = token.startsWith('!') ? 'bad' : token.startsWith('~') ? 'uncertain' : 'good';
      const text = quality === 'good' ? token : token.slice(1);
      results.push(...engine.evaluate(sample(pointId, parseValue(text), ts, quality)));
    }
    levels.push(engine.levelOf(conditionId) ?? '-');
  });
  return { levels, results };
}

/** An engine with one rule over one point, started at T0. */
export function engineFor(rule: RuleSpec, p: Point = point('GT-101')): RuleEngine {
  return new RuleEngine([p], [rule], T0);
}
