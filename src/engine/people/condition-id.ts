import { PEOPLE_RULE_KINDS, type PeopleRuleKind } from '../../core/index.js';

/** The parts of a personnel-location condition id. */
export interface PeopleConditionId {
  readonly rule: PeopleRuleKind;
  /** Zone conditions (headcount, crowd) and per-zone tag conditions (dwell, unauthorised); else null. */
  readonly zoneId: string | null;
  /** Tag conditions; null for headcount and crowd. */
  readonly tagId: string | null;
}

/**
 * Reads `<rule>/<zone>` (headcount, crowd), `<rule>/<tag>` (sos, man-down, tag-offline,
 * battery-low) and `<rule>/<zone>/<tag>` (dwell, unauthorised); zone ids hold no `/` (config),
 * tag ids may. Undefined for anything else.
 */
export function parsePeopleConditionId(id: string): PeopleConditionId | undefined {
  const slash = id.indexOf('/');
  const rule = PEOPLE_RULE_KINDS.find((r) => r === id.slice(0, slash));
  const rest = id.slice(slash + 1);
  if (slash < 0 || rule === undefined || rest === '') return undefined;
  if (rule === 'headcount' || rule === 'crowd') return { rule, zoneId: rest, tagId: null };
  if (rule !== 'dwell' && rule !== 'unauthorised') return { rule, zoneId: null, tagId: rest };
  const cut = rest.indexOf('/');
  if (cut <= 0 || cut === rest.length - 1) return undefined;
  return { rule, zoneId: rest.slice(0, cut), tagId: rest.slice(cut + 1) };
}
