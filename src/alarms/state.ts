import type { AlarmTransition, Priority, RuleResult, Suppression } from '../core/index.js';
import { isAnnunciated, nextRecord, type AlarmFlags } from './record.js';
import type { AlarmPolicy, StepContext } from './policy.js';

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

/**
 * What an operator must still do once an unacknowledged active alarm is shown (at its activation,
 * or when a shelve, suppression or maintenance ends): reset it if its rule latches, confirm it if
 * its rule asks. An alarm nobody was shown asks for neither.
 */
export function annunciationNeeds(f: AlarmFlags, policy: AlarmPolicy): Partial<AlarmFlags> {
  if (!f.active || f.acked || !isAnnunciated(f)) return {};
  return { latched: f.latched || policy.latch, confirmed: policy.confirm ? false : f.confirmed };
}

/** Un-hiding: the change, plus what an operator must do about the alarm now shown. */
export function reveal(f: AlarmFlags, change: Partial<AlarmFlags>, policy: AlarmPolicy): Partial<AlarmFlags> {
  return { ...change, ...annunciationNeeds({ ...f, ...change }, policy) };
}

/** Design suppression after a result: the context's, else a first-out suppression that holds while the alarm stays active. */
function suppressionAfter(current: AlarmTransition, active: boolean, activating: boolean, ctx: StepContext): Suppression | null {
  if (ctx.suppression !== null) return ctx.suppression;
  return active && !activating && current.suppressed?.by === 'first-out' ? current.suppressed : null;
}

/**
 * A level change from the engine; null when the alarm does not change. `current` is the
 * condition's latest record (a normal record when it was never retained).
 */
export function applyResult(current: AlarmTransition, r: RuleResult, ctx: StepContext): AlarmTransition | null {
  const base = { eventId: ctx.eventId, siteId: ctx.siteId, time: r.time, rts: ctx.now, priority: r.priority, value: r.value, message: r.message };
  if (r.level === null) {
    if (!current.active) return null;
    // A return nobody was shown needs no acknowledgement; a one-shot shelve ends here.
    const hidden = !current.annunciated;
    const acked = current.acked || hidden;
    const shelved = current.shelved?.kind === 'one-shot' ? null : current.shelved;
    const suppressed = suppressionAfter(current, false, false, ctx);
    return nextRecord(current, { ...base, reason: 'return', active: false, acked, ackedAt: acked ? (current.ackedAt ?? ctx.now) : null, shelved, suppressed, level: current.level });
  }
  if (!current.active) {
    const change = { active: true, acked: false, ackedAt: null, suppressed: suppressionAfter(current, true, true, ctx) };
    return nextRecord(current, { ...base, ...reveal(current, change, ctx.policy), reason: 'activate', level: r.level });
  }
  if (r.level === current.level) return null;
  const suppressed = suppressionAfter(current, true, false, ctx);
  if (isEscalation(current, { level: r.level, priority: r.priority })) {
    return nextRecord(current, { ...base, reason: 'escalate', acked: false, ackedAt: null, suppressed, level: r.level });
  }
  return nextRecord(current, { ...base, reason: 'deescalate', suppressed, level: r.level });
}
