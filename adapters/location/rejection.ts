import type { ErrorCode } from '../../src/core/errors.js';

/**
 * Why a payload or one of its entries was refused. Each reason is a label value of
 * `hazgate_location_rejected_total` and maps to one error code of the catalogue.
 */
export type RejectReason =
  | 'too-large'
  | 'not-json'
  | 'not-an-object'
  | 'missing-field'
  | 'wrong-type'
  | 'not-finite'
  | 'bad-value'
  | 'bad-timestamp'
  | 'unknown-field'
  | 'too-many-entries';

export const REJECT_REASONS: readonly RejectReason[] = [
  'too-large',
  'not-json',
  'not-an-object',
  'missing-field',
  'wrong-type',
  'not-finite',
  'bad-value',
  'bad-timestamp',
  'unknown-field',
  'too-many-entries',
];

export const REASON_CODES: Readonly<Record<RejectReason, ErrorCode>> = {
  'too-large': 'HG_ERR_INGEST_TOO_LARGE',
  'not-json': 'HG_ERR_INGEST_MALFORMED',
  'not-an-object': 'HG_ERR_INGEST_MALFORMED',
  'missing-field': 'HG_ERR_INGEST_MALFORMED',
  'wrong-type': 'HG_ERR_INGEST_MALFORMED',
  // JSON has no NaN; 1e999 parses to Infinity, and a location engine dividing by zero writes that.
  'not-finite': 'HG_ERR_INGEST_NOT_FINITE',
  'bad-value': 'HG_ERR_INGEST_MALFORMED',
  'bad-timestamp': 'HG_ERR_INGEST_BAD_TIMESTAMP',
  'unknown-field': 'HG_ERR_INGEST_MALFORMED',
  // More entries than maxEntries: too large a payload, counted in entries rather than bytes.
  'too-many-entries': 'HG_ERR_INGEST_TOO_LARGE',
};

/** One refused payload (index undefined) or array entry. */
export interface Rejection {
  readonly reason: RejectReason;
  /** Position in the payload's array; undefined for the whole payload or a single object. */
  readonly index: number | undefined;
  /** What was wrong, naming the field: `data.coordinates.x is a string`. */
  readonly detail: string;
}

/** Thrown inside an entry's parser, caught per entry: one bad entry never costs the others. */
export class EntryProblem extends Error {
  constructor(
    readonly reason: RejectReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}
