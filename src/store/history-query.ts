import type { Quality, Sample } from '../core/index.js';
import { GOOD } from '../core/index.js';
import type { HistorianDb } from './historian-db.js';
import type { PointEntry } from './point-dictionary.js';
import { NO_REASON, type ReasonDictionary } from './reason-dictionary.js';
import { allocColumns, MAX_TS_MS, qualityLevel, type SampleColumns } from './sample-batch.js';
import { RECENT_TABLE, SAMPLES_TABLE } from './tables.js';

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
// ts leaves as DOUBLE (exact below 2^53): the client then hands out numbers, not a BigInt per row.
const HISTORY_SQL = `SELECT ts_ms, value, quality, reason FROM (
  SELECT ts::DOUBLE AS ts_ms, value, quality, reason FROM ${SAMPLES_TABLE}
    WHERE point = $1::INTEGER AND ts BETWEEN $2::BIGINT AND $3::BIGINT
  UNION ALL SELECT ts AS ts_ms, value, quality, reason FROM ${RECENT_TABLE}
    WHERE point = $1::INTEGER AND ts BETWEEN $2::DOUBLE AND $3::DOUBLE
) ORDER BY ts_ms LIMIT $4::BIGINT`;

/** Stored samples of one point in the range, oldest first. */
export function readStored(db: HistorianDb, point: number, r: StoredRange): Promise<SampleColumns> {
  return db.readSamples(HISTORY_SQL, [point, BigInt(r.from), BigInt(r.to), BigInt(r.limit)]);
}

/** Merges two ts-ordered column sets, keeping at most `limit` of the oldest (a first on equal ts). */
export function mergeByTs(a: SampleColumns, b: SampleColumns, limit: number): SampleColumns {
  if (b.length === 0 && a.length <= limit) return a; // the usual case: nothing buffered in range
  const out = allocColumns(Math.min(limit, a.length + b.length));
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) {
    const fromA = j >= b.length || (i < a.length && (a.ts[i] ?? 0) <= (b.ts[j] ?? 0));
    const src = fromA ? a : b;
    const at = fromA ? i++ : j++;
    out.ts[k] = src.ts[at] ?? 0;
    out.value[k] = src.value[at] ?? 0;
    out.quality[k] = src.quality[at] ?? 0;
    out.reason[k] = src.reason[at] ?? 0;
  }
  return out;
}

/** Turns columns back into samples: the shape `HistoryReader.query` promises. */
export function toSamples(point: PointEntry, c: SampleColumns, reasons: ReasonDictionary): Sample[] {
  const out = new Array<Sample>(c.length);
  const asBoolean = point.valueType === 'boolean';
  for (let k = 0; k < c.length; k++) {
    const ts = c.ts[k] ?? 0;
    const value = c.value[k] ?? 0;
    out[k] = {
      pointId: point.pointId,
      value: asBoolean ? value !== 0 : value,
      quality: toQuality(c.quality[k] ?? 0, reasons.text(c.reason[k] ?? NO_REASON)),
      ts,
      // Receive time and time source are not stored (they would cost disk for every sample).
      rts: ts,
      tsSource: 'device',
    };
  }
  return out;
}

function toQuality(code: number, reason: string | null): Quality {
  if (code === 0 && reason === null) return GOOD;
  const level = qualityLevel(code);
  return reason === null ? { level } : { level, reason };
}
