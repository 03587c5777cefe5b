import { HazgateError, type Point, type RuleResult, type RuleSpec, type Sample } from '../core/index.js';
import type { EngineCondition } from './condition.js';
import { conditionsOf } from './kinds.js';
import { emptyTiming, performanceStopwatch, recordTiming, SAMPLE_EVERY, type EvaluationPath, type EvaluationTiming, type Stopwatch } from './evaluation-timing.js';

/** Engine counters (read by /metrics). */
export interface EngineStats {
  /** Condition evaluations on the sample path (one per condition per sample). */
  evaluations: number;
  /** RuleResults emitted (level changes), from samples and ticks. */
  results: number;
  /** How long evaluation took, by path (the sample path sampled: evaluation-timing.ts). */
  readonly timing: Readonly<Record<EvaluationPath, EvaluationTiming>>;
}

/** Returned when nothing changed: shared and frozen, so the common path allocates nothing. */
const NO_RESULTS: readonly RuleResult[] = Object.freeze([]);

/**
 * Evaluates every rule on every sample, in memory. Pure: no I/O, no wall clock (time comes from
 * the samples and from `tick(now)`). Emits a RuleResult only when a condition's level changes.
 */
export class RuleEngine {
  private readonly byPoint = new Map<string, EngineCondition[]>();
  private readonly byId = new Map<string, EngineCondition>();
  /** Conditions whose level can change with time alone (stale rules, delays). */
  private readonly timed: EngineCondition[] = [];
  private readonly counters: EngineStats = { evaluations: 0, results: 0, timing: { sample: emptyTiming(), tick: emptyTiming() } };
  private untimed = 0;

  /**
   * @param startedAt epoch ms the engine starts at: a point that never reports goes stale from here.
   * @param stopwatch measures evaluation time for /metrics only; it never decides a result.
   * @throws HazgateError HG_ERR_CONFIG_INVALID when two rules produce the same condition id.
   */
  constructor(points: readonly Point[], rules: readonly RuleSpec[], startedAt: number, private readonly stopwatch: Stopwatch = performanceStopwatch) {
    for (const rule of rules) {
      for (const condition of conditionsOf(rule, points, startedAt)) this.add(condition);
    }
  }

  get stats(): Readonly<EngineStats> {
    return this.counters;
  }

  /** The condition changes one sample causes (usually none: then a shared empty array). */
  evaluate(sample: Sample): readonly RuleResult[] {
    const conditions = this.byPoint.get(sample.pointId);
    if (conditions === undefined) return NO_RESULTS;
    if (++this.untimed < SAMPLE_EVERY) return this.evaluateConditions(conditions, sample);
    this.untimed = 0;
    const started = this.stopwatch();
    const out = this.evaluateConditions(conditions, sample);
    recordTiming(this.counters.timing.sample, (this.stopwatch() - started) / 1000);
    return out;
  }

  /** Lets time pass: stale rules and on/off-delays that complete without a new sample. */
  tick(now: number): readonly RuleResult[] {
    const started = this.stopwatch();
    let out: RuleResult[] | null = null;
    for (const condition of this.timed) {
      const result = condition.tick(now);
      if (result !== null) (out ??= []).push(result);
    }
    recordTiming(this.counters.timing.tick, (this.stopwatch() - started) / 1000);
    return this.emitted(out);
  }

  /**
   * Starts a condition from the level the alarm journal retained across a restart, so a retained
   * alarm can return to normal. Emits nothing. False for an unknown condition or level.
   */
  seed(conditionId: string, level: string | null): boolean {
    return this.byId.get(conditionId)?.seed(level) ?? false;
  }

  /** The rule, named point and zone of a condition; undefined when there is no such condition. */
  condition(conditionId: string): { readonly rule: RuleSpec; readonly pointId: string | null; readonly zoneId?: string | undefined } | undefined {
    const c = this.byId.get(conditionId);
    return c === undefined ? undefined : { rule: c.rule, pointId: c.pointId, zoneId: c.zoneId };
  }

  conditionIds(): string[] {
    return [...this.byId.keys()];
  }

  /** Current level of a condition: null when normal, undefined when there is no such condition. */
  levelOf(conditionId: string): string | null | undefined {
    return this.byId.get(conditionId)?.level;
  }

  private add(condition: EngineCondition): void {
    const id = condition.conditionId;
    if (this.byId.has(id)) {
      throw new HazgateError('HG_ERR_CONFIG_INVALID', `alarm condition "${id}" is defined twice`, { conditionId: id });
    }
    this.byId.set(id, condition);
    for (const pointId of condition.pointIds) {
      const list = this.byPoint.get(pointId);
      if (list === undefined) this.byPoint.set(pointId, [condition]);
      else list.push(condition);
    }
    if (condition.needsTick) this.timed.push(condition);
  }

  /** Every condition of one sample's point; counted. */
  private evaluateConditions(conditions: readonly EngineCondition[], sample: Sample): readonly RuleResult[] {
    const x = typeof sample.value === 'boolean' ? (sample.value ? 1 : 0) : sample.value;
    let out: RuleResult[] | null = null;
    for (const condition of conditions) {
      const result = condition.update(x, sample);
      if (result !== null) (out ??= []).push(result);
    }
    this.counters.evaluations += conditions.length;
    return this.emitted(out);
  }

  private emitted(out: RuleResult[] | null): readonly RuleResult[] {
    if (out === null) return NO_RESULTS;
    this.counters.results += out.length;
    return out;
  }
}
