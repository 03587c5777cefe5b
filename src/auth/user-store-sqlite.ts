import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { HazgateError, whileBusy, type Role, type Scopes } from '../core/index.js';
import type { LoginAttempt, StoredToken, StoredUser, UserStore } from './user-store.js';
import { AdminEventLog } from './admin-events.js';
import { SqliteSessionRecords } from './sessions-sqlite.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    name     TEXT    PRIMARY KEY,
    password TEXT    NOT NULL,
    roles    TEXT    NOT NULL,
    scopes   TEXT    NOT NULL,
    created  INTEGER NOT NULL,
    disabled INTEGER
  );
  CREATE TABLE IF NOT EXISTS tokens (
    id        TEXT    PRIMARY KEY,
    user      TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    name      TEXT    NOT NULL,
    hash      TEXT    NOT NULL,
    created   INTEGER NOT NULL,
    expires   INTEGER,
    revoked   INTEGER,
    last_used INTEGER
  );
  CREATE INDEX IF NOT EXISTS tokens_user ON tokens (user);
  CREATE TABLE IF NOT EXISTS login_attempts (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    user    TEXT    NOT NULL,
    known   INTEGER NOT NULL,
    address TEXT    NOT NULL,
    method  TEXT    NOT NULL,
    outcome TEXT    NOT NULL
  );
  CREATE INDEX IF NOT EXISTS login_attempts_at ON login_attempts (at);
`;

/** How long opening users.db retries while another process holds it (as better-sqlite3's busy timeout). */
const BUSY_TIMEOUT_MS = 5_000;

/** Attempts kept at most (the newest); pruned every PRUNE_EVERY inserts. */
const MAX_ATTEMPTS = 100_000;
const PRUNE_EVERY = 1_000;

interface UserRow {
  name: string;
  password: string;
  roles: string;
  scopes: string;
  created: number;
  disabled: number | null;
}

interface TokenRow {
  id: string;
  user: string;
  name: string;
  hash: string;
  created: number;
  expires: number | null;
  revoked: number | null;
  last_used: number | null;
}

interface AttemptRow {
  at: number;
  user: string;
  known: number;
  address: string;
  method: string;
  outcome: string;
}

function userOf(r: UserRow): StoredUser {
  return { name: r.name, passwordHash: r.password, roles: JSON.parse(r.roles) as Role[], scopes: JSON.parse(r.scopes) as Scopes, created: r.created, disabled: r.disabled };
}

function tokenOf(r: TokenRow): StoredToken {
  return { id: r.id, user: r.user, name: r.name, hash: r.hash, created: r.created, expires: r.expires, revoked: r.revoked, lastUsed: r.last_used };
}

function attemptOf(r: AttemptRow): LoginAttempt {
  return { at: r.at, user: r.user, known: r.known === 1, address: r.address, method: r.method === 'token' ? 'token' : 'password', outcome: r.outcome === 'ok' ? 'ok' : 'failed' };
}

/**
 * Users, API tokens, login attempts and console sessions in `<dir>/users.db` (WAL, synchronous
 * FULL: a new user, a revoked token, a login or a logout must survive a power cut). The file is made readable by its owner only: it holds
 * password hashes. Every statement names its columns; the JSON columns are written only from
 * validated values.
 */
export class SqliteUserStore implements UserStore {
  readonly file: string;
  private readonly db: Database.Database;
  /** What `hazgate user …` changed, until a gateway has journaled it. */
  readonly adminEvents: AdminEventLog;
  /** Console sessions (SHA-256 of their ids), for the server's SessionStore. */
  readonly sessions: SqliteSessionRecords;
  private inserts = 0;
  /** Statements by their SQL, prepared on first use. */
  private readonly statements = new Map<string, Database.Statement>();

  /** @throws HazgateError HG_ERR_AUTH_STORE naming the file. */
  constructor(dir: string) {
    this.file = join(dir, 'users.db');
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const fresh = !existsSync(this.file);
      this.db = new Database(this.file);
      // A new file only: an existing one keeps the owner and mode its administrator gave it.
      if (fresh) chmodSync(this.file, 0o600);
      const db = this.db;
      // Centre processes sharing a store open one file together (whileBusy); later writes wait on
      // better-sqlite3's busy timeout (5 s).
      whileBusy(() => db.pragma('journal_mode = WAL'), BUSY_TIMEOUT_MS);
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      whileBusy(() => db.transaction(() => db.exec(SCHEMA)).immediate(), BUSY_TIMEOUT_MS);
      this.adminEvents = new AdminEventLog(this.db);
      this.sessions = new SqliteSessionRecords(this.db, (what, run) => this.write(what, run));
    } catch (cause) {
      throw new HazgateError('HG_ERR_AUTH_STORE', `user store ${this.file} cannot be opened: ${String(cause)}`, { file: this.file }, cause);
    }
  }

  insertUser(u: StoredUser): void {
    const row = { name: u.name, password: u.passwordHash, roles: JSON.stringify(u.roles), scopes: JSON.stringify(u.scopes), created: u.created, disabled: u.disabled };
    const done = this.write(`add user ${u.name}`, () =>
      this.prepare('INSERT INTO users (name, password, roles, scopes, created, disabled) VALUES (@name, @password, @roles, @scopes, @created, @disabled) ON CONFLICT (name) DO NOTHING').run(row),
    );
    if (done.changes === 0) throw new HazgateError('HG_ERR_AUTH_USER_EXISTS', `user "${u.name}" exists already`, { user: u.name });
  }

  getUser(name: string): StoredUser | undefined {
    const row = this.read(() => this.prepare<[string], UserRow>('SELECT name, password, roles, scopes, created, disabled FROM users WHERE name = ?').get(name));
    return row === undefined ? undefined : userOf(row);
  }

  listUsers(): StoredUser[] {
    return this.read(() => this.prepare<[], UserRow>('SELECT name, password, roles, scopes, created, disabled FROM users ORDER BY name').all()).map(userOf);
  }

  updateUser(name: string, change: Partial<Pick<StoredUser, 'passwordHash' | 'roles' | 'scopes' | 'disabled'>>): boolean {
    const sets: string[] = [];
    const params: Record<string, string | number | null> = { name };
    if (change.passwordHash !== undefined) (sets.push('password = @password'), (params['password'] = change.passwordHash));
    if (change.roles !== undefined) (sets.push('roles = @roles'), (params['roles'] = JSON.stringify(change.roles)));
    if (change.scopes !== undefined) (sets.push('scopes = @scopes'), (params['scopes'] = JSON.stringify(change.scopes)));
    if (change.disabled !== undefined) (sets.push('disabled = @disabled'), (params['disabled'] = change.disabled));
    if (sets.length === 0) return this.getUser(name) !== undefined;
    return this.write(`change user ${name}`, () => this.prepare(`UPDATE users SET ${sets.join(', ')} WHERE name = @name`).run(params)).changes > 0;
  }

  deleteUser(name: string): boolean {
    return this.write(`remove user ${name}`, () => this.prepare('DELETE FROM users WHERE name = ?').run(name)).changes > 0;
  }

  insertToken(t: StoredToken): void {
    const row = { id: t.id, user: t.user, name: t.name, hash: t.hash, created: t.created, expires: t.expires, revoked: t.revoked, last_used: t.lastUsed };
    this.write(`add token for ${t.user}`, () =>
      this.prepare('INSERT INTO tokens (id, user, name, hash, created, expires, revoked, last_used) VALUES (@id, @user, @name, @hash, @created, @expires, @revoked, @last_used)').run(row),
    );
  }

  getToken(id: string): StoredToken | undefined {
    const row = this.read(() => this.prepare<[string], TokenRow>('SELECT id, user, name, hash, created, expires, revoked, last_used FROM tokens WHERE id = ?').get(id));
    return row === undefined ? undefined : tokenOf(row);
  }

  listTokens(user?: string): StoredToken[] {
    const all = 'SELECT id, user, name, hash, created, expires, revoked, last_used FROM tokens';
    const rows = this.read(() =>
      user === undefined ? this.prepare<[], TokenRow>(`${all} ORDER BY user, created`).all() : this.prepare<[string], TokenRow>(`${all} WHERE user = ? ORDER BY created`).all(user),
    );
    return rows.map(tokenOf);
  }

  revokeToken(id: string, at: number): boolean {
    return this.write(`revoke token ${id}`, () => this.prepare('UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL').run(at, id)).changes > 0;
  }

  touchToken(id: string, at: number): void {
    this.write(`note use of token ${id}`, () => this.prepare('UPDATE tokens SET last_used = ? WHERE id = ?').run(at, id));
  }

  endSessionsOf(user: string): number {
    return this.sessions.endSessionsOf(user);
  }

  recordAttempt(a: LoginAttempt): void {
    const row = { at: a.at, user: a.user.slice(0, 128), known: a.known ? 1 : 0, address: a.address.slice(0, 64), method: a.method, outcome: a.outcome };
    this.write('record a login attempt', () =>
      this.prepare('INSERT INTO login_attempts (at, user, known, address, method, outcome) VALUES (@at, @user, @known, @address, @method, @outcome)').run(row),
    );
    this.inserts += 1;
    if (this.inserts % PRUNE_EVERY === 0) this.write('prune login attempts', () => this.prepare('DELETE FROM login_attempts WHERE seq <= (SELECT MAX(seq) FROM login_attempts) - ?').run(MAX_ATTEMPTS));
  }

  attemptsSince(since: number): LoginAttempt[] {
    const sql = 'SELECT at, user, known, address, method, outcome FROM login_attempts WHERE at >= ? ORDER BY seq';
    return this.read(() => this.prepare<[number], AttemptRow>(sql).all(since)).map(attemptOf);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private prepare<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let stmt = this.statements.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt as unknown as Database.Statement<P, R>;
  }

  private write<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (cause) {
      throw new HazgateError('HG_ERR_AUTH_STORE', `${this.file}: cannot ${what}: ${String(cause)}`, { file: this.file }, cause);
    }
  }

  private read<T>(run: () => T): T {
    return this.write('read', run);
  }
}
