import { randomUUID } from 'node:crypto';
import { JournalAuditSink, type ScheduleRetry } from '../alarms/audit-sink.js';
import type { AuditJournal } from '../core/audit.js';
import { systemClock, type Clock, type Logger } from '../core/index.js';

export interface AuditWiringOptions {
  /** Written into every record (the feed's centre knows the site anyway; a journal copied elsewhere still says it). */
  readonly siteId?: string;
  readonly clock?: Clock;
  /** After each audit record is journaled: the gateway passes `uplink.journaled`, so the record leaves with the feed at once. */
  readonly onJournaled?: (rts: number) => void;
  readonly newEventId?: () => string;
  readonly schedule?: ScheduleRetry;
}

const unrefTimer: ScheduleRetry = (callback, delayMs) => {
  const handle = setTimeout(callback, delayMs);
  // A pending retry must not keep a stopping gateway alive; close() makes the last attempt.
  handle.unref();
  return () => clearTimeout(handle);
};

/**
 * The gateway's AuditSink (docs/audit.md): every login, failed login, refusal, administration and
 * configuration change is a record in the alarm journal's hash chain, and travels with the feed.
 * `record` never throws; close the sink before the journal (it makes one last write attempt).
 */
export function journalAuditSink(journal: Pick<AuditJournal, 'appendAudit'>, logger: Logger, options: AuditWiringOptions = {}): JournalAuditSink {
  return new JournalAuditSink({
    journal,
    logger,
    clock: options.clock ?? systemClock,
    newEventId: options.newEventId ?? randomUUID,
    schedule: options.schedule ?? unrefTimer,
    siteId: options.siteId,
    onJournaled: options.onJournaled,
  });
}
