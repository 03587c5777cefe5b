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

/**
 * Suppression by a condition expression: the first `when` predicate that holds on its point's
 * latest good value. A point with no value or a value of uncertain or bad quality suppresses
 * nothing: when in doubt the alarm is shown.
 */
export function whenSuppression(when: readonly SuppressWhen[] | undefined, latest: (pointId: string) => Sample | undefined): Suppression | null {
  if (when === undefined) return null;
  for (const w of when) {
    const s = latest(w.point);
    if (s !== undefined && s.quality.level === 'good' && holds(w, s)) return { by: 'condition', reason: describe(w) };
  }
  return null;
}

/** A member of first-out group `group` activating while `first` (another member) is active is its consequence. */
export function firstOutSuppression(group: string, first: string | undefined): Suppression | null {
  return first === undefined ? null : { by: 'first-out', reason: `first-out group ${group}: ${first} was first` };
}
