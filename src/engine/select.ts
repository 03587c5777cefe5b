import type { Point, PointSelector, RuleSpec } from '../core/index.js';

/** A configuration problem found while matching rule selectors against the configured points. */
export interface SelectorProblem {
  readonly ruleId: string;
  readonly message: string;
}

/**
 * The value a `match` key is compared with: the point's own fields for `kind`, `area`, `unit` and
 * `type`, an attribute for every other key.
 */
function fieldOf(point: Point, key: string): string | undefined {
  switch (key) {
    case 'kind':
      return point.kind;
    case 'area':
      return point.area;
    case 'unit':
      return point.unit;
    case 'type':
      return point.type;
    default:
      return point.attrs[key];
  }
}

function matchesAll(point: Point, match: Readonly<Record<string, string>>): boolean {
  for (const [key, wanted] of Object.entries(match)) {
    if (fieldOf(point, key) !== wanted) return false;
  }
  return true;
}

/**
 * The points a selector applies to, in configuration order and without duplicates: the listed ids
 * together with every point whose fields/attributes all equal `match`. A selector with neither
 * selects nothing. Unknown ids are skipped here; `checkSelectors` reports them.
 */
export function selectPoints(selector: PointSelector, points: readonly Point[]): Point[] {
  const listed = new Set(selector.points ?? []);
  const match = selector.match;
  return points.filter((p) => listed.has(p.id) || (match !== undefined && matchesAll(p, match)));
}

/**
 * Every selector problem at once (as rulefmt does): ids that name no configured point, selectors
 * that select nothing, and rule ids used twice (their conditions would collide).
 */
export function checkSelectors(rules: readonly RuleSpec[], points: readonly Point[]): SelectorProblem[] {
  const known = new Set(points.map((p) => p.id));
  const seen = new Set<string>();
  const problems: SelectorProblem[] = [];
  for (const rule of rules) {
    if (seen.has(rule.id)) problems.push({ ruleId: rule.id, message: `rule id "${rule.id}" is used more than once` });
    seen.add(rule.id);
    for (const id of rule.select.points ?? []) {
      if (!known.has(id)) problems.push({ ruleId: rule.id, message: `rule "${rule.id}" selects unknown point "${id}"` });
    }
    if (selectPoints(rule.select, points).length === 0) {
      problems.push({ ruleId: rule.id, message: `rule "${rule.id}" selects no point (${describeSelector(rule.select)})` });
    }
  }
  return problems;
}

function describeSelector(selector: PointSelector): string {
  const parts: string[] = [];
  if (selector.points !== undefined) parts.push(`points: ${selector.points.join(', ') || 'none'}`);
  if (selector.match !== undefined) {
    const pairs = Object.entries(selector.match).map(([k, v]) => `${k}=${v}`);
    parts.push(`match: ${pairs.join(', ') || 'nothing'}`);
  }
  return parts.length === 0 ? 'empty selector' : parts.join('; ');
}
