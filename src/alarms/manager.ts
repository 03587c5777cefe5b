import {
  HazgateError,
  isHazgateError,
  OPERATOR_ACTIONS,
  type AlarmJournal,
  type AlarmService,
  type AlarmTransition,
  type Clock,
  type ErrorCode,
  type OperatorAction,
  type OperatorRequest,
  type RuleResult,
  type Sample,
  type Suppression,
  type SuppressionSpec,
  type TransitionReason,
} from '../core/index.js';
import { applyAction } from './actions.js';
import { DEFAULT_POLICY, type AlarmPolicy, type StepContext } from './policy.js';
import { normalRecord, upgradeRecord, type ConditionInfo } from './record.js';
import { applyResult } from './state.js';
import { firstOutSuppression, whenSuppression } from './suppression.js';
import { systemStep } from './timers.js';

/** A configured condition: what it is, how its alarms behave, what suppresses it by design. */
export interface ConditionSetup {
  readonly info: ConditionInfo;
  readonly policy: AlarmPolicy;
  readonly suppress?: SuppressionSpec | undefined;
}

export interface AlarmManagerDeps {
  readonly siteId: string;
  readonly journal: AlarmJournal;
  readonly clock: Clock;
  readonly newEventId: () => string;
  /** Called after the transition is durable in the journal (WS hub, uplink outbox). */
  readonly onTransition: (t: AlarmTransition) => void;
  /**
   * The configured conditions (from the rule engine): operators may shelve or take out of service
   * a condition that is normal. Without it only retained conditions can be acted on, with default policy.
   */
  readonly conditions?: (conditionId: string) => ConditionSetup | undefined;
  /** Latest sample of a point, for `suppress.when` predicates. */
  readonly latest?: (pointId: string) => Sample | undefined;
  /** The longest timed shelve; default 8 h. */
  readonly maxShelveMs?: number;
  /** The site's regulatory codes (enterprise code), carried by every alarm under the point's own. */
  readonly siteCodes?: Readonly<Record<string, string>>;
}

/** Alarm manager counters (read by /metrics). */
export interface AlarmStats {
  readonly transitions: Record<TransitionReason, number>;
  /** Operator actions carried out. */
  readonly actions: Record<OperatorAction, number>;
  /** Operator actions refused, by action and code. */
  readonly refused: Record<OperatorAction, Partial<Record<ErrorCode, number>>>;
  journalFailures: number;
}

const REASONS: readonly TransitionReason[] = ['activate', 'escalate', 'deescalate', 'return', ...OPERATOR_ACTIONS, 're-alarm', 'shelve-expired', 'suppress', 'unsuppress'];

/** At most this many system changes of one condition per tick (expiry, suppression, re-alarm). */
const MAX_SYSTEM_STEPS = 4;

function perAction<T>(make: () => T): Record<OperatorAction, T> {
  return Object.fromEntries(OPERATOR_ACTIONS.map((a) => [a, make()])) as Record<OperatorAction, T>;
}

/** Newest first among equals, most urgent first overall: the order an alarm list is read in. */
function byUrgency(a: AlarmTransition, b: AlarmTransition): number {
  return a.priority - b.priority || b.time - a.time || b.rts - a.rts;
}

function infoOf(r: RuleResult): ConditionInfo {
  return { conditionId: r.conditionId, ruleId: r.ruleId, ruleKind: r.ruleKind, pointId: r.pointId, zoneId: r.zoneId, priority: r.priority };
}

/**
 * The ISA-18.2 state of every condition that is not normal, kept in memory and journaled: process
 * changes from the engine, operator actions, and the gateway's own changes (timed shelves running
 * out, re-alarm, design suppression). Each change is appended to the journal before anyone hears of
 * it; when the journal fails nothing changes and HG_ERR_JOURNAL_WRITE is thrown, so the caller can
 * retry: a transition is never silently lost. Restart: every flag, shelve end and latch is in the
 * latest record of each retained condition, so `restore` brings them back exactly.
 */
export class AlarmManager implements AlarmService {
  private readonly retainedById = new Map<string, AlarmTransition>();
  private readonly counters: AlarmStats = {
    transitions: Object.fromEntries(REASONS.map((r) => [r, 0])) as Record<TransitionReason, number>,
    actions: perAction(() => 0),
    refused: perAction(() => ({})),
    journalFailures: 0,
  };

  constructor(private readonly deps: AlarmManagerDeps) {}

  get stats(): Readonly<AlarmStats> {
    return this.counters;
  }

  /**
   * Loads the conditions the journal retained (startup). Returns them so the composition root can
   * seed the rule engine, otherwise a retained alarm would never return to normal:
   * `engine.seed(t.conditionId, t.active ? t.level : null)`. Shelves that ran out while the
   * gateway was down end at the first `tick`.
   */
  restore(): AlarmTransition[] {
    this.retainedById.clear();
    for (const t of this.deps.journal.loadRetained()) this.retainedById.set(t.conditionId, upgradeRecord(t));
    return this.retained();
  }

  /**
   * Applies an engine result; returns the transition, or null when the alarm did not change.
   * @throws HazgateError HG_ERR_JOURNAL_WRITE (nothing changed; retry with the same result).
   */
  apply(result: RuleResult): AlarmTransition | null {
    const setup = this.setupOf(result.conditionId);
    const current = this.retainedById.get(result.conditionId) ?? normalRecord(setup?.info ?? infoOf(result), this.deps.siteId);
    const activating = result.level !== null && !current.active;
    const t = applyResult(current, result, this.context(setup, this.designSuppression(result.conditionId, setup, activating)));
    if (t !== null) this.commit(t);
    return t;
  }

  /**
   * Carries out an operator action.
   * @throws HazgateError HG_ERR_ALARM_* when it does not apply (refused and counted),
   *   HG_ERR_JOURNAL_WRITE (nothing changed).
   */
  act(req: OperatorRequest): AlarmTransition {
    const setup = this.setupOf(req.conditionId);
    const current = this.retainedById.get(req.conditionId) ?? (setup === undefined ? undefined : normalRecord(setup.info, this.deps.siteId));
    if (current === undefined) {
      throw this.refused(req.action, new HazgateError('HG_ERR_ALARM_UNKNOWN_CONDITION', `no alarm condition "${req.conditionId}"`, { conditionId: req.conditionId, action: req.action }));
    }
    const step = applyAction(current, req, this.context(setup, null));
    if (!step.ok) throw this.refused(req.action, step.error);
    this.commit(step.transition);
    this.counters.actions[req.action]++;
    return step.transition;
  }

  /** Acknowledges the event the operator saw (the common action, kept short). */
  acknowledge(conditionId: string, eventId: string, user: string, comment?: string): AlarmTransition {
    return this.act({ action: 'acknowledge', conditionId, eventId, user, comment });
  }

  /**
   * Lets time pass: timed shelves that ran out, design suppressions that start or end, re-alarms.
   * Returns the transitions made.
   * @throws HazgateError HG_ERR_JOURNAL_WRITE: the change is not made and is found again next tick.
   */
  tick(now: number): AlarmTransition[] {
    const out: AlarmTransition[] = [];
    for (const id of [...this.retainedById.keys()]) {
      const setup = this.setupOf(id);
      for (let i = 0; i < MAX_SYSTEM_STEPS; i++) {
        const current = this.retainedById.get(id);
        if (current === undefined) break;
        const t = systemStep(current, { ...this.context(setup, this.designSuppression(id, setup, false)), now });
        if (t === null) break;
        this.commit(t);
        out.push(t);
      }
    }
    return out;
  }

  /** Latest transition of every condition that is not normal: most urgent priority, then newest, first. */
  retained(): AlarmTransition[] {
    return [...this.retainedById.values()].sort(byUrgency);
  }

  /** Latest transition of a retained condition; undefined when it is normal or unknown. */
  get(conditionId: string): AlarmTransition | undefined {
    return this.retainedById.get(conditionId);
  }

  private setupOf(conditionId: string): ConditionSetup | undefined {
    return this.deps.conditions?.(conditionId);
  }

  /**
   * `when` predicates first (kept as journaled while a point has not reported since start); on an
   * activation, the first-out group.
   */
  private designSuppression(conditionId: string, setup: ConditionSetup | undefined, activating: boolean): Suppression | null {
    const spec = setup?.suppress;
    if (spec === undefined) return null;
    const verdict = this.deps.latest === undefined ? null : whenSuppression(spec.when, this.deps.latest);
    const when = verdict === 'unknown' ? this.journaledWhen(conditionId) : verdict;
    if (when !== null || !activating || spec.firstOut === undefined) return when;
    const first = this.firstOf(spec.firstOut, conditionId);
    // A consequence names the group's original first trip, which it carries.
    if (first?.suppressed?.by === 'first-out') return first.suppressed;
    return firstOutSuppression(spec.firstOut, first?.conditionId);
  }

  private journaledWhen(conditionId: string): Suppression | null {
    const s = this.retainedById.get(conditionId)?.suppressed;
    return s?.by === 'condition' ? s : null;
  }

  /**
   * The trip that came first among the active members of a first-out group: shown ones, or ones
   * that are themselves its consequences. A member out of service, shelved or suppressed by its
   * own condition is not a trip anyone was shown, so it never hides a real one.
   */
  private firstOf(group: string, except: string): AlarmTransition | undefined {
    let first: AlarmTransition | undefined;
    for (const t of this.retainedById.values()) {
      if (t.conditionId === except || !t.active || this.setupOf(t.conditionId)?.suppress?.firstOut !== group) continue;
      if (!(t.annunciated || (t.suppressed?.by === 'first-out' && t.shelved === null && t.outOfService === null))) continue;
      const since = t.activeSince ?? t.time;
      if (first === undefined || since < (first.activeSince ?? first.time)) first = t;
    }
    return first;
  }

  private context(setup: ConditionSetup | undefined, suppression: Suppression | null): StepContext {
    return {
      siteId: this.deps.siteId,
      eventId: this.deps.newEventId(),
      now: this.deps.clock.now(),
      policy: setup?.policy ?? DEFAULT_POLICY,
      maxShelveMs: this.deps.maxShelveMs ?? 8 * 3_600_000,
      suppression,
      siteCodes: this.deps.siteCodes,
    };
  }

  private refused(action: OperatorAction, e: HazgateError): HazgateError {
    const byCode = this.counters.refused[action];
    byCode[e.code] = (byCode[e.code] ?? 0) + 1;
    return e;
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
