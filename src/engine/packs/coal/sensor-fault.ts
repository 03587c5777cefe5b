import type { Point, SensorFaultRule } from '../../../core/index.js';
import { Condition } from '../../condition.js';
import { explainQuality, FaultEvaluator } from '../../fault.js';
import { formatValue, renderTemplate, type MessageFacts } from '../../message.js';
import { feedersOf, feedPointsByFeeder } from './feeders.js';

/** `signal-fault-low (loop current below …)`, `silent: no data for more than 65 s`, for a sensor. */
export function explainFault(reason: string, silentAfterMs: number): string {
  const text = explainQuality(reason, 'sensor', silentAfterMs);
  return reason === 'silent' ? text.replace('no data for', 'no data for more than') : text;
}

/**
 * What the operator reads. For a CH4 sensor that cuts feeders, the power-off its fault demands
 * (断线断电): `T2-CH4 FAULT: signal-fault-low (…); methane unknown (last usable 0.7 %): its
 * power-off scope F-101, F-102 must be cut (断线断电)`.
 */
function faultMessage(rule: SensorFaultRule, evaluator: FaultEvaluator, point: Point, f: MessageFacts): string {
  const id = f.point.id;
  if (f.level === null) return `${id} sensor fault cleared (${formatValue(f.value, f.point.unit)})`;
  const reason = explainFault(evaluator.reason ?? 'bad', rule.silentAfterMs);
  if (rule.message !== undefined) return renderTemplate(rule.message, f).replaceAll('{reason}', reason);
  const last = f.value === null ? 'no usable reading yet' : `last usable ${formatValue(f.value, f.point.unit)}`;
  const scope = point.attrs['gas'] === 'CH4' ? feedersOf(point) : undefined;
  if (scope?.kind === 'feeders') return `${id} FAULT: ${reason}; methane unknown (${last}): its power-off scope ${scope.names.join(', ')} must be cut (断线断电)`;
  return `${id} FAULT: ${reason}; the reading cannot be trusted (${last})`;
}

/**
 * The selected points, then (with `feedSensors`) the feed-status points of the feeders the selected
 * CH4 sensors cut: a power-off nobody can verify is a fault too. Each point once, in config order.
 */
function watched(rule: SensorFaultRule, selected: readonly Point[], points: readonly Point[]): Point[] {
  if (!rule.feedSensors) return [...selected];
  const names = new Set<string>();
  for (const p of selected) {
    const scope = p.attrs['gas'] === 'CH4' ? feedersOf(p) : undefined;
    if (scope?.kind === 'feeders') for (const n of scope.names) names.add(n);
  }
  const feeds = new Set([...feedPointsByFeeder(points)].flatMap(([name, list]) => (names.has(name) ? list : [])));
  const chosen = new Set(selected);
  return points.filter((p) => chosen.has(p) || feeds.has(p));
}

/** `sensor-fault`: one condition per watched point. */
export function sensorFaultConditions(rule: SensorFaultRule, selected: readonly Point[], points: readonly Point[], startedAt: number): Condition[] {
  return watched(rule, selected, points).map((point) => {
    // The pack's "more than silentAfter": whole milliseconds, so at least silentAfter + 1 ms.
    const evaluator = new FaultEvaluator(rule.silentAfterMs + 1, rule.priority, startedAt);
    return new Condition(rule, point, evaluator, (f) => faultMessage(rule, evaluator, point, f));
  });
}
