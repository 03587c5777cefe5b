import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalAuthService, LocalUserAdmin, SqliteUserStore } from '../../src/auth/index.js';
import { ALL_SCOPES, type AuditEvent, type Clock, type Role, type Scopes } from '../../src/core/index.js';
import { createHttpAuth, type HttpAuth } from '../../src/server/index.js';
import { registerErrorHandling } from '../../src/server/http-errors.js';
import { auditRefusal, registerAuthentication } from '../../src/server/routes-auth.js';

/** The lockout the auth core uses by default (auth.lockout). */
export const TEST_LOCKOUT = { maxFailures: 5, maxFailuresPerAddress: 20, windowMs: 15 * 60_000, baseDelayMs: 60_000, maxDelayMs: 3_600_000 };

/** A stored hash no password matches: users made for their tokens never log in. */
const NO_PASSWORD = '$scrypt$n=2,r=1,p=1$AAAA$AAAA';

/** `Authorization: Bearer <token>`. */
export function authHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Adds the user (with a hash no password matches) unless it is there, and issues a token for it. */
export function tokenFor(store: SqliteUserStore, name: string, role: Role, scopes: Scopes = ALL_SCOPES, expiresInMs: number | null = null): string {
  if (store.getUser(name) === undefined) store.insertUser({ name, passwordHash: NO_PASSWORD, roles: [role], scopes, created: Date.now(), disabled: null });
  const admin = new LocalUserAdmin({ store, clock: { now: () => Date.now() }, defaultTokenExpiryMs: null });
  return admin.createToken(name, { name: 'test', expiresInMs }).token;
}

/**
 * An API token in users.db of `dir` (a site's `<store dir>/auth`) before a gateway process opens
 * it: the user is made when missing (admin of everything unless said).
 */
export function provisionToken(dir: string, name = 'test-admin', role: Role = 'admin', scopes: Scopes = ALL_SCOPES): string {
  const store = new SqliteUserStore(dir);
  try {
    return tokenFor(store, name, role, scopes);
  } finally {
    store.close();
  }
}

/** A user with a password (scrypt: ~100 ms), for login tests. */
export async function provisionLogin(dir: string, name: string, password: string, role: Role = 'operator', scopes: Scopes = ALL_SCOPES): Promise<void> {
  const store = new SqliteUserStore(dir);
  try {
    await new LocalUserAdmin({ store, clock: { now: () => Date.now() }, defaultTokenExpiryMs: null }).addUser({ name, password, roles: [role], scopes });
  } finally {
    store.close();
  }
}

/** The demo's administrator, as `hazgate demo` wrote it to `<users dir>/demo-admin.txt`. */
export function demoAdmin(usersDir: string): { user: string; password: string } {
  const text = readFileSync(join(usersDir, 'demo-admin.txt'), 'utf8');
  const user = /^user: (\S+)$/m.exec(text)?.[1];
  const password = /^password: (\S+)$/m.exec(text)?.[1];
  if (user === undefined || password === undefined) throw new Error(`no user and password in ${usersDir}/demo-admin.txt`);
  return { user, password };
}

/** A console session: the cookie and the CSRF token, and the headers a state-changing request needs. */
export interface LoginSession {
  readonly cookie: string;
  readonly csrf: string;
  /** Cookie, CSRF and JSON content type. */
  headers(): Record<string, string>;
}

/** POST /api/login; throws with the answer when refused. */
export async function login(base: string, user: string, password: string, fetchOptions: RequestInit = {}): Promise<LoginSession> {
  const res = await fetch(`${base}/api/login`, { ...fetchOptions, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }) });
  if (res.status !== 200) throw new Error(`login as ${user}: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const { csrf } = (await res.json()) as { csrf: string };
  return { cookie, csrf, headers: () => ({ cookie, 'x-hazgate-csrf': csrf, 'content-type': 'application/json' }) };
}

/** An auth service and the server's HTTP auth over users.db in `dir`, with the audit kept for the test to read. */
export class TestAuth {
  private constructor(
    readonly store: SqliteUserStore,
    readonly service: LocalAuthService,
    readonly http: HttpAuth,
    /** What the server recorded in the audit, oldest first. */
    readonly audited: AuditEvent[],
  ) {}

  static open(dir: string, options: { clock?: Clock; metricsToken?: string; https?: boolean } = {}): TestAuth {
    const clock = options.clock ?? { now: () => Date.now() };
    const store = new SqliteUserStore(dir);
    const service = new LocalAuthService({ store, clock, lockout: TEST_LOCKOUT });
    const audited: AuditEvent[] = [];
    const http = createHttpAuth({
      auth: service,
      sessions: { idleTimeoutMs: 30 * 60_000, maxAgeMs: 12 * 3_600_000, maxSessions: 100 },
      https: options.https ?? false,
      metricsToken: options.metricsToken,
      audit: { record: (e) => void audited.push(e) },
      now: () => clock.now(),
    });
    return new TestAuth(store, service, http, audited);
  }

  /** A token of a user of that name and role (made when missing). */
  token(name: string, role: Role, scopes: Scopes = ALL_SCOPES, expiresInMs: number | null = null): string {
    return tokenFor(this.store, name, role, scopes, expiresInMs);
  }

  /** Authorization headers of a fresh token of the user. */
  as(name: string, role: Role, scopes: Scopes = ALL_SCOPES): Record<string, string> {
    return authHeaders(this.token(name, role, scopes));
  }

  close(): void {
    this.store.close();
  }
}

/**
 * A bare fastify app with the server's error handling and authentication (the hook every route
 * goes through), for route groups tested on their own. Requests need `Authorization` like the
 * gateway's.
 */
export function guardedApp(auth: TestAuth): FastifyInstance {
  const app = Fastify();
  registerErrorHandling(app, (req, e) => auditRefusal(auth.http, req, e));
  registerAuthentication(app, auth.http);
  return app;
}

/** Logs in as the administrator `hazgate demo` made in `<data dir>/auth` (HAZGATE_DATA_DIR of the demo sites). */
export function demoSession(http: string, dataDir: string): Promise<LoginSession> {
  const admin = demoAdmin(join(dataDir, 'auth'));
  return login(http, admin.user, admin.password);
}
