/** Table names (qualified by the attached file: `hist` the store file, `recent` the recent file) and their columns. */
export const POINTS_TABLE = 'hist.points';
export const REASONS_TABLE = 'hist.reasons';
/** Compacted history: runs sorted by (point, ts), which is what lets DuckDB compress it well. */
export const SAMPLES_TABLE = 'hist.samples';
/** Flushes land here in arrival order; compaction moves them to `samples`, sorted. */
export const RECENT_TABLE = 'recent.samples_recent';

/** reason: a `reasons` id, 0 for none. */
export const SAMPLE_COLUMNS = 'point INTEGER NOT NULL, ts BIGINT NOT NULL, value DOUBLE NOT NULL, quality UTINYINT NOT NULL, reason INTEGER NOT NULL';
/** The recent table takes ts as DOUBLE: the appender then needs no BigInt per row (see duckdb-chunks.ts). */
export const RECENT_COLUMNS = 'point INTEGER NOT NULL, ts DOUBLE NOT NULL, value DOUBLE NOT NULL, quality UTINYINT NOT NULL, reason INTEGER NOT NULL';

/**
 * Runs sorted by point, with ts ascending for even point ids and descending for odd ones. At the
 * seam between two points ts then barely moves instead of jumping back a whole hour, so the ts
 * column's bit-packing groups that hold a seam need ~11 bits a value instead of ~22. Measured on
 * hourly runs of 1,000 points at 1 Hz: 3.2 → 2.4 bytes/sample (whole-second ts), 3.75 → 3.1
 * (random ms). Queries sort by ts themselves, so the order inside a run is free to choose.
 */
export const RUN_ORDER = 'point, CASE WHEN point % 2 = 0 THEN ts ELSE -ts END';
