import type { QualityLevel } from '../core/index.js';

/**
 * Samples of one point in columns, as a query reads them back: ts is whole epoch ms, booleans
 * are 0/1, quality is the stored code (`qualityLevel`), reason a `ReasonDictionary` id (0 for
 * none). Columns rather than one object per sample, because a day of one point is 86,400 samples.
 */
export interface SampleColumns {
  readonly length: number;
  readonly ts: Float64Array;
  readonly value: Float64Array;
  readonly quality: Uint8Array;
  readonly reason: Int32Array;
}

/**
 * Samples in columns, as they travel from the write buffer to the database. Point ids are the
 * store's small integer ids (the `points` dictionary).
 */
export interface SampleBatch extends SampleColumns {
  readonly point: Int32Array;
}

/** Quality as stored: a UTINYINT column compresses to almost nothing (mostly constant 0). */
const QUALITY_CODE: Readonly<Record<QualityLevel, number>> = { good: 0, uncertain: 1, bad: 2 };
const QUALITY_LEVEL: readonly QualityLevel[] = ['good', 'uncertain', 'bad'];

export function qualityCode(level: QualityLevel): number {
  return QUALITY_CODE[level];
}

/** Unknown codes read back as bad: a value we cannot vouch for is never shown as good. */
export function qualityLevel(code: number): QualityLevel {
  return QUALITY_LEVEL[code] ?? 'bad';
}

/** Largest |ts| a JS Date accepts; anything beyond is not a time and would not fit the BIGINT column. */
export const MAX_TS_MS = 8.64e15;

/** Room for `n` samples, all zero. */
export function allocColumns(n: number): SampleColumns {
  return { length: n, ts: new Float64Array(n), value: new Float64Array(n), quality: new Uint8Array(n), reason: new Int32Array(n) };
}
