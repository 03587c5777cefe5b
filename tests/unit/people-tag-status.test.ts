import { describe, expect, it } from 'vitest';
import { wirePeople } from '../../src/app/people-wiring.js';
import { silentLogger, type TagStatus, type ZoneSpec } from '../../src/core/index.js';
import { PeopleMonitor, type PeopleAlarm } from '../../src/engine/people/index.js';

/**
 * Tag states without a position (a blink the location engine could not place): review found an
 * SOS from a tag never placed refused, and one from a tag with an old fix placed back where it had
 * been long ago. A state is applied to the tag's alarms, changes no zone and counts as a sign of life.
 */

const S = 1000;
const MIN = 60 * S;
const T0 = Date.UTC(2025, 0, 6, 2);
const ZONES: ZoneSpec[] = [
  { id: 'ws', kind: 'key', polygon: [[0, 0], [20, 0], [20, 20], [0, 20]] },
  { id: 'pit', kind: 'key', readers: ['KJ-01'] },
];
const PEOPLE = [{ tagId: 'T1', personId: 'P1', name: 'Li Wei' }];
const started = (): PeopleMonitor => new PeopleMonitor({ zones: ZONES, people: PEOPLE, startedAt: T0, settings: { enterAfterMs: 0 } });
const brief = (alarms: readonly PeopleAlarm[]): string[] => alarms.map((a) => `${a.conditionId} ${a.level ?? 'normal'}`);
const status = (tagId: string, ts: number, extra: Omit<TagStatus, 'tagId' | 'ts'> = {}): TagStatus => ({ tagId, ts, ...extra });

describe('a tag state without a position', () => {
  it('raises SOS from a tag never placed, saying its position is unknown', () => {
    const m = started();
    const u = m.status(status('T9', T0, { sos: true }), T0);
    expect(brief(u.alarms)).toEqual(['sos/T9 SOS']);
    expect(u.alarms[0]).toMatchObject({ zoneId: null, message: 'SOS from tag T9, position unknown' });
    expect(u.changes).toEqual([]);
    expect(m.state.tag('T9')).toMatchObject({ fix: undefined, sos: true, lastSeen: T0, statusAt: T0 });
  });

  it('moves the tag out of no zone and into none, and says when it was last fixed', () => {
    const m = started();
    m.position({ tagId: 'T1', x: 5, y: 5, ts: T0 }, T0);
    const u = m.status(status('T1', T0 + 2 * MIN, { sos: true }), T0 + 2 * MIN);
    expect(u.changes).toEqual([]);
    expect(m.state.zonesOf('T1')).toEqual(['ws']);
    expect(u.alarms[0]).toMatchObject({ conditionId: 'sos/T1', zoneId: 'ws', message: 'SOS from Li Wei (T1) in ws, last fixed 2 min ago at (5, 5)' });
    // A tag readers placed is where its reader says.
    m.reader({ tagId: 'M1', readerId: 'KJ-01', kind: 'enter', ts: T0 }, T0);
    expect(m.status(status('M1', T0 + S, { motion: 'fallen' }), T0 + S).alarms[0]?.message).toBe('Man down: tag M1 fell in pit');
  });

  it('takes motion (a fall, a still run it does not restart) and battery; absent fields leave them as they were', () => {
    const m = started();
    m.position({ tagId: 'T1', x: 5, y: 5, ts: T0, motion: 'still', battery: 50 }, T0);
    expect(brief(m.status(status('T1', T0 + 30 * S, { sos: false }), T0 + 30 * S).alarms)).toEqual([]);
    expect(m.state.tag('T1')).toMatchObject({ motion: 'still', stillSince: T0, battery: 50 });
    expect(brief(m.tick(T0 + 61 * S))).toEqual(['man-down/T1 NO_MOTION']);
    expect(brief(m.status(status('T1', T0 + 62 * S, { battery: 9, motion: 'fallen' }), T0 + 62 * S).alarms)).toEqual(['man-down/T1 FALLEN', 'battery-low/T1 BATTERY_LOW']);
  });

  it('is a sign of life: a tag that cannot be placed is not offline, and one that falls silent is', () => {
    const m = started();
    m.position({ tagId: 'T1', x: 5, y: 5, ts: T0 }, T0);
    for (let t = T0 + 10 * S; t <= T0 + 3 * MIN; t += 10 * S) {
      m.status(status('T1', t, { battery: 60 }), t);
      expect(brief(m.tick(t))).toEqual([]);
    }
    const off = m.tick(T0 + 4 * MIN + S);
    expect(brief(off)).toEqual(['tag-offline/T1 OFFLINE']);
    expect(off[0]?.message).toBe('Tag offline: Li Wei (T1) silent for 1 min 1 s, last seen in ws, last fixed 4 min 1 s ago at (5, 5)');
    // A tag only ever heard without a fix is reported by the engine too: its silence counts.
    m.status(status('T9', T0 + 5 * MIN, { battery: 60 }), T0 + 5 * MIN);
    expect(m.tick(T0 + 6 * MIN + S).find((a) => a.conditionId === 'tag-offline/T9')?.message).toBe('Tag offline: tag T9 silent for 1 min 1 s, position unknown');
  });

  it('stamped before the latest fix or state within the reorder window: only an SOS press or a fall is taken (counted)', () => {
    const m = started();
    m.position({ tagId: 'T1', x: 5, y: 5, ts: T0 + 2 * S, sos: true }, T0 + 2 * S);
    expect(m.status(status('T1', T0 + S, { sos: false, battery: 3 }), T0 + 3 * S)).toEqual({ changes: [], alarms: [] });
    expect(m.state.tag('T1')).toMatchObject({ sos: true, battery: undefined });
    expect(m.state.rejectedFixes).toBe(1);
    m.position({ tagId: 'T1', x: 5, y: 5, ts: T0 + 4 * S, sos: false }, T0 + 4 * S);
    expect(brief(m.status(status('T1', T0 + 3 * S, { sos: true }), T0 + 5 * S).alarms)).toEqual(['sos/T1 SOS']);
  });

  it('survives a restart with its motion, battery and when it came', () => {
    const m = started();
    m.status(status('T9', T0, { battery: 7, motion: 'still' }), T0);
    const after = started();
    after.restore(JSON.parse(JSON.stringify(m.state.snapshot(T0))), T0 + 10 * S);
    expect(after.state.tag('T9')).toMatchObject({ battery: 7, motion: 'still', statusAt: T0 });
  });
});

describe('tag states in the gateway', () => {
  const section = { zones: ZONES, people: PEOPLE, settings: { enterAfterMs: 0 } };

  it('are observed as tag-status and their alarms come out as people results', () => {
    const people = wirePeople(section, [], silentLogger);
    const out = people.observe({ type: 'tag-status', status: status('T1', T0, { sos: true }) }, T0);
    expect(out).toEqual([expect.objectContaining({ conditionId: 'sos/T1', ruleKind: 'people', level: 'SOS', message: 'SOS from Li Wei (T1), position unknown' })]);
    // No track point: a state has no position.
    expect(people.service?.track('T1', 0, Infinity)).toBeUndefined();
  });

  it('are refused when stamped too far ahead, as positions are', () => {
    const people = wirePeople(section, [], silentLogger);
    expect(people.observe({ type: 'tag-status', status: status('T1', T0 + 3_600_000, { sos: true }) }, T0)).toEqual([]);
    expect(people.metrics().find((m) => m.name === 'hazgate_people_refused_total')?.values.find((v) => v.labels['reason'] === 'future-timestamp')?.value).toBe(1);
  });
});
