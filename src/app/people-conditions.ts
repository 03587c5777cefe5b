import type { AlarmPolicy, ConditionSetup } from '../alarms/index.js';
import { PEOPLE_RULE_KINDS, type PeopleRuleKind, type Priority } from '../core/index.js';

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

function isPeopleKind(s: string): s is PeopleRuleKind {
  return (PEOPLE_RULE_KINDS as readonly string[]).includes(s);
}

/**
 * The setup of a personnel-location condition id: `<rule>/<zone>` (headcount, crowd),
 * `<rule>/<tag>` (sos, man-down, tag-offline, battery-low), `<rule>/<zone>/<tag>` (dwell,
 * unauthorised). Undefined for an id no rule of this site could raise, so operators cannot act on
 * made-up conditions.
 */
export function peopleConditionSetup(conditionId: string, dir: PeopleDirectory): ConditionSetup | undefined {
  const slash = conditionId.indexOf('/');
  const rule = conditionId.slice(0, slash);
  if (slash < 0 || !isPeopleKind(rule)) return undefined;
  const rest = conditionId.slice(slash + 1);
  let zoneId: string | undefined;
  if (rule === 'headcount' || rule === 'crowd') {
    if (!dir.hasZone(rest)) return undefined;
    zoneId = rest;
  } else if (rule === 'dwell' || rule === 'unauthorised') {
    // Zone ids hold no `/` (config); tag ids may.
    const cut = rest.indexOf('/');
    if (cut < 0 || !dir.hasZone(rest.slice(0, cut)) || !dir.hasTag(rest.slice(cut + 1))) return undefined;
    zoneId = rest.slice(0, cut);
  } else if (!dir.hasTag(rest)) {
    return undefined;
  }
  return {
    info: { conditionId, ruleId: rule, ruleKind: 'people', pointId: null, ...(zoneId === undefined ? {} : { zoneId }), priority: dir.priorities[rule] },
    policy: PEOPLE_POLICIES[rule],
  };
}
