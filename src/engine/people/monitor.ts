import type { PeopleSettings, Person, ReaderEvent, TagPosition, TagStatus, ZoneSpec } from '../../core/index.js';
import { CrowdWatch } from './crowd.js';
import { headcountFinding } from './headcount.js';
import { formatSpan } from './labels.js';
import { ConditionBook, type Finding, type PeopleAlarm } from './result.js';
import { retainedTarget, type RetainedCondition } from './seed.js';
import { crowdPriority, crowdRuleFor, resolvePeopleSettings, type PeopleConfig } from './settings.js';
import type { PeopleSnapshot } from './snapshot.js';
import { PeopleState, type ZoneChange } from './state.js';
import { tagFindings } from './tag-rules.js';
import { reportedByEngine, type TagView } from './tag-track.js';
import type { SiteZone } from './zones.js';

export interface PeopleSetup {
  readonly zones: readonly ZoneSpec[];
  readonly people?: readonly Person[] | undefined;
  readonly settings?: PeopleSettings | undefined;
  /** Gateway time the monitor starts, epoch ms (default 0); the warm-up (warmupMs) runs from it. */
  readonly startedAt?: number | undefined;
}

/** What one fix, tag state, reader event or tick changed: zone entries and exits, and alarm changes. */
export interface PeopleUpdate {
  readonly changes: readonly ZoneChange[];
  readonly alarms: readonly PeopleAlarm[];
}

const NOTHING: PeopleUpdate = { changes: [], alarms: [] };

/**
 * Personnel location's rules over a PeopleState, pure and clocked from outside:
 * - on each fix, tag state or reader event, that tag's conditions (SOS, fall, intrusion, battery…) and the
 *   headcount of the zones it entered or left are judged at once, so an SOS or a fourth person
 *   in a three-person workshop does not wait for a tick;
 * - `step(now)` (the gateway calls it every second) judges what time alone changes: dwell,
 *   no motion, offline, shift limits and crowd gathering, and forgets tags silent for forgetAfterMs;
 * - after a restart, `seed` takes back the conditions the alarm manager retained and `restore` the
 *   tags of a snapshot; for warmupMs from `startedAt` headcount and crowd are not judged while
 *   zones fill again from fresh fixes (else every headcount alarm would clear and be raised again).
 */
export class PeopleMonitor {
  readonly state: PeopleState;
  readonly config: PeopleConfig;
  readonly startedAt: number;
  private readonly book = new ConditionBook();
  private readonly limited: readonly SiteZone[];
  private readonly crowds = new Map<string, CrowdWatch>();
  private readonly dwellZones: ReadonlySet<string>;
  /** Tags whose handed-back conditions stand as they were until the tag reports again: when seeded, and the conditions. */
  private readonly held = new Map<string, { readonly since: number; readonly findings: Map<string, Finding> }>();

  constructor(setup: PeopleSetup) {
    this.config = resolvePeopleSettings(setup.settings);
    this.startedAt = setup.startedAt ?? 0;
    const { hysteresisM, enterAfterMs, reorderWindowMs, maxTags } = this.config;
    this.state = new PeopleState(setup.zones, setup.people ?? [], { hysteresisM, enterAfterMs, reorderWindowMs, maxTags });
    const zones = this.state.zones.zones;
    this.limited = zones.filter((z) => z.spec.headcountLimit !== undefined);
    this.dwellZones = new Set(zones.filter((z) => z.spec.maxDwellMs !== undefined).map((z) => z.id));
    for (const zone of zones) {
      const rule = crowdRuleFor(zone.spec, this.config);
      if (rule !== undefined) this.crowds.set(zone.id, new CrowdWatch(zone, rule, crowdPriority(zone.spec, this.config), hysteresisM));
    }
  }

  position(p: TagPosition, now: number): PeopleUpdate {
    const changes = this.state.takePosition(p, now);
    return changes === null ? NOTHING : this.after(p.tagId, changes, now);
  }

  /** A tag state without a position: its SOS, motion and battery are judged at once; it moves the tag out of no zone. */
  status(s: TagStatus, now: number): PeopleUpdate {
    const changes = this.state.takeStatus(s, now);
    return changes === null ? NOTHING : this.after(s.tagId, changes, now);
  }

  reader(e: ReaderEvent, now: number): PeopleUpdate {
    const changes = this.state.takeReader(e, now);
    return changes === null ? NOTHING : this.after(e.tagId, changes, now);
  }

  /** The alarm changes of `step(now)` (zone changes of forgotten tags are in step's answer). */
  tick(now: number): PeopleAlarm[] {
    return [...this.step(now).alarms];
  }

  /**
   * Judges what time changes at `now`: forgets silent tags (their zone exits are the changes), then
   * the tags whose conditions can start with time alone, then headcounts and crowds (after the warm-up).
   */
  step(now: number): PeopleUpdate {
    const changes: ZoneChange[] = [];
    const alarms: PeopleAlarm[] = [];
    for (const [tagId, entered] of this.state.completeEntries(now)) {
      const update = this.after(tagId, entered, now);
      changes.push(...update.changes);
      alarms.push(...update.alarms);
    }
    for (const tag of this.state.tags()) {
      if (this.silentTooLong(tag, now)) {
        const why = `tag forgotten after ${formatSpan(now - tag.lastSeen)} without a fix or reader event`;
        alarms.push(...this.forget(tag.tagId, now, why, changes));
      } else if (this.timeCounts(tag, now)) alarms.push(...this.judgeTag(tag, now));
    }
    for (const [tagId, { since }] of this.held) {
      if (this.state.tag(tagId) !== undefined || !(now - since > this.config.forgetAfterMs)) continue;
      alarms.push(...this.forget(tagId, now, `tag not heard for ${formatSpan(now - since)} since the restart, forgotten`, changes));
    }
    if (this.warming(now)) return { changes, alarms };
    for (const zone of this.limited) alarms.push(...this.judgeHeadcount(zone, now));
    for (const watch of this.crowds.values()) {
      const found = watch.step(this.state, now, this.config.offlineAfterMs);
      alarms.push(...this.book.settle(`crowd:${watch.zone.id}`, found === undefined ? [] : [found], now));
    }
    return { changes, alarms };
  }

  /**
   * Takes back an active condition the alarm manager retained over a restart; false when the
   * monitor could not have produced it (unknown rule or level, a zone not configured, or one that
   * lost what the rule needs). A tag's condition stands as it was (not cleared by time, though the
   * tag is judged on time like any: a tag that died during the restart still goes OFFLINE) until
   * the tag reports again or is forgotten; a headcount or crowd until the warm-up ends, when
   * the zone is judged afresh and the condition stays or returns to normal as usual.
   */
  seed(a: RetainedCondition, now: number): boolean {
    const target = retainedTarget(a, { zones: this.state.zones, personRef: (id) => this.state.personRef(id), watchesCrowd: (id) => this.crowds.has(id) });
    if (target === undefined) return false;
    if (target.scope === 'tag') {
      this.book.seed(`tag:${target.tagId}`, target.finding);
      const held = this.held.get(target.tagId) ?? { since: now, findings: new Map<string, Finding>() };
      held.findings.set(target.finding.conditionId, target.finding);
      this.held.set(target.tagId, held);
    } else {
      this.book.seed(`${target.scope}:${target.zone.id}`, target.finding);
      if (target.scope === 'crowd') this.crowds.get(target.zone.id)?.resume(now);
    }
    return true;
  }

  /**
   * Puts back who was where from a snapshot (PeopleState.snapshot) taken before a restart; tags
   * that reported since the start keep their live state. Judges nothing (seed brings the alarms
   * back); the zone entries it made, for live headcounts.
   */
  restore(s: PeopleSnapshot, now: number): ZoneChange[] {
    return this.state.restore(s, now, this.config);
  }

  /** The conditions active now, as last found (messages of the latest evaluation). */
  active(): Finding[] {
    return [...this.book.findings()];
  }

  private warming(now: number): boolean {
    return now < this.startedAt + this.config.warmupMs;
  }

  private after(tagId: string, changes: readonly ZoneChange[], now: number): PeopleUpdate {
    const tag = this.state.tag(tagId);
    // The tag reported: conditions handed back for it are judged like any from now on, once no
    // zone entry is pending (else an intrusion handed back would clear at the first fix and be
    // raised again when the debounce lets the tag into the zone).
    if (tag?.entering.size === 0) this.held.delete(tagId);
    const alarms = tag === undefined ? [] : [...this.judgeTag(tag, now)];
    if (!this.warming(now)) {
      for (const c of changes) {
        const zone = this.state.zones.get(c.zoneId);
        if (zone?.spec.headcountLimit !== undefined) alarms.push(...this.judgeHeadcount(zone, now));
      }
    }
    return { changes, alarms };
  }

  /**
   * Silent for forgetAfterMs: the tag has left the site (or its tag died long ago) and is
   * forgotten. Silent for less (even past offlineAfterMs) it keeps its zones: the evacuation list
   * must still name a person last seen inside, whose tag may have died while they stayed. A tag in
   * a reader area is never forgotten for silence: readers report changes only, so a miner
   * underground for a whole shift is silent, and a reader `leave` is what takes them out.
   */
  private silentTooLong(tag: TagView, now: number): boolean {
    return tag.readers.size === 0 && now - tag.lastSeen > this.config.forgetAfterMs;
  }

  /** Whether time alone can change the tag's conditions now: offline, no motion, or dwell. */
  private timeCounts(tag: TagView, now: number): boolean {
    if (reportedByEngine(tag) && now - tag.silentSince > this.config.offlineAfterMs) return true;
    if (!Number.isNaN(tag.stillSince)) return true;
    for (const zoneId of tag.zones.keys()) if (this.dwellZones.has(zoneId)) return true;
    return false;
  }

  private forget(tagId: string, now: number, why: string, changes: ZoneChange[]): readonly PeopleAlarm[] {
    this.held.delete(tagId);
    changes.push(...this.state.forget(tagId, now));
    return this.book.release(`tag:${tagId}`, now, why);
  }

  /** Settles a tag's conditions; those handed back and still held stand unless found at another level. */
  private judgeTag(tag: TagView, now: number): readonly PeopleAlarm[] {
    const ctx = { zones: this.state.zones, config: this.config, person: this.state.personRef(tag.tagId), levelOf: (id: string) => this.book.levelOf(id) };
    const found = tagFindings(tag, ctx, now);
    const held = this.held.get(tag.tagId)?.findings;
    if (held !== undefined) for (const [id, f] of held) if (!found.some((g) => g.conditionId === id)) found.push(f);
    return this.book.settle(`tag:${tag.tagId}`, found, now);
  }

  private judgeHeadcount(zone: SiteZone, now: number): readonly PeopleAlarm[] {
    const found = headcountFinding(zone, this.state, this.config, now);
    return this.book.settle(`headcount:${zone.id}`, found === undefined ? [] : [found], now);
  }
}
