import type { Point, PointRule, RuleResult, RuleSpec, Sample } from '../core/index.js';
import { audiencesOf, regulatoryCodes } from './extras.js';
import { isUsable, type Evaluator } from './evaluator.js';
import { conditionMessage, type MessageFacts } from './message.js';
import { RateEvaluator } from './rate.js';
import { StaleEvaluator } from './stale.js';
import { ThresholdEvaluator } from './threshold.js';

/** A condition of a core point rule, with its default message. */
export function pointCondition(rule: PointRule, point: Point, startedAt: number): Condition {
  return new Condition(rule, point, createEvaluator(rule, point, startedAt), (f) => conditionMessage(rule, f));
}

/** The evaluator for one (rule, point) pair. */
export function createEvaluator(rule: PointRule, point: Point, startedAt: number): Evaluator {
  switch (rule.kind) {
    case 'threshold':
      return new ThresholdEvaluator(rule, point);
    case 'rate':
      return new RateEvaluator(rule);
    case 'stale':
      return new StaleEvaluator(rule, startedAt);
  }
}

/**
 * What the engine holds per alarm condition: one point's (`Condition`) or a group's
 * (`GroupCondition`: a valve's signals, a zone's detectors). It reads the samples of `pointIds`.
 */
export interface EngineCondition {
  readonly conditionId: string;
  readonly rule: RuleSpec;
  /** The points whose samples it reads. */
  readonly pointIds: readonly string[];
  /** The point its alarms name; null for a zone or group without one. */
  readonly pointId: string | null;
  readonly zoneId?: string | undefined;
  readonly needsTick: boolean;
  readonly level: string | null;
  update(x: number, sample: Sample): RuleResult | null;
  tick(now: number): RuleResult | null;
  seed(level: string | null): boolean;
}

/**
 * One alarm condition `<ruleId>/<pointId>`: its evaluator plus what a RuleResult needs. Only a
 * level change builds an object; the no-change path writes one field.
 */
export class Condition implements EngineCondition {
  readonly conditionId: string;
  readonly pointIds: readonly string[];
  private readonly codes: Readonly<Record<string, string>> | undefined;
  /** Last usable value, for results that `tick` produces. */
  private lastValue: number | boolean | null = null;

  /** `message`: what the operator reads for a level change (a pack's own kinds bring their own). */
  constructor(
    readonly rule: RuleSpec,
    readonly point: Point,
    readonly evaluator: Evaluator,
    private readonly message: (f: MessageFacts) => string,
  ) {
    this.conditionId = `${rule.id}/${point.id}`;
    this.pointIds = [point.id];
    this.codes = regulatoryCodes(point);
  }

  get pointId(): string {
    return this.point.id;
  }

  get needsTick(): boolean {
    return this.evaluator.needsTick;
  }

  get level(): string | null {
    return this.evaluator.level;
  }

  /** Feeds a sample; returns the result when the level changed, else null. */
  update(x: number, sample: Sample): RuleResult | null {
    if (isUsable(sample)) this.lastValue = sample.value;
    return this.evaluator.update(x, sample) ? this.result(sample.ts) : null;
  }

  tick(now: number): RuleResult | null {
    return this.evaluator.tick(now) ? this.result(now) : null;
  }

  seed(level: string | null): boolean {
    return this.evaluator.seed(level);
  }

  private result(time: number): RuleResult {
    const { level, priority, limit } = this.evaluator;
    const value = this.lastValue;
    return {
      conditionId: this.conditionId,
      ruleId: this.rule.id,
      ruleKind: this.rule.kind,
      pointId: this.point.id,
      level,
      priority,
      value,
      time,
      message: this.message({ point: this.point, level, value, limit }),
      ...(this.codes === undefined ? {} : { codes: this.codes }),
      ...withAudiences(audiencesOf(this.rule, this.evaluator.audiences)),
    };
  }
}

function withAudiences(audiences: readonly string[] | undefined): { audiences?: readonly string[] } {
  return audiences === undefined ? {} : { audiences };
}
