import type { AlarmTransition, Suppression } from '../core/index.js';
import type { StepContext } from './policy.js';
import { nextRecord } from './record.js';
import { reveal } from './state.js';

function sameSuppression(a: Suppression | null, b: Suppression | null): boolean {
  return a === b || (a !== null && b !== null && a.by === b.by && a.reason === b.reason);
}

/**
 * The next change the gateway makes on its own at `ctx.now`, or null: a timed shelve that has run
 * out, a design suppression that starts or ends (`ctx.suppression`: the `when` predicates now), an
 * acknowledged alarm still active `realarm` after its acknowledgement. One change per call: the
 * manager calls again until null, so each is its own journaled transition.
 */
export function systemStep(c: AlarmTransition, ctx: StepContext): AlarmTransition | null {
  const base = { eventId: ctx.eventId, siteId: ctx.siteId, time: ctx.now, rts: ctx.now };
  if (c.shelved?.until != null && c.shelved.until <= ctx.now) {
    const comment = `timed shelve by ${c.shelved.user} ended`;
    return nextRecord(c, { ...base, ...reveal(c, { shelved: null }, ctx.policy), reason: 'shelve-expired', comment });
  }
  // A first-out suppression holds while the alarm stays active; a `when` one follows its predicates.
  const design = ctx.suppression ?? (c.active && c.suppressed?.by === 'first-out' ? c.suppressed : null);
  if (!sameSuppression(design, c.suppressed)) {
    if (design !== null) return nextRecord(c, { ...base, suppressed: design, reason: 'suppress', comment: design.reason });
    return nextRecord(c, { ...base, ...reveal(c, { suppressed: null }, ctx.policy), reason: 'unsuppress' });
  }
  const realarm = ctx.policy.realarmMs;
  if (realarm !== null && c.active && c.acked && c.annunciated && c.ackedAt !== null && ctx.now - c.ackedAt >= realarm) {
    return nextRecord(c, { ...base, reason: 're-alarm', acked: false, ackedAt: null, comment: `still active ${Math.round((ctx.now - c.ackedAt) / 1000)} s after its acknowledgement` });
  }
  return null;
}
