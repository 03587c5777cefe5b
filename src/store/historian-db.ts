import type { PointEntry } from './point-dictionary.js';
import type { SampleBatch, SampleColumns } from './sample-batch.js';

/** The values the store binds and reads back: DuckDB's BIGINT arrives as bigint. */
export type DbValue = number | bigint | string | boolean | null;
export type DbRow = readonly DbValue[];

/** The two database files of the store, attached under these catalog names. */
export type Catalog = 'hist' | 'recent';

/**
 * The few database calls the store makes, so the DuckDB client stays behind one file and tests
 * can wrap the real database to inject a fault (a failing append, a failing commit).
 * Methods throw the client's own errors; the store turns them into coded HazgateErrors.
 *
 * Two files: `hist` (the store file: points, compacted samples) and `recent` (samples as flushed,
 * in arrival order, until the next compaction). A DuckDB transaction may write to one of them
 * only; reading the other meanwhile is fine.
 */
export interface HistorianDb {
  /** The store file, for error messages. */
  readonly file: string;
  /** The file of the recent samples, replaced by an empty one after each compaction. */
  readonly recentFile: string;
  run(sql: string, params?: readonly DbValue[]): Promise<void>;
  read(sql: string, params?: readonly DbValue[]): Promise<DbRow[]>;
  /** Runs a query whose columns are (ts DOUBLE, value DOUBLE, quality UTINYINT, reason INTEGER). */
  readSamples(sql: string, params?: readonly DbValue[]): Promise<SampleColumns>;
  /**
   * Appends a batch to the recent table (point INTEGER, ts DOUBLE, value DOUBLE, quality UTINYINT,
   * reason INTEGER) inside the
   * caller's open transaction, so a failed flush rolls back as a whole.
   */
  appendSamples(table: string, batch: SampleBatch): Promise<void>;
  /** Appends point rows (id, point_id, value_type) inside the caller's open transaction. */
  appendPoints(table: string, entries: readonly PointEntry[]): Promise<void>;
  checkpoint(catalog: Catalog): Promise<void>;
  /** Detaches the recent file, deletes it (and its WAL) and attaches a new, empty one. */
  resetRecent(): Promise<void>;
  /** Checkpoints and releases both files. */
  close(): Promise<void>;
}

export type OpenHistorianDb = (file: string) => Promise<HistorianDb>;

/** Reads a count or an integer column that DuckDB returns as bigint or number. */
export function toNumber(v: DbValue | undefined): number {
  if (typeof v === 'bigint' || typeof v === 'number') return Number(v);
  return 0;
}
