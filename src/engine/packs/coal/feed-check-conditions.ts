import { HazgateError, type FeedCheckRule, type Point } from '../../../core/index.js';
import { GroupCondition } from '../../group.js';
import { FeedCheckEvaluator } from './feed-check.js';
import { feedersOf, feedPointsByFeeder, feedTimeoutOf } from './feeders.js';
import { methaneLimitsOf, type MethaneLimits } from './methane-limits.js';

interface Cutter {
  readonly point: Point;
  readonly limits: MethaneLimits;
  readonly feeders: readonly string[];
}

function invalid(rule: FeedCheckRule, point: Point, message: string): HazgateError {
  return new HazgateError('HG_ERR_CONFIG_INVALID', message, { ruleId: rule.id, pointId: point.id });
}

/** The selected CH4 sensors that cut feeders (`attrs.feeders: none` cuts nothing monitored). */
function cuttersOf(rule: FeedCheckRule, selected: readonly Point[]): Cutter[] {
  return selected.flatMap((point) => {
    const scope = feedersOf(point);
    if (scope.kind === 'none') return [];
    if (scope.kind === 'missing') throw invalid(rule, point, `CH4 point "${point.id}" has no attrs.feeders`);
    if (scope.kind === 'invalid') throw invalid(rule, point, scope.message);
    const out = methaneLimitsOf(point);
    if (!out.ok) throw invalid(rule, point, out.problems.map((p) => p.message).join('; '));
    return [{ point, limits: out.limits, feeders: scope.names }];
  });
}

/**
 * One group per CH4 sensor that cuts feeders, `<ruleId>/<sensor id>`: the sensor, the feed-status
 * points of its feeders, and every other selected sensor that cuts one of them.
 */
export function feedCheckConditions(rule: FeedCheckRule, selected: readonly Point[], points: readonly Point[], startedAt: number): GroupCondition[] {
  const cutters = cuttersOf(rule, selected);
  const byFeeder = feedPointsByFeeder(points);
  return cutters.map((c) => {
    const feeders = c.feeders.map((name) => {
      const point = byFeeder.get(name)?.[0];
      if (point === undefined) throw invalid(rule, c.point, `CH4 point "${c.point.id}" cuts feeder "${name}", which no feed point reports`);
      return { name, point, cutBy: cutters.filter((o) => o.feeders.includes(name)).map((o) => o.point.id) };
    });
    const others = cutters.filter((o) => o !== c && o.feeders.some((n) => c.feeders.includes(n)));
    const timeout = feedTimeoutOf(c.point, rule.timeoutMs);
    if (timeout.problem !== undefined) throw invalid(rule, c.point, timeout.problem);
    const evaluator = new FeedCheckEvaluator({ sensor: c, others, feeders, timeoutMs: timeout.ms, silentAfterMs: rule.silentAfterMs, unexpectedOff: rule.unexpectedOff, startedAt });
    const members = [c.point, ...others.map((o) => o.point), ...feeders.map((f) => f.point)];
    return new GroupCondition(rule, { key: c.point.id, members, pointId: c.point.id, evaluator });
  });
}
