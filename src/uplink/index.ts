export { SqliteOutbox, type AppendKind, type OutboxSyncMode, type SqliteOutboxOptions } from './outbox-sqlite.js';
export { FILL_WARNINGS, FillWatch, OUTBOX_DEFAULTS, type DropReason, type FillCrossing, type OutboxStats } from './outbox-bounds.js';
export { CATCH_UP_BATCH, catchUpJournal } from './repair.js';
