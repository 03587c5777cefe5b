import { createHash, randomBytes } from 'node:crypto';
import { HazgateError, type AuthService, type Clock, type OperatorAction, type Permission, type Principal, type ScopeTarget } from '../core/index.js';
import type { JwtVerifier } from './bearer.js';
import { LoginLimiter, type LockoutSettings } from './login-limiter.js';
import { hashPassword, needsRehash, verifyPassword } from './password.js';
import { ACTION_PERMISSION, lowestRoleFor, rolesGrant } from './roles.js';
import { allows } from './scope.js';
import { looksLikeToken, tokenId, tokenMatches } from './tokens.js';
import type { LoginAttempt, StoredUser, UserStore } from './user-store.js';
import { isUserName } from './users.js';

/** What became of an attempt to authenticate, for the log and the metrics. */
export interface AuthAttempt {
  readonly method: 'password' | 'token';
  readonly user: string;
  readonly address: string;
  readonly outcome: 'ok' | 'failed' | 'locked' | 'expired' | 'revoked';
  readonly retryAfterMs?: number;
}

export interface AuthServiceOptions {
  readonly store: UserStore;
  readonly clock: Clock;
  readonly lockout: LockoutSettings;
  /** Absent: bearer JWTs are refused (no `auth.jwt`). */
  readonly jwt?: JwtVerifier | undefined;
  readonly onAttempt?: (attempt: AuthAttempt) => void;
}

/** Login attempts this old are replayed into the lockout at start, so a restart does not lift it. */
const REPLAY_MS = 7 * 86_400_000;
/** A token's last use is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60_000;

const WRONG = 'wrong user name or password';

/** Password logins with lockout, API tokens and bearer JWTs, against the local user store. */
export class LocalAuthService implements AuthService {
  readonly limiter: LoginLimiter;
  private decoy: Promise<string> | undefined;

  constructor(private readonly options: AuthServiceOptions) {
    this.limiter = new LoginLimiter(options.lockout);
    for (const a of options.store.attemptsSince(options.clock.now() - REPLAY_MS)) {
      if (a.method !== 'password') continue;
      if (a.outcome === 'ok') this.limiter.noteSuccess(a.user, a.address);
      else this.limiter.noteFailure(a.known ? a.user : null, a.address, a.at);
    }
  }

  async login(name: string, password: string, address: string): Promise<Principal> {
    const { store, clock } = this.options;
    const user = isUserName(name) ? store.getUser(name) : undefined;
    // Unknown names count against the address only: they cannot lock out anyone real.
    const counted = user === undefined ? null : name;
    const verdict = this.limiter.begin(counted, address, clock.now());
    if (!verdict.allowed) {
      this.tell({ method: 'password', user: name, address, outcome: 'locked', retryAfterMs: verdict.retryAfterMs });
      const who = verdict.by === 'user' ? `user "${name}"` : `address ${address}`;
      throw new HazgateError('HG_ERR_AUTH_LOCKED', `too many failed logins for ${who}: try again in ${Math.ceil(verdict.retryAfterMs / 1000)} s`, { by: verdict.by, retryAfterMs: verdict.retryAfterMs });
    }
    let ok: boolean;
    try {
      // An unknown user is checked against a decoy hash: the answer takes as long either way.
      ok = (await verifyPassword(password, user?.passwordHash ?? (await this.decoyHash()))) && user !== undefined && user.disabled === null;
    } catch (e) {
      this.limiter.abandon(counted, address);
      throw e;
    }
    this.recordAttempt({ at: clock.now(), user: name, known: user !== undefined, address, method: 'password', outcome: ok ? 'ok' : 'failed' });
    if (!ok || user === undefined) {
      this.limiter.fail(counted, address, clock.now());
      this.tell({ method: 'password', user: name, address, outcome: 'failed' });
      // knownUser stays on the server (error bodies carry code and message only): the audit keeps a
      // mistyped name out of the journal, where a password typed into the user field would stay forever.
      throw new HazgateError('HG_ERR_AUTH_FAILED', WRONG, { user: name, knownUser: user !== undefined });
    }
    this.limiter.succeed(name, address);
    this.tell({ method: 'password', user: name, address, outcome: 'ok' });
    if (needsRehash(user.passwordHash)) await this.rehash(name, password);
    const now = store.getUser(name) ?? user;
    return { user: name, roles: user.roles, scopes: user.scopes, via: 'password', credential: credentialOf(now) };
  }

  verifyToken(token: string, address: string): Principal {
    const { store, clock } = this.options;
    const now = clock.now();
    const id = tokenId(token);
    const row = id === null ? undefined : store.getToken(id);
    if (row === undefined || !tokenMatches(token, row.hash)) {
      // Not counted towards the address's login lock: a 256-bit token cannot be guessed, and free
      // junk tokens from a shared (NAT, proxy) address must not lock its operators' password logins.
      // Refused, told (logged and audited at most 20 a minute per address) and counted.
      this.tell({ method: 'token', user: '', address, outcome: 'failed' });
      throw new HazgateError('HG_ERR_AUTH_FAILED', 'unknown API token', id === null ? {} : { tokenId: id });
    }
    const user = store.getUser(row.user);
    if (row.revoked !== null) throw this.refused(row.user, address, 'revoked', new HazgateError('HG_ERR_AUTH_TOKEN_REVOKED', `API token ${row.id} was revoked`, { tokenId: row.id }));
    if (row.expires !== null && now >= row.expires) {
      const error = new HazgateError('HG_ERR_AUTH_TOKEN_EXPIRED', `API token ${row.id} expired at ${new Date(row.expires).toISOString()}`, { tokenId: row.id, expired: row.expires });
      throw this.refused(row.user, address, 'expired', error);
    }
    if (user === undefined || user.disabled !== null) {
      throw this.refused(row.user, address, 'revoked', new HazgateError('HG_ERR_AUTH_TOKEN_REVOKED', `the user of API token ${row.id} is disabled or removed`, { tokenId: row.id }));
    }
    if (now - (row.lastUsed ?? 0) >= TOUCH_EVERY_MS) this.touch(row.id, now);
    this.tell({ method: 'token', user: row.user, address, outcome: 'ok' });
    return { ...principalOf(user, 'token'), tokenId: row.id, ...(row.expires === null ? {} : { expires: row.expires }) };
  }

  async verifyBearer(jwt: string): Promise<Principal> {
    if (this.options.jwt === undefined) throw new HazgateError('HG_ERR_AUTH_FAILED', 'bearer JWTs are not accepted here (no auth.jwt configured)', { reason: 'no jwt config' });
    return this.options.jwt.verify(jwt);
  }

  authenticateBearer(credential: string, address: string): Promise<Principal> {
    if (looksLikeToken(credential)) return Promise.resolve().then(() => this.verifyToken(credential, address));
    return this.verifyBearer(credential);
  }

  /** The user behind a login session as the store has them now: roles changed, disabled or removed since count. */
  sessionPrincipal(name: string, credential?: string): Principal {
    const user = this.options.store.getUser(name);
    if (user === undefined || user.disabled !== null) throw new HazgateError('HG_ERR_AUTH_TOKEN_REVOKED', `user "${name}" is disabled or removed`, { user: name });
    // A password change, or a new user under the old name, ends the sessions of the old credential.
    if (credential !== undefined && credential !== credentialOf(user)) throw new HazgateError('HG_ERR_AUTH_TOKEN_REVOKED', `the password of "${name}" changed, or the user was made anew, since this session began`, { user: name });
    return principalOf(user, 'session');
  }

  authorize(principal: Principal, permission: Permission, target?: ScopeTarget): void {
    if (!rolesGrant(principal.roles, permission)) {
      throw new HazgateError('HG_ERR_AUTH_FORBIDDEN', `${principal.user} may not ${permission} (a ${lowestRoleFor(permission)} may)`, { user: principal.user, permission });
    }
    if (target !== undefined && !allows(principal, target)) {
      const where = `${target.site}${target.area === null ? ' (site-wide)' : `/${target.area}`}`;
      throw new HazgateError('HG_ERR_AUTH_FORBIDDEN', `${where} is outside the sites and areas of ${principal.user}`, { user: principal.user, permission, site: target.site, area: target.area });
    }
  }

  permits(principal: Principal, permission: Permission, target?: ScopeTarget): boolean {
    return rolesGrant(principal.roles, permission) && (target === undefined || allows(principal, target));
  }

  actionPermission(action: OperatorAction): Permission {
    return ACTION_PERMISSION[action];
  }

  /** A hash of older parameters redone with today's; should the store refuse, the next login tries again. */
  private async rehash(name: string, password: string): Promise<void> {
    try {
      this.options.store.updateUser(name, { passwordHash: await hashPassword(password) });
    } catch {
      // The login stands: the old hash still verifies.
    }
  }

  /**
   * The record is for audit and for the lockout after a restart; the lockout in memory holds
   * without it, and a full disk must not keep the shift from logging in.
   */
  private recordAttempt(attempt: LoginAttempt): void {
    try {
      this.options.store.recordAttempt(attempt);
    } catch {
      // Not replayed after a restart; counted in memory all the same.
    }
  }

  /** The last use is for the administrator's list only: a store that cannot write it must not refuse a good token. */
  private touch(id: string, now: number): void {
    try {
      this.options.store.touchToken(id, now);
    } catch {
      // Written on the next use after a minute.
    }
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= hashPassword(randomBytes(24).toString('base64'));
    return this.decoy;
  }

  private refused(user: string, address: string, outcome: 'expired' | 'revoked', error: HazgateError): HazgateError {
    this.tell({ method: 'token', user, address, outcome });
    return error;
  }

  private tell(attempt: AuthAttempt): void {
    this.options.onAttempt?.(attempt);
  }
}

/** Digest of what a login proved: the user's creation and password hash (Principal.credential). */
function credentialOf(user: StoredUser): string {
  return createHash('sha256').update(`${user.created}\n${user.passwordHash}`).digest('base64url').slice(0, 22);
}

function principalOf(user: StoredUser, via: Principal['via']): Principal {
  return { user: user.name, roles: user.roles, scopes: user.scopes, via };
}
