import type { Priority } from '../../core/index.js';
import { formatNumber } from '../message.js';
import { maxCircleCover, type Cover } from './circle-cover.js';
import { formatSpan, peopleList, zoneLabel } from './labels.js';
import type { Finding } from './result.js';
import type { CrowdRule } from './settings.js';
import type { PeopleState, PersonRef } from './state.js';
import type { SiteZone } from './zones.js';

/**
 * Crowd gathering (人员聚集, MEM 2023) in one zone: `CROWD` once minPeople or more have fitted in
 * some circle of radiusM for more than forMs. An active crowd ends when no circle of radiusM +
 * hysteresisM holds minPeople any more, so a person standing on the rim does not chatter the alarm;
 * a gathering that breaks up earlier starts its time again.
 */
/** The return-to-normal subject of a zone's crowd condition. */
export function crowdSubject(zone: SiteZone): string {
  return `Crowd in ${zoneLabel(zone.spec)}`;
}

export class CrowdWatch {
  /** When the present gathering was first seen; NaN when there is none. */
  private since = NaN;
  private active = false;
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  private readonly tags: string[] = [];

  constructor(
    readonly zone: SiteZone,
    readonly rule: CrowdRule,
    private readonly priority: Priority,
    private readonly hysteresisM: number,
  ) {}

  /**
   * Takes up a crowd alarm handed back after a restart as active since `now`: the first judgement
   * keeps it while the group still fits the wider circle of an active crowd, instead of clearing
   * it and raising it again forMs later.
   */
  resume(now: number): void {
    this.active = true;
    if (Number.isNaN(this.since)) this.since = now;
  }

  /**
   * Judges the zone at `now` from the fixes of its tags; fixes older than `freshMs` are left out
   * (an offline tag's last position is not a person standing there now).
   */
  step(state: PeopleState, now: number, freshMs: number): Finding | undefined {
    this.collect(state, now, freshMs);
    const radius = this.active ? this.rule.radiusM + this.hysteresisM : this.rule.radiusM;
    const cover = this.xs.length < this.rule.minPeople ? undefined : maxCircleCover(this.xs, this.ys, radius);
    if (cover === undefined || cover.count < this.rule.minPeople) {
      this.since = NaN;
      this.active = false;
      return undefined;
    }
    if (Number.isNaN(this.since)) this.since = now;
    this.active ||= now - this.since > this.rule.forMs;
    return this.active ? this.finding(state, cover, now) : undefined;
  }

  private collect(state: PeopleState, now: number, freshMs: number): void {
    this.xs.length = 0;
    this.ys.length = 0;
    this.tags.length = 0;
    for (const tagId of state.tagsIn(this.zone.id)) {
      const tag = state.tag(tagId);
      if (tag?.fix === undefined || now - tag.fixAcceptedAt > freshMs) continue;
      this.xs.push(tag.fix.x);
      this.ys.push(tag.fix.y);
      this.tags.push(tagId);
    }
  }

  private finding(state: PeopleState, cover: Cover, now: number): Finding {
    const people: PersonRef[] = cover.members.map((i) => state.personRef(this.tags[i] as string));
    const label = zoneLabel(this.zone.spec);
    const { minPeople, radiusM } = this.rule;
    return {
      conditionId: `crowd/${this.zone.id}`,
      rule: 'crowd',
      zoneId: this.zone.id,
      tagId: null,
      level: 'CROWD',
      priority: this.priority,
      message: `Crowd gathering in ${label}: ${cover.count} people within ${formatNumber(radiusM)} m for ${formatSpan(now - this.since)} (threshold ${minPeople}): ${peopleList(people)}`,
      value: cover.count,
      people,
      subject: crowdSubject(this.zone),
    };
  }
}
