import type { JournalFeedSource } from '../core/index.js';
import type { SqliteOutbox } from './outbox-sqlite.js';

/** Rows copied per transaction: bounded so a long catch-up does not hold one huge transaction. */
export const CATCH_UP_BATCH = 500;

/**
 * Copies the journal's rows the outbox has not got (seq > outbox.journalSeq()) into the outbox, in
 * journal order. Run at start (it repairs a crash between the journal's commit and the outbox's
 * copy) and after journal appends (it is the copy itself: one indexed read per call). Returns the
 * number of rows copied.
 */
export function catchUpJournal(outbox: SqliteOutbox, journal: JournalFeedSource, time: number, batch = CATCH_UP_BATCH): number {
  let copied = 0;
  for (;;) {
    const rows = journal.rowsAfter(outbox.journalSeq(), batch);
    if (rows.length === 0) return copied;
    copied += outbox.appendJournal(rows, time).length;
    if (rows.length < batch) return copied;
  }
}
