import type { AlarmHealthService, AlarmJournal, AlarmKpis, AlarmTransition, FloodState } from '../core/index.js';
import { EEMUA_FLOOD, FloodTracker, type FloodChange, type FloodPolicy } from './flood.js';
import { alarmKpis, isPresentedAlarm } from './kpi.js';

/** Transitions read back for a KPI period: the period, plus a week before it for standing alarms. */
const LOOK_BACK_MS = 7 * 86_400_000;
const MAX_ROWS = 1_000_000;

/**
 * Alarm-system health: live flood state per operator position (fed every transition, advanced by
 * the gateway's tick) and KPIs over any period, from the journal.
 */
export class AlarmHealth implements AlarmHealthService {
  private readonly tracker: FloodTracker;
  private readonly since = new Map<string, number>();

  constructor(
    private readonly journal: AlarmJournal,
    private readonly positionOf: (pointId: string | null) => string,
    private readonly policy: FloodPolicy = EEMUA_FLOOD,
  ) {
    this.tracker = new FloodTracker(policy);
  }

  /** An alarm presented to an operator (activation, escalation, re-alarm; not hidden) counts towards its position's flood. */
  observe(t: AlarmTransition): FloodChange | undefined {
    if (!isPresentedAlarm(t)) return undefined;
    return this.note(this.tracker.alarm(this.positionOf(t.pointId), t.rts));
  }

  advance(now: number): FloodChange[] {
    return this.tracker.advance(now).map((c) => this.note(c) ?? c);
  }

  floods(): readonly FloodState[] {
    return this.tracker.floods().map((position) => ({ position, count: this.tracker.count(position), since: this.since.get(position) ?? 0 }));
  }

  kpis(from: number, to: number): AlarmKpis {
    const rows = this.journal.recent({ since: from - LOOK_BACK_MS, limit: MAX_ROWS });
    return alarmKpis(rows, { from, to, positionOf: this.positionOf, flood: this.policy });
  }

  private note(c: FloodChange | undefined): FloodChange | undefined {
    if (c === undefined) return undefined;
    if (c.flood) this.since.set(c.position, c.time);
    else this.since.delete(c.position);
    return c;
  }
}
