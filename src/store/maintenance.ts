import { toNumber, type HistorianDb } from './historian-db.js';
import { recordCompactedSql, type RecentGeneration } from './recent-generation.js';
import { RECENT_TABLE, RUN_ORDER, SAMPLES_TABLE } from './tables.js';

/** Each compaction sort handles at most about this many rows, so its memory stays bounded. */
const MAX_ROWS_PER_SLICE = 1_000_000;

/** An inclusive range of integer point ids moved by one INSERT … ORDER BY. */
export interface PointSlice {
  readonly first: number;
  readonly last: number;
}

/**
 * Groups consecutive point ids into slices of at most `maxRows` rows (a single point with more
 * rows gets a slice of its own). `counts` are [pointId, rows] sorted by pointId.
 */
export function planSlices(counts: readonly (readonly [number, number])[], maxRows: number): PointSlice[] {
  const slices: { first: number; last: number }[] = [];
  let rowsInLast = 0;
  for (const [point, rows] of counts) {
    const last = slices.at(-1);
    if (last !== undefined && rowsInLast + rows <= maxRows) {
      last.last = point;
      rowsInLast += rows;
    } else {
      slices.push({ first: point, last: point });
      rowsInLast = rows;
    }
  }
  return slices;
}

/**
 * Moves the recent (arrival-ordered) samples into the compacted table as runs clustered by point
 * (RUN_ORDER). Such runs are what DuckDB compresses well: the point column becomes RLE, ts deltas
 * are constant-ish and one point's neighbouring values are close (ALP). Measured on 1,000 points
 * at 1 Hz: arrival order ≈ 5-6.5 bytes/sample, hourly runs ≈ 2.4-3.1. The copy and the record of
 * which recent file it came from commit together; the recent file is then replaced by an empty
 * one (see RecentGeneration). Run from the store's queue, so no flush interleaves. Returns how
 * many samples moved.
 */
export async function compactRecent(db: HistorianDb, generation: RecentGeneration): Promise<number> {
  await generation.ensureFresh(db);
  const counts = await db.read(`SELECT point, count(*) FROM ${RECENT_TABLE} GROUP BY point ORDER BY point`);
  const slices = planSlices(
    counts.map(([p, n]) => [toNumber(p), toNumber(n)] as const),
    MAX_ROWS_PER_SLICE,
  );
  if (slices.length === 0) return 0;
  await inTransaction(db, async () => {
    for (const s of slices) {
      await db.run(
        `INSERT INTO ${SAMPLES_TABLE} SELECT point, ts::BIGINT, value, quality, reason FROM ${RECENT_TABLE}
          WHERE point BETWEEN $1::INTEGER AND $2::INTEGER ORDER BY ${RUN_ORDER}`,
        [s.first, s.last],
      );
    }
    await db.run(recordCompactedSql(generation.recent));
  });
  generation.markCompacted();
  await db.checkpoint('hist');
  await generation.ensureFresh(db);
  return counts.reduce((sum, [, n]) => sum + toNumber(n), 0);
}

/**
 * Deletes samples with ts < cutoff from both files (one transaction each: DuckDB writes to one
 * attached file per transaction; deleting is idempotent, so a half-done prune is redone next time).
 */
export async function pruneOlderThan(db: HistorianDb, generation: RecentGeneration, cutoffMs: number): Promise<number> {
  await generation.ensureFresh(db);
  let deleted = 0;
  for (const [table, catalog, tsType] of [
    [SAMPLES_TABLE, 'hist', 'BIGINT'],
    [RECENT_TABLE, 'recent', 'DOUBLE'],
  ] as const) {
    let n = 0;
    await inTransaction(db, async () => {
      const rows = await db.read(`DELETE FROM ${table} WHERE ts < $1::${tsType}`, [Math.floor(cutoffMs)]);
      n = toNumber(rows[0]?.[0]);
    });
    // Deleted rows only give their space back at a checkpoint (whole emptied row groups are dropped).
    if (n > 0) await db.checkpoint(catalog);
    deleted += n;
  }
  return deleted;
}

/** Runs `body` in a transaction; rolls back and rethrows when it fails. */
export async function inTransaction(db: HistorianDb, body: () => Promise<void>): Promise<void> {
  await db.run('BEGIN TRANSACTION');
  try {
    await body();
    await db.run('COMMIT');
  } catch (e) {
    await db.run('ROLLBACK').catch(() => undefined); // the transaction may already be gone; report the first error
    throw e;
  }
}
