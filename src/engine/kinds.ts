import type { Point, RuleSpec } from '../core/index.js';
import { Condition, createEvaluator, type EngineCondition } from './condition.js';
import { selectPoints } from './select.js';

/**
 * The alarm conditions a rule makes: one per selected point for point rules (threshold, rate,
 * stale), one per group for group rules. A new rule kind adds its case here.
 */
export function conditionsOf(rule: RuleSpec, points: readonly Point[], startedAt: number): EngineCondition[] {
  const selected = selectPoints(rule.select, points);
  switch (rule.kind) {
    case 'threshold':
    case 'rate':
    case 'stale':
      return selected.map((point) => new Condition(rule, point, createEvaluator(rule, point, startedAt)));
  }
}
