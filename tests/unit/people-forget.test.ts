import { describe, expect, it } from 'vitest';
import type { PeopleSettings, Person, TagPosition, ZoneSpec } from '../../src/core/index.js';
import { PeopleMonitor, type PeopleAlarm } from '../../src/engine/people/index.js';

/** Departed tags (forgetAfterMs), what tick judges, and the zone of a tag's own conditions, on fake time. */

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const T0 = Date.UTC(2025, 0, 6, 2);

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

const ZONES: ZoneSpec[] = [
  { id: 'plant', kind: 'general', polygon: rect(0, 0, 1000, 1000) },
  { id: 'ws', name: 'Workshop', kind: 'key', polygon: rect(0, 0, 20, 20), headcountLimit: 1 },
  { id: 'sub', kind: 'restricted', polygon: rect(100, 0, 400, 300) },
  { id: 'hall', kind: 'general', polygon: rect(100, 0, 140, 40) },
  { id: 'adit', kind: 'key', readers: ['R1'] },
];
const PEOPLE: Person[] = [{ tagId: 'T1', personId: 'P1', name: 'Zhang San', authorisedZones: ['sub'] }];

function monitor(settings: PeopleSettings = {}): PeopleMonitor {
  return new PeopleMonitor({ zones: ZONES, people: PEOPLE, settings: { enterAfterMs: 0, ...settings } });
}

const fix = (tagId: string, x: number, y: number, t: number, extra: Partial<TagPosition> = {}): TagPosition => ({ tagId, x, y, ts: t, ...extra });
const brief = (alarms: readonly PeopleAlarm[]): string[] => alarms.map((a) => `${a.conditionId} ${a.level ?? 'normal'}`);

describe('forgetting silent tags (forgetAfterMs)', () => {
  it('keeps a silent tag in its zones past offlineAfterMs (the evacuation list names it), forgets it after 1 h', () => {
    const m = monitor({ offlineAfterMs: MIN });
    m.position(fix('T1', 5, 5, T0, { sos: true }), T0);
    m.position(fix('T2', 6, 5, T0), T0);
    expect(brief(m.tick(T0 + 2 * MIN))).toEqual(['tag-offline/T1 OFFLINE', 'tag-offline/T2 OFFLINE']);
    expect(m.state.peopleIn('ws').map((p) => p.tagId)).toEqual(['T1', 'T2']);
    expect(m.step(T0 + H).changes).toEqual([]);
    const gone = m.step(T0 + H + S);
    expect(gone.changes.map((c) => `${c.change} ${c.zoneId} ${c.tagId} ${c.time - T0}`)).toEqual([
      'leave plant T1 3601000', 'leave ws T1 3601000', 'leave plant T2 3601000', 'leave ws T2 3601000',
    ]);
    expect(brief(gone.alarms)).toEqual(['sos/T1 normal', 'tag-offline/T1 normal', 'tag-offline/T2 normal', 'headcount/ws normal']);
    expect(gone.alarms[0]?.message).toBe('Zhang San (T1): SOS back to normal (tag forgotten after 1 h without a fix or reader event)');
    expect(m.state.headcount('ws')).toBe(0);
    expect(m.state.tag('T1')).toBeUndefined();
    expect(m.state.size).toBe(0);
    expect(m.active()).toEqual([]);
  });

  it('a forgotten tag that reports again starts afresh', () => {
    const m = monitor();
    m.position(fix('T2', 120, 10, T0), T0);
    m.tick(T0 + 2 * H);
    expect(m.state.tag('T2')).toBeUndefined();
    const back = m.position(fix('T2', 120, 10, T0 + 3 * H), T0 + 3 * H);
    expect(back.changes.map((c) => `${c.change} ${c.zoneId}`)).toEqual(['enter plant', 'enter sub', 'enter hall']);
    expect(brief(back.alarms)).toEqual(['unauthorised/sub/T2 INTRUSION']);
  });

  it('never forgets a tag in a reader area: readers report changes only', () => {
    const m = monitor();
    m.reader({ tagId: 'M7', readerId: 'R1', kind: 'enter', ts: T0 }, T0);
    m.reader({ tagId: 'M8', readerId: 'R1', kind: 'enter', ts: T0 }, T0);
    m.reader({ tagId: 'M8', readerId: 'R1', kind: 'leave', ts: T0 + S }, T0 + S);
    const later = m.step(T0 + 10 * H);
    expect(later.changes).toEqual([]);
    expect(m.state.peopleIn('adit').map((p) => p.tagId)).toEqual(['M7']);
    // M8 is in no reader area and no zone: it is forgotten (nothing to leave).
    expect(m.state.tag('M8')).toBeUndefined();
    expect(m.state.size).toBe(1);
  });

  it('tick keeps working after thousands of tags came and went: only the ones still around are known', () => {
    const m = monitor();
    for (let i = 0; i < 3000; i++) m.position(fix(`V${i}`, 500 + (i % 50), 500 + Math.floor(i / 50), T0), T0);
    m.position(fix('T1', 5, 5, T0 + 2 * H), T0 + 2 * H);
    m.tick(T0 + 2 * H);
    expect(m.state.size).toBe(1);
    expect(m.state.headcount('plant')).toBe(1);
  });
});

describe('the zone of a tag condition that names none (SOS, man-down, offline, battery)', () => {
  it('is the guarded zone first, then the smallest outline; the condition id stays <rule>/<tag>', () => {
    const m = monitor();
    // In plant, sub (restricted, 90,000 m²) and hall (1,600 m²): the guarded zone wins over the smaller one.
    const sos = m.position(fix('T1', 120, 10, T0, { sos: true }), T0).alarms;
    expect(sos.map((a) => [a.conditionId, a.zoneId])).toEqual([['sos/T1', 'sub']]);
    // In plant and ws: the smaller outline.
    const fall = m.position(fix('T2', 5, 5, T0, { motion: 'fallen' }), T0).alarms.filter((a) => a.rule === 'man-down');
    expect(fall.map((a) => [a.conditionId, a.zoneId])).toEqual([['man-down/T2', 'ws']]);
    expect(m.position(fix('T3', 500, 500, T0, { battery: 5 }), T0).alarms.map((a) => a.zoneId)).toEqual(['plant']);
  });

  it('puts a zone placed by readers only after outlines, and is null outside every zone', () => {
    const m = monitor({ offlineAfterMs: MIN });
    m.reader({ tagId: 'T4', readerId: 'R1', kind: 'enter', ts: T0 }, T0);
    expect(m.position(fix('T4', 500, 500, T0 + S, { sos: true }), T0 + S).alarms.map((a) => a.zoneId)).toEqual(['plant']);
    expect(m.position(fix('T5', 5000, 5000, T0, { sos: true }), T0).alarms.map((a) => a.zoneId)).toEqual([null]);
    // An offline tag is placed where it was last seen.
    expect(m.tick(T0 + 2 * MIN).map((a) => [a.conditionId, a.zoneId])).toEqual([['tag-offline/T4', 'plant'], ['tag-offline/T5', null]]);
  });
});
