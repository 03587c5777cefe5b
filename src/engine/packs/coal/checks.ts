import type { Point, RuleSpec } from '../../../core/index.js';
import { selectPoints } from '../../select.js';
import type { PackProblem } from '../problem.js';
import { feedersOf, feedPointsByFeeder, feedTimeoutOf } from './feeders.js';
import { methaneLimitsOf } from './methane-limits.js';
import { mineGasLimitOf } from './mine-gas-limits.js';
import type { PointProblem } from './units.js';

/** Problems found once each, however many rules select the point (a CH4 sensor is in two rules). */
class Problems {
  readonly list: PackProblem[] = [];
  private readonly seen = new Set<string>();
  private readonly index: Map<Point, number>;

  constructor(points: readonly Point[]) {
    this.index = new Map(points.map((p, j) => [p, j]));
  }

  /** A problem of a point, at its path in the config (`points[j].attrs.location`). */
  at(point: Point, p: PointProblem): void {
    const path = ['points', this.index.get(point) ?? 0, ...p.path];
    const key = `${path.join('.')}\n${p.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ path, message: p.message });
  }
}

function checkMethane(point: Point, out: Problems): void {
  const limits = methaneLimitsOf(point);
  if (!limits.ok) for (const p of limits.problems) out.at(point, p);
}

/**
 * A CH4 sensor's power-off scope must name feeders that feed points report (one each, boolean), or
 * say `none`: a power-off that cannot be verified must be a decision, not an oversight.
 */
function checkScope(point: Point, byFeeder: ReadonlyMap<string, readonly Point[]>, out: Problems): void {
  const timeout = feedTimeoutOf(point, 0);
  if (timeout.problem !== undefined) out.at(point, { path: ['attrs', 'feedTimeout'], message: timeout.problem });
  const scope = feedersOf(point);
  if (scope.kind === 'missing') {
    out.at(point, { path: ['attrs'], message: `CH4 point "${point.id}" has no attrs.feeders: name the feeders its power-off cuts ("F-101,F-102"), or write "none" if no monitored feeder is cut by it` });
  }
  if (scope.kind === 'invalid') out.at(point, { path: ['attrs', 'feeders'], message: scope.message });
  if (scope.kind !== 'feeders') return;
  for (const name of scope.names) {
    const feeds = byFeeder.get(name);
    if (feeds === undefined) {
      out.at(point, { path: ['attrs', 'feeders'], message: `CH4 point "${point.id}" cuts feeder "${name}", but no feed point (kind: feed) has attrs.feeder "${name}"` });
      continue;
    }
    const [first, ...more] = feeds;
    for (const again of more) out.at(again, { path: ['attrs', 'feeder'], message: `feeder "${name}" is reported by two feed points, "${first?.id ?? ''}" and "${again.id}": which one tells whether it is cut?` });
    for (const feed of feeds) {
      if (feed.type !== 'boolean') out.at(feed, { path: ['type'], message: `feed point "${feed.id}" (feeder "${name}") must be type: boolean (true = energised)` });
    }
  }
}

function checkMineGas(point: Point, out: Problems): void {
  const limit = mineGasLimitOf(point);
  if (limit.kind === 'invalid') for (const p of limit.problems) out.at(point, p);
}

/**
 * Config-time checks of the coal pack, every problem at once: CH4 sensors without a known location,
 * with a site limit above the regulation's, in a unit other than % CH4, or with a range that cannot
 * reach the power-off level; power-off scopes naming feeders no feed point reports; gas points the
 * mine-gas limits cannot be applied to.
 */
export function coalChecks(rules: readonly RuleSpec[], points: readonly Point[]): PackProblem[] {
  const out = new Problems(points);
  const byFeeder = feedPointsByFeeder(points);
  for (const rule of rules) {
    if (rule.kind !== 'methane' && rule.kind !== 'feed-check' && rule.kind !== 'mine-gas') continue;
    for (const point of selectPoints(rule.select, points)) {
      if (rule.kind === 'mine-gas') checkMineGas(point, out);
      else checkMethane(point, out);
      if (rule.kind === 'feed-check') checkScope(point, byFeeder, out);
    }
  }
  return out.list;
}
