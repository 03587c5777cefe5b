import { describe, expect, it } from 'vitest';
import type { AlarmState, AlarmTransition, OperatorRequest, Priority, RuleResult } from '../../src/core/index.js';
import { applyAction, applyResult, DEFAULT_POLICY, isEscalation, levelRank, normalRecord, type ActionStep, type StepContext } from '../../src/alarms/index.js';
import { result, T0 } from './alarms-fixtures.js';

const ctx = (eventId: string, now = T0 + 500): StepContext => ({ siteId: 'site-1', eventId, now, policy: DEFAULT_POLICY, maxShelveMs: 8 * 3_600_000, suppression: null });

/** The condition before it ever alarmed. */
const NEVER = normalRecord({ conditionId: 'gas/GT-101', ruleId: 'gas', ruleKind: 'threshold', pointId: 'GT-101', priority: 2 }, 'site-1');

/** Drives a condition through results from normal; returns its latest transition. */
function drive(...results: RuleResult[]): AlarmTransition {
  let current: AlarmTransition = NEVER;
  results.forEach((r, i) => {
    current = applyResult(current, r, ctx(`e${i + 1}`)) ?? current;
  });
  if (current === NEVER) throw new Error('no transition');
  return current;
}

function ack(current: AlarmTransition, eventId: string, comment?: string): ActionStep {
  const input: OperatorRequest = { action: 'acknowledge', conditionId: 'gas/GT-101', eventId, user: 'alice', ...(comment === undefined ? {} : { comment }) };
  return applyAction(current, input, ctx('ack-1', T0 + 9000));
}

function acked(current: AlarmTransition): AlarmTransition {
  const step = ack(current, current.eventId);
  if (!step.ok || step.transition === null) throw new Error('ack refused');
  return step.transition;
}

const H = result('H', 3);
const HH = result('HH', 2);
const NORMAL = result(null, 3, { value: 19 });

describe('alarm transitions on rule results', () => {
  it('activates from normal with every field of the transition', () => {
    const never = normalRecord({ conditionId: 'gas/GT-101', ruleId: 'gas', ruleKind: 'threshold', pointId: 'GT-101', zoneId: 'Z1', priority: 2 }, 'site-1');
    const t = applyResult(never, result('HH', 2, { time: T0 + 100, zoneId: 'Z1' }), ctx('e1', T0 + 150));
    expect(t).toEqual({
      eventId: 'e1', conditionId: 'gas/GT-101', ruleId: 'gas', ruleKind: 'threshold', siteId: 'site-1', pointId: 'GT-101', zoneId: 'Z1',
      from: 'normal', state: 'active-unacked', reason: 'activate', active: true, activeSince: T0 + 100, acked: false, ackedAt: null, confirmed: true, latched: false,
      shelved: null, suppressed: null, outOfService: null, annunciated: true, level: 'HH',
      priority: 2, severity: 800, colour: 'orange', value: 55, time: T0 + 100, rts: T0 + 150, message: 'GT-101 HH', audiences: [],
    });
  });

  type Row = readonly [string, () => AlarmTransition, RuleResult, string | null, AlarmState | null, boolean | null];
  const rows: readonly Row[] = [
    ['escalation while unacked', () => drive(H), HH, 'escalate', 'active-unacked', false],
    ['escalation after an ack must be acked again', () => acked(drive(H)), HH, 'escalate', 'active-unacked', false],
    ['de-escalation keeps the ack', () => acked(drive(HH)), H, 'deescalate', 'active-acked', true],
    ['de-escalation keeps the missing ack', () => drive(HH), H, 'deescalate', 'active-unacked', false],
    ['return while unacked is retained', () => drive(H), NORMAL, 'return', 'returned-unacked', false],
    ['return after the ack is normal', () => acked(drive(H)), NORMAL, 'return', 'normal', true],
    ['re-activation from returned-unacked', () => drive(H, NORMAL), HH, 'activate', 'active-unacked', false],
    ['normal stays normal', () => NEVER, NORMAL, null, null, null],
    ['returned-unacked ignores another normal', () => drive(H, NORMAL), NORMAL, null, null, null],
    ['the same level again changes nothing', () => drive(H), H, null, null, null],
  ];

  it.each(rows)('%s', (_name, before, input, reason, state, isAcked) => {
    const current = before();
    const t = applyResult(current, input, ctx('next'));
    if (reason === null) {
      expect(t).toBeNull();
      return;
    }
    expect(t).toMatchObject({ eventId: 'next', from: current.state, reason, state, acked: isAcked, active: input.level !== null });
  });

  it('a return keeps the last level, the value and the priority of the level left', () => {
    const t = applyResult(drive(HH), result(null, 2, { value: 19 }), ctx('r'));
    expect(t).toMatchObject({ level: 'HH', value: 19, priority: 2, severity: 800, active: false });
  });

  it.each([
    ['severity follows priority 1', 1, 1000],
    ['severity follows priority 4', 4, 400],
  ] as const)('%s', (_name, priority: Priority, severity) => {
    expect(applyResult(NEVER, result('H', priority), ctx('e'))?.severity).toBe(severity);
  });
});

describe('escalation order', () => {
  it.each([
    ['H → HH, same priority', 'H', 3, 'HH', 3, true],
    ['HH → H, same priority', 'HH', 3, 'H', 3, false],
    ['L → LL, same priority', 'L', 3, 'LL', 3, true],
    ['AL1 → AL2, same priority', 'AL1', 2, 'AL2', 2, true],
    ['AL2 → AL1, same priority', 'AL2', 2, 'AL1', 2, false],
    ['to a more urgent priority', 'HH', 3, 'H', 2, true],
    ['to a less urgent priority', 'H', 2, 'HH', 3, false],
    ['H → L is a new alarm', 'H', 3, 'L', 3, true],
    ['unknown names escalate', 'RISE', 3, 'FALL', 3, true],
  ] as const)('%s', (_name, fromLevel, fromPriority: Priority, toLevel, toPriority: Priority, expected) => {
    expect(isEscalation({ level: fromLevel, priority: fromPriority }, { level: toLevel, priority: toPriority })).toBe(expected);
  });

  it.each([
    ['HHH', 3],
    ['LL', 2],
    ['AL12', 12],
    ['RISE', 0],
  ] as const)('ranks %s as %i', (name, rank) => {
    expect(levelRank(name)).toBe(rank);
  });
});

describe('acknowledgement', () => {
  it('active-unacked → active-acked, with user, comment, ack time and the current value and level', () => {
    const step = ack(drive(HH), 'e1', 'gas team sent');
    expect(step).toEqual({
      ok: true,
      transition: expect.objectContaining({
        eventId: 'ack-1', from: 'active-unacked', state: 'active-acked', reason: 'acknowledge', active: true, acked: true,
        level: 'HH', value: 55, priority: 2, severity: 800, time: T0 + 9000, rts: T0 + 9000, user: 'alice', comment: 'gas team sent',
      }),
    });
  });

  it('returned-unacked → normal', () => {
    const step = ack(drive(H, NORMAL), 'e2');
    expect(step.ok && step.transition).toMatchObject({ from: 'returned-unacked', state: 'normal', active: false, acked: true, level: 'H' });
  });

  it('carries no comment key when none was given', () => {
    const step = ack(drive(H), 'e1');
    expect(step.ok && step.transition !== null && 'comment' in step.transition).toBe(false);
  });

  it.each([
    ['a condition that never alarmed', () => NEVER, 'e1', 'HG_ERR_ALARM_ALREADY_ACKED'],
    ['a condition back in normal', () => acked(drive(H, NORMAL)), 'ack-1', 'HG_ERR_ALARM_ALREADY_ACKED'],
    ['an old eventId', () => drive(H, HH), 'e1', 'HG_ERR_ALARM_STALE_EVENT'],
    ['an eventId of another condition', () => drive(H), 'zzz', 'HG_ERR_ALARM_STALE_EVENT'],
    ['an acknowledged condition', () => acked(drive(H)), 'ack-1', 'HG_ERR_ALARM_ALREADY_ACKED'],
    ['an acknowledged condition, even with an old eventId', () => acked(drive(H)), 'e1', 'HG_ERR_ALARM_ALREADY_ACKED'],
    ['a de-escalated, still acknowledged condition', () => applyResult(acked(drive(HH)), H, ctx('d')) ?? NEVER, 'd', 'HG_ERR_ALARM_ALREADY_ACKED'],
  ])('refuses %s', (_name, before, eventId, code) => {
    const step = ack(before(), eventId);
    expect(step.ok ? 'accepted' : step.error.code).toBe(code);
  });

  it('names the condition and the eventId in the refusal', () => {
    const step = ack(drive(H, HH), 'e1');
    expect(step.ok ? null : step.error.details).toEqual({ conditionId: 'gas/GT-101', action: 'acknowledge', eventId: 'e1', user: 'alice' });
  });
});
