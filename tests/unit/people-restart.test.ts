import { describe, expect, it } from 'vitest';
import type { Person, TagPosition, ZoneSpec } from '../../src/core/index.js';
import { isPeopleSnapshot, PeopleMonitor, type PeopleAlarm, type PeopleSnapshot, type RetainedCondition } from '../../src/engine/people/index.js';

/** After a restart: conditions handed back by the alarm manager (seed), the warm-up, and the snapshot of who was where. */

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
/** 10:00 CST: day shift. */
const T0 = Date.UTC(2025, 0, 6, 2);

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

const ZONES: ZoneSpec[] = [
  { id: 'ws', name: 'Workshop', kind: 'key', polygon: rect(0, 0, 20, 20), headcountLimit: 1, maxDwellMs: 30 * MIN },
  { id: 'sub', kind: 'restricted', polygon: rect(100, 0, 120, 20) },
  { id: 'yard', kind: 'warning', colour: 'red', polygon: rect(200, 0, 300, 100), crowd: { minPeople: 3 } },
  { id: 'adit', kind: 'key', readers: ['R1'], headcountLimit: 5 },
  { id: 'face', kind: 'danger', readers: ['R2'] },
];
const PEOPLE: Person[] = [
  { tagId: 'T1', personId: 'P1', name: 'Zhang San' },
  { tagId: 'T2', personId: 'P2', name: 'Li Si' },
];

/** A monitor started at `startedAt` (warm-up 10 s from it). */
const started = (startedAt = T0, enterAfterMs?: number): PeopleMonitor =>
  new PeopleMonitor({ zones: ZONES, people: PEOPLE, startedAt, ...(enterAfterMs === undefined ? {} : { settings: { enterAfterMs } }) });

const fix = (tagId: string, x: number, y: number, t: number, extra: Partial<TagPosition> = {}): TagPosition => ({ tagId, x, y, ts: t, ...extra });
const brief = (alarms: readonly PeopleAlarm[]): string[] => alarms.map((a) => `${a.conditionId} ${a.level ?? 'normal'}`);

/** A retained condition as the alarm manager hands it back. */
function retained(conditionId: string, level: string, extra: Partial<RetainedCondition> = {}): RetainedCondition {
  const rule = conditionId.slice(0, conditionId.indexOf('/'));
  return { conditionId, level, rule, zoneId: null, tagId: null, priority: 2, value: null, message: `${conditionId} ${level} (before the restart)`, ...extra };
}

/** Ticks every second over [from, to] and collects the alarm changes. */
function ticks(m: PeopleMonitor, from: number, to: number): PeopleAlarm[] {
  const out: PeopleAlarm[] = [];
  for (let t = from; t <= to; t += S) out.push(...m.tick(t));
  return out;
}

describe('seed: conditions handed back at a restart', () => {
  it('refuses what the monitor could not have produced', () => {
    const m = started();
    const refused = [
      retained('gas/GT-1', 'AL2'),
      retained('headcount/nowhere', 'HEADCOUNT'),
      retained('headcount/sub', 'HEADCOUNT'),
      retained('crowd/ws', 'CROWD'),
      retained('dwell/sub/T1', 'DWELL'),
      retained('unauthorised/ws/T1', 'INTRUSION'),
      retained('unauthorised/gone/T1', 'INTRUSION'),
      retained('sos/T1', 'FALLEN'),
      retained('sos/', 'SOS'),
      retained('sos/T1', 'SOS', { rule: 'man-down' }),
      retained('sos/T1', 'SOS', { tagId: 'T2' }),
      retained('headcount/ws', 'HEADCOUNT', { zoneId: 'sub' }),
    ];
    expect(refused.map((a) => m.seed(a, T0))).toEqual(refused.map(() => false));
    expect(m.active()).toEqual([]);
    const taken = [
      retained('sos/T1', 'SOS', { tagId: 'T1', zoneId: 'ws' }),
      retained('man-down/T/with/slash', 'NO_MOTION'),
      retained('dwell/ws/T2', 'DWELL'),
      retained('unauthorised/face/T2', 'INTRUSION', { zoneId: 'face', tagId: 'T2' }),
      retained('headcount/ws', 'HEADCOUNT', { zoneId: 'ws' }),
      retained('crowd/yard', 'CROWD'),
      // SOS names its zone as information only: one no longer configured is dropped, not refused.
      retained('tag-offline/T9', 'OFFLINE', { zoneId: 'old-zone' }),
    ];
    expect(taken.map((a) => m.seed(a, T0))).toEqual(taken.map(() => true));
    expect(m.active().map((f) => [f.conditionId, f.zoneId, f.tagId])).toEqual([
      ['sos/T1', 'ws', 'T1'],
      ['man-down/T/with/slash', null, 'T/with/slash'],
      ['dwell/ws/T2', 'ws', 'T2'],
      ['unauthorised/face/T2', 'face', 'T2'],
      ['headcount/ws', 'ws', null],
      ['crowd/yard', 'yard', null],
      ['tag-offline/T9', null, 'T9'],
    ]);
    // A tag's condition names its wearer even when the retained one came without people.
    m.seed(retained('battery-low/T2', 'BATTERY_LOW', { people: [] }), T0);
    expect(m.active().find((f) => f.conditionId === 'battery-low/T2')?.people).toEqual([{ tagId: 'T2', personId: 'P2', name: 'Li Si', role: null }]);
  });

  it('keeps a tag condition as it was through ticks until the tag reports, then judges it as usual', () => {
    const m = started();
    expect(m.seed(retained('sos/T1', 'SOS', { priority: 1 }), T0)).toBe(true);
    expect(m.seed(retained('man-down/T2', 'NO_MOTION', { priority: 1, value: 90_000 }), T0)).toBe(true);
    expect(ticks(m, T0, T0 + 10 * MIN)).toEqual([]);
    expect(m.active().map((f) => f.message)).toEqual(['sos/T1 SOS (before the restart)', 'man-down/T2 NO_MOTION (before the restart)']);
    // T2 reports moving: no longer down, back to normal with the usual message.
    const moved = m.position(fix('T2', 500, 500, T0 + 10 * MIN, { motion: 'moving' }), T0 + 10 * MIN).alarms;
    expect(brief(moved)).toEqual(['man-down/T2 normal']);
    expect(moved[0]?.message).toBe('Li Si (T2): NO_MOTION back to normal');
    expect(moved[0]?.priority).toBe(1);
    // T1 reports with its button still pressed: the SOS stands, nothing announced again.
    expect(brief(m.position(fix('T1', 500, 500, T0 + 11 * MIN, { sos: true }), T0 + 11 * MIN).alarms)).toEqual([]);
    expect(brief(m.position(fix('T1', 500, 500, T0 + 12 * MIN, { sos: false }), T0 + 12 * MIN).alarms)).toEqual(['sos/T1 normal']);
  });

  it('keeps the seeded level under the tag scope: battery hysteresis reads it', () => {
    const m = started();
    m.seed(retained('battery-low/T1', 'BATTERY_LOW', { value: 18 }), T0);
    // 22 % is above the 20 % limit but below limit + deadband (25 %): still low, no change.
    expect(brief(m.position(fix('T1', 500, 500, T0 + S, { battery: 22 }), T0 + S).alarms)).toEqual([]);
    expect(brief(m.position(fix('T1', 500, 500, T0 + 2 * S, { battery: 26 }), T0 + 2 * S).alarms)).toEqual(['battery-low/T1 normal']);
  });

  it('an intrusion handed back does not clear while the entry debounce lets the tag back into the zone', () => {
    const m = started(T0 - H);
    m.seed(retained('unauthorised/sub/T2', 'INTRUSION', { priority: 1 }), T0);
    const seen = [0, 1, 2, 3].flatMap((s) => brief(m.position(fix('T2', 110, 10, T0 + s * S), T0 + s * S).alarms));
    expect(seen).toEqual([]);
    expect(m.active().map((f) => f.message)).toEqual(['Unauthorised entry: Li Si (T2) in restricted zone sub at (110, 10)']);
    expect(brief(m.position(fix('T2', 150, 10, T0 + 4 * S), T0 + 4 * S).alarms)).toEqual(['unauthorised/sub/T2 normal']);
  });

  it('forgets a tag condition whose tag never reports again, after forgetAfterMs', () => {
    const m = started();
    m.seed(retained('tag-offline/T1', 'OFFLINE'), T0);
    expect(ticks(m, T0, T0 + H)).toEqual([]);
    const gone = m.tick(T0 + H + S);
    expect(brief(gone)).toEqual(['tag-offline/T1 normal']);
    expect(gone[0]?.message).toBe('Zhang San (T1): OFFLINE back to normal (tag not heard for 1 h since the restart, forgotten)');
  });
});

describe('warm-up after a start (warmupMs)', () => {
  it('does not judge headcounts while zones fill from fresh fixes, then keeps a handed-back alarm that still holds', () => {
    const m = started();
    expect(m.seed(retained('headcount/ws', 'HEADCOUNT', { value: 2 }), T0)).toBe(true);
    const during: PeopleAlarm[] = [];
    for (let s = 0; s < 10; s++) {
      for (const tag of ['T1', 'T2']) during.push(...m.position(fix(tag, 5, 5, T0 + s * S), T0 + s * S).alarms);
      during.push(...m.tick(T0 + s * S));
    }
    expect(brief(during)).toEqual([]);
    expect(m.state.headcount('ws')).toBe(2);
    // Warm-up over: the zone is over its limit as before the restart; no clear, no second raise.
    expect(m.tick(T0 + 10 * S)).toEqual([]);
    expect(m.active().find((f) => f.conditionId === 'headcount/ws')?.message).toContain('2 people, limit 1');
    expect(brief(m.position(fix('T2', 500, 500, T0 + 11 * S), T0 + 11 * S).alarms)).toEqual(['headcount/ws normal']);
  });

  it('returns a handed-back headcount to normal when the warm-up ends with the zone within its limit', () => {
    const m = started();
    m.seed(retained('headcount/ws', 'HEADCOUNT'), T0);
    expect(ticks(m, T0, T0 + 9 * S)).toEqual([]);
    const end = m.tick(T0 + 10 * S);
    expect(brief(end)).toEqual(['headcount/ws normal']);
    expect(end[0]?.message).toBe('Headcount in Workshop (ws): HEADCOUNT back to normal');
  });

  it('raises a headcount found over the limit only after the warm-up', () => {
    const m = started(T0, 0);
    const all: string[] = [];
    for (let s = 0; s <= 10; s++) {
      for (const tag of ['T1', 'T2']) all.push(...brief(m.position(fix(tag, 5, 5, T0 + s * S), T0 + s * S).alarms).map((a) => `${s} ${a}`));
      all.push(...brief(m.tick(T0 + s * S)).map((a) => `${s} ${a}`));
    }
    expect(all).toEqual(['10 headcount/ws HEADCOUNT']);
  });

  it('keeps a handed-back crowd that still stands when the warm-up ends, instead of clearing it and raising it a minute later', () => {
    const m = started();
    m.seed(retained('crowd/yard', 'CROWD', { priority: 1 }), T0);
    const all: string[] = [];
    for (let s = 0; s <= 90; s++) {
      for (const tag of ['A', 'B', 'C']) all.push(...brief(m.position(fix(tag, 250 + tag.charCodeAt(0) - 65, 50, T0 + s * S), T0 + s * S).alarms));
      all.push(...brief(m.tick(T0 + s * S)));
    }
    expect(all).toEqual([]);
    expect(m.active().map((f) => f.conditionId)).toEqual(['crowd/yard']);
  });
});

describe('snapshot and restore: who was where, kept over a restart', () => {
  /** Before the restart: miners placed by readers, a worker by fixes, one tag long silent. */
  function before(): { snapshot: PeopleSnapshot; takenAt: number } {
    const m = started(T0 - H, 0);
    m.reader({ tagId: 'M1', readerId: 'R1', kind: 'enter', ts: T0 - 3 * H }, T0 - 3 * H);
    m.reader({ tagId: 'M2', readerId: 'R1', kind: 'enter', ts: T0 - 2 * H }, T0 - 2 * H);
    m.reader({ tagId: 'M3', readerId: 'R1', kind: 'enter', ts: T0 - 2 * H }, T0 - 2 * H);
    m.reader({ tagId: 'M3', readerId: 'R1', kind: 'leave', ts: T0 - 10 * MIN }, T0 - 10 * MIN);
    m.position(fix('T1', 5, 5, T0 - 20 * MIN), T0 - 20 * MIN);
    for (let s = 0; s < 60; s++) m.position(fix('T1', 5, 5, T0 - MIN + s * S, { motion: 'still' }), T0 - MIN + s * S);
    m.position(fix('T2', 400, 400, T0 - 5 * MIN), T0 - 5 * MIN);
    m.position(fix('T3', 400, 400, T0 - 2 * H), T0 - 2 * H);
    // Round trip through JSON, as through the file.
    const snapshot: unknown = JSON.parse(JSON.stringify(m.state.snapshot(T0)));
    if (!isPeopleSnapshot(snapshot)) throw new Error('not a snapshot');
    return { snapshot, takenAt: T0 };
  }

  it('is plain JSON a check recognises, and refuses what is not one', () => {
    const { snapshot } = before();
    expect(snapshot.tags.map((t) => t.tagId).sort()).toEqual(['M1', 'M2', 'M3', 'T1', 'T2', 'T3']);
    expect(snapshot.tags.find((t) => t.tagId === 'M3')?.readers).toEqual([{ readerId: 'R1', ts: T0 - 10 * MIN, inside: false, acceptedAt: T0 - 10 * MIN }]);
    expect(isPeopleSnapshot({ ...snapshot, version: 2 })).toBe(false);
    expect(isPeopleSnapshot({ ...snapshot, tags: [{ tagId: 'X' }] })).toBe(false);
    expect(isPeopleSnapshot(null)).toBe(false);
  });

  it('puts back the miners underground and the worker in the workshop, with their entry times', () => {
    const { snapshot } = before();
    const now = T0 + 2 * MIN;
    const m = started(now);
    const changes = m.restore(snapshot, now);
    expect(changes.map((c) => `${c.change} ${c.zoneId} ${c.tagId}`).sort()).toEqual(['enter adit M1', 'enter adit M2', 'enter ws T1']);
    expect(m.state.peopleIn('adit').map((p) => p.tagId)).toEqual(['M1', 'M2']);
    expect(m.state.tag('M1')?.zones.get('adit')).toBe(T0 - 3 * H);
    expect(m.state.tag('T1')?.zones.get('ws')).toBe(T0 - 20 * MIN);
    // True lastSeen kept; T3, silent for 2 h and in no reader area, is not brought back.
    expect(m.state.tag('T2')?.lastSeen).toBe(T0 - 5 * MIN);
    expect(m.state.tag('T3')).toBeUndefined();
    // An enter of M3 stamped before its leave, 12 min after the leave was taken: past the reorder
    // window the reader's stamp is believed (its clock went back), as for fixes.
    expect(m.reader({ tagId: 'M3', readerId: 'R1', kind: 'enter', ts: T0 - 11 * MIN }, now).changes.map((c) => c.change)).toEqual(['enter']);
    expect(m.state.rejectedReaderEvents).toBe(0);
    expect(m.state.headcount('adit')).toBe(3);
  });

  it('gives tags that were reporting a fresh offline window, and keeps counting for one already silent', () => {
    const { snapshot } = before();
    const now = T0 + 2 * MIN;
    const m = started(now);
    m.restore(snapshot, now);
    // T1 and T2 were heard within offlineAfterMs (60 s) of the snapshot… T2 was not: 5 min before it.
    const offline = (alarms: readonly PeopleAlarm[]): string[] => brief(alarms).filter((a) => a.startsWith('tag-offline'));
    const first = m.tick(now);
    expect(offline(first)).toEqual(['tag-offline/T2 OFFLINE']);
    expect(first.find((a) => a.rule === 'tag-offline')?.message).toContain('silent for 7 min');
    expect(offline(m.tick(now + MIN))).toEqual([]);
    // T1 still silent a minute after the restart: offline now, with its true silence.
    const later = m.tick(now + MIN + S);
    expect(offline(later)).toEqual(['tag-offline/T1 OFFLINE']);
    expect(later.find((a) => a.conditionId === 'tag-offline/T1')?.message).toContain('silent for 3 min 2 s');
  });

  it('keeps a still run without counting the downtime, and tags reporting since the start keep their live state', () => {
    const { snapshot } = before();
    const now = T0 + 10 * MIN;
    const m = started(now - 5 * S, 0);
    m.position(fix('T2', 150, 150, now - S), now - S);
    m.restore(snapshot, now);
    expect(m.state.tag('T2')?.fix?.x).toBe(150);
    // T1 had been still for 60 s when the snapshot was taken: the downtime is not counted, so 60 s at the restore.
    expect(now - (m.state.tag('T1')?.stillSince ?? NaN)).toBe(60 * S);
  });
});
