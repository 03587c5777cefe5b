import type { AuthenticityRule, Point, RuleSpec } from '../../../core/index.js';
import { Condition, type EngineCondition } from '../../condition.js';
import type { PackProblem } from '../problem.js';
import { authenticityRuleChecks } from './checks.js';
import { DropToZeroEvaluator, dropToZeroMessage } from './drop-to-zero.js';
import { FlatlineEvaluator, flatlineMessage } from './flatline.js';
import { MirrorEvaluator, mirrorMessage } from './mirror.js';
import { MirrorWindows } from './mirror-windows.js';
import { NeighbourBoard } from './neighbour-board.js';
import { groupsOf, spanOf } from './point-facts.js';
import { TimeBackwardsEvaluator, timeBackwardsMessage } from './time-backwards.js';

const KINDS: ReadonlySet<string> = new Set<AuthenticityRule['kind']>(['flatline', 'drop-to-zero', 'mirror', 'time-backwards']);

function isAuthenticityRule(rule: RuleSpec): rule is AuthenticityRule {
  return KINDS.has(rule.kind);
}

/** Numeric points only: a discrete signal is constant, or repeats another, by nature (the checks say so). */
function numeric(points: readonly Point[]): Point[] {
  return points.filter((p) => p.type === 'number');
}

/**
 * Group kinds: one condition `<ruleId>/<pointId>` per point that has a neighbour in its group. Each
 * condition reads only its own point's samples and shares its group's state with the others, so a
 * sample reaches one condition per rule, whatever the size of the group.
 */
function grouped(rule: AuthenticityRule & { groupBy: string }, selected: readonly Point[], make: (members: readonly Point[]) => (p: Point) => Condition): Condition[] {
  const out: Condition[] = [];
  for (const members of groupsOf(selected, rule.groupBy).values()) {
    if (members.length < 2) continue; // nobody to compare with
    const conditionOf = make(members);
    for (const p of members) out.push(conditionOf(p));
  }
  return out;
}

/**
 * The Data authenticity pack's conditions for a rule of one of its kinds; undefined for any other kind.
 * `selected`: the points the rule's selector picks; `points`: every configured point.
 */
export function authenticityConditions(rule: RuleSpec, selected: readonly Point[], _points: readonly Point[], startedAt: number): EngineCondition[] | undefined {
  if (!isAuthenticityRule(rule)) return undefined;
  switch (rule.kind) {
    case 'flatline':
      return numeric(selected).map((p) => {
        const e = new FlatlineEvaluator(rule, p);
        return new Condition(rule, p, e, flatlineMessage(rule, e));
      });
    case 'time-backwards':
      return selected.map((p) => {
        const e = new TimeBackwardsEvaluator(rule);
        return new Condition(rule, p, e, timeBackwardsMessage(rule, e));
      });
    case 'drop-to-zero':
      return grouped(rule, numeric(selected).filter((p) => spanOf(p) !== undefined), (members) => {
        const board = new NeighbourBoard(members);
        return (p) => {
          const e = new DropToZeroEvaluator(rule, p, board, startedAt);
          return new Condition(rule, p, e, dropToZeroMessage(rule, e));
        };
      });
    case 'mirror':
      return grouped(rule, numeric(selected), (members) => {
        const windows = new MirrorWindows(
          members.map((p) => p.id),
          rule.samples,
          rule.minChanges,
          rule.maxLag,
        );
        return (p) => {
          const e = new MirrorEvaluator(rule, p, windows);
          return new Condition(rule, p, e, mirrorMessage(rule, e));
        };
      });
  }
}

/** Config-time checks of the Data authenticity pack: what its rules need of the points they select. */
export function authenticityChecks(rules: readonly RuleSpec[], points: readonly Point[]): PackProblem[] {
  return authenticityRuleChecks(
    rules.flatMap((rule, index) => (isAuthenticityRule(rule) ? [{ rule, index }] : [])),
    points,
  );
}
