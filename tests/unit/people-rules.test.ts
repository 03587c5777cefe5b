import { describe, expect, it } from 'vitest';
import type { PeopleSettings, Person, TagPosition, ZoneSpec } from '../../src/core/index.js';
import { PeopleMonitor, type PeopleAlarm } from '../../src/engine/people/index.js';

/** Personnel location rules on fake time: each rule's activation and its return to normal. */

const S = 1000;
const MIN = 60 * S;
/** 00:00 CST on Monday 6 January 2025. */
const MIDNIGHT = Date.UTC(2025, 0, 6) - 8 * 3_600_000;
const T0 = MIDNIGHT + 9 * 3_600_000;

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

const ZONES: ZoneSpec[] = [
  { id: 'ws-11', name: 'Class 1.1 workshop', kind: 'key', polygon: rect(0, 0, 20, 20), headcountLimit: 3 },
  {
    id: 'assembly',
    kind: 'key',
    polygon: rect(100, 0, 140, 20),
    headcountLimit: [
      { from: '08:00', to: '20:00', limit: 6 },
      { from: '20:00', to: '08:00', limit: 2 },
    ],
  },
  { id: 'sub', name: 'Substation', kind: 'restricted', polygon: rect(200, 0, 220, 20) },
  { id: 'lab', kind: 'authorised-only', polygon: rect(300, 0, 320, 20), maxDwellMs: 10 * MIN },
  { id: 'face-3', kind: 'danger', readers: ['R30'] },
];

const PEOPLE: Person[] = [
  { tagId: 'T1', personId: 'P1', name: 'Zhang San', authorisedZones: ['sub', 'lab'] },
  { tagId: 'T2', personId: 'P2', name: 'Li Si' },
  { tagId: 'T3', personId: 'P3', name: 'Wang Wu' },
  { tagId: 'T4', personId: 'P4', name: 'Zhao Liu' },
];

/** Entry at the first fix inside (no debounce): these tests are about the rules, people-entry.test.ts about entering. */
function monitor(settings?: PeopleSettings): PeopleMonitor {
  return new PeopleMonitor({ zones: ZONES, people: PEOPLE, settings: { enterAfterMs: 0, ...settings } });
}

function fix(tagId: string, x: number, y: number, t: number, extra: Partial<TagPosition> = {}): TagPosition {
  return { tagId, x, y, ts: t, ...extra };
}

/** `<conditionId> <level|normal> p<priority>` per alarm change. */
const brief = (alarms: readonly PeopleAlarm[]): string[] => alarms.map((a) => `${a.conditionId} ${a.level ?? 'normal'} p${a.priority}`);

/** Feeds a fix and returns its alarm changes. */
function feed(m: PeopleMonitor, p: TagPosition, now = p.ts): string[] {
  return brief(m.position(p, now).alarms);
}

describe('headcount limit (超员)', () => {
  it('raises at once when a fourth person enters a three-person workshop and clears when one leaves', () => {
    const m = monitor();
    for (const [i, tag] of ['T1', 'T2', 'T3'].entries()) expect(feed(m, fix(tag, 5 + i, 5, T0))).toEqual([]);
    const update = m.position(fix('T4', 10, 10, T0 + S), T0 + S);
    expect(update.changes.map((c) => `${c.change} ${c.zoneId}`)).toEqual(['enter ws-11']);
    expect(brief(update.alarms)).toEqual(['headcount/ws-11 HEADCOUNT p2']);
    const alarm = update.alarms[0];
    expect(alarm?.value).toBe(4);
    expect(alarm?.zoneId).toBe('ws-11');
    expect(alarm?.time).toBe(T0 + S);
    expect(alarm?.people.map((p) => p.name)).toEqual(['Zhang San', 'Li Si', 'Wang Wu', 'Zhao Liu']);
    expect(alarm?.message).toContain('Class 1.1 workshop (ws-11): 4 people, limit 3');
    expect(m.tick(T0 + 2 * S)).toEqual([]);
    expect(feed(m, fix('T2', 50, 5, T0 + 3 * S))).toEqual(['headcount/ws-11 normal p2']);
  });

  it('follows the shift limit across midnight (CST)', () => {
    // Tags standing still for hours: keep them from going offline, this test is about the limit.
    const m = monitor({ offlineAfterMs: 7 * 86_400_000 });
    const evening = MIDNIGHT + 19 * 3_600_000;
    for (const [i, tag] of ['T1', 'T2', 'T3'].entries()) expect(feed(m, fix(tag, 110 + i, 5, evening))).toEqual([]);
    expect(brief(m.tick(MIDNIGHT + 20 * 3_600_000 - S))).toEqual([]);
    expect(brief(m.tick(MIDNIGHT + 20 * 3_600_000))).toEqual(['headcount/assembly HEADCOUNT p2']);
    expect(brief(m.tick(MIDNIGHT + 24 * 3_600_000 + 3 * 3_600_000))).toEqual([]);
    expect(brief(m.tick(MIDNIGHT + 24 * 3_600_000 + 8 * 3_600_000 - S))).toEqual([]);
    expect(brief(m.tick(MIDNIGHT + 24 * 3_600_000 + 8 * 3_600_000))).toEqual(['headcount/assembly normal p2']);
  });
});

describe('unauthorised entry (restricted, authorised-only, danger)', () => {
  it('raises for each person without an authorisation, at once, and clears when they leave', () => {
    const m = monitor();
    expect(feed(m, fix('T1', 210, 10, T0))).toEqual([]);
    const alarms = m.position(fix('T2', 210, 10, T0), T0).alarms;
    expect(brief(alarms)).toEqual(['unauthorised/sub/T2 INTRUSION p1']);
    expect(alarms[0]?.message).toBe('Unauthorised entry: Li Si (T2) in restricted zone Substation (sub) at (210, 10)');
    expect(alarms[0]?.people.map((p) => p.personId)).toEqual(['P2']);
    expect(feed(m, fix('V7', 205, 10, T0 + S))).toEqual(['unauthorised/sub/V7 INTRUSION p1']);
    expect(feed(m, fix('T2', 250, 10, T0 + 2 * S))).toEqual(['unauthorised/sub/T2 normal p1']);
    expect(m.active().map((f) => f.conditionId)).toEqual(['unauthorised/sub/V7']);
  });

  it('covers authorised-only zones and danger zones placed by readers', () => {
    const m = monitor();
    expect(feed(m, fix('T3', 310, 10, T0))).toEqual(['unauthorised/lab/T3 INTRUSION p1']);
    const e = m.reader({ tagId: 'T4', readerId: 'R30', kind: 'enter', ts: T0 }, T0);
    expect(brief(e.alarms)).toEqual(['unauthorised/face-3/T4 INTRUSION p1']);
    expect(e.alarms[0]?.message).toBe('Unauthorised entry: Zhao Liu (T4) in danger zone face-3');
    expect(brief(m.reader({ tagId: 'T4', readerId: 'R30', kind: 'leave', ts: T0 + S }, T0 + S).alarms)).toEqual(['unauthorised/face-3/T4 normal p1']);
  });
});

describe('dwell (超时)', () => {
  it('raises once a person stays longer than maxDwellMs and clears when they leave', () => {
    const m = monitor({ offlineAfterMs: 7 * 86_400_000 });
    expect(feed(m, fix('T1', 310, 10, T0))).toEqual([]);
    expect(brief(m.tick(T0 + 10 * MIN))).toEqual([]);
    const alarms = m.tick(T0 + 10 * MIN + S);
    expect(brief(alarms)).toEqual(['dwell/lab/T1 DWELL p3']);
    expect(alarms[0]?.value).toBe(10 * MIN + S);
    expect(alarms[0]?.message).toBe('Over time: Zhang San (T1) in lab for 10 min 1 s (limit 10 min)');
    expect(brief(m.tick(T0 + 20 * MIN))).toEqual([]);
    expect(feed(m, fix('T1', 400, 10, T0 + 21 * MIN))).toEqual(['dwell/lab/T1 normal p3']);
  });
});

describe('SOS', () => {
  it('raises on the button, keeps it while fixes do not say otherwise, clears on sos false', () => {
    const m = monitor();
    const alarms = m.position(fix('T2', 50, 50, T0, { sos: true }), T0).alarms;
    expect(brief(alarms)).toEqual(['sos/T2 SOS p1']);
    expect(alarms[0]?.message).toBe('SOS from Li Si (T2) at (50, 50)');
    expect(alarms[0]?.tagId).toBe('T2');
    expect(feed(m, fix('T2', 51, 50, T0 + S))).toEqual([]);
    expect(m.tick(T0 + 2 * S)).toEqual([]);
    expect(feed(m, fix('T2', 51, 50, T0 + 3 * S, { sos: false }))).toEqual(['sos/T2 normal p1']);
  });
});

describe('man-down', () => {
  it('raises FALLEN when the tag reports a fall and clears when it moves', () => {
    const m = monitor();
    expect(feed(m, fix('T3', 5, 5, T0, { motion: 'fallen' }))).toEqual(['man-down/T3 FALLEN p1']);
    expect(feed(m, fix('T3', 5, 5, T0 + S, { motion: 'fallen' }))).toEqual([]);
    expect(feed(m, fix('T3', 6, 5, T0 + 2 * S, { motion: 'moving' }))).toEqual(['man-down/T3 normal p1']);
  });

  it('raises NO_MOTION after stillForMs of still reports, not before, and clears on movement', () => {
    const m = monitor({ stillForMs: 30 * S });
    for (let s = 0; s <= 30; s++) expect(feed(m, fix('T3', 5, 5, T0 + s * S, { motion: 'still' })), `${s} s`).toEqual([]);
    expect(brief(m.tick(T0 + 30 * S))).toEqual([]);
    expect(brief(m.tick(T0 + 31 * S))).toEqual(['man-down/T3 NO_MOTION p1']);
    expect(feed(m, fix('T3', 5, 5, T0 + 32 * S, { motion: 'fallen' }))).toEqual(['man-down/T3 FALLEN p1']);
    expect(feed(m, fix('T3', 5, 5, T0 + 33 * S, { motion: 'moving' }))).toEqual(['man-down/T3 normal p1']);
    // A fresh still run starts from zero.
    expect(feed(m, fix('T3', 5, 5, T0 + 34 * S, { motion: 'still' }))).toEqual([]);
    expect(brief(m.tick(T0 + 60 * S))).toEqual([]);
  });

  it('leaves tags that report no motion alone', () => {
    const m = monitor({ stillForMs: 1 * S });
    feed(m, fix('T3', 5, 5, T0));
    expect(brief(m.tick(T0 + 10 * MIN)).filter((a) => a.startsWith('man-down'))).toEqual([]);
  });
});

describe('tag offline and battery low', () => {
  it('raises OFFLINE after offlineAfterMs without a fix and clears on the next one', () => {
    const m = monitor({ offlineAfterMs: 30 * S });
    feed(m, fix('T1', 5, 5, T0));
    expect(brief(m.tick(T0 + 30 * S))).toEqual([]);
    const alarms = m.tick(T0 + 31 * S);
    expect(brief(alarms)).toEqual(['tag-offline/T1 OFFLINE p3']);
    expect(alarms[0]?.message).toBe('Tag offline: Zhang San (T1) silent for 31 s, last seen in ws-11 at (5, 5)');
    expect(feed(m, fix('T1', 6, 5, T0 + 40 * S))).toEqual(['tag-offline/T1 normal p3']);
  });

  it('never calls a reader-only tag offline: readers report changes only', () => {
    const m = monitor({ offlineAfterMs: 30 * S });
    m.reader({ tagId: 'T1', readerId: 'R30', kind: 'enter', ts: T0 }, T0);
    expect(brief(m.tick(T0 + 3_600_000))).toEqual([]);
  });

  it('raises BATTERY_LOW below the limit and clears only above limit + deadband', () => {
    const m = monitor({ batteryLowPct: 20, batteryDeadbandPct: 5 });
    expect(feed(m, fix('T4', 500, 5, T0, { battery: 21 }))).toEqual([]);
    expect(feed(m, fix('T4', 500, 5, T0 + S, { battery: 19 }))).toEqual(['battery-low/T4 BATTERY_LOW p4']);
    expect(feed(m, fix('T4', 500, 5, T0 + 2 * S, { battery: 22 }))).toEqual([]);
    expect(feed(m, fix('T4', 500, 5, T0 + 3 * S, { battery: 24.9 }))).toEqual([]);
    expect(feed(m, fix('T4', 500, 5, T0 + 4 * S, { battery: 25 }))).toEqual(['battery-low/T4 normal p4']);
    expect(feed(m, fix('T4', 500, 5, T0 + 5 * S, { battery: 22 }))).toEqual([]);
  });
});

describe('settings', () => {
  it('takes configured priorities', () => {
    const m = monitor({ priorities: { sos: 2, unauthorised: 3 } });
    expect(feed(m, fix('T2', 210, 10, T0, { sos: true }))).toEqual(['sos/T2 SOS p2', 'unauthorised/sub/T2 INTRUSION p3']);
  });
});
