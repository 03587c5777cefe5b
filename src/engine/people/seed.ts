import { parsePeopleConditionId } from './condition-id.js';
import type { PeopleRuleKind, Priority } from '../../core/index.js';
import { crowdSubject } from './crowd.js';
import { headcountSubject } from './headcount.js';
import type { Finding } from './result.js';
import type { PersonRef } from './state.js';
import { tagSubject } from './tag-rules.js';
import { GUARDED_KINDS, type SiteZone, type ZoneMap } from './zones.js';

/** An active condition the alarm manager retained over a restart and hands back. */
export interface RetainedCondition {
  readonly conditionId: string;
  readonly level: string;
  readonly rule: string;
  readonly zoneId: string | null;
  readonly tagId: string | null;
  readonly priority: Priority;
  /** As retained; people conditions carry numbers (a boolean, which none of them raises, is read as none). */
  readonly value: number | boolean | null;
  readonly message: string;
  readonly people?: readonly PersonRef[] | undefined;
}

/** The levels each rule raises. */
const LEVELS: Readonly<Record<PeopleRuleKind, readonly string[]>> = {
  sos: ['SOS'],
  'man-down': ['FALLEN', 'NO_MOTION'],
  'tag-offline': ['OFFLINE'],
  'battery-low': ['BATTERY_LOW'],
  dwell: ['DWELL'],
  unauthorised: ['INTRUSION'],
  headcount: ['HEADCOUNT'],
  crowd: ['CROWD'],
};

/** Where a retained condition goes: a tag's scope, or a zone's headcount or crowd. */
export type SeedTarget =
  | { readonly scope: 'tag'; readonly tagId: string; readonly finding: Finding }
  | { readonly scope: 'headcount' | 'crowd'; readonly zone: SiteZone; readonly finding: Finding };

export interface SeedContext {
  readonly zones: ZoneMap;
  personRef(tagId: string): PersonRef;
  /** Whether the zone has a crowd watch (a crowd threshold of its own or its colour's). */
  watchesCrowd(zoneId: string): boolean;
}

/**
 * Reads a retained condition back into the finding the monitor would have made, or undefined when
 * the monitor could not have produced it: an unknown rule or level, a rule field disagreeing with
 * the id, a zone not configured, or a zone that no longer has what the rule needs (a headcount
 * limit, a crowd threshold, maxDwellMs, a guarded kind). Ids are `<rule>/<tag>`,
 * `<rule>/<zone>/<tag>` (zone ids hold no `/`, tag ids may) and `<rule>/<zone>`.
 */
export function retainedTarget(a: RetainedCondition, ctx: SeedContext): SeedTarget | undefined {
  const id = parsePeopleConditionId(a.conditionId);
  if (id === undefined || a.rule !== id.rule || !LEVELS[id.rule].includes(a.level)) return undefined;
  const rule = id.rule;
  const base = { conditionId: a.conditionId, rule, level: a.level, priority: a.priority, message: a.message, value: typeof a.value === 'number' ? a.value : null };
  if (id.tagId === null) {
    const zone = ctx.zones.get(id.zoneId ?? '');
    if (zone === undefined || (a.zoneId !== null && a.zoneId !== zone.id)) return undefined;
    if (rule === 'headcount' ? zone.spec.headcountLimit === undefined : !ctx.watchesCrowd(zone.id)) return undefined;
    const subject = rule === 'headcount' ? headcountSubject(zone) : crowdSubject(zone);
    return { scope: rule === 'headcount' ? 'headcount' : 'crowd', zone, finding: { ...base, zoneId: zone.id, tagId: null, people: a.people ?? [], subject } };
  }
  const tagId = id.tagId;
  const keyZone = id.zoneId === null ? undefined : ctx.zones.get(id.zoneId);
  if (id.zoneId !== null && keyZone === undefined) return undefined;
  if (rule === 'dwell' && keyZone?.spec.maxDwellMs === undefined) return undefined;
  if (rule === 'unauthorised' && (keyZone === undefined || !GUARDED_KINDS.has(keyZone.spec.kind))) return undefined;
  if ((a.tagId !== null && a.tagId !== tagId) || (keyZone !== undefined && a.zoneId !== null && a.zoneId !== keyZone.id)) return undefined;
  // SOS, man-down, offline and battery name the tag's zone only as information: one since removed is dropped.
  const zoneId = keyZone?.id ?? (a.zoneId !== null && ctx.zones.get(a.zoneId) !== undefined ? a.zoneId : null);
  const person = ctx.personRef(tagId);
  // A tag's condition is about its wearer: an empty or missing list names them from the roster.
  const people = a.people !== undefined && a.people.length > 0 ? a.people : [person];
  return { scope: 'tag', tagId, finding: { ...base, zoneId, tagId, people, subject: tagSubject(person, keyZone?.id ?? null) } };
}
