import type { PeopleSettings, Person, ReaderEvent, TagPosition, ZoneSpec } from '../../core/index.js';
import { CrowdWatch } from './crowd.js';
import { headcountFinding } from './headcount.js';
import { ConditionBook, type Finding, type PeopleAlarm } from './result.js';
import { crowdPriority, crowdRuleFor, resolvePeopleSettings, type PeopleConfig } from './settings.js';
import { PeopleState, type TagView, type ZoneChange } from './state.js';
import { tagFindings } from './tag-rules.js';
import type { SiteZone } from './zones.js';

export interface PeopleSetup {
  readonly zones: readonly ZoneSpec[];
  readonly people?: readonly Person[] | undefined;
  readonly settings?: PeopleSettings | undefined;
}

/** What one fix or reader event changed: zone entries and exits, and alarm changes. */
export interface PeopleUpdate {
  readonly changes: readonly ZoneChange[];
  readonly alarms: readonly PeopleAlarm[];
}

/**
 * Personnel location's rules over a PeopleState, pure and clocked from outside:
 * - on each fix or reader event, that tag's conditions (SOS, fall, intrusion, battery…) and the
 *   headcount of the zones it entered or left are judged at once, so an SOS or a fourth person
 *   in a three-person workshop does not wait for a tick;
 * - `tick(now)` (the gateway calls it every second) judges what time alone changes: dwell,
 *   no motion, offline, shift limits, and crowd gathering.
 */
export class PeopleMonitor {
  readonly state: PeopleState;
  readonly config: PeopleConfig;
  private readonly book = new ConditionBook();
  private readonly limited: readonly SiteZone[];
  private readonly crowds: readonly CrowdWatch[];

  constructor(setup: PeopleSetup) {
    this.config = resolvePeopleSettings(setup.settings);
    this.state = new PeopleState(setup.zones, setup.people ?? [], this.config.hysteresisM);
    const zones = this.state.zones.zones;
    this.limited = zones.filter((z) => z.spec.headcountLimit !== undefined);
    this.crowds = zones.flatMap((zone) => {
      const rule = crowdRuleFor(zone.spec, this.config);
      return rule === undefined ? [] : [new CrowdWatch(zone, rule, crowdPriority(zone.spec, this.config), this.config.hysteresisM)];
    });
  }

  position(p: TagPosition, now: number): PeopleUpdate {
    return this.after(p.tagId, this.state.position(p, now), now);
  }

  reader(e: ReaderEvent, now: number): PeopleUpdate {
    return this.after(e.tagId, this.state.reader(e, now), now);
  }

  /** Judges every condition at `now`; the alarm changes. */
  tick(now: number): PeopleAlarm[] {
    const out: PeopleAlarm[] = [];
    for (const tag of this.state.tags()) out.push(...this.judgeTag(tag, now));
    for (const zone of this.limited) out.push(...this.judgeHeadcount(zone, now));
    for (const watch of this.crowds) {
      const found = watch.step(this.state, now, this.config.offlineAfterMs);
      out.push(...this.book.settle(`crowd:${watch.zone.id}`, found === undefined ? [] : [found], now));
    }
    return out;
  }

  /** The conditions active now, as last found (messages of the latest evaluation). */
  active(): Finding[] {
    return [...this.book.findings()];
  }

  private after(tagId: string, changes: readonly ZoneChange[], now: number): PeopleUpdate {
    const tag = this.state.tag(tagId);
    const alarms = tag === undefined ? [] : [...this.judgeTag(tag, now)];
    for (const c of changes) {
      const zone = this.state.zones.get(c.zoneId);
      if (zone?.spec.headcountLimit !== undefined) alarms.push(...this.judgeHeadcount(zone, now));
    }
    return { changes, alarms };
  }

  private judgeTag(tag: TagView, now: number): readonly PeopleAlarm[] {
    const ctx = { zones: this.state.zones, config: this.config, person: this.state.personRef(tag.tagId), levelOf: (id: string) => this.book.levelOf(id) };
    return this.book.settle(`tag:${tag.tagId}`, tagFindings(tag, ctx, now), now);
  }

  private judgeHeadcount(zone: SiteZone, now: number): readonly PeopleAlarm[] {
    const found = headcountFinding(zone, this.state, this.config, now);
    return this.book.settle(`headcount:${zone.id}`, found === undefined ? [] : [found], now);
  }
}
