import { policyOf, type ConditionSetup } from '../alarms/index.js';
import type { Priority, RuleSpec } from '../core/index.js';
import type { RuleEngine } from '../engine/index.js';

/** The most urgent priority a rule can raise. */
function topPriority(rule: RuleSpec): Priority {
  if (rule.kind !== 'threshold') return rule.priority;
  return rule.levels.reduce<Priority>((best, l) => (l.priority < best ? l.priority : best), 4);
}

/** Every configured condition as the alarm manager needs it: what it is, its policy, its design suppression. */
export function conditionCatalogue(engine: RuleEngine): (conditionId: string) => ConditionSetup | undefined {
  const setups = new Map<string, ConditionSetup>();
  for (const id of engine.conditionIds()) {
    const c = engine.condition(id);
    if (c === undefined) continue;
    setups.set(id, {
      info: { conditionId: id, ruleId: c.rule.id, ruleKind: c.rule.kind, pointId: c.point.id, priority: topPriority(c.rule) },
      policy: policyOf(c.rule),
      suppress: c.rule.suppress,
    });
  }
  return (conditionId) => setups.get(conditionId);
}
