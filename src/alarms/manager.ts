import {
  HazgateError,
  isHazgateError,
  type AlarmJournal,
  type AlarmTransition,
  type Clock,
  type RuleResult,
  type TransitionReason,
} from '../core/index.js';
import { acknowledge, applyResult, isAckRefusal, type AckRefusal, type TransitionContext } from './state.js';

export interface AlarmManagerDeps {
  readonly siteId: string;
  readonly journal: AlarmJournal;
  readonly clock: Clock;
  readonly newEventId: () => string;
  /** Called after the transition is durable in the journal (WS hub, uplink outbox). */
  readonly onTransition: (t: AlarmTransition) => void;
}

/** Alarm manager counters (read by /metrics). */
export interface AlarmStats {
  readonly transitions: Record<TransitionReason, number>;
  acks: number;
  readonly ackRejected: Record<AckRefusal, number>;
  journalFailures: number;
}

/** Newest first among equals, most urgent first overall: the order an alarm list is read in. */
function byUrgency(a: AlarmTransition, b: AlarmTransition): number {
  return a.priority - b.priority || b.time - a.time || b.rts - a.rts;
}

/**
 * ISA-18.2 alarm state of every condition that is not normal, kept in memory and journaled.
 * Each change is appended to the journal before anyone hears of it; when the journal fails nothing
 * changes (state, listeners) and HG_ERR_JOURNAL_WRITE is thrown, so the caller can retry the same
 * result or acknowledgement: a transition is never silently lost.
 */
export class AlarmManager {
  private readonly retainedById = new Map<string, AlarmTransition>();
  private readonly counters: AlarmStats = {
    transitions: { activate: 0, escalate: 0, deescalate: 0, return: 0, acknowledge: 0 },
    acks: 0,
    ackRejected: { HG_ERR_ALARM_UNKNOWN_CONDITION: 0, HG_ERR_ALARM_STALE_EVENT: 0, HG_ERR_ALARM_ALREADY_ACKED: 0 },
    journalFailures: 0,
  };

  constructor(private readonly deps: AlarmManagerDeps) {}

  get stats(): Readonly<AlarmStats> {
    return this.counters;
  }

  /**
   * Loads the conditions the journal retained (startup). Returns them so the composition root can
   * seed the rule engine, otherwise a retained alarm would never return to normal:
   * `engine.seed(t.conditionId, t.active ? t.level : null)` (a returned-unacked condition is normal
   * for the engine; its `level` is only the last one it was in).
   */
  restore(): AlarmTransition[] {
    this.retainedById.clear();
    for (const t of this.deps.journal.loadRetained()) this.retainedById.set(t.conditionId, t);
    return this.retained();
  }

  /**
   * Applies an engine result; returns the transition, or null when the alarm state did not change.
   * @throws HazgateError HG_ERR_JOURNAL_WRITE (nothing changed; retry with the same result).
   */
  apply(result: RuleResult): AlarmTransition | null {
    const t = applyResult(this.retainedById.get(result.conditionId), result, this.context());
    if (t !== null) this.commit(t);
    return t;
  }

  /**
   * Acknowledges the event the operator saw.
   * @throws HazgateError HG_ERR_ALARM_UNKNOWN_CONDITION | HG_ERR_ALARM_STALE_EVENT |
   *   HG_ERR_ALARM_ALREADY_ACKED (refused and counted), HG_ERR_JOURNAL_WRITE (nothing changed).
   */
  acknowledge(conditionId: string, eventId: string, user: string, comment?: string): AlarmTransition {
    const ack = { kind: 'acknowledge', conditionId, eventId, user, ...(comment === undefined ? {} : { comment }) } as const;
    const step = acknowledge(this.retainedById.get(conditionId), ack, this.context());
    if (!step.ok) {
      if (isAckRefusal(step.error.code)) this.counters.ackRejected[step.error.code]++;
      throw step.error;
    }
    this.commit(step.transition);
    this.counters.acks++;
    return step.transition;
  }

  /** Latest transition of every condition that is not normal: most urgent priority, then newest, first. */
  retained(): AlarmTransition[] {
    return [...this.retainedById.values()].sort(byUrgency);
  }

  /** Latest transition of a retained condition; undefined when it is normal or unknown. */
  get(conditionId: string): AlarmTransition | undefined {
    return this.retainedById.get(conditionId);
  }

  private context(): TransitionContext {
    return { siteId: this.deps.siteId, eventId: this.deps.newEventId(), now: this.deps.clock.now() };
  }

  /** Journal first, then memory, then listeners: nobody hears of a change the journal lacks. */
  private commit(t: AlarmTransition): void {
    this.persist(t);
    if (t.state === 'normal') this.retainedById.delete(t.conditionId);
    else this.retainedById.set(t.conditionId, t);
    this.counters.transitions[t.reason]++;
    this.deps.onTransition(t);
  }

  private persist(t: AlarmTransition): void {
    try {
      this.deps.journal.append(t);
    } catch (cause) {
      this.counters.journalFailures++;
      if (isHazgateError(cause) && cause.code === 'HG_ERR_JOURNAL_WRITE') throw cause;
      const message = `alarm transition ${t.eventId} of "${t.conditionId}" could not be journaled`;
      throw new HazgateError('HG_ERR_JOURNAL_WRITE', message, { conditionId: t.conditionId, eventId: t.eventId }, cause);
    }
  }
}
