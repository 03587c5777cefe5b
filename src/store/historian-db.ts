import type { SampleBatch } from './sample-batch.js';

/** The values the store binds and reads back: DuckDB's BIGINT arrives as bigint. */
export type DbValue = number | bigint | string | boolean | null;
export type DbRow = readonly DbValue[];

/**
 * The few database calls the store makes, so the DuckDB client stays behind one file and tests
 * can wrap the real database to inject a fault (a failing append, a failing commit).
 * Methods throw the client's own errors; the store turns them into coded HazgateErrors.
 */
export interface HistorianDb {
  /** The database file, for error messages. */
  readonly file: string;
  run(sql: string, params?: readonly DbValue[]): Promise<void>;
  read(sql: string, params?: readonly DbValue[]): Promise<DbRow[]>;
  /**
   * Appends a batch to a samples table (columns point, ts, value, quality, reason) inside the
   * caller's open transaction, so a failed flush rolls back as a whole.
   */
  appendSamples(table: string, batch: SampleBatch): Promise<void>;
  checkpoint(): Promise<void>;
  /** Checkpoints and releases the file. */
  close(): Promise<void>;
}

export type OpenHistorianDb = (file: string) => Promise<HistorianDb>;

/** Reads a count or an integer column that DuckDB returns as bigint or number. */
export function toNumber(v: DbValue | undefined): number {
  if (typeof v === 'bigint' || typeof v === 'number') return Number(v);
  return 0;
}
