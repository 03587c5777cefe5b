import type { Point, RuleSpec } from '../../core/index.js';
import type { EngineCondition } from '../condition.js';
import { authenticityChecks, authenticityConditions } from './authenticity/index.js';
import { coalChecks, coalConditions } from './coal/index.js';
import { esdChecks, esdConditions } from './esd/index.js';
import { gasChecks, gasConditions } from './gas/index.js';
import type { PackProblem } from './problem.js';

export type { PackProblem } from './problem.js';

/** The conditions of a rule of a pack's kind; undefined when no pack knows the kind. */
export function packConditions(rule: RuleSpec, selected: readonly Point[], points: readonly Point[], startedAt: number): EngineCondition[] | undefined {
  return (
    gasConditions(rule, selected, points, startedAt) ??
    coalConditions(rule, selected, points, startedAt) ??
    esdConditions(rule, selected, points, startedAt) ??
    authenticityConditions(rule, selected, points, startedAt)
  );
}

/** Every pack's config-time checks. */
export function packChecks(rules: readonly RuleSpec[], points: readonly Point[]): PackProblem[] {
  return [...gasChecks(rules, points), ...coalChecks(rules, points), ...esdChecks(rules, points), ...authenticityChecks(rules, points)];
}
