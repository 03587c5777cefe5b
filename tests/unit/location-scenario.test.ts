import { describe, expect, it } from 'vitest';
import type { ZoneSpec } from '../../src/core/people.js';
import { PeopleMonitor, type PeopleAlarm } from '../../src/engine/people/index.js';
import { builtinScenarioFile } from '../../devices/simulator/load.js';
import { loadLocationScenario, LocationModel, zoneSpecsOf } from '../../devices/location/index.js';

/**
 * The claims of devices/scenarios/people-plant.yaml (its header), replayed tick by tick on fake time
 * through the pure personnel-location engine, for the scenario's seed and others.
 */
const scenario = await loadLocationScenario(builtinScenarioFile('people-plant'));
const SEEDS = [scenario.seed ?? 1, 1, 2, 3, 99, 12345];
const T0 = 1_764_300_000_000;

/** The scenario's zones, with the tank farm watched for crowds of 10 (15 m, 60 s: the defaults). */
const zones: ZoneSpec[] = zoneSpecsOf(scenario).map((z) => (z.id === 'tank-farm' ? { ...z, crowd: { minPeople: 10 } } : z));

/** Every alarm change of one round, as `second condition level`. */
function replay(seed: number, seconds = scenario.durationMs / 1000): { alarms: (PeopleAlarm & { s: number })[] } {
  const model = new LocationModel(scenario, seed);
  const monitor = new PeopleMonitor({ zones });
  const alarms: (PeopleAlarm & { s: number })[] = [];
  for (let s = 0; s < seconds; s += 1) {
    const now = T0 + s * 1000;
    for (const f of model.fixesAt(s * 1000)) {
      // What the adapter does with success: false: nothing (counted, no position).
      if (f.kind === 'no-fix') continue;
      const position = { tagId: f.tagId, x: f.x, y: f.y, z: f.z, ts: now, battery: f.battery, sos: f.sos, ...(f.motion === undefined ? {} : { motion: f.motion }) };
      alarms.push(...monitor.position(position, now).alarms.map((a) => ({ ...a, s })));
    }
    alarms.push(...monitor.tick(now).map((a) => ({ ...a, s })));
  }
  return { alarms };
}

describe('the people-plant scenario', () => {
  it('has 300 tags in three groups and the zones the header names', () => {
    expect(scenario.groups.map((g) => g.tagIds.length)).toEqual([200, 60, 40]);
    expect(scenario.zones.map((z) => `${z.id}:${z.kind}`)).toEqual([
      'gate:general',
      'control-room:key',
      'workshop:general',
      'warehouse:general',
      'canteen:general',
      'muster:muster',
      'tank-farm:warning',
      'reactor:restricted',
    ]);
  });

  it.each(SEEDS)('raises exactly the alarms of its header, at the times it says (seed %i)', (seed) => {
    const { alarms } = replay(seed);
    const raised = alarms.filter((a) => a.level !== null);
    expect(new Set(raised.map((a) => a.conditionId))).toEqual(
      new Set(['crowd/tank-farm', 'unauthorised/reactor/P013', 'sos/O005', 'tag-offline/W050', 'battery-low/W100', 'man-down/W120']),
    );
    const at = (id: string, level: string | null): number | undefined => alarms.find((a) => a.conditionId === id && a.level === level)?.s;
    expect(at('sos/O005', 'SOS')).toBe(40);
    expect(at('sos/O005', null)).toBe(70);
    expect(at('man-down/W120', 'FALLEN')).toBe(60);
    expect(at('man-down/W120', null)).toBe(90);
    expect(at('tag-offline/W050', 'OFFLINE')).toBe(80);
    expect(at('tag-offline/W050', null)).toBe(120);
    expect(at('battery-low/W100', 'BATTERY_LOW')).toBeGreaterThanOrEqual(75);
    expect(at('battery-low/W100', 'BATTERY_LOW')).toBeLessThanOrEqual(85);
    expect(at('unauthorised/reactor/P013', 'INTRUSION')).toBeGreaterThanOrEqual(45);
    expect(at('unauthorised/reactor/P013', 'INTRUSION')).toBeLessThanOrEqual(90);
    expect(at('unauthorised/reactor/P013', null)).toBeLessThan(250);
    expect(at('crowd/tank-farm', 'CROWD')).toBeGreaterThanOrEqual(105);
    expect(at('crowd/tank-farm', 'CROWD')).toBeLessThanOrEqual(135);
    expect(at('crowd/tank-farm', null)).toBeGreaterThanOrEqual(215);
    expect(at('crowd/tank-farm', null)).toBeLessThanOrEqual(245);
    // The crowd is the twelve who were sent there, nobody else.
    const crowd = raised.find((a) => a.conditionId === 'crowd/tank-farm');
    expect(crowd?.people.map((p) => p.tagId).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `P${String(i + 1).padStart(3, '0')}`));
  });

  it.each(SEEDS)('sends nobody but P001..P013 into the tank farm or the reactor hall (seed %i)', (seed) => {
    const model = new LocationModel(scenario, seed);
    const guarded = scenario.zones.filter((z) => z.id === 'tank-farm' || z.id === 'reactor');
    // Both zones are rectangles: inside the bounds is inside the zone.
    const inside = (x: number, y: number, polygon: readonly { x: number; y: number }[]): boolean => {
      const xs = polygon.map((p) => p.x);
      const ys = polygon.map((p) => p.y);
      return x >= Math.min(...xs) && x <= Math.max(...xs) && y >= Math.min(...ys) && y <= Math.max(...ys);
    };
    const visitors = new Set<string>();
    for (let s = 0; s < scenario.durationMs / 1000; s += 1) {
      for (const f of model.fixesAt(s * 1000)) if (guarded.some((z) => inside(f.x, f.y, z.polygon))) visitors.add(f.tagId);
    }
    expect([...visitors].sort()).toEqual(Array.from({ length: 13 }, (_, i) => `P${String(i + 1).padStart(3, '0')}`));
  });

  it('starts the next round where the last one left off and raises the same alarms again', () => {
    const { alarms } = replay(scenario.seed ?? 1, 2 * scenario.durationMs / 1000);
    const second = alarms.filter((a) => a.s >= 300 && a.level !== null).map((a) => a.conditionId);
    expect(new Set(second)).toEqual(new Set(['crowd/tank-farm', 'unauthorised/reactor/P013', 'sos/O005', 'tag-offline/W050', 'battery-low/W100', 'man-down/W120']));
  });
});
