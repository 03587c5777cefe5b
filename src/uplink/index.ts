export { SqliteOutbox, type AppendKind, type OutboxSyncMode, type SqliteOutboxOptions } from './outbox-sqlite.js';
export { FILL_WARNINGS, FillWatch, OUTBOX_DEFAULTS, type DropReason, type FillCrossing, type OutboxStats } from './outbox-bounds.js';
export { CATCH_UP_BATCH, catchUpJournal } from './repair.js';
export { buildStatus, type GatewayFacts } from './status.js';
export { buildSnapshot, regulatoryCodesOf, type LatestSample } from './snapshot.js';
export { batchHeaders, IDEMPOTENCY_HEADER, idempotencyKey, requireSignature, SIGNATURE_HEADER, signBody, verifySignature } from './sign.js';
export { CentreSiteState, type ApplyResult, type BatchResult, type CentreSiteReport, type FeedGap } from './centre-apply.js';
export { JournalChainCheck, type ChainProblem, type HeadVerdict, type JournalChainReport, type TamperReport } from './centre-chain.js';
