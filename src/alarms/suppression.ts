import type { Sample, Suppression, SuppressWhen } from '../core/index.js';

function holds(w: SuppressWhen, s: Sample): boolean {
  if (w.equals !== undefined) return typeof w.equals === 'boolean' ? Boolean(s.value) === w.equals : s.value === w.equals;
  const x = typeof s.value === 'boolean' ? Number(s.value) : s.value;
  if (w.below !== undefined) return x < w.below;
  return w.above !== undefined && x > w.above;
}

function describe(w: SuppressWhen): string {
  if (w.label !== undefined) return w.label;
  if (w.equals !== undefined) return `${w.point} = ${String(w.equals)}`;
  return w.below !== undefined ? `${w.point} < ${w.below}` : `${w.point} > ${String(w.above)}`;
}

/** What the `when` predicates say now: a suppression, none, or unknown (a point has not reported since start). */
export type WhenVerdict = Suppression | null | 'unknown';

/**
 * Suppression by a condition expression: the first `when` predicate that holds on its point's
 * latest good value. A value of uncertain or bad quality suppresses nothing: when in doubt the
 * alarm is shown. When no predicate holds and a point has no value yet (just after a restart) the
 * verdict is `unknown`: the caller keeps what the journal says until the point reports.
 */
export function whenSuppression(when: readonly SuppressWhen[] | undefined, latest: (pointId: string) => Sample | undefined): WhenVerdict {
  if (when === undefined) return null;
  let unknown = false;
  for (const w of when) {
    const s = latest(w.point);
    if (s === undefined) unknown = true;
    else if (s.quality.level === 'good' && holds(w, s)) return { by: 'condition', reason: describe(w) };
  }
  return unknown ? 'unknown' : null;
}

/** A member of first-out group `group` activating while `first` (another member) is active is its consequence. */
export function firstOutSuppression(group: string, first: string | undefined): Suppression | null {
  return first === undefined ? null : { by: 'first-out', reason: `first-out group ${group}: ${first} was first` };
}
