import { describe, expect, it } from 'vitest';
import { personMatches, readPeople, sortPeople } from '../../src/console/lib/people-list.js';
import {
  alarmsByZone,
  mergeHeadcounts,
  occupancy,
  parsePeopleAlarm,
  totalHeadcount,
  urgentAlarms,
  zoneMatches,
  zoneOfAlarm,
} from '../../src/console/lib/people-zones.js';
import type { ZoneHeadcount } from '../../src/console/lib/wire.js';
import { tr } from './console-alarm-fixtures.js';

const zones = new Set(['ws3', 'tank-farm', 'reactor']);
const areas: Record<string, string> = { 'GT-102': 'tank-farm', 'TT-1': 'utilities' };
const pointArea = (id: string) => areas[id];

describe('people condition ids', () => {
  it('reads zone, tag and zone/tag ids, tag ids with slashes included', () => {
    expect(parsePeopleAlarm('headcount/reactor')).toEqual({ kind: 'headcount', zoneId: 'reactor', tagId: null });
    expect(parsePeopleAlarm('crowd/tank-farm')).toEqual({ kind: 'crowd', zoneId: 'tank-farm', tagId: null });
    expect(parsePeopleAlarm('sos/T/1')).toEqual({ kind: 'sos', zoneId: null, tagId: 'T/1' });
    expect(parsePeopleAlarm('man-down/P001')).toEqual({ kind: 'man-down', zoneId: null, tagId: 'P001' });
    expect(parsePeopleAlarm('unauthorised/reactor/O005')).toEqual({ kind: 'unauthorised', zoneId: 'reactor', tagId: 'O005' });
    expect(parsePeopleAlarm('dwell/ws3/a/b')).toEqual({ kind: 'dwell', zoneId: 'ws3', tagId: 'a/b' });
  });
  it('is null for other alarms and malformed ids', () => {
    for (const id of ['combustible-gas/GT-102', 'sos', 'sos/', 'dwell/ws3', 'dwell/ws3/', 'dwell//T1', '/x', 'video/cam/fire/ws3']) expect(parsePeopleAlarm(id)).toBeNull();
  });
});

describe('the zone of an alarm', () => {
  it('is the zone it carries, else the one its id names, else its point area when a zone', () => {
    expect(zoneOfAlarm(tr({ conditionId: 'sos/T1', zoneId: 'ws3' }), zones, pointArea)).toBe('ws3');
    expect(zoneOfAlarm(tr({ conditionId: 'headcount/reactor', pointId: null }), zones, pointArea)).toBe('reactor');
    expect(zoneOfAlarm(tr({ conditionId: 'combustible-gas/GT-102', pointId: 'GT-102' }), zones, pointArea)).toBe('tank-farm');
    expect(zoneOfAlarm(tr({ conditionId: 'hi/TT-1', pointId: 'TT-1' }), zones, pointArea)).toBeNull();
    expect(zoneOfAlarm(tr({ conditionId: 'sos/O005', pointId: null }), zones, pointArea)).toBeNull();
  });
});

describe('alarms by zone', () => {
  const alarms = [
    tr({ conditionId: 'sos/T1', zoneId: 'ws3', pointId: null, priority: 1, latched: true }),
    tr({ conditionId: 'man-down/T2', zoneId: 'ws3', pointId: null, priority: 1, acked: true }),
    tr({ conditionId: 'unauthorised/ws3/T3', pointId: null, priority: 2, acked: true }),
    tr({ conditionId: 'unauthorised/ws3/T4', pointId: null, priority: 3, acked: true }),
    tr({ conditionId: 'headcount/reactor', pointId: null, priority: 2, acked: true }),
    tr({ conditionId: 'combustible-gas/GT-102', pointId: 'GT-102', priority: 1, cameras: ['cam-2', 'cam-1'] }),
    tr({ conditionId: 'video/cam-1/no-helmet/tank-farm', zoneId: 'tank-farm', pointId: null, priority: 3, cameras: ['cam-1'] }),
    tr({ conditionId: 'dwell/ws3/T9', pointId: null, annunciated: false, shelved: { kind: 'timed', user: 'u', since: 1, until: 2 } }),
    tr({ conditionId: 'battery-low/T7', pointId: null, priority: 4 }),
  ];
  const by = alarmsByZone(alarms, zones, pointArea);

  it('groups chips by kind, SOS and man-down first, in the most urgent priority, flashing when any is unacknowledged', () => {
    const ws3 = by.get('ws3');
    expect(ws3?.urgent).toBe(true);
    expect(ws3?.chips).toEqual([
      { kind: 'sos', count: 1, priority: 1, colour: 'red', unacked: true },
      { kind: 'man-down', count: 1, priority: 1, colour: 'red', unacked: false },
      { kind: 'unauthorised', count: 2, priority: 2, colour: 'orange', unacked: false },
    ]);
  });
  it('leaves hidden (shelved) alarms out', () => {
    expect(by.get('ws3')?.chips.some((c) => c.kind === 'dwell')).toBe(false);
  });
  it('gives the headcount alarm colour, the other alarms and the cameras named', () => {
    expect(by.get('reactor')?.headcountColour).toBe('orange');
    expect(by.get('ws3')?.headcountColour).toBeNull();
    const tf = by.get('tank-farm');
    expect(tf?.chips).toEqual([{ kind: 'other', count: 2, priority: 1, colour: 'red', unacked: true }]);
    expect(tf?.cameras).toEqual(['cam-1', 'cam-2']);
    expect(tf?.urgent).toBe(false);
  });
  it('files alarms in no zone under null', () => {
    expect(by.get(null)?.chips.map((c) => c.kind)).toEqual(['battery-low']);
  });
  it('lists SOS and man-down, hidden or not, oldest first', () => {
    const list = urgentAlarms([
      tr({ conditionId: 'sos/B', activeSince: 300 }),
      tr({ conditionId: 'combustible-gas/GT-102', activeSince: 100 }),
      tr({ conditionId: 'man-down/A', activeSince: 200, annunciated: false }),
    ]);
    expect(list.map((t) => t.conditionId)).toEqual(['man-down/A', 'sos/B']);
  });
});

describe('headcounts', () => {
  const rest: ZoneHeadcount[] = [
    { zoneId: 'gate', name: 'Main gate', kind: 'general', headcount: 3, limit: null },
    { zoneId: 'reactor', name: 'Reactor hall', kind: 'restricted', headcount: 1, limit: 4 },
  ];
  it('lays the live counts over the REST list in its order, and appends zones only the live messages named', () => {
    const live = new Map([
      ['reactor', { zoneId: 'reactor', name: 'Reactor hall', kind: 'restricted', headcount: 6, limit: 4, time: 50 }],
      ['new', { zoneId: 'new', name: null, kind: 'muster', headcount: 2, limit: null, time: 60 }],
    ]);
    const rows = mergeHeadcounts(rest, live);
    expect(rows.map((r) => [r.zoneId, r.headcount, r.limit, r.time])).toEqual([
      ['gate', 3, null, null],
      ['reactor', 6, 4, 50],
      ['new', 2, null, 60],
    ]);
    expect(totalHeadcount(rows)).toBe(11);
  });
  it('says how full a zone is', () => {
    expect(occupancy(3, null)).toEqual({ ratio: 0, level: 'none' });
    expect(occupancy(2, 4)).toEqual({ ratio: 0.5, level: 'ok' });
    expect(occupancy(4, 4)).toEqual({ ratio: 1, level: 'full' });
    expect(occupancy(6, 4)).toEqual({ ratio: 1, level: 'over' });
    expect(occupancy(1, 0)).toEqual({ ratio: 1, level: 'over' });
    expect(occupancy(0, 0)).toEqual({ ratio: 0, level: 'ok' });
  });
  it('finds zones by id, name or kind label', () => {
    const z = { zoneId: 'reactor', name: 'Reactor hall', kind: 'restricted' };
    expect(zoneMatches(z, '')).toBe(true);
    expect(zoneMatches(z, 'HALL react')).toBe(true);
    expect(zoneMatches(z, '禁入', '禁入区')).toBe(true);
    expect(zoneMatches(z, 'gate')).toBe(false);
  });
});

describe('the evacuation list', () => {
  const people = readPeople([
    { tagId: 'O2', personId: null, name: null, role: null },
    { tagId: 'T9', personId: 'E9', name: 'Zhang San', role: 'operator' },
    { tagId: 'O1', personId: '', name: null, role: null },
    { tagId: 'T1', personId: 'E1', name: 'Li Wei', role: 'engineer' },
    { personId: 'no-tag' },
    'junk',
  ]);
  it('reads people defensively (no tag: dropped; empty: null)', () => {
    expect(people).toHaveLength(4);
    expect(people.find((p) => p.tagId === 'O1')?.personId).toBeNull();
    expect(readPeople(undefined)).toEqual([]);
  });
  it('puts named people first by name, then unnamed tags by tag', () => {
    expect(sortPeople(people).map((p) => p.tagId)).toEqual(['T1', 'T9', 'O1', 'O2']);
  });
  it('finds people by name, id, role or tag', () => {
    const li = people.find((p) => p.tagId === 'T1');
    expect(li && personMatches(li, 'li engineer')).toBe(true);
    expect(li && personMatches(li, 'e1')).toBe(true);
    expect(li && personMatches(li, 'operator')).toBe(false);
  });
});
