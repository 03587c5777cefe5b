import { describe, expect, it } from 'vitest';
import { alarmKpis, FloodTracker } from '../../src/alarms/index.js';
import type { AlarmTransition, Priority, TransitionReason } from '../../src/core/index.js';
import { SHOWN } from './alarms-fixtures.js';

/** Alarm-system health (EEMUA 191): flood start and end, and the KPIs over a period. */

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 28, 8);

describe('flood per operator position', () => {
  it('starts above 10 alarms in 10 min, ends below 5, per position', () => {
    const f = new FloodTracker();
    const changes = [];
    for (let i = 0; i < 11; i++) changes.push(f.alarm('farm', T0 + i * 30_000));
    // The 11th alarm within 10 minutes starts the flood; another position is not affected.
    expect(changes.slice(0, 10).every((c) => c === undefined)).toBe(true);
    expect(changes[10]).toEqual({ position: 'farm', flood: true, count: 11, time: T0 + 300_000 });
    expect(f.alarm('pumps', T0 + 300_000)).toBeUndefined();
    expect(f.floods()).toEqual(['farm']);
    // Alarms leave the window 10 min after they came: 5 left at T0+10.5 min is not yet below 5...
    expect(f.advance(T0 + 10 * MIN + 3 * 30_000)).toEqual([]);
    expect(f.count('farm')).toBe(7);
    // ...4 left ends it.
    expect(f.advance(T0 + 10 * MIN + 6 * 30_000)).toEqual([{ position: 'farm', flood: false, count: 4, time: T0 + 10 * MIN + 6 * 30_000 }]);
    expect(f.floods()).toEqual([]);
  });
});

let n = 0;
function t(conditionId: string, rts: number, reason: TransitionReason = 'activate', priority: Priority = 2, pointId = 'GT-1'): AlarmTransition {
  const active = reason !== 'return';
  return {
    ...SHOWN,
    eventId: `e${++n}`, conditionId, ruleId: 'r', ruleKind: 'threshold', siteId: 's', pointId, from: 'normal', state: active ? 'active-unacked' : 'returned-unacked',
    reason, active, acked: false, level: 'H', priority, severity: 500, value: 1, time: rts, rts, message: '',
  };
}

describe('alarm KPIs', () => {
  const positionOf = (pointId: string | null) => (pointId === 'PT-9' ? 'pumps' : 'farm');

  it('rates, peak, bad actors, priority distribution', () => {
    const journal = [
      ...Array.from({ length: 12 }, (_, i) => t('gas/GT-1', T0 + i * MIN)),
      t('gas/GT-2', T0 + 30 * MIN, 'activate', 1),
      t('gas/GT-2', T0 + 31 * MIN, 'escalate', 1),
      t('gas/GT-2', T0 + 32 * MIN, 'return', 1),
      t('p/PT-9', T0 + 40 * MIN, 'activate', 3, 'PT-9'),
      t('gas/GT-1', T0 + 50 * MIN, 'acknowledge'),
    ];
    const k = alarmKpis(journal, { from: T0, to: T0 + 60 * MIN, positionOf });
    expect(k.alarms).toBe(15);
    expect(k.positions).toEqual([
      { position: 'farm', alarms: 14, per10Min: 2.33, perHour: 14, perDay: 336, peak10Min: 10, floodPct: 0 },
      { position: 'pumps', alarms: 1, per10Min: 0.17, perHour: 1, perDay: 24, peak10Min: 1, floodPct: 0 },
    ]);
    expect(k.badActors.map((b) => [b.conditionId, b.alarms, b.sharePct])).toEqual([
      ['gas/GT-1', 12, 80],
      ['gas/GT-2', 2, 13.33],
      ['p/PT-9', 1, 6.67],
    ]);
    expect(k.topTenSharePct).toBe(100);
    expect(k.priorities).toEqual({ 1: 2, 2: 12, 3: 1, 4: 0 });
  });

  it('time in flood, chattering and standing alarms', () => {
    const flood = Array.from({ length: 12 }, (_, i) => t('gas/GT-1', T0 + i * 10_000));
    const chatter = [t('x/PT-9', T0 + 100, 'activate', 2, 'PT-9'), t('x/PT-9', T0 + 20_000, 'return', 2, 'PT-9'), t('x/PT-9', T0 + 40_000, 'activate', 2, 'PT-9'), t('x/PT-9', T0 + 200_000, 'return', 2, 'PT-9')];
    const old = t('lvl/LT-1', T0 - 25 * 3_600_000);
    const k = alarmKpis([...flood, ...chatter, old], { from: T0, to: T0 + 60 * MIN, positionOf });
    // The 11th alarm (at 100 s) starts the flood; it ends when the 8th (at 70 s) leaves the
    // window at 10 min 70 s and 4 are left.
    const farm = k.positions.find((p) => p.position === 'farm');
    expect(farm?.floodPct).toBeCloseTo((((10 * MIN + 70_000) - 100_000) / (60 * MIN)) * 100, 1);
    expect(k.positions.find((p) => p.position === 'pumps')?.floodPct).toBe(0);
    // The flood's source chatters too: 7 activations within 60 s.
    expect(k.chattering).toEqual([{ conditionId: 'gas/GT-1', transitions: 7 }, { conditionId: 'x/PT-9', transitions: 3 }]);
    expect(k.standing).toEqual([{ conditionId: 'lvl/LT-1', activeSince: T0 - 25 * 3_600_000, hours: 26 }]);
  });

  it('counts only alarms presented to an operator: hidden activations, operator actions and re-alarms are told apart', () => {
    const shown = t('gas/GT-1', T0 + MIN);
    const hidden = { ...t('gas/GT-2', T0 + 2 * MIN), annunciated: false, state: 'shelved' as const };
    const realarm = t('gas/GT-1', T0 + 3 * MIN, 're-alarm');
    const comment = t('gas/GT-1', T0 + 4 * MIN, 'comment');
    const k = alarmKpis([shown, hidden, realarm, comment], { from: T0, to: T0 + 60 * MIN, positionOf });
    expect([k.alarms, k.badActors.map((b) => [b.conditionId, b.alarms])]).toEqual([2, [['gas/GT-1', 2]]]);
    // A shelve running out on an active, unacknowledged alarm shows it: presented; on an acked one: not.
    const revealed = { ...t('gas/GT-4', T0 + 5 * MIN, 'shelve-expired'), active: true, acked: false };
    const quiet = { ...t('gas/GT-5', T0 + 6 * MIN, 'unshelve'), active: true, acked: true };
    expect(alarmKpis([revealed, quiet], { from: T0, to: T0 + 60 * MIN, positionOf }).alarms).toBe(1);
    // An operator's comments are not chatter.
    const many = Array.from({ length: 5 }, (_, i) => t('gas/GT-3', T0 + i * 1000, 'comment'));
    expect(alarmKpis(many, { from: T0, to: T0 + MIN, positionOf }).chattering).toEqual([]);
  });
});
