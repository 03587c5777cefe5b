import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AUDIT_INDEX, AuditColumnCheck, queryAudit, type IndexedRow } from './audit-sqlite.js';
import { chainHash, GENESIS, verifyChain, type ChainRow, type ChainVerdict } from './chain.js';
import { WalGroupSync } from './wal-group-sync.js';
import { AUDIT_STATE, auditConditionId, type AuditEntry, type AuditJournal, type AuditQuery, type AuditRecord } from '../core/audit.js';
import { HazgateError, type AlarmJournal, type AlarmTransition, type JournalFeedSource, type JournalQuery } from '../core/index.js';

/**
 * Every mode survives a process crash and kill -9 (WAL). Against power loss:
 * `full` syncs the WAL on every commit (each append waits 2-8 ms for the disk, measured here);
 * `group` syncs it within GROUP_COMMIT_MS of a commit, once for all commits since (the default);
 * `normal` leaves it to SQLite's checkpoints (SQLite WAL docs).
 */
export type JournalSyncMode = 'full' | 'group' | 'normal';

/** The most a power loss can cost in `group` mode. */
export const GROUP_COMMIT_MS = 50;

export interface SqliteJournalOptions {
  /** Folder of `journal.db`; created when missing. */
  readonly dir: string;
  readonly synchronous?: JournalSyncMode;
  /** Where a failed group fsync is reported (it is retried with the next commit). */
  readonly onSyncError?: (e: Error) => void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS alarm_transitions (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id     TEXT    NOT NULL UNIQUE,
    condition_id TEXT    NOT NULL,
    point_id     TEXT,
    rts          INTEGER NOT NULL,
    state        TEXT    NOT NULL,
    record       TEXT    NOT NULL
  );
  CREATE INDEX IF NOT EXISTS alarm_transitions_condition ON alarm_transitions (condition_id, seq);
  CREATE INDEX IF NOT EXISTS alarm_transitions_point ON alarm_transitions (point_id, seq);
  CREATE INDEX IF NOT EXISTS alarm_transitions_rts ON alarm_transitions (rts);
`;

const INSERT = `INSERT INTO alarm_transitions (seq, event_id, condition_id, point_id, rts, state, record, hash)
  VALUES (@seq, @eventId, @conditionId, @pointId, @rts, @state, @record, @hash)`;

/** Journals written before the hash chain get the column (their old rows stay unchained). */
function addHashColumn(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(alarm_transitions)').all();
  if (!columns.some((c) => c.name === 'hash')) db.exec('ALTER TABLE alarm_transitions ADD COLUMN hash TEXT');
}

/** The highest sequence number ever given (rows deleted at the end do not lower it). */
function lastSeqOf(db: Database.Database): number {
  const row = db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'alarm_transitions'").get();
  return row?.seq ?? 0;
}

/**
 * The latest row of each condition, kept when that condition is not back to normal. Audit rows
 * (their own `audit:<kind>` conditions) are left out after the grouping, which stays on its index.
 */
const RETAINED = `SELECT t.record FROM alarm_transitions t
  JOIN (SELECT condition_id, MAX(seq) AS seq FROM alarm_transitions GROUP BY condition_id) latest
    ON t.seq = latest.seq
  WHERE t.state NOT IN ('normal', '${AUDIT_STATE}') ORDER BY t.seq`;

/** `verify`: the chain, and what each row's columns say it is (see AuditColumnCheck). */
export type JournalVerdict = (Extract<ChainVerdict, { ok: true }> & { readonly audit: number }) | Extract<ChainVerdict, { ok: false }>;

interface Row {
  readonly record: string;
}

interface InsertParams {
  seq: number;
  hash: string;
  eventId: string;
  conditionId: string;
  pointId: string | null;
  rts: number;
  state: string;
  record: string;
}

interface RecentParams {
  limit: number;
  conditionId?: string;
  pointId?: string;
  since?: number;
}

type RecentStatement = Database.Statement<[RecentParams], Row>;

function isTransition(v: unknown): v is AlarmTransition {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<Record<keyof AlarmTransition, unknown>>;
  return typeof r.eventId === 'string' && typeof r.conditionId === 'string' && typeof r.state === 'string';
}

/**
 * The alarm journal in SQLite (WAL). Every transition is one row with its full record as JSON;
 * `append` returns once the row is committed (and synced, in `full` mode). Audit records (logins,
 * refusals, administration, docs/audit.md) are rows of the same hash chain, appended by
 * `appendAudit`; the alarm queries leave them out and `recentAudit` reads them.
 */
export class SqliteAlarmJournal implements AlarmJournal, AuditJournal, JournalFeedSource {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[InsertParams]>;
  private readonly retainedRows: Database.Statement<[], Row>;
  /** `recent` statements by the filters they use, each prepared on first use. */
  private readonly recentStatements = new Map<string, RecentStatement>();
  private readonly groupSync: WalGroupSync | null;
  private rowsAfterStatement: Database.Statement<[{ after: number; limit: number }], ChainRow> | undefined;
  /** The chain's head: the last record's sequence number and hash. */
  private seq = 0;
  private head = GENESIS;

  /** @throws HazgateError HG_ERR_STORE_OPEN naming the file (unwritable, corrupt, not a database). */
  constructor(options: SqliteJournalOptions) {
    this.file = join(options.dir, 'journal.db');
    let db: Database.Database | undefined;
    try {
      mkdirSync(options.dir, { recursive: true });
      db = new Database(this.file);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      db.exec(SCHEMA);
      addHashColumn(db);
      db.exec(AUDIT_INDEX);
      this.insert = db.prepare<[InsertParams]>(INSERT);
      const last = db.prepare<[], { hash: string | null }>('SELECT hash FROM alarm_transitions ORDER BY seq DESC LIMIT 1').get();
      this.seq = lastSeqOf(db);
      this.head = last?.hash ?? GENESIS;
      this.retainedRows = db.prepare<[], Row>(RETAINED);
    } catch (cause) {
      db?.close();
      throw new HazgateError('HG_ERR_STORE_OPEN', `alarm journal ${this.file} cannot be opened: ${String(cause)}`, { file: this.file }, cause);
    }
    this.db = db;
    const onSyncError = options.onSyncError ?? (() => undefined);
    this.groupSync = (options.synchronous ?? 'group') === 'group' ? new WalGroupSync(`${this.file}-wal`, GROUP_COMMIT_MS, onSyncError) : null;
  }

  append(t: AlarmTransition): void {
    try {
      this.chainRow({ eventId: t.eventId, conditionId: t.conditionId, pointId: t.pointId, rts: t.rts, state: t.state, record: JSON.stringify(t) });
    } catch (cause) {
      const message = `alarm transition ${t.eventId} of "${t.conditionId}" could not be written to ${this.file}: ${String(cause)}`;
      throw new HazgateError('HG_ERR_JOURNAL_WRITE', message, { file: this.file, eventId: t.eventId }, cause);
    }
  }

  /** An audit record, next in the same chain (so editing or deleting it breaks the chain as for a transition). */
  appendAudit(r: AuditRecord): void {
    try {
      this.chainRow({ eventId: r.eventId, conditionId: auditConditionId(r.kind), pointId: null, rts: r.rts, state: AUDIT_STATE, record: JSON.stringify(r) });
    } catch (cause) {
      const message = `audit record ${r.eventId} (${r.kind}) could not be written to ${this.file}: ${String(cause)}`;
      throw new HazgateError('HG_ERR_JOURNAL_WRITE', message, { file: this.file, eventId: r.eventId }, cause);
    }
  }

  /** Audit records, newest first (docs/audit.md). */
  recentAudit(q: AuditQuery): AuditEntry[] {
    return queryAudit(this.db, this.file, q);
  }

  loadRetained(): AlarmTransition[] {
    return this.read(() => this.retainedRows.all());
  }

  recent(q: JournalQuery): AlarmTransition[] {
    const params: RecentParams = { limit: q.limit };
    if (q.conditionId !== undefined) params.conditionId = q.conditionId;
    if (q.pointId !== undefined) params.pointId = q.pointId;
    if (q.since !== undefined) params.since = q.since;
    return this.read(() => this.recentStatement(params).all(params));
  }

  /** Records after `after` exactly as stored (text and hash), in order: what the provincial feed copies. */
  rowsAfter(after: number, limit: number): ChainRow[] {
    this.rowsAfterStatement ??= this.db.prepare<[{ after: number; limit: number }], ChainRow>('SELECT seq, record, hash FROM alarm_transitions WHERE seq > @after ORDER BY seq LIMIT @limit');
    try {
      return this.rowsAfterStatement.all({ after, limit });
    } catch (cause) {
      throw new HazgateError('HG_ERR_STORE_QUERY', `alarm journal ${this.file} cannot be read: ${String(cause)}`, { file: this.file }, cause);
    }
  }

  /** Checks the whole hash chain (see chain.ts) and counts the audit records in it. */
  verify(): JournalVerdict {
    return verifyJournalDb(this.db);
  }

  close(): void {
    if (!this.db.open) return;
    this.groupSync?.close();
    this.db.close();
  }

  /** Inserts the next row of the chain; the head moves only once it is committed. */
  private chainRow(row: Omit<InsertParams, 'seq' | 'hash'>): void {
    const seq = this.seq + 1;
    const hash = chainHash(this.head, seq, row.record);
    this.insert.run({ ...row, seq, hash });
    this.seq = seq;
    this.head = hash;
    this.groupSync?.touched();
  }

  /** One statement per combination of filters, so each can use its index; audit rows are never alarm history. */
  private recentStatement(p: RecentParams): RecentStatement {
    const where: string[] = [`state <> '${AUDIT_STATE}'`];
    if (p.conditionId !== undefined) where.push('condition_id = @conditionId');
    if (p.pointId !== undefined) where.push('point_id = @pointId');
    if (p.since !== undefined) where.push('rts >= @since');
    const key = where.join(' AND ');
    let statement = this.recentStatements.get(key);
    if (statement === undefined) {
      statement = this.db.prepare<[RecentParams], Row>(`SELECT record FROM alarm_transitions WHERE ${key} ORDER BY seq DESC LIMIT @limit`);
      this.recentStatements.set(key, statement);
    }
    return statement;
  }

  private read(rows: () => Row[]): AlarmTransition[] {
    try {
      return rows().map((row) => this.parse(row.record));
    } catch (cause) {
      if (cause instanceof HazgateError) throw cause;
      throw new HazgateError('HG_ERR_STORE_QUERY', `alarm journal ${this.file} cannot be read: ${String(cause)}`, { file: this.file }, cause);
    }
  }

  private parse(text: string): AlarmTransition {
    const value: unknown = JSON.parse(text);
    if (!isTransition(value)) {
      throw new HazgateError('HG_ERR_STORE_QUERY', `alarm journal ${this.file} holds a record that is not a transition`, { file: this.file });
    }
    return value;
  }
}

/**
 * The chain from record 1, and every row's columns against its text. Of a broken chain and a row
 * filed under the wrong columns, the earlier one is named.
 */
function verifyJournalDb(db: Database.Database): JournalVerdict {
  const rows = db.prepare<[], IndexedRow>('SELECT seq, record, hash, state, condition_id AS conditionId FROM alarm_transitions ORDER BY seq').iterate();
  const columns = new AuditColumnCheck();
  const verdict = verifyChain(columns.rows(rows), lastSeqOf(db));
  const m = columns.mismatch;
  if (m !== null && (verdict.ok || m.seq < verdict.seq)) return { ok: false, records: m.before, seq: m.seq, problem: m.problem };
  return verdict.ok ? { ...verdict, audit: columns.audit } : verdict;
}

/** `hazgate journal verify`: opens a journal read-only and checks its chain. */
export function verifyJournalFile(file: string): JournalVerdict {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return verifyJournalDb(db);
  } finally {
    db.close();
  }
}
