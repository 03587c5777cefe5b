import type Database from 'better-sqlite3';
import type { SessionRecord, SessionRecords } from '../core/index.js';

/**
 * Console sessions in users.db, so that a restarted gateway or centre still knows them. The key is
 * SHA-256 of the session id (the server hashes before it gets here): the id, the only thing that
 * logs anyone in, is never on disk. Removing a user removes their sessions (the foreign key); a
 * password change or disabling ends them through `endSessionsOf`.
 */
export const SESSIONS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS sessions (
    key        TEXT    PRIMARY KEY,
    user       TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    credential TEXT,
    created    INTEGER NOT NULL,
    expires    INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user);
`;

interface SessionRow {
  key: string;
  user: string;
  credential: string | null;
  created: number;
  expires: number;
  last_seen: number;
}

/** Runs a statement, turning a SQLite failure into HG_ERR_AUTH_STORE naming the file and what was meant. */
export type StoreGuard = <T>(what: string, run: () => T) => T;

/** The session side of users.db, on the store's connection. Every method throws HG_ERR_AUTH_STORE when SQLite fails. */
export class SqliteSessionRecords implements SessionRecords {
  private dataVersion: number;

  constructor(
    private readonly db: Database.Database,
    private readonly guard: StoreGuard,
  ) {
    db.exec(SESSIONS_SCHEMA);
    this.dataVersion = this.version();
  }

  all(): SessionRecord[] {
    const sql = 'SELECT key, user, credential, created, expires, last_seen FROM sessions ORDER BY created, rowid';
    const rows = this.guard('read the sessions', () => this.db.prepare<[], SessionRow>(sql).all());
    return rows.map((r) => ({ key: r.key, user: r.user, credential: r.credential, created: r.created, expires: r.expires, lastSeen: r.last_seen }));
  }

  insert(r: SessionRecord): void {
    const sql = 'INSERT INTO sessions (key, user, credential, created, expires, last_seen) VALUES (@key, @user, @credential, @created, @expires, @lastSeen)';
    this.guard(`keep a session of ${r.user}`, () => this.db.prepare(sql).run({ key: r.key, user: r.user, credential: r.credential, created: r.created, expires: r.expires, lastSeen: r.lastSeen }));
  }

  remove(keys: readonly string[]): void {
    if (keys.length === 0) return;
    this.guard(`end ${keys.length} session(s)`, () => {
      const del = this.db.prepare('DELETE FROM sessions WHERE key = ?');
      this.db.transaction(() => {
        for (const key of keys) del.run(key);
      })();
    });
  }

  touch(seen: readonly { readonly key: string; readonly lastSeen: number }[]): void {
    if (seen.length === 0) return;
    this.guard(`note the last use of ${seen.length} session(s)`, () => {
      const update = this.db.prepare('UPDATE sessions SET last_seen = MAX(last_seen, ?) WHERE key = ?');
      this.db.transaction(() => {
        for (const s of seen) update.run(s.lastSeen, s.key);
      })();
    });
  }

  /** SQLite's data_version moves when another connection commits, never for this connection's own writes. */
  changedElsewhere(): boolean {
    const now = this.version();
    const changed = now !== this.dataVersion;
    this.dataVersion = now;
    return changed;
  }

  /** Ends every session of the user (password changed, disabled); how many there were. */
  endSessionsOf(user: string): number {
    return this.guard(`end the sessions of ${user}`, () => this.db.prepare('DELETE FROM sessions WHERE user = ?').run(user).changes);
  }

  private version(): number {
    return this.guard('read the data version', () => Number(this.db.pragma('data_version', { simple: true })));
  }
}
