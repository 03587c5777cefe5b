import { HazgateError, type Point, type RuleResult, type RuleSpec, type Sample } from '../core/index.js';
import type { EngineCondition } from './condition.js';
import { conditionsOf } from './kinds.js';

/** Engine counters (read by /metrics). */
export interface EngineStats {
  /** Condition evaluations on the sample path (one per condition per sample). */
  evaluations: number;
  /** RuleResults emitted (level changes), from samples and ticks. */
  results: number;
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
  private readonly counters: EngineStats = { evaluations: 0, results: 0 };

  /**
   * @param startedAt epoch ms the engine starts at: a point that never reports goes stale from here.
   * @throws HazgateError HG_ERR_CONFIG_INVALID when two rules produce the same condition id.
   */
  constructor(points: readonly Point[], rules: readonly RuleSpec[], startedAt: number) {
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
    const x = typeof sample.value === 'boolean' ? (sample.value ? 1 : 0) : sample.value;
    let out: RuleResult[] | null = null;
    for (const condition of conditions) {
      const result = condition.update(x, sample);
      if (result !== null) (out ??= []).push(result);
    }
    this.counters.evaluations += conditions.length;
    return this.emitted(out);
  }

  /** Lets time pass: stale rules and on/off-delays that complete without a new sample. */
  tick(now: number): readonly RuleResult[] {
    let out: RuleResult[] | null = null;
    for (const condition of this.timed) {
      const result = condition.tick(now);
      if (result !== null) (out ??= []).push(result);
    }
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

  private emitted(out: RuleResult[] | null): readonly RuleResult[] {
    if (out === null) return NO_RESULTS;
    this.counters.results += out.length;
    return out;
  }
}
