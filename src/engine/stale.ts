import type { Priority, Sample, StaleRule } from '../core/index.js';
import { isUsable, type Evaluator } from './evaluator.js';

/**
 * `STALE` when no good or uncertain sample arrived for `afterMs` of gateway time (the samples' `rts`
 * against `tick(now)`), so a silent sensor never looks normal. A point that never reported counts
 * from engine start. The next usable sample returns it to normal.
 */
export class StaleEvaluator implements Evaluator {
  readonly needsTick = true;
  readonly priority: Priority;
  readonly limit: number;
  private lastRts: number;
  private current: 'STALE' | null = null;

  constructor(rule: StaleRule, startedAt: number) {
    this.priority = rule.priority;
    this.limit = rule.afterMs;
    this.lastRts = startedAt;
  }

  get level(): string | null {
    return this.current;
  }

  update(_x: number, sample: Sample): boolean {
    if (!isUsable(sample)) return false;
    this.lastRts = sample.rts; // not the max: after the wall clock steps back, the old value would hide a silence
    if (this.current === null) return false;
    this.current = null;
    return true;
  }

  tick(now: number): boolean {
    if (this.current !== null || now - this.lastRts < this.limit) return false;
    this.current = 'STALE';
    return true;
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== 'STALE') return false;
    this.current = level;
    return true;
  }
}
