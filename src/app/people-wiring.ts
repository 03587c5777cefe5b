import type { Logger, Observation, Point, RuleResult, ZoneSpec } from '../core/index.js';
import { PeopleMonitor, type PeopleAlarm } from '../engine/people/index.js';
import type { PeopleSection } from '../config/index.js';

/** Personnel location in the gateway: observations in, alarms out, and the people of each zone on every alarm. */
export interface PeopleWiring {
  /** Null when the site has no `people` section. */
  readonly monitor: PeopleMonitor | null;
  /** A position or reader event from a location adapter; its alarm changes. */
  observe(o: Observation, now: number): RuleResult[];
  tick(now: number): RuleResult[];
  /** Adds the people in the result's zone (the evacuation list) and the zone's cameras. */
  enrich(r: RuleResult): RuleResult;
}

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

export function wirePeople(section: PeopleSection | undefined, points: readonly Point[], logger: Logger): PeopleWiring {
  if (section === undefined) return { monitor: null, observe: () => [], tick: () => [], enrich: (r) => r };
  const monitor = new PeopleMonitor({ zones: section.zones, people: section.people, settings: section.settings });
  const zones = new Map(section.zones.map((z) => [z.id, z]));
  const zoneOf = zoneResolver(points, zones);
  let ignored = 0;
  return {
    monitor,
    observe: (o, now) => {
      if (o.type === 'position') return monitor.position(o.position, now).alarms.map(peopleResult);
      if (o.type === 'reader') return monitor.reader(o.event, now).alarms.map(peopleResult);
      if (ignored++ === 0) logger.debug({ type: o.type }, 'observation of a kind personnel location does not use');
      return [];
    },
    tick: (now) => monitor.tick(now).map(peopleResult),
    enrich: (r) => {
      const zone = zoneOf(r);
      if (zone === undefined) return r;
      const people = r.ruleKind === 'people' ? r.people : monitor.state.peopleIn(zone.id);
      return { ...r, ...(people === undefined ? {} : { people }), ...(zone.cameras === undefined ? {} : { cameras: zone.cameras }) };
    },
  };
}
