import type { ConditionSetup } from '../alarms/index.js';
import type { AdapterMetric, AlarmTransition, Logger, Observation, PeopleService, Point, RuleResult, ZoneHeadcount, ZoneSpec } from '../core/index.js';
import { limitAt, parsePeopleConditionId, PeopleMonitor, TrackBuffer, type PeopleAlarm, type PeopleSnapshot } from '../engine/people/index.js';
import type { PeopleSection } from '../config/index.js';
import { peopleConditionSetup } from './people-conditions.js';

/** Personnel location in the gateway: observations in, alarms out, and the people of each zone on every alarm. */
export interface PeopleWiring {
  /** Null when the site has no `people` section. */
  readonly monitor: PeopleMonitor | null;
  /** A position, tag state or reader event from a location adapter; its alarm changes. */
  observe(o: Observation, now: number): RuleResult[];
  tick(now: number): RuleResult[];
  /** Adds the people in the result's zone (the evacuation list) and the zone's cameras. */
  enrich(r: RuleResult): RuleResult;
  /** The points a reload brings: their zones (`attrs.zone`, else the area) are what `enrich` uses from now on. */
  repoint(points: readonly Point[]): void;
  /** Headcounts, people per zone, tracks (null without a people section). */
  readonly service: PeopleService | null;
  /** The alarm manager's view of a personnel-location condition (policy: SOS and man-down latch). */
  setup(conditionId: string): ConditionSetup | undefined;
  /** Takes back a retained personnel-location condition at a restart; false when none of the site's rules could raise it. */
  seed(t: AlarmTransition, now: number): boolean;
  /** Who is where, for the state file (null without a people section). */
  snapshot(now: number): PeopleSnapshot | null;
  /** Puts back who was where before a restart (before retained alarms are seeded). */
  restore(s: PeopleSnapshot, now: number): void;
  /** Counters and gauges for /metrics (empty without a people section). */
  metrics(): AdapterMetric[];
}

/** Told when a zone's headcount changes (the WS hub pushes it to consoles). */
export type OnHeadcount = (h: ZoneHeadcount, time: number) => void;

/** A personnel-location alarm as the alarm manager takes it: rule kind `people`, named by its zone. */
export function peopleResult(a: PeopleAlarm): RuleResult {
  return {
    conditionId: a.conditionId,
    ruleId: a.rule,
    ruleKind: 'people',
    pointId: null,
    ...(a.zoneId === null ? {} : { zoneId: a.zoneId }),
    level: a.level,
    priority: a.priority,
    value: a.value,
    time: a.time,
    message: a.message,
    people: a.people,
  };
}

/**
 * The zone of a result: its own zone, else the zone its point belongs to (`attrs.zone`, else its
 * area when a zone has that id): a gas or ESD alarm in a zone carries who is in it.
 */
function zoneResolver(points: readonly Point[], zones: ReadonlyMap<string, ZoneSpec>): (r: RuleResult) => ZoneSpec | undefined {
  const zoneOfPoint = new Map<string, ZoneSpec>();
  for (const p of points) {
    const z = zones.get(p.attrs['zone'] ?? '') ?? zones.get(p.area ?? '');
    if (z !== undefined) zoneOfPoint.set(p.id, z);
  }
  return (r) => (r.zoneId !== undefined ? zones.get(r.zoneId) : r.pointId === null ? undefined : zoneOfPoint.get(r.pointId));
}

/**
 * `maxFutureMs`: a position or reader event stamped further ahead than this is refused (logged):
 * one fix from a device with a wrong clock would otherwise hide every later fix of its tag.
 */
export function wirePeople(section: PeopleSection | undefined, points: readonly Point[], logger: Logger, onHeadcount: OnHeadcount = () => undefined, maxFutureMs = 300_000, startedAt = 0): PeopleWiring {
  if (section === undefined) return { monitor: null, service: null, observe: () => [], tick: () => [], enrich: (r) => r, repoint: () => undefined, setup: () => undefined, seed: () => false, snapshot: () => null, restore: () => undefined, metrics: () => [] };
  const monitor = new PeopleMonitor({ zones: section.zones, people: section.people, settings: section.settings, startedAt });
  const zones = new Map(section.zones.map((z) => [z.id, z]));
  let zoneOf = zoneResolver(points, zones);
  const tracks = new TrackBuffer({ retentionMs: monitor.config.trackRetentionMs, reorderWindowMs: monitor.config.reorderWindowMs });
  let evictedAt = startedAt;
  const headcountOf = (z: ZoneSpec, now: number): ZoneHeadcount => ({
    zoneId: z.id, name: z.name ?? null, kind: z.kind, headcount: monitor.state.headcount(z.id), limit: limitAt(z.headcountLimit, now) ?? null,
  });
  const service: PeopleService = {
    headcounts: (now) => section.zones.map((z) => headcountOf(z, now)),
    zone: (id, now) => {
      const z = zones.get(id);
      return z === undefined ? undefined : { zone: headcountOf(z, now), people: monitor.state.peopleIn(id) };
    },
    track: (tagId, from, to) => tracks.between(tagId, from, to),
  };
  const told = (changes: readonly { zoneId: string }[], now: number): void => {
    for (const id of new Set(changes.map((c) => c.zoneId))) {
      const z = zones.get(id);
      if (z !== undefined) onHeadcount(headcountOf(z, now), now);
    }
  };
  // A shift change moves a zone's limit without anyone moving: consoles hear the new limit.
  const limits = new Map(section.zones.map((z) => [z.id, limitAt(z.headcountLimit, startedAt) ?? null]));
  const toldLimits = (now: number): void => {
    for (const z of section.zones) {
      const limit = limitAt(z.headcountLimit, now) ?? null;
      if (limits.get(z.id) === limit) continue;
      limits.set(z.id, limit);
      onHeadcount(headcountOf(z, now), now);
    }
  };
  const directory = {
    priorities: monitor.config.priorities,
    hasZone: (id: string) => zones.has(id),
    hasTag: (id: string) => rosterTags.has(id) || alarmTags.has(id) || monitor.state.tag(id) !== undefined,
  };
  const rosterTags = new Set(section.people.map((p) => p.tagId));
  // Tags that ever raised an alarm (or had one retained): their conditions keep their policy after
  // the tag is forgotten, so a latched SOS of a visitor card can still not be shelved.
  const alarmTags = new Set<string>();
  const resultsOf = (alarms: readonly PeopleAlarm[]): RuleResult[] =>
    alarms.map((a) => {
      if (a.tagId !== null) alarmTags.add(a.tagId);
      return peopleResult(a);
    });
  let ignored = 0;
  let future = 0;
  const tooFarAhead = (ts: number, tagId: string, now: number): boolean => {
    if (ts <= now + maxFutureMs) return false;
    if (future++ % 1000 === 0) logger.warn({ code: 'HG_ERR_INGEST_FUTURE_TIMESTAMP', tagId, ahead: ts - now, refused: future }, `a location fix of ${tagId} is stamped ${Math.round((ts - now) / 1000)} s ahead; refused`);
    return true;
  };
  return {
    monitor,
    service,
    observe: (o, now) => {
      if ((o.type === 'position' && tooFarAhead(o.position.ts, o.position.tagId, now)) || (o.type === 'reader' && tooFarAhead(o.event.ts, o.event.tagId, now))) return [];
      if (o.type === 'tag-status' && tooFarAhead(o.status.ts, o.status.tagId, now)) return [];
      if (o.type === 'position') {
        const update = monitor.position(o.position, now);
        // Only tags the monitor took get a track: a tag refused past maxTags must not grow memory here either.
        if (monitor.state.tag(o.position.tagId) !== undefined) tracks.add(o.position, now);
        told(update.changes, now);
        return resultsOf(update.alarms);
      }
      if (o.type === 'tag-status') return resultsOf(monitor.status(o.status, now).alarms);
      if (o.type === 'reader') {
        const update = monitor.reader(o.event, now);
        told(update.changes, now);
        return resultsOf(update.alarms);
      }
      if (ignored++ === 0) logger.debug({ type: o.type }, 'observation of a kind personnel location does not use');
      return [];
    },
    tick: (now) => {
      toldLimits(now);
      const update = monitor.step(now);
      told(update.changes, now);
      if (now - evictedAt >= 60_000) {
        evictedAt = now;
        tracks.evictSilent(now);
      }
      return resultsOf(update.alarms);
    },
    snapshot: (now) => monitor.state.snapshot(now),
    metrics: () => {
      const t = tracks.stats();
      const refused = [
        { labels: { reason: 'out-of-order' }, value: monitor.state.rejectedFixes },
        { labels: { reason: 'reader-out-of-order' }, value: monitor.state.rejectedReaderEvents },
        { labels: { reason: 'future-timestamp' }, value: future },
        { labels: { reason: 'too-many-tags' }, value: monitor.state.rejectedTags },
        { labels: { reason: 'unknown-reader' }, value: monitor.state.unknownReaderEvents },
      ];
      return [
        { name: 'hazgate_people_refused_total', help: 'Positions, tag states and reader events refused by personnel location, by reason.', type: 'counter', labelNames: ['reason'], values: refused },
        { name: 'hazgate_people_tags', help: 'Tags personnel location knows now (forgotten after settings.forgetAfter of silence).', type: 'gauge', labelNames: [], values: [{ labels: {}, value: [...monitor.state.tags()].length }] },
        { name: 'hazgate_people_track_points', help: 'Track points kept in memory.', type: 'gauge', labelNames: [], values: [{ labels: {}, value: t.points }] },
        { name: 'hazgate_people_track_bytes', help: 'Memory held by track points, bytes.', type: 'gauge', labelNames: [], values: [{ labels: {}, value: t.bytes }] },
      ];
    },
    restore: (s, now) => told(monitor.restore(s, now), now),
    setup: (id) => peopleConditionSetup(id, directory),
    seed: (t, now) => {
      const setup = peopleConditionSetup(t.conditionId, { ...directory, hasTag: () => true });
      if (t.level === null || setup === undefined) return false;
      const seeded = monitor.seed({ conditionId: t.conditionId, level: t.level, rule: t.ruleId, zoneId: t.zoneId ?? null, tagId: null, priority: t.priority, value: t.value, message: t.message, people: t.people ?? [] }, now);
      const tag = parsePeopleConditionId(t.conditionId)?.tagId ?? null;
      if (seeded && tag !== null) alarmTags.add(tag);
      return seeded;
    },
    repoint: (pts) => {
      zoneOf = zoneResolver(pts, zones);
    },
    enrich: (r) => {
      const zone = zoneOf(r);
      if (zone === undefined) return r;
      const people = r.ruleKind === 'people' ? r.people : monitor.state.peopleIn(zone.id);
      const cameras = [...new Set([...(r.cameras ?? []), ...(zone.cameras ?? [])])];
      return { ...r, ...(people === undefined ? {} : { people }), ...(cameras.length === 0 ? {} : { cameras }) };
    },
  };
}
