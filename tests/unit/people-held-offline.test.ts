import { describe, expect, it } from 'vitest';
import type { ZoneSpec } from '../../src/core/index.js';
import { PeopleMonitor, type PeopleAlarm, type RetainedCondition } from '../../src/engine/people/index.js';

/**
 * A tag with conditions handed back at a restart is judged on time like any (review: it was not,
 * so a tag that died during the restart got no OFFLINE for up to forgetAfter); the handed-back
 * conditions stand meanwhile.
 */

const S = 1000;
const MIN = 60 * S;
const T0 = Date.UTC(2025, 0, 6, 2);
const ZONES: ZoneSpec[] = [{ id: 'ws', kind: 'key', polygon: [[0, 0], [20, 0], [20, 20], [0, 20]] }];
const brief = (alarms: readonly PeopleAlarm[]): string[] => alarms.map((a) => `${a.conditionId} ${a.level ?? 'normal'}`);
const retained = (conditionId: string, level: string, rule: string): RetainedCondition => ({ conditionId, level, rule, zoneId: 'ws', tagId: null, priority: 4, value: 10, message: `${conditionId} before the restart` });

/** T1 reporting with a low battery, a snapshot, a restart 10 s later; the tag never reports again. */
function restarted(seed: readonly RetainedCondition[]): { m: PeopleMonitor; start: number } {
  const before = new PeopleMonitor({ zones: ZONES, startedAt: T0, settings: { enterAfterMs: 0 } });
  for (let t = T0; t <= T0 + 5 * S; t += S) before.position({ tagId: 'T1', x: 5, y: 5, ts: t, battery: 10 }, t);
  const start = T0 + 15 * S;
  const m = new PeopleMonitor({ zones: ZONES, startedAt: start, settings: { enterAfterMs: 0 } });
  m.restore(before.state.snapshot(T0 + 5 * S), start);
  for (const c of seed) expect(m.seed(c, start)).toBe(true);
  return { m, start };
}

function ticks(m: PeopleMonitor, from: number, to: number): PeopleAlarm[] {
  const out: PeopleAlarm[] = [];
  for (let t = from; t <= to; t += S) out.push(...m.tick(t));
  return out;
}

describe('a restored tag with handed-back conditions that never reports again', () => {
  it('(without any) goes OFFLINE after offlineAfterMs, its restored charge still low', () => {
    const { m, start } = restarted([]);
    expect(brief(ticks(m, start, start + 5 * MIN))).toEqual(['tag-offline/T1 OFFLINE', 'battery-low/T1 BATTERY_LOW']);
  });

  it('goes OFFLINE too, its handed-back conditions standing as they were', () => {
    const battery = retained('battery-low/T1', 'BATTERY_LOW', 'battery-low');
    const sos = retained('sos/T1', 'SOS', 'sos');
    const { m, start } = restarted([battery, sos]);
    const alarms = ticks(m, start, start + 5 * MIN);
    expect(brief(alarms)).toEqual(['tag-offline/T1 OFFLINE']);
    // The SOS the alarm manager retained is not in the tag's state now, yet it stands (no normal).
    expect(m.active().map((f) => `${f.conditionId} ${f.level}`).sort()).toEqual(['battery-low/T1 BATTERY_LOW', 'sos/T1 SOS', 'tag-offline/T1 OFFLINE']);
  });
});
