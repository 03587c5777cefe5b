import type { Point, RuleSpec } from '../../../core/index.js';
import type { EngineCondition } from '../../condition.js';
import type { PackProblem } from '../problem.js';

/**
 * The Gas detection (GB/T 50493-2019, GB 16808-2025) pack's conditions for a rule of one of its kinds; undefined for any other kind.
 * `selected`: the points the rule's selector picks; `points`: every configured point.
 */
export function gasConditions(_rule: RuleSpec, _selected: readonly Point[], _points: readonly Point[], _startedAt: number): EngineCondition[] | undefined {
  return undefined;
}

/** Config-time checks of the Gas detection (GB/T 50493-2019, GB 16808-2025) pack (setpoints against the standard, missing attributes…). */
export function gasChecks(_rules: readonly RuleSpec[], _points: readonly Point[]): PackProblem[] {
  return [];
}
