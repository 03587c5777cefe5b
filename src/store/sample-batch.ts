import type { QualityLevel } from '../core/index.js';

/**
 * Samples in columns, as they travel from the write buffer to the database. Point ids are the
 * store's small integer ids (the `points` dictionary); booleans are 0/1; ts is whole epoch ms.
 */
export interface SampleBatch {
  readonly length: number;
  readonly point: Int32Array;
  readonly ts: Float64Array;
  readonly value: Float64Array;
  readonly quality: Uint8Array;
  readonly reason: readonly (string | null)[];
}

/** One stored or buffered sample of a known point, before it becomes a `Sample` again. */
export interface StoredRow {
  readonly ts: number;
  readonly value: number;
  readonly quality: number;
  readonly reason: string | null;
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

export function emptyBatch(): SampleBatch {
  return { length: 0, point: new Int32Array(0), ts: new Float64Array(0), value: new Float64Array(0), quality: new Uint8Array(0), reason: [] };
}
