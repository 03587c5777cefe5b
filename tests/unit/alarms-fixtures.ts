import { HazgateError, isHazgateError, type AlarmJournal, type AlarmTransition, type JournalQuery, type Priority, type RuleResult } from '../../src/core/index.js';

export const T0 = Date.UTC(2025, 0, 1);

/** An engine result of condition `gas/GT-101` (or another point). */
export function result(level: string | null, priority: Priority, extra: Partial<RuleResult> = {}): RuleResult {
  const pointId = extra.pointId ?? 'GT-101';
  return {
    conditionId: `gas/${pointId}`,
    ruleId: 'gas',
    ruleKind: 'threshold',
    pointId,
    level,
    priority,
    value: 55,
    time: T0,
    message: `${pointId} ${level ?? 'back to normal'}`,
    ...extra,
  };
}

/** An in-memory journal that can be told to fail. */
export class FakeJournal implements AlarmJournal {
  readonly rows: AlarmTransition[] = [];
  failWith: Error | null = null;
  retainedOnLoad: AlarmTransition[] = [];

  /** Fails every append as a full disk would (sets failWith). */
  set failing(on: boolean) {
    this.failWith = on ? new HazgateError('HG_ERR_JOURNAL_WRITE', 'disk full') : null;
  }

  get failing(): boolean {
    return this.failWith !== null;
  }

  append(t: AlarmTransition): void {
    if (this.failWith !== null) throw this.failWith;
    this.rows.push(t);
  }

  loadRetained(): AlarmTransition[] {
    return this.retainedOnLoad;
  }

  recent(q: JournalQuery): AlarmTransition[] {
    return this.rows.slice(-q.limit).reverse();
  }

  close(): void {}
}

/** The flags of a record that is shown and needs nothing beyond its ack (spread into hand-built records). */
export const SHOWN = {
  activeSince: null,
  ackedAt: null,
  confirmed: true,
  latched: false,
  shelved: null,
  suppressed: null,
  outOfService: null,
  annunciated: true,
  colour: 'orange',
} as const;

/** The code a call throws (`accepted` when it does not throw). */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return isHazgateError(e) ? e.code : `not coded: ${String(e)}`;
  }
  return 'accepted';
}
