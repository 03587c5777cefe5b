import { createHash } from 'node:crypto';

/**
 * The alarm journal's hash chain, pure: every record's hash covers the previous record's hash, its
 * own sequence number and its full text, so an edited, deleted, inserted or reordered record breaks
 * the chain from there on. Regulators ask for tamper-evident alarm records. (Someone who rewrites
 * every hash after an edit is caught only against a head hash kept elsewhere: `hazgate journal
 * verify` prints the head, and the provincial feed sends it to the centre.)
 *
 * It lives in core because both the gateway (src/alarms writes it) and the receiving centre
 * (src/uplink checks it record by record as the feed delivers them) need the same definition.
 */
export const GENESIS = 'hazgate-journal-v1';

export function chainHash(previous: string, seq: number, record: string): string {
  return createHash('sha256').update(previous).update('\n').update(String(seq)).update('\n').update(record).digest('hex');
}

export interface ChainRow {
  readonly seq: number;
  readonly record: string;
  /** null for records written before the journal was chained. */
  readonly hash: string | null;
}

/** Where a chain stands: the last record's sequence number and hash (`{ seq: 0, hash: GENESIS }` when empty). */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export const EMPTY_CHAIN: ChainHead = Object.freeze({ seq: 0, hash: GENESIS });

export type ChainVerdict =
  | { readonly ok: true; readonly records: number; readonly unchained: number; readonly head: string }
  | { readonly ok: false; readonly records: number; readonly seq: number; readonly problem: string };

/**
 * Does `row` follow `previous` (the hash of the record before it, GENESIS for the first)? An
 * unchained row (hash null) follows only GENESIS: unchained rows are the oldest ones, never after
 * a chained record.
 */
export function linksTo(previous: string, row: ChainRow): boolean {
  if (row.hash === null) return previous === GENESIS;
  return chainHash(previous, row.seq, row.record) === row.hash;
}

/** The hash the next record chains from once `row` is accepted (an unchained row leaves it at GENESIS). */
export function headHashAfter(previous: string, row: ChainRow): string {
  return row.hash ?? previous;
}

/**
 * Checks rows in sequence order. `lastSeq` is the highest sequence number ever given (SQLite's
 * sqlite_sequence): rows missing at the end show as a gap there.
 */
export function verifyChain(rows: Iterable<ChainRow>, lastSeq: number): ChainVerdict {
  let previous = GENESIS;
  let expected: number | undefined;
  let records = 0;
  let unchained = 0;
  for (const row of rows) {
    if (row.hash === null) {
      if (records > unchained) return { ok: false, records, seq: row.seq, problem: 'a record without a hash after chained records (inserted?)' };
      unchained++;
      records++;
      expected = row.seq + 1;
      continue;
    }
    if (expected !== undefined && row.seq !== expected) {
      return { ok: false, records, seq: expected, problem: row.seq > expected ? `record ${expected} is missing (deleted?)` : `record ${row.seq} is out of order` };
    }
    if (!linksTo(previous, row)) {
      return { ok: false, records, seq: row.seq, problem: `record ${row.seq} does not match its hash (edited, or an earlier record was)` };
    }
    previous = row.hash;
    records++;
    expected = row.seq + 1;
  }
  if (expected !== undefined && lastSeq >= expected) {
    return { ok: false, records, seq: expected, problem: `records ${expected}..${lastSeq} are missing at the end (deleted?)` };
  }
  return { ok: true, records, unchained, head: previous };
}
