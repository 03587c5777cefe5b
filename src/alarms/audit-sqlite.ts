import Database from 'better-sqlite3';
import { AUDIT_STATE, auditConditionId, isAuditRecordText, readAuditRecord, type AuditEntry, type AuditQuery } from '../core/audit.js';
import { HazgateError } from '../core/index.js';
import type { ChainRow } from './chain.js';

/**
 * Audit records in the alarm journal (journal.db): rows of the same table and hash chain as the
 * alarm transitions, told apart by `state = 'audit'` (never an alarm state) and a condition id
 * `audit:<kind>`. Alarm queries (retained, recent) exclude that state; these read only it.
 */

/** Lets "the newest audit records" skip the alarm rows without a scan (old journals get it at open). */
export const AUDIT_INDEX = `CREATE INDEX IF NOT EXISTS alarm_transitions_audit ON alarm_transitions (seq) WHERE state = '${AUDIT_STATE}'`;

interface AuditParams {
  limit: number;
  since?: number;
  conditionId?: string;
  user?: string;
}

/** The query for these filters; `state = 'audit'` stays literal so SQLite may use the partial index. */
function auditSql(p: AuditParams): string {
  const where = [`state = '${AUDIT_STATE}'`];
  if (p.since !== undefined) where.push('rts >= @since');
  if (p.conditionId !== undefined) where.push('condition_id = @conditionId');
  if (p.user !== undefined) where.push("json_extract(record, '$.user') = @user");
  return `SELECT seq, record FROM alarm_transitions WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT @limit`;
}

/** Reads audit records of a journal database, newest first. @throws HazgateError HG_ERR_STORE_QUERY */
export function queryAudit(db: Database.Database, file: string, q: AuditQuery): AuditEntry[] {
  const params: AuditParams = { limit: q.limit };
  if (q.since !== undefined) params.since = q.since;
  if (q.kind !== undefined) params.conditionId = auditConditionId(q.kind);
  if (q.user !== undefined) params.user = q.user;
  let rows: { seq: number; record: string }[];
  try {
    rows = db.prepare<[AuditParams], { seq: number; record: string }>(auditSql(params)).all(params);
  } catch (cause) {
    throw new HazgateError('HG_ERR_STORE_QUERY', `alarm journal ${file} cannot be read: ${String(cause)}`, { file }, cause);
  }
  return rows.map((row) => {
    const record = readAuditRecord(row.record);
    if (record === null) throw new HazgateError('HG_ERR_STORE_QUERY', `alarm journal ${file} holds record ${row.seq} marked audit that is not an audit record`, { file, seq: row.seq });
    return { ...record, seq: row.seq };
  });
}

/** `hazgate journal audit`: opens a journal read-only (a running gateway keeps writing) and reads its audit records. */
export function readAuditFile(file: string, q: AuditQuery): AuditEntry[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return queryAudit(db, file, q);
  } finally {
    db.close();
  }
}

/** A journal row with the columns the queries select by (the chain covers only seq and record). */
export interface IndexedRow extends ChainRow {
  readonly state: string;
  readonly conditionId: string;
}

/**
 * Counts audit records while a verify reads the chain, and catches a row whose columns disagree
 * with its text: the chain covers the text only, so an audit record whose `state` was edited would
 * drop out of `recentAudit` unnoticed (and an alarm row set to `audit` out of the alarm queries).
 */
export class AuditColumnCheck {
  audit = 0;
  /** The first row whose columns do not match its text, and how many rows came before it. */
  mismatch: { readonly seq: number; readonly before: number; readonly problem: string } | null = null;
  private seen = 0;

  *rows(rows: Iterable<IndexedRow>): Generator<ChainRow> {
    for (const row of rows) {
      this.check(row);
      this.seen++;
      yield { seq: row.seq, record: row.record, hash: row.hash };
    }
  }

  private check(row: IndexedRow): void {
    let problem: string | null = null;
    if (isAuditRecordText(row.record)) {
      this.audit++;
      const record = readAuditRecord(row.record);
      if (record === null) problem = `record ${row.seq} starts as an audit record but is not one`;
      else if (row.state !== AUDIT_STATE || row.conditionId !== auditConditionId(record.kind)) {
        problem = `record ${row.seq} is an audit record (${record.kind}) filed as state "${row.state}", condition "${row.conditionId}" (its columns were edited)`;
      }
    } else if (row.state === AUDIT_STATE) {
      problem = `record ${row.seq} is an alarm transition filed as an audit record (its columns were edited)`;
    }
    if (problem !== null && this.mismatch === null) this.mismatch = { seq: row.seq, before: this.seen, problem };
  }
}
