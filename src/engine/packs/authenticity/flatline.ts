import { FLATLINE_IGNORE_BELOW_ATTR, type FlatlineRule, type Point, type Priority, type Sample } from '../../../core/index.js';
import type { Evaluator } from '../../evaluator.js';
import { renderTemplate, type MessageFacts } from '../../message.js';
import { formatSpan, spanOf, withUnit } from './point-facts.js';

/**
 * The point's ignore limit: its `flatlineIgnoreBelow` attribute (a detector whose noise floor is
 * known), else the rule's `ignoreBelow`, else `ignoreBelowPct` of its span; -Infinity when none
 * applies (every reading is judged). The checks report an attribute that is not a number.
 */
export function ignoreLimitOf(rule: FlatlineRule, point: Point): number {
  const attr = point.attrs[FLATLINE_IGNORE_BELOW_ATTR];
  if (attr !== undefined && attr.trim() !== '' && Number.isFinite(Number(attr))) return Number(attr);
  if (rule.ignoreBelow !== undefined) return rule.ignoreBelow;
  const span = spanOf(point);
  if (rule.ignoreBelowPct !== undefined && span !== undefined) return span.low + (span.width * rule.ignoreBelowPct) / 100;
  return -Infinity;
}

/**
 * `FLATLINE` when good readings stay within ±tolerance of the reading that started the run for
 * `forMs` of gateway time (receive time, as the threshold delays: a device clock that is off or a
 * replayed backlog must not make a run look longer or shorter than the gateway saw it).
 *
 * A run is proven by readings, not by the clock: the level is decided on samples only, so a point
 * that stops sending is the stale rule's business, not a flatline. Readings below the ignore limit
 * never count (clean air reads exactly 0 on many detectors) and end a run. An uncertain or bad
 * reading ends the run without moving the level (a clamped under-range value is constant by
 * construction, and is not evidence either way); the next good reading starts a new run, and an
 * active FLATLINE stays while that reading is still the held value.
 */
export class FlatlineEvaluator implements Evaluator {
  readonly needsTick = false;
  readonly priority: Priority;
  /** For `{limit}`: the tolerance. */
  readonly limit: number;
  readonly ignoreBelow: number;
  private current: 'FLATLINE' | null = null;
  /** Receive time of the reading that started the run; NaN with no run. */
  private runStart = NaN;
  /** The reading the run is held at; kept across a non-good reading, NaN after a restart. */
  private anchor = NaN;

  constructor(
    private readonly rule: FlatlineRule,
    point: Point,
  ) {
    this.priority = rule.priority;
    this.limit = rule.tolerance;
    this.ignoreBelow = ignoreLimitOf(rule, point);
  }

  get level(): string | null {
    return this.current;
  }

  /** The value the run is held at (for messages). */
  get heldAt(): number {
    return this.anchor;
  }

  update(x: number, sample: Sample): boolean {
    if (sample.quality.level !== 'good' || !Number.isFinite(x)) {
      this.runStart = NaN;
      return false;
    }
    if (x < this.ignoreBelow) {
      this.runStart = NaN;
      this.anchor = NaN;
      return this.set(null);
    }
    const resuming = Number.isNaN(this.runStart);
    if (resuming || Math.abs(x - this.anchor) > this.rule.tolerance) {
      this.runStart = sample.rts;
      // An active flatline resumes after a non-good reading or a restart (no value known yet) as
      // long as the reading is still the held one; any other reading ends it.
      if (resuming && this.current !== null && (Number.isNaN(this.anchor) || Math.abs(x - this.anchor) <= this.rule.tolerance)) {
        if (Number.isNaN(this.anchor)) this.anchor = x;
        return false;
      }
      this.anchor = x;
      return this.set(null);
    }
    return this.current === null && sample.rts - this.runStart >= this.rule.forMs ? this.set('FLATLINE') : false;
  }

  tick(): boolean {
    return false;
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== 'FLATLINE') return false;
    this.current = level;
    return true;
  }

  private set(level: 'FLATLINE' | null): boolean {
    if (level === this.current) return false;
    this.current = level;
    return true;
  }
}

/** `GT-101 FLATLINE: 8.2 %LEL unchanged for 10 min (a stuck or frozen signal)`. */
export function flatlineMessage(rule: FlatlineRule, e: FlatlineEvaluator): (f: MessageFacts) => string {
  return (f) => {
    const id = f.point.id;
    const value = typeof f.value === 'number' ? withUnit(f.value, f.point) : 'no value';
    if (f.level === null) return `${id} back to normal (${value})`;
    if (rule.message !== undefined) return renderTemplate(rule.message, f);
    const within = rule.tolerance > 0 ? ` within ±${withUnit(rule.tolerance, f.point)}` : '';
    return `${id} ${f.level}: ${withUnit(e.heldAt, f.point)} unchanged${within} for ${formatSpan(rule.forMs)} (a stuck or frozen signal)`;
  };
}
