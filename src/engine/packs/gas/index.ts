import type { Point, RuleSpec } from '../../../core/index.js';
import type { EngineCondition } from '../../condition.js';
import { detectorFaultConditions } from './fault.js';
import { leakRateConditions } from './leak-rate.js';
import { gasLevelConditions } from './level-rule.js';
import { gasVoteConditions } from './vote.js';

export { gasChecks } from './checks.js';

/**
 * The gas detection pack's conditions (GB/T 50493-2019, GB 16808-2025) for a rule of one of its
 * kinds; undefined for any other kind. `selected`: the points the rule's selector picks.
 */
export function gasConditions(rule: RuleSpec, selected: readonly Point[], _points: readonly Point[], startedAt: number): EngineCondition[] | undefined {
  switch (rule.kind) {
    case 'gas-level':
      return gasLevelConditions(rule, selected);
    case 'detector-fault':
      return detectorFaultConditions(rule, selected, startedAt);
    case 'gas-vote':
      return gasVoteConditions(rule, selected);
    case 'leak-rate':
      return leakRateConditions(rule, selected);
    default:
      return undefined;
  }
}
