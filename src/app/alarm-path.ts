import { isHazgateError, type Logger, type RuleResult } from '../core/index.js';
import type { AlarmManager } from '../alarms/index.js';

/**
 * Feeds rule results to the alarm manager in order. When the journal cannot write, the manager
 * changes nothing and throws; the result waits here (in order, never dropped) and is retried on
 * the next tick, so an alarm is late rather than lost.
 */
export class AlarmPath {
  private readonly pending: RuleResult[] = [];

  constructor(
    private readonly alarms: AlarmManager,
    private readonly logger: Logger,
  ) {}

  get backlog(): number {
    return this.pending.length;
  }

  apply(results: readonly RuleResult[]): void {
    for (const r of results) {
      if (this.pending.length > 0 || !this.tryApply(r)) this.pending.push(r);
    }
  }

  retry(): void {
    while (this.pending.length > 0) {
      const next = this.pending[0];
      if (next === undefined || !this.tryApply(next)) return;
      this.pending.shift();
    }
  }

  /**
   * The alarm manager's own changes (shelves running out, re-alarm, design suppression). One the
   * journal cannot take is not made, and is found again at the next tick.
   */
  tick(now: number): void {
    if (this.pending.length > 0) return;
    try {
      this.alarms.tick(now);
    } catch (e) {
      if (!isHazgateError(e)) throw e;
      this.logger.error({ code: e.code }, `alarm timers wait for the journal: ${e.message}`);
    }
  }

  private tryApply(r: RuleResult): boolean {
    try {
      this.alarms.apply(r);
      return true;
    } catch (e) {
      if (!isHazgateError(e)) throw e;
      this.logger.error({ code: e.code, conditionId: r.conditionId, backlog: this.pending.length + 1 }, `alarm transition waits for the journal: ${e.message}`);
      return false;
    }
  }
}
