import type { Priority, Sample } from '../core/index.js';

/**
 * The per-condition state step every rule kind implements. Evaluators own their state and change
 * it in place: the hot path (`update` without a level change) allocates nothing.
 */
export interface Evaluator {
  /** Active level (`HH`, `RISE`, `STALE`…) or null when the condition is normal. */
  readonly level: string | null;
  /** Priority of the active level; while normal, of the level last left. */
  readonly priority: Priority;
  /** Limit of the active (or last left) level, for messages. */
  readonly limit: number;
  /** Audiences of the active (or last left) level, besides the rule's; threshold levels may have them. */
  readonly audiences?: readonly string[] | undefined;
  /** True when `tick` can change the level (delays pending, staleness). */
  readonly needsTick: boolean;
  /**
   * Feed one sample; `x` is its value as a number (booleans as 0/1).
   * Returns true when the level changed.
   */
  update(x: number, sample: Sample): boolean;
  /** Let time pass without a sample; returns true when the level changed. */
  tick(now: number): boolean;
  /** Start from a level retained across a restart. Returns false for a level this rule does not have. */
  seed(level: string | null): boolean;
}

/** Bad samples are recorded elsewhere but never move a condition (OPC UA: Bad = value unusable). */
export function isUsable(sample: Sample): boolean {
  return sample.quality.level !== 'bad';
}
