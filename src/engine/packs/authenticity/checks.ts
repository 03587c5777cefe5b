import { FLATLINE_IGNORE_BELOW_ATTR, type AuthenticityRule, type Point } from '../../../core/index.js';
import { selectPoints } from '../../select.js';
import type { PackProblem } from '../problem.js';
import { groupKeyOf, spanOf } from './point-facts.js';

/** A rule of the pack with its index among the config's rules. */
export interface IndexedRule {
  readonly rule: AuthenticityRule;
  readonly index: number;
}

function isNumberText(v: string): boolean {
  return v.trim() !== '' && Number.isFinite(Number(v));
}

/** `flatlineIgnoreBelow` on any point must be a number: a typo must not silently switch the check off. */
function attributeProblems(points: readonly Point[]): PackProblem[] {
  return points.flatMap((p, j) => {
    const v = p.attrs[FLATLINE_IGNORE_BELOW_ATTR];
    if (v === undefined || isNumberText(v)) return [];
    return [{ path: ['points', j, 'attrs', FLATLINE_IGNORE_BELOW_ATTR], message: `point "${p.id}": ${FLATLINE_IGNORE_BELOW_ATTR} is "${v}", not a number (engineering units)` }];
  });
}

/** Where a missing group value belongs: the point's `area`, or its attribute. */
function groupPath(j: number, groupBy: string): (string | number)[] {
  return groupBy === 'area' ? ['points', j, 'area'] : ['points', j, 'attrs', groupBy];
}

function ruleProblems({ rule, index }: IndexedRule, points: readonly Point[], at: ReadonlyMap<string, number>): PackProblem[] {
  const problems: PackProblem[] = [];
  const selected = selectPoints(rule.select, points);
  const where = (p: Point): number => at.get(p.id) ?? 0;
  if (rule.kind !== 'time-backwards') {
    for (const p of selected.filter((q) => q.type === 'boolean')) {
      problems.push({ path: ['rules', index, 'select'], message: `rule "${rule.id}" (${rule.kind}) selects the discrete point "${p.id}": it judges analog readings only` });
    }
  }
  const analog = selected.filter((p) => p.type === 'number');
  const needsSpan =
    rule.kind === 'drop-to-zero' ? analog : rule.kind === 'flatline' && rule.ignoreBelowPct !== undefined ? analog.filter((p) => p.attrs[FLATLINE_IGNORE_BELOW_ATTR] === undefined) : [];
  for (const p of needsSpan.filter((q) => spanOf(q) === undefined)) {
    const what = rule.kind === 'drop-to-zero' ? 'reads its values as a percentage of its span' : 'ignores readings below ignoreBelowPct of its span';
    problems.push({ path: ['points', where(p), 'range'], message: `point "${p.id}" has no range [low, high] with high > low: rule "${rule.id}" (${rule.kind}) ${what}` });
  }
  if (rule.kind === 'drop-to-zero' || rule.kind === 'mirror') {
    const by = rule.groupBy === 'area' ? 'area' : `attribute "${rule.groupBy}"`;
    for (const p of analog.filter((q) => groupKeyOf(q, rule.groupBy) === undefined)) {
      problems.push({ path: groupPath(where(p), rule.groupBy), message: `point "${p.id}" has no ${by}: rule "${rule.id}" (${rule.kind}) compares it with the points of the same ${by}` });
    }
  }
  return problems;
}

/** Every problem of the pack's rules at once: what they need of the points they select. */
export function authenticityRuleChecks(rules: readonly IndexedRule[], points: readonly Point[]): PackProblem[] {
  const at = new Map(points.map((p, j) => [p.id, j]));
  return [...attributeProblems(points), ...rules.flatMap((r) => ruleProblems(r, points, at))];
}
