import type { AlarmTransition, Priority, RuleResult, Suppression } from '../core/index.js';
import { isAnnunciated, nextRecord, type AlarmFlags, type Change } from './record.js';
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

/** Active, unacknowledged and shown: what an operator must act on. */
function isShownUnacked(f: AlarmFlags): boolean {
  return f.active && !f.acked && isAnnunciated(f);
}

/**
 * The next record, with what an operator must do once an active alarm is newly shown
 * unacknowledged (by its activation, an escalation after a hidden ack, a re-alarm, or a shelve,
 * suppression or maintenance ending): reset it if its rule latches, confirm it if its rule asks.
 * An alarm nobody was shown asks for neither. Every step goes through here, so no path skips them.
 */
export function advance(prev: AlarmTransition, change: Change, policy: AlarmPolicy): AlarmTransition {
  const next = nextRecord(prev, change);
  if (!isShownUnacked(next) || isShownUnacked(prev)) return next;
  const needs = { latched: next.latched || policy.latch, confirmed: policy.confirm ? false : next.confirmed };
  return needs.latched === next.latched && needs.confirmed === next.confirmed ? next : nextRecord(prev, { ...change, ...needs });
}

/**
 * Whether a design suppression may start hiding this alarm now. Not while it is shown and
 * unacknowledged: a trip that shuts its unit down must not vanish before anyone acknowledged it
 * (it is hidden once acknowledged).
 */
export function mayHide(c: AlarmFlags): boolean {
  return !(isAnnunciated(c) && !c.acked);
}

/**
 * Design suppression after a result: the context's (a first-out one only on an activation), else a
 * first-out suppression that holds while the alarm stays active; never one that would newly hide an
 * alarm shown and not yet acknowledged (a re-activation of a returned-unacked alarm included).
 */
function suppressionAfter(current: AlarmTransition, active: boolean, activating: boolean, ctx: StepContext): Suppression | null {
  if (activating) return mayHide(current) ? ctx.suppression : null;
  const kept = active && current.suppressed?.by === 'first-out' ? current.suppressed : null;
  if (ctx.suppression === null) return kept;
  return current.suppressed !== null || mayHide(current) ? ctx.suppression : null;
}

/** The site's codes (enterprise code) under the point's own. */
function codesOf(r: RuleResult, ctx: StepContext): { codes?: Readonly<Record<string, string>> } {
  if (ctx.siteCodes === undefined) return r.codes === undefined ? {} : { codes: r.codes };
  return { codes: { ...ctx.siteCodes, ...r.codes } };
}

/**
 * A level change from the engine; null when the alarm does not change. `current` is the
 * condition's latest record (a normal record when it was never retained).
 */
export function applyResult(current: AlarmTransition, r: RuleResult, ctx: StepContext): AlarmTransition | null {
  const base = {
    eventId: ctx.eventId, siteId: ctx.siteId, time: r.time, rts: ctx.now, priority: r.priority, value: r.value, message: r.message,
    ...codesOf(r, ctx),
    // Every process change says who hears it now: a level-1 alarm after a level-2 episode is not
    // the fire control room's again.
    audiences: r.audiences ?? [],
    ...(r.people === undefined ? {} : { people: r.people }),
    ...(r.cameras === undefined ? {} : { cameras: r.cameras }),
    // A tag's alarm is placed in the zone the tag is in now.
    ...(r.zoneId === undefined ? {} : { zoneId: r.zoneId }),
  };
  if (r.level === null) {
    if (!current.active) return null;
    // A return nobody was shown needs no acknowledgement; a one-shot shelve ends here.
    const hidden = !current.annunciated;
    const acked = current.acked || hidden;
    const shelved = current.shelved?.kind === 'one-shot' ? null : current.shelved;
    const suppressed = suppressionAfter(current, false, false, ctx);
    const change = { ...base, reason: 'return', active: false, activeSince: null, acked, ackedAt: acked ? (current.ackedAt ?? ctx.now) : null, shelved, suppressed, level: current.level } as const;
    return advance(current, change, ctx.policy);
  }
  if (!current.active) {
    const change = { ...base, reason: 'activate', active: true, activeSince: r.time, acked: false, ackedAt: null, suppressed: suppressionAfter(current, true, true, ctx), level: r.level } as const;
    return advance(current, change, ctx.policy);
  }
  if (r.level === current.level) return null;
  const suppressed = suppressionAfter(current, true, false, ctx);
  if (isEscalation(current, { level: r.level, priority: r.priority })) {
    return advance(current, { ...base, reason: 'escalate', acked: false, ackedAt: null, suppressed, level: r.level }, ctx.policy);
  }
  return advance(current, { ...base, reason: 'deescalate', suppressed, level: r.level }, ctx.policy);
}
