/**
 * What a configuration reload would change (pure): adapters, points and rules added, removed and
 * changed, and what cannot change without a restart. docs/reload.md says why each section is where it is.
 */

/** The parts of a site configuration a plan compares (SiteConfig has them; tests pass plain objects). */
export interface PlannedSite {
  readonly adapters: readonly { readonly id: string }[];
  readonly points: readonly { readonly id: string; readonly kind: string; readonly attrs: Readonly<Record<string, string>> }[];
  readonly rules: readonly { readonly id: string }[];
}

/** Ids added, removed and changed (deep-equal of their configuration), and how many stay as they are. */
export interface PlanPart {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: number;
}

export interface ReloadPlan {
  readonly adapters: PlanPart;
  readonly points: PlanPart;
  readonly rules: PlanPart;
  /** Why the new configuration needs a restart (a section or an interlock point that changed); empty when it can be reloaded. */
  readonly restartNeeded: readonly string[];
  /** What applies only partly until the next restart (said in the answer and the log). */
  readonly notes: readonly string[];
}

/** Sections a reload applies. `simulator` is read by `hazgate simulate` and `demo`, never by a running gateway. */
const RELOADED = new Set(['adapters', 'points', 'rules', 'simulator']);

/** Equal as JSON values, whatever the order of object keys. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** `redo`: ids counted as changed even when equal (adapters that did not start: the next reload tries them again). */
function compare<T extends { readonly id: string }>(before: readonly T[], after: readonly T[], redo: ReadonlySet<string> = new Set()): PlanPart {
  const old = new Map(before.map((x) => [x.id, x]));
  const next = new Set(after.map((x) => x.id));
  const added: string[] = [];
  const changed: string[] = [];
  let unchanged = 0;
  for (const x of after) {
    const was = old.get(x.id);
    if (was === undefined) added.push(x.id);
    else if (deepEqual(was, x) && !redo.has(x.id)) unchanged++;
    else changed.push(x.id);
  }
  return { added, removed: before.filter((x) => !next.has(x.id)).map((x) => x.id), changed, unchanged };
}

/** The bypass register reads interlocks from points at start (`attrs.interlock`, `bypass-register` points). */
function isInterlockPoint(p: PlannedSite['points'][number] | undefined): boolean {
  return p !== undefined && (p.attrs['interlock'] !== undefined || p.kind === 'bypass-register');
}

/** Sections other than adapters, points and rules that differ: each needs a restart. */
function restartSections(before: PlannedSite, after: PlannedSite): string[] {
  const a = before as unknown as Record<string, unknown>;
  const b = after as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !RELOADED.has(k)).sort();
  return keys.filter((k) => !deepEqual(a[k], b[k])).map((k) => `section "${k}" changed`);
}

/** `failedAdapters`: adapters that did not start at the last reload; they are started again (as changed) if still configured. */
export function planReload(before: PlannedSite, after: PlannedSite, failedAdapters: ReadonlySet<string> = new Set()): ReloadPlan {
  const points = compare(before.points, after.points);
  const oldPoints = new Map(before.points.map((p) => [p.id, p]));
  const newPoints = new Map(after.points.map((p) => [p.id, p]));
  const touched = [...points.added, ...points.removed, ...points.changed];
  const interlocks = touched.filter((id) => isInterlockPoint(oldPoints.get(id)) || isInterlockPoint(newPoints.get(id)));
  const restartNeeded = [
    ...restartSections(before, after),
    ...interlocks.map((id) => `interlock point "${id}" added, removed or changed (the bypass register reads interlocks at start)`),
  ];
  const notes: string[] = [];
  const site = after as unknown as Record<string, unknown>;
  if (points.added.length + points.removed.length > 0 && site['uplink'] !== undefined) notes.push('the uplink snapshot lists the points of the start until the next restart');
  return { adapters: compare(before.adapters, after.adapters, failedAdapters), points, rules: compare(before.rules, after.rules), restartNeeded, notes };
}

/** Whether applying the plan changes nothing. */
export function isEmptyPlan(plan: ReloadPlan): boolean {
  return [plan.adapters, plan.points, plan.rules].every((p) => p.added.length + p.removed.length + p.changed.length === 0);
}

function partSummary(name: string, p: PlanPart): string {
  return `${name} +${p.added.length} -${p.removed.length} ~${p.changed.length}`;
}

/** `adapters +0 -0 ~1, points +1 -0 ~0, rules +1 -1 ~1`: for the log and the audit record. */
export function planSummary(plan: ReloadPlan): string {
  return [partSummary('adapters', plan.adapters), partSummary('points', plan.points), partSummary('rules', plan.rules)].join(', ');
}
