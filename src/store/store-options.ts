import type { Clock, Logger } from '../core/index.js';
import { openDuckDbHistorian } from './duckdb-historian.js';
import type { OpenHistorianDb } from './historian-db.js';

export interface EmbeddedStoreOptions {
  /** Folder of the store; the database is `<dir>/samples.duckdb` (created if missing). */
  readonly dir: string;
  /** Samples older than now − retentionDays are deleted on open and every retentionCheckMs. */
  readonly retentionDays: number;
  readonly flushIntervalMs?: number;
  /** Cap of the write buffer; when full the oldest samples are dropped and counted. */
  readonly maxBufferedSamples?: number;
  /**
   * How often flushed samples are moved into runs sorted by (point, ts). Longer runs compress
   * better (1,000 points at 1 Hz: hourly ≈ 3.2-3.8 bytes/sample, every 2 h ≈ 2.3-3.3) but keep
   * more samples in the less compact arrival-order table meanwhile.
   */
  readonly compactEveryMs?: number;
  readonly retentionCheckMs?: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How the database file is opened: DuckDB; tests wrap it to inject faults. */
  readonly openDb?: OpenHistorianDb;
}

export const DEFAULTS = {
  flushIntervalMs: 1_000,
  maxBufferedSamples: 1_000_000,
  compactEveryMs: 3_600_000,
  retentionCheckMs: 3_600_000,
  openDb: openDuckDbHistorian,
} as const satisfies Partial<EmbeddedStoreOptions>;

export interface StoreStats {
  /** Samples committed to the database. */
  readonly written: number;
  /** Samples lost: dropped by buffer overflow, or refused (after close, unusable timestamp). */
  readonly dropped: number;
  /** Failed flushes (their samples stayed buffered and were retried). */
  readonly writeErrors: number;
  /** Samples waiting for the next flush. */
  readonly buffered: number;
  /** Duration of the last successful flush, ms. */
  readonly lastFlushMs: number;
  /** Clock time of the last successful flush, epoch ms; null before the first. */
  readonly lastFlushAt: number | null;
  /** Points in the dictionary. */
  readonly points: number;
}
