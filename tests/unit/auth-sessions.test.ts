import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wireAuth } from '../../src/app/auth-wiring.js';
import { LocalUserAdmin, SqliteUserStore } from '../../src/auth/index.js';
import { HazgateError, silentLogger, type SessionRecord, type SessionRecords } from '../../src/core/index.js';
import { csrfOf, LAST_SEEN_WRITE_MS, SessionStore, sessionKey } from '../../src/server/index.js';
import { MAX_SESSIONS_PER_USER } from '../../src/server/sessions.js';

/**
 * Console sessions kept in users.db: a second store on the same file (a restarted gateway) knows
 * them; idle, max age, the per-user cap, the full store, logout, sweeping and credential changes
 * hold across it; the last use is written at most once a minute; neither the id nor the CSRF token
 * is ever on disk. Fake time throughout.
 */

const MIN = 60_000;
const SETTINGS = { idleTimeoutMs: 30 * MIN, maxAgeMs: 12 * 60 * MIN, maxSessions: 50 };
const NO_PASSWORD = '$scrypt$n=2,r=1,p=1$AAAA$AAAA';

let dir = '';
let now = 0;
const clock = { now: () => now };
const open: SqliteUserStore[] = [];
/** Session ids made so far, in every store of the test (ids are unique, as random ones are). */
let made = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hg-sessions-'));
  now = 1_000_000;
});

afterEach(() => {
  for (const s of open.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function usersDb(...users: string[]): SqliteUserStore {
  const store = new SqliteUserStore(dir);
  open.push(store);
  for (const name of users) if (store.getUser(name) === undefined) store.insertUser({ name, passwordHash: NO_PASSWORD, roles: ['operator'], scopes: { sites: '*', areas: '*' }, created: 1, disabled: null });
  return store;
}

/** Counts what reaches the disk. */
class CountingRecords implements SessionRecords {
  readonly calls = { all: 0, insert: 0, remove: 0, touch: 0, touched: 0 };
  constructor(private readonly inner: SessionRecords) {}
  all(): SessionRecord[] {
    this.calls.all += 1;
    return this.inner.all();
  }
  insert(r: SessionRecord): void {
    this.calls.insert += 1;
    this.inner.insert(r);
  }
  remove(keys: readonly string[]): void {
    this.calls.remove += 1;
    this.inner.remove(keys);
  }
  touch(seen: readonly { readonly key: string; readonly lastSeen: number }[]): void {
    this.calls.touch += 1;
    this.calls.touched += seen.length;
    this.inner.touch(seen);
  }
  changedElsewhere(): boolean {
    return this.inner.changedElsewhere();
  }
}

/** A gateway's session store over users.db in `dir` (a new one after a "restart"). */
function gateway(store = usersDb(), settings = SETTINGS): { sessions: SessionStore; records: CountingRecords; errors: unknown[] } {
  const records = new CountingRecords(store.sessions);
  const errors: unknown[] = [];
  const sessions = new SessionStore(settings, () => now, () => `session-${++made}-${'x'.repeat(30)}`, { records, onError: (e) => errors.push(e) });
  return { sessions, records, errors };
}

function restart(): SessionStore {
  return gateway(usersDb()).sessions;
}

describe('sessions in users.db', () => {
  it('survive a restart: the same id and the same CSRF token work on a second store over the file', () => {
    const before = gateway(usersDb('wang', 'li')).sessions;
    const s = before.create('wang', 'digest-1');
    const t = before.create('li');
    now += 5 * MIN;
    const after = restart();
    expect(after.size).toBe(2);
    expect(after.use(s.id)).toMatchObject({ id: s.id, user: 'wang', credential: 'digest-1', csrf: s.csrf, created: s.created, expires: s.expires, lastSeen: now });
    expect(after.use(t.id)).not.toHaveProperty('credential');
    expect(after.use('not-a-session')).toBeUndefined();
  });

  it('keeps SHA-256 of the id on disk, and neither the id nor the CSRF token', () => {
    const store = usersDb('wang');
    const s = gateway(store).sessions.create('wang');
    expect(store.sessions.all()).toEqual([{ key: sessionKey(s.id), user: 'wang', credential: null, created: now, expires: now + SETTINGS.maxAgeMs, lastSeen: now }]);
    expect(s.csrf).toBe(csrfOf(s.id));
    const bytes = ['users.db', 'users.db-wal'].map((f) => join(dir, f)).filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1')).join('');
    expect(bytes).toContain(sessionKey(s.id));
    expect(bytes.includes(s.id)).toBe(false);
    expect(bytes.includes(s.csrf)).toBe(false);
  });

  it('ends a session idle for the timeout or past its maximum age across a restart, and sweeps its row', () => {
    const first = gateway(usersDb('wang', 'li'));
    const idle = first.sessions.create('wang');
    const busy = first.sessions.create('li');
    now += 10 * MIN;
    first.sessions.use(idle.id);
    first.sessions.maintain(); // writes the last use (10 min)
    now += 29 * MIN;
    expect(restart().use(idle.id)?.user).toBe('wang'); // 29 min idle by the record
    now += MIN + 1;
    const third = gateway(usersDb());
    expect(third.sessions.use(idle.id)).toBeUndefined(); // 30 min idle
    expect(third.records.all()).toEqual([]); // swept at load (li, never used since the login, at the restart before)
    expect(third.sessions.use(busy.id)).toBeUndefined();

    const kept = third.sessions.create('li');
    for (let t = now; t < kept.expires; t += 20 * MIN) {
      now = t;
      expect(third.sessions.use(kept.id)?.user).toBe('li');
      third.sessions.maintain();
    }
    now = kept.expires;
    expect(restart().use(kept.id)).toBeUndefined(); // used all along, but too old
    expect(usersDb().sessions.all()).toEqual([]);
  });

  it('sweeps ended sessions from the file at most once a minute, while running', () => {
    const { sessions } = gateway(usersDb('wang', 'li'));
    sessions.create('wang');
    const li = sessions.create('li');
    now += 20 * MIN;
    sessions.use(li.id);
    now += 15 * MIN; // wang idle 35 min, li 15
    sessions.maintain();
    expect(usersDb().sessions.all().map((r) => r.user)).toEqual(['li']);
    expect(sessions.size).toBe(1);
  });

  it('writes a session’s last use at most once a minute, in one transaction for all, and never on the request path', () => {
    const { sessions, records } = gateway(usersDb('wang', 'li'));
    const a = sessions.create('wang');
    const b = sessions.create('li');
    const writes = { ...records.calls };
    for (let i = 0; i < 600; i++) {
      now += 100; // 10 requests a second for a minute
      sessions.use(a.id);
      sessions.use(b.id);
      sessions.maintain(); // the periodic pass, every request here
    }
    expect(records.calls.touch - writes.touch).toBe(1); // at 60 s
    expect(records.calls.touched - writes.touched).toBe(2);
    for (let i = 0; i < 50; i++) sessions.use(a.id);
    expect(records.calls).toMatchObject({ insert: writes.insert, remove: writes.remove, touch: writes.touch + 1 });
    now += LAST_SEEN_WRITE_MS;
    sessions.use(a.id);
    sessions.maintain();
    expect(records.calls.touched - writes.touched).toBe(3); // only a was used since
    expect(usersDb().sessions.all().find((r) => r.user === 'wang')?.lastSeen).toBe(now);
    // At a graceful stop the last uses are written whatever the minute.
    now += 1000;
    sessions.use(b.id);
    sessions.close();
    expect(usersDb().sessions.all().find((r) => r.user === 'li')?.lastSeen).toBe(now);
  });

  it('ends a user’s own oldest past 20, on disk too; a full store refuses new logins, after a restart as well', () => {
    const { sessions } = gateway(usersDb('viewer', 'operator'), { ...SETTINGS, maxSessions: 25 });
    const operator = sessions.create('operator');
    const first = sessions.create('viewer');
    for (let i = 0; i < MAX_SESSIONS_PER_USER + 3; i++) {
      now += 1;
      sessions.create('viewer');
    }
    expect(sessions.use(first.id)).toBeUndefined();
    expect(usersDb().sessions.all().filter((r) => r.user === 'viewer')).toHaveLength(MAX_SESSIONS_PER_USER);
    const after = gateway(usersDb(), { ...SETTINGS, maxSessions: 21 }).sessions;
    expect(after.size).toBe(MAX_SESSIONS_PER_USER + 1);
    expect(after.use(operator.id)?.user).toBe('operator');
    expect(() => after.create('operator')).toThrow(expect.objectContaining({ code: 'HG_ERR_AUTH_LOCKED' }));
  });

  it('a logout is for good: the session does not come back after a restart', () => {
    const { sessions } = gateway(usersDb('wang'));
    const s = sessions.create('wang');
    const other = sessions.create('wang');
    expect(sessions.end(s.id)?.user).toBe('wang');
    const after = restart();
    expect(after.use(s.id)).toBeUndefined();
    expect(after.use(other.id)?.user).toBe('wang');
  });

  it('takes in at its next pass what another process ended (hazgate user remove), and what it began', () => {
    const running = gateway(usersDb('wang', 'li')).sessions;
    const wang = running.create('wang');
    const li = running.create('li');
    const cli = new SqliteUserStore(dir); // the CLI's own connection
    new LocalUserAdmin({ store: cli, clock, defaultTokenExpiryMs: null }).removeUser('wang');
    const twin = gateway(usersDb()).sessions; // a second server on the same users.db
    const made = twin.create('li');
    cli.close();
    expect(running.use(wang.id)?.user).toBe('wang'); // not yet: the pass notices
    running.maintain();
    expect(running.use(wang.id)).toBeUndefined();
    expect(running.use(li.id)?.user).toBe('li');
    expect(running.use(made.id)?.user).toBe('li');
  });

  it('a password change or disabling ends the user’s sessions in the file; a re-enabled user starts over', async () => {
    const store = usersDb('wang', 'li');
    const running = gateway(store).sessions;
    const wang = running.create('wang');
    const li = running.create('li');
    const cli = new SqliteUserStore(dir);
    const admin = new LocalUserAdmin({ store: cli, clock, defaultTokenExpiryMs: null });
    await admin.setPassword('wang', 'a new password for wang');
    admin.setDisabled('li', 'disabled');
    admin.setDisabled('li', 'enabled');
    cli.close();
    running.maintain();
    expect(running.use(wang.id)).toBeUndefined();
    expect(running.use(li.id)).toBeUndefined();
    expect(store.sessions.all()).toEqual([]);
  });

  it('a login keeps working in memory when users.db cannot be written, and is written once it can; a refused logout is retried and never loaded back', () => {
    const store = usersDb('wang');
    let broken = true;
    const failing: SessionRecords = {
      all: () => store.sessions.all(),
      insert: (r) => (broken ? fail() : store.sessions.insert(r)),
      remove: (k) => (broken ? fail() : store.sessions.remove(k)),
      touch: (s) => store.sessions.touch(s),
      changedElsewhere: () => true, // reloads at every pass
    };
    const errors: unknown[] = [];
    const sessions = new SessionStore(SETTINGS, () => now, undefined, { records: failing, onError: (e) => errors.push(e) });
    const s = sessions.create('wang');
    expect(sessions.use(s.id)?.user).toBe('wang');
    expect(errors).toHaveLength(1);
    sessions.maintain(); // not yet on disk: the pass must not take it for ended elsewhere
    expect(sessions.use(s.id)?.user).toBe('wang');
    broken = false;
    now += LAST_SEEN_WRITE_MS;
    sessions.maintain();
    expect(store.sessions.all().map((r) => r.key)).toEqual([sessionKey(s.id)]);
    broken = true;
    sessions.end(s.id);
    sessions.maintain();
    expect(sessions.use(s.id)).toBeUndefined(); // still a row, but ended here
    broken = false;
    now += LAST_SEEN_WRITE_MS;
    sessions.maintain();
    expect(store.sessions.all()).toEqual([]);
    expect(errors.every((e) => e instanceof HazgateError && e.code === 'HG_ERR_AUTH_STORE')).toBe(true);
  });
});

describe('sessions through the auth wiring', () => {
  it('a login survives a restart of the wiring; a credential change ends it durably at the next request', async () => {
    const cli = new SqliteUserStore(dir);
    const admin = new LocalUserAdmin({ store: cli, clock, defaultTokenExpiryMs: null });
    await admin.addUser({ name: 'wang', password: 'operator wang password', roles: ['operator'], scopes: { sites: '*', areas: '*' } });
    cli.close();
    const options = { dir, clock, logger: silentLogger, https: false, firstUser: 'x' };
    const first = wireAuth(undefined, options);
    const { session } = await first.http.login('wang', 'operator wang password', '127.0.0.1');
    const cookie = { cookie: `hazgate_session=${session.id}` };
    first.close();
    now += 10 * MIN;
    const second = wireAuth(undefined, options);
    const creds = await second.http.authenticate(cookie, '127.0.0.1');
    expect(creds.principal).toMatchObject({ user: 'wang', via: 'session' });
    second.http.checkCsrf(creds, { 'x-hazgate-csrf': session.csrf });
    // The user made anew under the same name, behind the running server's back, without a pass in between.
    const raw = new SqliteUserStore(dir);
    raw.updateUser('wang', { passwordHash: NO_PASSWORD });
    raw.close();
    await expect(second.http.authenticate(cookie, '127.0.0.1')).rejects.toMatchObject({ code: 'HG_ERR_AUTH_TOKEN_REVOKED' });
    second.close();
    const third = wireAuth(undefined, options);
    await expect(third.http.authenticate(cookie, '127.0.0.1')).rejects.toMatchObject({ code: 'HG_ERR_AUTH_REQUIRED' });
    third.close();
  });
});

function fail(): never {
  throw new HazgateError('HG_ERR_AUTH_STORE', 'users.db: disk full (test)');
}
