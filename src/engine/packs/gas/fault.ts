import type { DetectorFaultRule, Point } from '../../../core/index.js';
import { Condition } from '../../condition.js';
import { explainQuality, FaultEvaluator } from '../../fault.js';
import { formatValue, renderTemplate, type MessageFacts } from '../../message.js';

/** `signal-fault-low (loop current below …)` for a detector. */
export function explainReason(reason: string, silentAfterMs: number | undefined): string {
  return explainQuality(reason, 'detector', silentAfterMs);
}

function faultMessage(rule: DetectorFaultRule, evaluator: FaultEvaluator, f: MessageFacts): string {
  const id = f.point.id;
  if (f.level === null) return `${id} detector fault cleared (${formatValue(f.value, f.point.unit)})`;
  const reason = explainReason(evaluator.reason ?? 'bad', rule.silentAfterMs);
  if (rule.message !== undefined) return renderTemplate(rule.message, f).replaceAll('{reason}', reason);
  return `${id} FAULT: ${reason}; the reading cannot be trusted (last usable ${formatValue(f.value, f.point.unit)})`;
}

/** `detector-fault`: one condition per selected point. */
export function detectorFaultConditions(rule: DetectorFaultRule, selected: readonly Point[], startedAt: number): Condition[] {
  return selected.map((point) => {
    const evaluator = new FaultEvaluator(rule.silentAfterMs, rule.priority, startedAt);
    return new Condition(rule, point, evaluator, (f) => faultMessage(rule, evaluator, f));
  });
}
