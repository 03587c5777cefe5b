import type { AuditEvent, AuditJournal, AuditRecord, AuditSink } from '../core/audit.js';
import type { Clock, Logger } from '../core/index.js';
import { auditRecordOf } from './audit-record.js';

/** Schedules a retry; returns its cancel. Injected so tests run on fake time. */
export type ScheduleRetry = (callback: () => void, delayMs: number) => () => void;

export interface JournalAuditSinkDeps {
  readonly journal: Pick<AuditJournal, 'appendAudit'>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly newEventId: () => string;
  readonly schedule: ScheduleRetry;
  readonly siteId?: string | undefined;
  /** After each record is journaled (the gateway copies it to the uplink outbox at once). */
  readonly onJournaled?: ((rts: number) => void) | undefined;
  /** Records waiting for a failed journal, at most; the oldest is dropped (counted, logged whole) beyond. */
  readonly maxPending?: number;
  readonly retryMs?: number;
}

export const AUDIT_MAX_PENDING = 1_000;
export const AUDIT_RETRY_MS = 1_000;

export interface AuditSinkStats {
  /** Records journaled. */
  recorded: number;
  /** Write attempts that failed (each is retried). */
  failures: number;
  /** Records given up: beyond maxPending, refused for good by the database, or pending at close. */
  dropped: number;
  /** Records waiting for the journal now. */
  pending: number;
}

/** SQLite refusals a retry cannot cure (a duplicate event id, a CHECK): the record is given up, not retried forever. */
function isPermanent(e: unknown): boolean {
  const cause = e instanceof Error ? e.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}

/**
 * The gateway's AuditSink: each event becomes a record in the journal's hash chain at once, in
 * the order recorded. `record` never throws into the request. When the journal cannot write (disk
 * full, the database locked by another process) the record waits in a bounded queue, in order,
 * and is retried with the next event and every `retryMs`; every failure is counted and logged
 * (HG_ERR_JOURNAL_WRITE, at the 1st, 10th, 100th… so a flood of failed logins on a full disk does
 * not flood the log), every record given up is logged whole, so the log keeps what the journal lost.
 */
export class JournalAuditSink implements AuditSink {
  readonly stats: AuditSinkStats = { recorded: 0, failures: 0, dropped: 0, pending: 0 };
  private readonly pending: AuditRecord[] = [];
  private cancelRetry: (() => void) | null = null;
  private closed = false;
  private failing = false;

  constructor(private readonly deps: JournalAuditSinkDeps) {}

  record(e: AuditEvent): void {
    try {
      const rts = this.deps.clock.now();
      this.pending.push(auditRecordOf(e, { eventId: this.deps.newEventId(), rts, siteId: this.deps.siteId }));
      if (this.pending.length > (this.deps.maxPending ?? AUDIT_MAX_PENDING)) this.giveUp(this.pending.shift(), 'the journal has failed too long');
      this.flush();
    } catch (err) {
      // A bug here (a clock or id generator that throws) must not fail a login either.
      this.deps.logger.error({ code: 'HG_ERR_INTERNAL', kind: e.kind, user: e.user, address: e.address, err: String(err) }, `audit event ${e.kind} could not be recorded`);
    } finally {
      this.stats.pending = this.pending.length;
    }
  }

  /** Writes what waits, in order; stops at the first failure and schedules a retry. Returns the records still waiting. */
  flush(): number {
    while (this.pending.length > 0) {
      const next = this.pending[0] as AuditRecord;
      try {
        this.deps.journal.appendAudit(next);
      } catch (err) {
        this.failed(next, err);
        if (!isPermanent(err)) break;
        this.pending.shift();
        continue;
      }
      this.pending.shift();
      this.journaled(next);
    }
    // After close nothing retries: the log is the last place left for them.
    if (this.closed) for (const r of this.pending.splice(0)) this.giveUp(r, 'the journal could not be written at shutdown');
    this.stats.pending = this.pending.length;
    if (this.pending.length > 0) this.scheduleRetry();
    return this.pending.length;
  }

  /** Shutdown: one last attempt; what still cannot be written is logged whole. */
  close(): void {
    this.closed = true;
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.flush();
  }

  private journaled(r: AuditRecord): void {
    this.stats.recorded++;
    if (this.failing) {
      this.failing = false;
      this.deps.logger.info({ failures: this.stats.failures }, 'audit records are written to the journal again');
    }
    try {
      this.deps.onJournaled?.(r.rts);
    } catch (err) {
      this.deps.logger.error({ code: 'HG_ERR_INTERNAL', err: String(err) }, 'after an audit record was journaled, passing it on failed');
    }
  }

  private failed(r: AuditRecord, err: unknown): void {
    this.stats.failures++;
    const n = this.stats.failures;
    if (isPermanent(err)) return this.giveUp(r, `the journal refused it: ${String(err)}`);
    this.failing = true;
    if (Number.isInteger(Math.log10(n))) {
      this.deps.logger.error({ code: 'HG_ERR_JOURNAL_WRITE', err: String(err), failures: n, pending: this.pending.length }, `audit records cannot be written to the journal; retried (${n} failures since start)`);
    }
  }

  private giveUp(r: AuditRecord | undefined, why: string): void {
    if (r === undefined) return;
    this.stats.dropped++;
    this.deps.logger.error({ code: 'HG_ERR_JOURNAL_WRITE', audit: r, dropped: this.stats.dropped }, `audit record ${r.eventId} (${r.kind}) is not in the journal: ${why}`);
  }

  private scheduleRetry(): void {
    if (this.closed || this.cancelRetry !== null) return;
    this.cancelRetry = this.deps.schedule(() => {
      this.cancelRetry = null;
      this.flush();
    }, this.deps.retryMs ?? AUDIT_RETRY_MS);
  }
}
