import type { Point, RuleSpec } from '../../../core/index.js';
import type { EngineCondition } from '../../condition.js';
import type { PackProblem } from '../problem.js';
import { coalChecks as checks } from './checks.js';
import { feedCheckConditions } from './feed-check-conditions.js';
import { methaneConditions } from './methane.js';
import { mineGasConditions } from './mine-gas.js';
import { sensorFaultConditions } from './sensor-fault.js';

/**
 * The coal-mine methane and gases pack's conditions for a rule of one of its kinds (methane,
 * feed-check, mine-gas, sensor-fault); undefined for any other kind. `selected`: the points the
 * rule's selector picks; `points`: every configured point (the feed points a power-off scope names).
 */
export function coalConditions(rule: RuleSpec, selected: readonly Point[], points: readonly Point[], startedAt: number): EngineCondition[] | undefined {
  switch (rule.kind) {
    case 'methane':
      return methaneConditions(rule, selected);
    case 'feed-check':
      return feedCheckConditions(rule, selected, points, startedAt);
    case 'mine-gas':
      return mineGasConditions(rule, selected);
    case 'sensor-fault':
      return sensorFaultConditions(rule, selected, points, startedAt);
    default:
      return undefined;
  }
}

/** Config-time checks of the coal pack (see checks.ts). */
export function coalChecks(rules: readonly RuleSpec[], points: readonly Point[]): PackProblem[] {
  return checks(rules, points);
}
