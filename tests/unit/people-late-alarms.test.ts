import { describe, expect, it } from 'vitest';
import type { ZoneSpec } from '../../src/core/index.js';
import { PeopleMonitor, type PeopleAlarm } from '../../src/engine/people/index.js';

/**
 * A fix refused for order still passes on its SOS press and its fall (review: the whole fix was
 * thrown away, and with it a momentary press delivered late); and fields a fix leaves out.
 */

const S = 1000;
const T0 = Date.UTC(2025, 0, 6, 2);
const ZONES: ZoneSpec[] = [{ id: 'ws', kind: 'key', polygon: [[0, 0], [20, 0], [20, 20], [0, 20]] }];
const started = (): PeopleMonitor => new PeopleMonitor({ zones: ZONES, startedAt: T0, settings: { enterAfterMs: 0 } });
const brief = (alarms: readonly PeopleAlarm[]): string[] => alarms.map((a) => `${a.conditionId} ${a.level ?? 'normal'}`);

describe('a fix arriving out of order', () => {
  it('still raises the SOS press it carries; its position is refused and counted', () => {
    const m = started();
    m.position({ tagId: 'T1', x: 5, y: 5, ts: T0, sos: false }, T0);
    // Two blinks delivered in the wrong order: the press at +1 s arrives after the release at +2 s.
    m.position({ tagId: 'T1', x: 5, y: 5, ts: T0 + 2 * S, sos: false }, T0 + 2 * S);
    const u = m.position({ tagId: 'T1', x: 50, y: 50, ts: T0 + S, sos: true }, T0 + 2 * S + 100);
    expect(brief(u.alarms)).toEqual(['sos/T1 SOS']);
    expect(u.changes).toEqual([]);
    expect(m.state.rejectedFixes).toBe(1);
    expect(m.state.tag('T1')?.fix).toMatchObject({ x: 5, ts: T0 + 2 * S });
    expect(m.state.zonesOf('T1')).toEqual(['ws']);
  });

  it('still raises the fall it carries', () => {
    const m = started();
    m.position({ tagId: 'T1', x: 5, y: 5, ts: T0 + 2 * S, motion: 'moving' }, T0 + 2 * S);
    const u = m.position({ tagId: 'T1', x: 5, y: 5, ts: T0 + S, motion: 'fallen' }, T0 + 2 * S + 100);
    expect(brief(u.alarms)).toEqual(['man-down/T1 FALLEN']);
  });

  it('does not take its release, battery or other motion: those are the past', () => {
    const m = started();
    m.position({ tagId: 'T1', x: 5, y: 5, ts: T0, battery: 80 }, T0);
    m.position({ tagId: 'T1', x: 5, y: 5, ts: T0 + 2 * S, sos: true, battery: 80 }, T0 + 2 * S);
    const u = m.position({ tagId: 'T1', x: 5, y: 5, ts: T0 + S, sos: false, battery: 5, motion: 'still' }, T0 + 3 * S);
    expect(u).toEqual({ changes: [], alarms: [] });
    expect(m.state.tag('T1')).toMatchObject({ sos: true, battery: 80, motion: undefined });
    expect(m.state.rejectedFixes).toBe(1);
  });
});

describe('fields a fix leaves out', () => {
  it('a fix without a battery reading keeps the last known charge: BATTERY_LOW does not return to normal', () => {
    const m = started();
    expect(brief(m.position({ tagId: 'T1', x: 5, y: 5, ts: T0, battery: 8 }, T0).alarms)).toEqual(['battery-low/T1 BATTERY_LOW']);
    expect(m.position({ tagId: 'T1', x: 6, y: 5, ts: T0 + S, sos: true }, T0 + S).alarms.map((a) => a.conditionId)).toEqual(['sos/T1']);
    expect(m.state.tag('T1')?.battery).toBe(8);
    // A charged tag does return it.
    expect(brief(m.position({ tagId: 'T1', x: 6, y: 5, ts: T0 + 2 * S, battery: 90 }, T0 + 2 * S).alarms)).toEqual(['battery-low/T1 normal']);
  });
});
