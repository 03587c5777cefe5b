import { policyOf, type ConditionSetup } from '../alarms/index.js';
import type { Priority, RuleSpec } from '../core/index.js';
import type { RuleEngine } from '../engine/index.js';

/** The most urgent priority a rule can raise. */
function topPriority(rule: RuleSpec): Priority {
  if ('levels' in rule) return rule.levels.reduce<Priority>((best, l) => (l.priority < best ? l.priority : best), 4);
  return rule.priority;
}

/**
 * Every configured condition as the alarm manager needs it: what it is, its policy, its design
 * suppression; `others` answers for conditions raised outside the rule engine (personnel location).
 */
export function conditionCatalogue(engine: RuleEngine, others: (conditionId: string) => ConditionSetup | undefined = () => undefined): (conditionId: string) => ConditionSetup | undefined {
  const setups = new Map<string, ConditionSetup>();
  for (const id of engine.conditionIds()) {
    const c = engine.condition(id);
    if (c === undefined) continue;
    setups.set(id, {
      info: { conditionId: id, ruleId: c.rule.id, ruleKind: c.rule.kind, pointId: c.pointId, zoneId: c.zoneId, priority: topPriority(c.rule) },
      policy: policyOf(c.rule),
      suppress: c.rule.suppress,
    });
  }
  // Rule ids that personnel location and video use are reserved (config check), so the two never overlap.
  return (conditionId) => setups.get(conditionId) ?? others(conditionId);
}
