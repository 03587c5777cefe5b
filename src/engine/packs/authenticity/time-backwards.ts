import type { Priority, Sample, TimeBackwardsRule } from '../../../core/index.js';
import type { Evaluator } from '../../evaluator.js';
import { renderTemplate, type MessageFacts } from '../../message.js';
import { formatSpan } from './point-facts.js';

/**
 * `TIME_BACKWARDS` when a sample's source time is earlier than the previous sample's by more than
 * the tolerance: a device clock set back, records re-stamped, a feed replayed. (Source times too far
 * in the future never get here: the pipeline refuses them.) It clears after `clearAfter.samples`
 * samples in a row that did not go back, or `clearAfter.timeMs` of gateway time after the last step
 * back, whichever comes first; a new step back while active starts both counts again.
 *
 * Every quality counts (a timestamp is not made better or worse by the value's quality), but a
 * sample the gateway stamped itself (`tsSource: gateway`) has no source time and is skipped.
 */
export class TimeBackwardsEvaluator implements Evaluator {
  readonly needsTick: boolean;
  readonly priority: Priority;
  private current: 'TIME_BACKWARDS' | null = null;
  /** Source time of the previous sample; NaN before the first. */
  private lastTs = NaN;
  private forwardRun = 0;
  /** Receive time of the last step back. */
  private lastStepRts = NaN;
  /** The last step back: from this source time to `stepTo`, ms. */
  private stepFrom = NaN;
  private stepTo = NaN;

  constructor(private readonly rule: TimeBackwardsRule) {
    this.priority = rule.priority;
    this.needsTick = rule.clearAfter.timeMs !== undefined;
  }

  get level(): string | null {
    return this.current;
  }

  /** For `{limit}`: how far the last step went back, s. */
  get limit(): number {
    return Number.isNaN(this.stepFrom) ? 0 : (this.stepFrom - this.stepTo) / 1000;
  }

  /** The last step back: source times from and to. */
  get step(): { readonly from: number; readonly to: number } {
    return { from: this.stepFrom, to: this.stepTo };
  }

  update(_x: number, sample: Sample): boolean {
    if (sample.tsSource === 'gateway') return false;
    const previous = this.lastTs;
    this.lastTs = sample.ts;
    if (sample.ts < previous - this.rule.toleranceMs) {
      this.stepFrom = previous;
      this.stepTo = sample.ts;
      this.lastStepRts = sample.rts;
      this.forwardRun = 0;
      return this.set('TIME_BACKWARDS');
    }
    this.forwardRun++;
    const { samples } = this.rule.clearAfter;
    return samples !== undefined && this.forwardRun >= samples ? this.set(null) : false;
  }

  tick(now: number): boolean {
    const { timeMs } = this.rule.clearAfter;
    if (this.current === null || timeMs === undefined) return false;
    // After a restart (seeded) there is no step time: count from the first tick.
    if (Number.isNaN(this.lastStepRts)) this.lastStepRts = now;
    return now - this.lastStepRts >= timeMs ? this.set(null) : false;
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== 'TIME_BACKWARDS') return false;
    this.current = level;
    return true;
  }

  private set(level: 'TIME_BACKWARDS' | null): boolean {
    if (level === this.current) return false;
    this.current = level;
    return true;
  }
}

function isoTime(ts: number): string {
  return Number.isFinite(ts) ? new Date(ts).toISOString() : 'unknown';
}

/** `TT-101 TIME_BACKWARDS: source time went back 5 s (2026-01-01T00:00:05.000Z after 2026-01-01T00:00:10.000Z)`. */
export function timeBackwardsMessage(rule: TimeBackwardsRule, e: TimeBackwardsEvaluator): (f: MessageFacts) => string {
  return (f) => {
    const id = f.point.id;
    if (f.level === null) return `${id} back to normal: source time moving forward again`;
    if (rule.message !== undefined) return renderTemplate(rule.message, f);
    const { from, to } = e.step;
    return `${id} ${f.level}: source time went back ${formatSpan(from - to)} (${isoTime(to)} after ${isoTime(from)})`;
  };
}
