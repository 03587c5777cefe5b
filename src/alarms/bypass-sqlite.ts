import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { HazgateError, type BypassEntry } from '../core/index.js';
import type { BypassStore } from './bypass-register.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS bypass_versions (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    id     TEXT    NOT NULL,
    record TEXT    NOT NULL
  );
  CREATE INDEX IF NOT EXISTS bypass_versions_id ON bypass_versions (id, seq);
`;

const LATEST = `SELECT v.record FROM bypass_versions v
  JOIN (SELECT id, MAX(seq) AS seq FROM bypass_versions GROUP BY id) latest ON v.seq = latest.seq`;

/**
 * The bypass register in SQLite (WAL, synchronous FULL: a handful of changes a day, each worth a
 * disk sync). Append-only: every change is a new version row, so the history of an entry
 * (registered, ended) stays readable.
 */
export class SqliteBypassStore implements BypassStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[{ id: string; record: string }]>;

  /** @throws HazgateError HG_ERR_STORE_OPEN naming the file. */
  constructor(dir: string) {
    this.file = join(dir, 'bypass.db');
    try {
      mkdirSync(dir, { recursive: true });
      this.db = new Database(this.file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(SCHEMA);
      this.insert = this.db.prepare('INSERT INTO bypass_versions (id, record) VALUES (@id, @record)');
    } catch (cause) {
      throw new HazgateError('HG_ERR_STORE_OPEN', `bypass register ${this.file} cannot be opened: ${String(cause)}`, { file: this.file }, cause);
    }
  }

  append(entry: BypassEntry): void {
    try {
      this.insert.run({ id: entry.id, record: JSON.stringify(entry) });
    } catch (cause) {
      throw new HazgateError('HG_ERR_JOURNAL_WRITE', `bypass ${entry.id} could not be written to ${this.file}: ${String(cause)}`, { file: this.file, id: entry.id }, cause);
    }
  }

  loadLatest(): BypassEntry[] {
    return this.db.prepare<[], { record: string }>(LATEST).all().map((r) => JSON.parse(r.record) as BypassEntry);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
