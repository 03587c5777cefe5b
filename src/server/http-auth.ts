import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HazgateError, isHazgateError, type AuditSink, type AuthService, type Principal } from '../core/index.js';
import { AccessAudit } from './access-audit.js';
import { SessionStore, type Session, type SessionPersistence, type SessionSettings } from './sessions.js';

export const SESSION_COOKIE = 'hazgate_session';
export const CSRF_HEADER = 'x-hazgate-csrf';

/** Who a request or a WebSocket runs as, and how to ask again later (a WebSocket lives for hours). */
export interface Credentials {
  readonly principal: Principal;
  /** The console session when the request came with the session cookie (and no bearer). */
  readonly session: Session | null;
  /** The client's address (IP) it came from. */
  readonly address: string;
  /**
   * The principal as the credential stands now: the user's roles and scopes as the store has
   * them; throws (HG_ERR_AUTH_*) once the token is revoked or expired, the session ended or the
   * user disabled.
   */
  revalidate(): Principal;
}

export interface HttpAuthOptions {
  readonly auth: AuthService;
  readonly sessions: SessionStore;
  /** Cookies get `Secure`: the server is HTTPS. */
  readonly secureCookies: boolean;
  /** server.metricsToken: /metrics wants it as a bearer; absent: /metrics is open. */
  readonly metricsToken?: string | undefined;
  readonly audit: AccessAudit;
  readonly now: () => number;
}

const LOG_IN = 'log in (POST /api/login), or send Authorization: Bearer <API token or JWT>';

/**
 * Authentication at the HTTP edge, shared by the REST hook and the WebSocket upgrade: a bearer
 * (hazgate API token or an IdP's JWT) in `Authorization`, else the console's session cookie.
 * Never a token in the URL: URLs end up in proxy logs, browser history and Referer headers.
 */
export class HttpAuth {
  constructor(private readonly o: HttpAuthOptions) {}

  get service(): AuthService {
    return this.o.auth;
  }

  get audit(): AccessAudit {
    return this.o.audit;
  }

  /** The console sessions: the app's periodic pass maintains them and closes them at shutdown. */
  get sessions(): SessionStore {
    return this.o.sessions;
  }

  /** @throws HazgateError HG_ERR_AUTH_REQUIRED (nothing, or a session that ended), _FAILED, _TOKEN_EXPIRED, _TOKEN_REVOKED, _JWKS. */
  async authenticate(headers: IncomingHttpHeaders, address: string): Promise<Credentials> {
    const authorization = headers.authorization;
    if (authorization !== undefined && authorization !== '') return this.bearer(bearerOf(authorization), address);
    const id = cookieValue(headers.cookie, SESSION_COOKIE);
    if (id !== undefined) return this.session(id, address);
    throw new HazgateError('HG_ERR_AUTH_REQUIRED', LOG_IN);
  }

  /** A password login: a new session. Failures (wrong password, locked) are audited and rethrown. */
  async login(user: string, password: string, address: string): Promise<{ readonly session: Session; readonly principal: Principal }> {
    let principal: Principal;
    try {
      principal = await this.o.auth.login(user, password, address);
    } catch (e) {
      if (isHazgateError(e)) this.o.audit.loginFailed(e.details['knownUser'] === false ? null : user, address, e.code);
      throw e;
    }
    const session = this.o.sessions.create(principal.user, principal.credential);
    this.o.audit.login(principal.user, address, 'password');
    return { session, principal: { ...principal, via: 'session' } };
  }

  logout(credentials: Credentials, address: string): boolean {
    const session = credentials.session;
    if (session === null) return false;
    this.o.sessions.end(session.id);
    this.o.audit.logout(session.user, address);
    return true;
  }

  /** A state-changing request on the session cookie must echo the session's CSRF token: a cookie is sent by the browser whoever made the page. */
  checkCsrf(credentials: Credentials, headers: IncomingHttpHeaders): void {
    const session = credentials.session;
    if (session === null) return;
    const given = headers[CSRF_HEADER];
    if (typeof given !== 'string' || !sameSecret(given, session.csrf)) {
      throw new HazgateError('HG_ERR_AUTH_CSRF', `a request on the session cookie that changes something needs the X-Hazgate-Csrf header of the session (from POST /api/login or GET /api/me)`, { user: session.user });
    }
  }

  /** /metrics: the scrape token as a bearer when server.metricsToken is set. */
  checkMetrics(headers: IncomingHttpHeaders): void {
    const token = this.o.metricsToken;
    if (token === undefined) return;
    const authorization = headers.authorization;
    if (authorization === undefined || authorization === '') throw new HazgateError('HG_ERR_AUTH_REQUIRED', '/metrics needs Authorization: Bearer <server.metricsToken>');
    if (!sameSecret(bearerOf(authorization), token)) throw new HazgateError('HG_ERR_AUTH_FAILED', 'wrong metrics token');
  }

  /** The Set-Cookie of a new session: HttpOnly (no script reads it), SameSite=Strict, Secure on HTTPS. */
  sessionCookie(session: Session): string {
    const maxAge = Math.max(0, Math.ceil((session.expires - this.o.now()) / 1000));
    return `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${this.o.secureCookies ? '; Secure' : ''}`;
  }

  clearedCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${this.o.secureCookies ? '; Secure' : ''}`;
  }

  private async bearer(credential: string, address: string): Promise<Credentials> {
    let principal: Principal;
    try {
      principal = await this.o.auth.authenticateBearer(credential, address);
    } catch (e) {
      if (isHazgateError(e)) this.refused(e, address);
      throw e;
    }
    return { principal, session: null, address, revalidate: () => this.recheckBearer(credential, principal, address) };
  }

  private recheckBearer(credential: string, principal: Principal, address: string): Principal {
    // An API token is looked up again (revoked, expired, its user's roles changed); a JWT cannot be
    // re-verified without the IdP, but its expiry holds.
    if (principal.via === 'token') return this.o.auth.verifyToken(credential, address);
    if (principal.expires !== undefined && this.o.now() >= principal.expires) {
      throw new HazgateError('HG_ERR_AUTH_TOKEN_EXPIRED', `the bearer token of ${principal.user} expired at ${new Date(principal.expires).toISOString()}`, { user: principal.user });
    }
    return principal;
  }

  private session(id: string, address: string): Credentials {
    const revalidate = (): Principal => {
      const s = this.o.sessions.use(id);
      if (s === undefined) throw new HazgateError('HG_ERR_AUTH_REQUIRED', `your session has ended (logged out, idle or too old): ${LOG_IN}`);
      try {
        return this.o.auth.sessionPrincipal(s.user, s.credential);
      } catch (e) {
        this.o.sessions.end(id); // disabled, removed, password changed or made anew since the login
        throw e;
      }
    };
    const principal = revalidate();
    return { principal, session: this.o.sessions.use(id) ?? null, address, revalidate };
  }

  private refused(e: HazgateError, address: string): void {
    const user = typeof e.details['user'] === 'string' ? e.details['user'] : null;
    const tokenId = typeof e.details['tokenId'] === 'string' ? e.details['tokenId'] : null;
    this.o.audit.denied(user, address, `credential refused from ${address}: ${e.code}`, { code: e.code, tokenId });
  }
}

export interface ServerAuthOptions {
  readonly auth: AuthService;
  readonly sessions: SessionSettings;
  /** Where sessions outlive the process (users.db); absent: in memory only, a restart ends them. */
  readonly sessionPersistence?: SessionPersistence | undefined;
  /** The server is HTTPS: cookies get `Secure`. */
  readonly https: boolean;
  readonly metricsToken?: string | undefined;
  /** Where logins, refusals and denials are recorded (the journal); absent: not recorded. */
  readonly audit?: AuditSink | undefined;
  readonly now: () => number;
}

/** The server's authentication: the session store (kept in memory, written through to the persistence given), the audit and the HTTP edge over the auth service. */
export function createHttpAuth(o: ServerAuthOptions): HttpAuth {
  return new HttpAuth({
    auth: o.auth,
    sessions: new SessionStore(o.sessions, o.now, undefined, o.sessionPersistence),
    secureCookies: o.https,
    metricsToken: o.metricsToken,
    audit: new AccessAudit(o.audit, o.now),
    now: o.now,
  });
}

/** The credential of `Authorization: Bearer <credential>`; any other scheme is refused. */
function bearerOf(header: string): string {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (m === null) throw new HazgateError('HG_ERR_AUTH_FAILED', 'Authorization must be "Bearer <API token or JWT>"');
  return m[1] ?? '';
}

/** One cookie's value from a Cookie header (`a=1; hazgate_session=…`). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/** Constant-time comparison of two secrets of any length (their SHA-256 are compared). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
