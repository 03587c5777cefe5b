import type { AlarmTransition, Suppression } from '../core/index.js';
import type { StepContext } from './policy.js';
import { advance, mayHide } from './state.js';

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
    return advance(c, { ...base, shelved: null, reason: 'shelve-expired', comment }, ctx.policy);
  }
  // A first-out suppression holds while the alarm stays active; a `when` one follows its predicates,
  // but starts hiding a shown alarm only once it is acknowledged.
  const design = ctx.suppression ?? (c.active && c.suppressed?.by === 'first-out' ? c.suppressed : null);
  if (!sameSuppression(design, c.suppressed) && (design === null || c.suppressed !== null || mayHide(c))) {
    if (design !== null) return advance(c, { ...base, suppressed: design, reason: 'suppress', comment: design.reason }, ctx.policy);
    return advance(c, { ...base, suppressed: null, reason: 'unsuppress' }, ctx.policy);
  }
  const realarm = ctx.policy.realarmMs;
  if (realarm !== null && c.active && c.acked && c.annunciated && c.ackedAt !== null && ctx.now - c.ackedAt >= realarm) {
    return advance(c, { ...base, reason: 're-alarm', acked: false, ackedAt: null, comment: `still active ${Math.round((ctx.now - c.ackedAt) / 1000)} s after its acknowledgement` }, ctx.policy);
  }
  return null;
}
