import { HazgateError, type Point, type RuleSpec } from '../core/index.js';
import { pointCondition, type EngineCondition } from './condition.js';
import { packConditions } from './packs/index.js';
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
      return selected.map((point) => pointCondition(rule, point, startedAt));
    default: {
      const conditions = packConditions(rule, selected, points, startedAt);
      const { id } = rule as RuleSpec;
      if (conditions === undefined) throw new HazgateError('HG_ERR_CONFIG_INVALID', `rule "${id}" has a kind no pack evaluates`, { ruleId: id });
      return conditions;
    }
  }
}
