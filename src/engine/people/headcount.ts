import { formatNumber } from '../message.js';
import { peopleList, zoneLabel } from './labels.js';
import type { Finding } from './result.js';
import type { PeopleConfig } from './settings.js';
import { limitAt } from './shift.js';
import type { PeopleState } from './state.js';
import type { SiteZone } from './zones.js';

/** The return-to-normal subject of a zone's headcount condition. */
export function headcountSubject(zone: SiteZone): string {
  return `Headcount in ${zoneLabel(zone.spec)}`;
}

/**
 * `HEADCOUNT` (超员) while more people are in a zone than its limit in force now (a fixed number,
 * or the shift's: explosives lines allow 3 in a class 1.1 workshop, 6 in detonator assembly).
 */
export function headcountFinding(zone: SiteZone, state: PeopleState, config: PeopleConfig, now: number): Finding | undefined {
  const limit = limitAt(zone.spec.headcountLimit, now);
  const count = state.headcount(zone.id);
  if (limit === undefined || count <= limit) return undefined;
  const people = state.peopleIn(zone.id);
  const label = zoneLabel(zone.spec);
  return {
    conditionId: `headcount/${zone.id}`,
    rule: 'headcount',
    zoneId: zone.id,
    tagId: null,
    level: 'HEADCOUNT',
    priority: config.priorities.headcount,
    message: `Over headcount in ${label}: ${count} people, limit ${formatNumber(limit)} (${peopleList(people)})`,
    value: count,
    people,
    subject: headcountSubject(zone),
  };
}
