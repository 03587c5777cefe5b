import type { Quality, Sample } from '../core/index.js';
import { GOOD } from '../core/index.js';
import { toNumber, type DbRow, type HistorianDb } from './historian-db.js';
import type { PointEntry } from './point-dictionary.js';
import { MAX_TS_MS, qualityLevel, type StoredRow } from './sample-batch.js';
import { RECENT_TABLE, SAMPLES_TABLE } from './schema.js';

/** A query's time range in whole ms, as stored; null when it can match nothing. */
export interface StoredRange {
  readonly from: number;
  readonly to: number;
  readonly limit: number;
}

export function storedRange(from: number, to: number, limit: number): StoredRange | null {
  const lo = Math.floor(Math.max(from, -MAX_TS_MS));
  const hi = Math.floor(Math.min(to, MAX_TS_MS));
  const n = Math.floor(limit);
  if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi || !(n > 0)) return null;
  return { from: lo, to: hi, limit: n };
}

// Casts keep the comparisons on the columns' own types, so row-group min/max filters apply.
const RANGE = 'point = $1::INTEGER AND ts BETWEEN $2::BIGINT AND $3::BIGINT';
const HISTORY_SQL = `SELECT ts, value, quality, reason FROM ${SAMPLES_TABLE} WHERE ${RANGE}
  UNION ALL SELECT ts, value, quality, reason FROM ${RECENT_TABLE} WHERE ${RANGE}
  ORDER BY ts LIMIT $4::BIGINT`;

/** Stored samples of one point in the range, oldest first. */
export async function readStored(db: HistorianDb, point: number, r: StoredRange): Promise<StoredRow[]> {
  const rows = await db.read(HISTORY_SQL, [point, BigInt(r.from), BigInt(r.to), BigInt(r.limit)]);
  return rows.map(toStoredRow);
}

function toStoredRow([ts, value, quality, reason]: DbRow): StoredRow {
  return { ts: toNumber(ts), value: toNumber(value), quality: toNumber(quality), reason: typeof reason === 'string' ? reason : null };
}

/** Merges two ts-ordered lists, keeping at most `limit` of the oldest. */
export function mergeByTs(a: readonly StoredRow[], b: readonly StoredRow[], limit: number): StoredRow[] {
  const out: StoredRow[] = [];
  let i = 0;
  let j = 0;
  while (out.length < limit && (i < a.length || j < b.length)) {
    const x = a[i];
    const y = b[j];
    if (x !== undefined && (y === undefined || x.ts <= y.ts)) {
      out.push(x);
      i++;
    } else if (y !== undefined) {
      out.push(y);
      j++;
    }
  }
  return out;
}

export function toSample(point: PointEntry, row: StoredRow): Sample {
  return {
    pointId: point.pointId,
    value: point.valueType === 'boolean' ? row.value !== 0 : row.value,
    quality: toQuality(row.quality, row.reason),
    ts: row.ts,
    // Receive time and time source are not stored (they would cost disk for every sample).
    rts: row.ts,
    tsSource: 'device',
  };
}

function toQuality(code: number, reason: string | null): Quality {
  if (code === 0 && reason === null) return GOOD;
  const level = qualityLevel(code);
  return reason === null ? { level } : { level, reason };
}
