import type { AlarmKpis, AlarmTransition, PositionKpis, Priority } from '../core/index.js';
import { EEMUA_FLOOD, FloodTracker, type FloodPolicy } from './flood.js';

/**
 * Alarm-system health over a period, from the journal (EEMUA 191 / ISA-18.2, DOMAIN.md). Pure.
 * An alarm is one presented to an operator (`isPresentedAlarm`); `positionOf` maps a point to its
 * operator position (its area; `site` when none).
 */
export interface KpiOptions {
  readonly from: number;
  readonly to: number;
  readonly positionOf: (pointId: string | null) => string;
  readonly flood?: FloodPolicy;
  /** Chattering: at least this many transitions of one condition within `chatterWindowMs`. */
  readonly chatterCount?: number;
  readonly chatterWindowMs?: number;
  /** Standing: active longer than this at the end of the period. */
  readonly standingMs?: number;
}

const TEN_MIN = 600_000;

const REVEALS: ReadonlySet<string> = new Set(['unshelve', 'shelve-expired', 'unsuppress', 'in-service']);

/**
 * An alarm presented to an operator: an activation, escalation or re-alarm that was annunciated
 * (shelved, suppressed and out-of-service ones are journaled, not presented), or a hidden active,
 * unacknowledged alarm being shown. Records from before
 * the full state model have no `annunciated` and were all presented.
 */
export function isPresentedAlarm(t: AlarmTransition): boolean {
  if ((t as Partial<AlarmTransition>).annunciated === false) return false;
  if (t.reason === 'activate' || t.reason === 'escalate' || t.reason === 're-alarm') return true;
  // A shelve, suppression or maintenance ending on an active alarm nobody acknowledged shows it now.
  return REVEALS.has(t.reason) && t.active && !t.acked;
}

/** Process changes (what chatters): not operator actions or the gateway's own changes. */
function isProcessChange(t: AlarmTransition): boolean {
  return t.reason === 'activate' || t.reason === 'escalate' || t.reason === 'deescalate' || t.reason === 'return';
}

export function alarmKpis(journal: readonly AlarmTransition[], o: KpiOptions): AlarmKpis {
  const sorted = [...journal].sort((a, b) => a.rts - b.rts);
  const inPeriod = sorted.filter((t) => t.rts >= o.from && t.rts <= o.to);
  const annunciated = inPeriod.filter(isPresentedAlarm);
  const periodMs = Math.max(1, o.to - o.from);
  const byPosition = new Map<string, number[]>();
  for (const t of annunciated) {
    const p = o.positionOf(t.pointId);
    byPosition.set(p, [...(byPosition.get(p) ?? []), t.rts]);
  }
  const positions = [...byPosition.entries()].map(([position, times]) => positionKpis(position, times, o, periodMs)).sort((a, b) => b.alarms - a.alarms);
  const counts = new Map<string, number>();
  for (const t of annunciated) counts.set(t.conditionId, (counts.get(t.conditionId) ?? 0) + 1);
  const total = annunciated.length;
  const badActors = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 10)
    .map(([conditionId, alarms]) => ({ conditionId, alarms, sharePct: pct(alarms, total) }));
  const priorities: Record<Priority, number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const t of annunciated) priorities[t.priority]++;
  return {
    from: o.from,
    to: o.to,
    alarms: total,
    positions,
    badActors,
    topTenSharePct: pct(badActors.reduce((n, b) => n + b.alarms, 0), total),
    chattering: chattering(inPeriod, o.chatterCount ?? 3, o.chatterWindowMs ?? 60_000),
    standing: standing(sorted, o.to, o.standingMs ?? 86_400_000),
    priorities,
  };
}

function positionKpis(position: string, times: readonly number[], o: KpiOptions, periodMs: number): PositionKpis {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[start] ?? 0) <= (times[end] ?? 0) - TEN_MIN) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return {
    position,
    alarms: times.length,
    per10Min: round(times.length / (periodMs / TEN_MIN)),
    perHour: round(times.length / (periodMs / 3_600_000)),
    perDay: round(times.length / (periodMs / 86_400_000)),
    peak10Min: peak,
    floodPct: round(pct(floodTime(times, o.flood ?? EEMUA_FLOOD, o.to), periodMs)),
  };
}

/** Time in flood: replay the alarms through a tracker, stepping to every moment one leaves the window. */
function floodTime(times: readonly number[], policy: FloodPolicy, to: number): number {
  const tracker = new FloodTracker(policy);
  const events = [...times.map((t) => ({ t, alarm: true })), ...times.map((t) => ({ t: t + policy.windowMs, alarm: false }))].sort((a, b) => a.t - b.t || Number(a.alarm) - Number(b.alarm));
  let since: number | undefined;
  let total = 0;
  for (const e of events) {
    if (e.t > to) break;
    if (e.alarm) {
      if (tracker.alarm('p', e.t)?.flood === true) since = e.t;
    } else {
      for (const c of tracker.advance(e.t)) if (!c.flood && since !== undefined) {
        total += c.time - since;
        since = undefined;
      }
    }
  }
  return since === undefined ? total : total + (to - since);
}

function chattering(transitions: readonly AlarmTransition[], count: number, windowMs: number): AlarmKpis['chattering'] {
  const byCondition = new Map<string, number[]>();
  for (const t of transitions) {
    if (!isProcessChange(t)) continue;
    byCondition.set(t.conditionId, [...(byCondition.get(t.conditionId) ?? []), t.rts]);
  }
  const out: { conditionId: string; transitions: number }[] = [];
  for (const [conditionId, times] of byCondition) {
    let most = 0;
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      while ((times[start] ?? 0) < (times[end] ?? 0) - windowMs) start++;
      most = Math.max(most, end - start + 1);
    }
    if (most >= count) out.push({ conditionId, transitions: most });
  }
  return out.sort((a, b) => b.transitions - a.transitions);
}

/** Conditions active at `to` since longer than `standingMs` (since their activation). */
function standing(sorted: readonly AlarmTransition[], to: number, standingMs: number): AlarmKpis['standing'] {
  const activeSince = new Map<string, number>();
  for (const t of sorted) {
    if (t.rts > to) break;
    if (!t.active) activeSince.delete(t.conditionId);
    else if (!activeSince.has(t.conditionId)) activeSince.set(t.conditionId, t.rts);
  }
  return [...activeSince.entries()]
    .filter(([, since]) => to - since > standingMs)
    .map(([conditionId, since]) => ({ conditionId, activeSince: since, hours: round((to - since) / 3_600_000) }))
    .sort((a, b) => a.activeSince - b.activeSince);
}

function pct(part: number, whole: number): number {
  return whole === 0 ? 0 : round((part / whole) * 100);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
