import type { AlarmTransition, InServiceRate } from '../core/index.js';

const DAY_MS = 86_400_000;
/** Days are China Standard Time (UTC+8): a plant's day, as its reports count it. */
const CST_OFFSET_MS = 8 * 3_600_000;

/** `YYYY-MM-DD` of the CST day that starts at `dayStart` (epoch ms of 00:00 CST). */
function dayName(dayStart: number): string {
  return new Date(dayStart + CST_OFFSET_MS).toISOString().slice(0, 10);
}

function cstDayStart(t: number): number {
  return Math.floor((t + CST_OFFSET_MS) / DAY_MS) * DAY_MS - CST_OFFSET_MS;
}

/** The interlock of a bypass condition `<ruleId>/<interlock>`. */
function interlockOf(conditionId: string): string {
  return conditionId.slice(conditionId.indexOf('/') + 1);
}

/** Sorted intervals with overlaps joined: an interlock bypassed twice over (two rules watch it) counts once. */
function union(intervals: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of [...intervals].sort((x, y) => x[0] - y[0])) {
    const last = out.at(-1);
    if (last !== undefined && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Bypassed intervals [start, end) per unit, from the transitions of bypass conditions (any order). */
function bypassedIntervals(transitions: readonly AlarmTransition[], to: number): Map<string, [number, number][]> {
  const sorted = [...transitions].sort((a, b) => a.rts - b.rts);
  const since = new Map<string, { unit: string; start: number }>();
  const byInterlock = new Map<string, { unit: string; intervals: [number, number][] }>();
  const close = (conditionId: string, unit: string, start: number, end: number): void => {
    const key = `${unit}\u0000${interlockOf(conditionId)}`;
    const entry = byInterlock.get(key) ?? { unit, intervals: [] };
    entry.intervals.push([start, end]);
    byInterlock.set(key, entry);
  };
  for (const t of sorted) {
    const open = since.get(t.conditionId);
    if (t.active && open === undefined) since.set(t.conditionId, { unit: t.zoneId ?? 'site', start: t.rts });
    else if (!t.active && open !== undefined) {
      close(t.conditionId, open.unit, open.start, t.rts);
      since.delete(t.conditionId);
    }
  }
  for (const [conditionId, open] of since) close(conditionId, open.unit, open.start, to);
  const out = new Map<string, [number, number][]>();
  for (const { unit, intervals } of byInterlock.values()) out.set(unit, [...(out.get(unit) ?? []), ...union(intervals)]);
  return out;
}

/**
 * Interlock in-service rate (联锁投用率 = in service / total) per unit and CST day over [from, to]:
 * 100 % minus the interlock-time bypassed, from the journal's bypass conditions (`zoneId` = the
 * unit). `interlocksByUnit`: how many interlocks each unit has (from the configured points).
 */
export function inServiceRates(bypassTransitions: readonly AlarmTransition[], interlocksByUnit: ReadonlyMap<string, number>, from: number, to: number): InServiceRate[] {
  const intervals = bypassedIntervals(bypassTransitions, to);
  const rates: InServiceRate[] = [];
  for (const [unit, interlocks] of [...interlocksByUnit.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (interlocks <= 0) continue;
    for (let day = cstDayStart(from); day < to; day += DAY_MS) {
      const start = Math.max(day, from);
      const end = Math.min(day + DAY_MS, to);
      if (end <= start) continue;
      let bypassed = 0;
      for (const [a, b] of intervals.get(unit) ?? []) bypassed += Math.max(0, Math.min(b, end) - Math.max(a, start));
      const ratePct = Math.max(0, 100 * (1 - bypassed / (interlocks * (end - start))));
      rates.push({ unit, day: dayName(day), interlocks, bypassedHours: round(bypassed / 3_600_000), ratePct: round(ratePct) });
    }
  }
  return rates;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
