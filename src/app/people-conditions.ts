import type { AlarmPolicy, ConditionSetup } from '../alarms/index.js';
import { PEOPLE_RULE_KINDS, type PeopleRuleKind, type Priority } from '../core/index.js';
import { parsePeopleConditionId } from '../engine/people/index.js';

/**
 * How personnel-location alarms behave. An SOS button and a fall are often momentary, and the
 * person needs help whether or not the tag still says so: both latch until an operator resets them
 * (after acknowledging), and neither may be shelved: shelving is for nuisance alarms, not for a
 * person asking for help. The others behave as process alarms do.
 */
export const PEOPLE_POLICIES: Readonly<Record<PeopleRuleKind, AlarmPolicy>> = Object.fromEntries(
  PEOPLE_RULE_KINDS.map((k) => [k, k === 'sos' || k === 'man-down' ? { latch: true, confirm: false, realarmMs: null, shelvable: false } : { latch: false, confirm: false, realarmMs: null, shelvable: true }]),
) as Record<PeopleRuleKind, AlarmPolicy>;

/** What the catalogue needs to know about the site's people. */
export interface PeopleDirectory {
  readonly priorities: Readonly<Record<PeopleRuleKind, Priority>>;
  hasZone(id: string): boolean;
  /** A tag on the roster or seen since start. */
  hasTag(id: string): boolean;
}

/**
 * The setup of a personnel-location condition id: `<rule>/<zone>` (headcount, crowd),
 * `<rule>/<tag>` (sos, man-down, tag-offline, battery-low), `<rule>/<zone>/<tag>` (dwell,
 * unauthorised). Undefined for an id no rule of this site could raise, so operators cannot act on
 * made-up conditions.
 */
export function peopleConditionSetup(conditionId: string, dir: PeopleDirectory): ConditionSetup | undefined {
  const id = parsePeopleConditionId(conditionId);
  if (id === undefined) return undefined;
  if (id.zoneId !== null && !dir.hasZone(id.zoneId)) return undefined;
  if (id.tagId !== null && !dir.hasTag(id.tagId)) return undefined;
  const rule = id.rule;
  const zoneId = id.zoneId ?? undefined;
  return {
    info: { conditionId, ruleId: rule, ruleKind: 'people', pointId: null, ...(zoneId === undefined ? {} : { zoneId }), priority: dir.priorities[rule] },
    policy: PEOPLE_POLICIES[rule],
  };
}
