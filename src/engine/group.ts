import type { Point, Priority, RuleResult, RuleSpec, Sample } from '../core/index.js';
import type { EngineCondition } from './condition.js';
import { audiencesOf, regulatoryCodes } from './extras.js';

/**
 * The state step of a condition over several points (a valve's command and limit switches, the
 * detectors of a zone, a methane sensor and the feeders it cuts). Like `Evaluator`, it owns its
 * state and changes it in place.
 */
export interface GroupEvaluator {
  /** Active level or null when normal. */
  readonly level: string | null;
  /** Priority of the active level; while normal, of the level last left. */
  readonly priority: Priority;
  readonly needsTick: boolean;
  /** What a result reports as its value: a count, the reading that decided. */
  readonly value: number | boolean | null;
  /** What the operator reads after the group's name: `2 of 3 detectors ≥ 25 %LEL`. */
  describe(): string;
  /** Feeds a sample of one member (`sample.pointId`); true when the level changed. */
  update(sample: Sample): boolean;
  tick(now: number): boolean;
  seed(level: string | null): boolean;
}

/** One group of a rule: its condition is `<ruleId>/<key>`. */
export interface Group {
  readonly key: string;
  readonly members: readonly Point[];
  /** The point results name (a methane sensor); null for a zone. */
  readonly pointId: string | null;
  readonly zoneId?: string | undefined;
  readonly evaluator: GroupEvaluator;
}

/** A group's alarm condition; results carry the regulatory codes of its named point (or first member). */
export class GroupCondition implements EngineCondition {
  readonly conditionId: string;
  readonly pointIds: readonly string[];
  readonly pointId: string | null;
  readonly zoneId: string | undefined;
  private readonly codes: Readonly<Record<string, string>> | undefined;

  constructor(
    readonly rule: RuleSpec,
    private readonly group: Group,
  ) {
    this.conditionId = `${rule.id}/${group.key}`;
    this.pointIds = group.members.map((p) => p.id);
    this.pointId = group.pointId;
    this.zoneId = group.zoneId;
    // The named point's codes; else the first member that has any (a zone of detectors, an interlock's flags).
    this.codes = regulatoryCodes(group.members.find((p) => p.id === group.pointId)) ?? group.members.map(regulatoryCodes).find((c) => c !== undefined);
  }

  get needsTick(): boolean {
    return this.group.evaluator.needsTick;
  }

  get level(): string | null {
    return this.group.evaluator.level;
  }

  update(_x: number, sample: Sample): RuleResult | null {
    return this.group.evaluator.update(sample) ? this.result(sample.ts) : null;
  }

  tick(now: number): RuleResult | null {
    return this.group.evaluator.tick(now) ? this.result(now) : null;
  }

  seed(level: string | null): boolean {
    return this.group.evaluator.seed(level);
  }

  private result(time: number): RuleResult {
    const e = this.group.evaluator;
    const level = e.level;
    const text = level === null ? `${this.group.key} back to normal (${e.describe()})` : `${this.group.key} ${level}: ${e.describe()}`;
    // A template words the alarm; a return to normal keeps the plain text (as point conditions do).
    const message = this.rule.message === undefined || level === null ? text : this.rule.message.replaceAll('{group}', this.group.key).replaceAll('{level}', level);
    return {
      conditionId: this.conditionId,
      ruleId: this.rule.id,
      ruleKind: this.rule.kind,
      pointId: this.pointId,
      ...(this.zoneId === undefined ? {} : { zoneId: this.zoneId }),
      level,
      priority: e.priority,
      value: e.value,
      time,
      message,
      ...(this.codes === undefined ? {} : { codes: this.codes }),
      ...(this.rule.audiences === undefined ? {} : { audiences: audiencesOf(this.rule, undefined) ?? [] }),
    };
  }
}
