import type { Priority, RateRule, Sample } from '../core/index.js';
import { isUsable, type Evaluator } from './evaluator.js';
import { MonotonicWindow } from './window.js';

/**
 * Rate of change over a sliding window of sample time: `RISE` when value − min(window) ≥ rise,
 * `FALL` when max(window) − value ≥ fall (RISE wins if both hold). No delays, no hysteresis: the
 * condition returns to normal on the first sample for which neither holds.
 */
export class RateEvaluator implements Evaluator {
  readonly needsTick = false;
  readonly priority: Priority;
  private readonly lows = new MonotonicWindow('min');
  private readonly highs = new MonotonicWindow('max');
  private lastTs = -Infinity;
  private current: 'RISE' | 'FALL' | null = null;
  private shownLimit: number;

  constructor(private readonly rule: RateRule) {
    this.priority = rule.priority;
    this.shownLimit = rule.rise ?? rule.fall ?? 0;
  }

  get level(): string | null {
    return this.current;
  }

  get limit(): number {
    return this.shownLimit;
  }

  update(x: number, sample: Sample): boolean {
    // A sample older than the newest one cannot be placed in the window: ignore it.
    if (!isUsable(sample) || !Number.isFinite(x) || sample.ts < this.lastTs) return false;
    this.lastTs = sample.ts;
    const cutoff = sample.ts - this.rule.windowMs;
    this.lows.push(sample.ts, x);
    this.highs.push(sample.ts, x);
    this.lows.evictBefore(cutoff);
    this.highs.evictBefore(cutoff);
    return this.setLevel(this.judge(x));
  }

  tick(): boolean {
    return false;
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== 'RISE' && level !== 'FALL') return false;
    this.setLevel(level);
    return true;
  }

  private judge(x: number): 'RISE' | 'FALL' | null {
    const { rise, fall } = this.rule;
    if (rise !== undefined && x - this.lows.front() >= rise) return 'RISE';
    if (fall !== undefined && this.highs.front() - x >= fall) return 'FALL';
    return null;
  }

  private setLevel(level: 'RISE' | 'FALL' | null): boolean {
    if (level === this.current) return false;
    this.current = level;
    if (level === 'RISE') this.shownLimit = this.rule.rise ?? 0;
    if (level === 'FALL') this.shownLimit = this.rule.fall ?? 0;
    return true;
  }
}
