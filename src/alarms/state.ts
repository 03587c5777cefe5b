import {
  HazgateError,
  PRIORITY_SEVERITY,
  type AlarmState,
  type AlarmTransition,
  type Priority,
  type RuleResult,
  type TransitionReason,
} from '../core/index.js';

/** An operator's acknowledgement of the event they saw (ISA-18.2 5.4; OPC UA Acknowledge(eventId, comment)). */
export interface Acknowledgement {
  readonly kind: 'acknowledge';
  readonly conditionId: string;
  /** Must be the condition's latest eventId: the operator acknowledges what they saw. */
  readonly eventId: string;
  readonly user: string;
  readonly comment?: string;
}

export type AlarmInput = RuleResult | Acknowledgement;

/** What a transition needs besides the input: supplied by the manager, so this stays pure. */
export interface TransitionContext {
  readonly siteId: string;
  /** The id the new transition gets. */
  readonly eventId: string;
  /** Gateway time now (rts; also the time of an acknowledgement). */
  readonly now: number;
}

/** The outcome of a step: a transition, nothing (no change), or a coded refusal of an acknowledgement. */
export type AlarmStep =
  | { readonly ok: true; readonly transition: AlarmTransition | null }
  | { readonly ok: false; readonly error: HazgateError };

/** An acknowledgement either makes a transition or is refused. */
export type AckStep = { readonly ok: true; readonly transition: AlarmTransition } | { readonly ok: false; readonly error: HazgateError };

/**
 * How far from normal a level name is among levels of one priority: `HH` (2) beyond `H` (1),
 * `LLL` beyond `LL`, `AL2` beyond `AL1` (a trailing number); anything else 0.
 */
export function levelRank(level: string): number {
  if (/^(H+|L+)$/.test(level)) return level.length;
  const digits = /(\d+)$/.exec(level);
  return digits?.[1] === undefined ? 0 : Number(digits[1]);
}

/**
 * A level change is an escalation (to be acknowledged again) unless it is plainly a step back: a
 * less urgent priority, or the same priority and a level closer to normal. When in doubt (H → L,
 * unknown names) it escalates: an unneeded ack costs less than a missed one.
 */
export function isEscalation(from: { level: string | null; priority: Priority }, to: { level: string; priority: Priority }): boolean {
  if (to.priority !== from.priority) return to.priority < from.priority;
  return from.level === null || levelRank(to.level) >= levelRank(from.level);
}

/** The next state of a condition for a rule result or an acknowledgement. `current` undefined = normal. */
export function nextState(current: AlarmTransition | undefined, input: AlarmInput, ctx: TransitionContext): AlarmStep {
  if ('kind' in input) return acknowledge(current, input, ctx);
  return { ok: true, transition: applyResult(current, input, ctx) };
}

/** A level change from the engine; null when the alarm state does not change. */
export function applyResult(current: AlarmTransition | undefined, r: RuleResult, ctx: TransitionContext): AlarmTransition | null {
  const state: AlarmState = current?.state ?? 'normal';
  const active = state === 'active-unacked' || state === 'active-acked';
  if (r.level === null) {
    if (!active || current === undefined) return null;
    const acked = state === 'active-acked';
    return fromResult(current, r, ctx, { reason: 'return', state: acked ? 'normal' : 'returned-unacked', acked, level: current.level });
  }
  if (!active || current === undefined) {
    return fromResult(current, r, ctx, { reason: 'activate', state: 'active-unacked', acked: false, level: r.level });
  }
  if (r.level === current.level) return null;
  if (isEscalation(current, { level: r.level, priority: r.priority })) {
    return fromResult(current, r, ctx, { reason: 'escalate', state: 'active-unacked', acked: false, level: r.level });
  }
  const acked = current.acked;
  return fromResult(current, r, ctx, { reason: 'deescalate', state: acked ? 'active-acked' : 'active-unacked', acked, level: r.level });
}

/** Acknowledge: unknown condition, already acknowledged and stale eventId are refused, in that order. */
export function acknowledge(current: AlarmTransition | undefined, ack: Acknowledgement, ctx: TransitionContext): AckStep {
  const id = ack.conditionId;
  if (current === undefined || current.state === 'normal') {
    return refuse('HG_ERR_ALARM_UNKNOWN_CONDITION', `no retained alarm condition "${id}"`, ack);
  }
  if (current.acked) return refuse('HG_ERR_ALARM_ALREADY_ACKED', `alarm "${id}" is already acknowledged`, ack);
  if (current.eventId !== ack.eventId) {
    const message = `event "${ack.eventId}" is not the latest of alarm "${id}" (latest is "${current.eventId}")`;
    return refuse('HG_ERR_ALARM_STALE_EVENT', message, ack);
  }
  const state: AlarmState = current.state === 'returned-unacked' ? 'normal' : 'active-acked';
  return { ok: true, transition: acknowledged(current, ack, ctx, state) };
}

/** The codes an acknowledgement can be refused with. */
export type AckRefusal = 'HG_ERR_ALARM_UNKNOWN_CONDITION' | 'HG_ERR_ALARM_ALREADY_ACKED' | 'HG_ERR_ALARM_STALE_EVENT';

export function isAckRefusal(code: string): code is AckRefusal {
  return code === 'HG_ERR_ALARM_UNKNOWN_CONDITION' || code === 'HG_ERR_ALARM_ALREADY_ACKED' || code === 'HG_ERR_ALARM_STALE_EVENT';
}

function refuse(code: AckRefusal, message: string, ack: Acknowledgement): AckStep {
  const details = { conditionId: ack.conditionId, eventId: ack.eventId, user: ack.user };
  return { ok: false, error: new HazgateError(code, message, details) };
}

/** The acknowledgement record: the condition as it is (value, level, message) plus who, when and why. */
function acknowledged(current: AlarmTransition, ack: Acknowledgement, ctx: TransitionContext, state: AlarmState): AlarmTransition {
  return {
    eventId: ctx.eventId,
    conditionId: current.conditionId,
    ruleId: current.ruleId,
    ruleKind: current.ruleKind,
    siteId: ctx.siteId,
    pointId: current.pointId,
    ...(current.zoneId === undefined ? {} : { zoneId: current.zoneId }),
    from: current.state,
    state,
    reason: 'acknowledge',
    active: current.active,
    acked: true,
    level: current.level,
    priority: current.priority,
    severity: current.severity,
    value: current.value,
    time: ctx.now,
    rts: ctx.now,
    message: current.message,
    user: ack.user,
    ...(ack.comment === undefined ? {} : { comment: ack.comment }),
  };
}

interface Change {
  readonly reason: TransitionReason;
  readonly state: AlarmState;
  readonly acked: boolean;
  readonly level: string | null;
}

function fromResult(current: AlarmTransition | undefined, r: RuleResult, ctx: TransitionContext, c: Change): AlarmTransition {
  return {
    eventId: ctx.eventId,
    conditionId: r.conditionId,
    ruleId: r.ruleId,
    ruleKind: r.ruleKind,
    siteId: ctx.siteId,
    pointId: r.pointId,
    ...(r.zoneId === undefined ? {} : { zoneId: r.zoneId }),
    from: current?.state ?? 'normal',
    state: c.state,
    reason: c.reason,
    active: r.level !== null,
    acked: c.acked,
    level: c.level,
    priority: r.priority,
    severity: PRIORITY_SEVERITY[r.priority],
    value: r.value,
    time: r.time,
    rts: ctx.now,
    message: r.message,
  };
}
