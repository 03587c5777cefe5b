import type { Point, RuleSpec } from '../../../core/index.js';
import type { EngineCondition } from '../../condition.js';
import type { PackProblem } from '../problem.js';

/**
 * The Data authenticity pack's conditions for a rule of one of its kinds; undefined for any other kind.
 * `selected`: the points the rule's selector picks; `points`: every configured point.
 */
export function authenticityConditions(_rule: RuleSpec, _selected: readonly Point[], _points: readonly Point[], _startedAt: number): EngineCondition[] | undefined {
  return undefined;
}

/** Config-time checks of the Data authenticity pack (setpoints against the standard, missing attributes…). */
export function authenticityChecks(_rules: readonly RuleSpec[], _points: readonly Point[]): PackProblem[] {
  return [];
}
