/**
 * How long rule evaluation takes, kept as plain bucket counts (the hot path never touches
 * prom-client; /metrics turns them into the `hazgate_rule_evaluation_seconds` histogram).
 * The sample path is timed on one evaluation in SAMPLE_EVERY: reading a monotonic timer twice per
 * sample would cost more than a threshold step itself. Every tick is timed.
 */

/** Upper bounds in seconds: one sample's conditions take microseconds, a tick over 10,000 stale rules milliseconds. */
export const EVALUATION_BUCKETS: readonly number[] = [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 2.5e-3, 1e-2, 0.1, 1];

/** One evaluation in this many on the sample path is timed. */
export const SAMPLE_EVERY = 64;

export type EvaluationPath = 'sample' | 'tick';

export interface EvaluationTiming {
  /** Upper bounds in seconds (EVALUATION_BUCKETS). */
  readonly bounds: readonly number[];
  /** Per bucket of EVALUATION_BUCKETS, not cumulative; the last entry counts the slower ones (+Inf). */
  readonly counts: number[];
  sum: number;
  count: number;
}

export function emptyTiming(): EvaluationTiming {
  return { bounds: EVALUATION_BUCKETS, counts: new Array<number>(EVALUATION_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
}

export function recordTiming(t: EvaluationTiming, seconds: number): void {
  let i = 0;
  while (i < EVALUATION_BUCKETS.length && seconds > (EVALUATION_BUCKETS[i] ?? Infinity)) i++;
  t.counts[i] = (t.counts[i] ?? 0) + 1;
  t.sum += seconds;
  t.count++;
}

/** A monotonic clock in milliseconds, for measuring only (rule time comes from samples and ticks). */
export type Stopwatch = () => number;

export const performanceStopwatch: Stopwatch = () => performance.now();
