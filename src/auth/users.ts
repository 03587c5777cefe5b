import { HazgateError, type Clock, type IssuedToken, type NewUser, type Role, type Scopes, type TokenInfo, type UserAdmin, type UserInfo } from '../core/index.js';
import { checkNewPassword, hashPassword } from './password.js';
import { isRole } from './roles.js';
import { generateToken } from './tokens.js';
import type { StoredToken, StoredUser, UserStore } from './user-store.js';

/** A user name: what the journal records beside every operator action. */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const SCOPE_ENTRY = /^[^\s,]{1,128}$/;
const TOKEN_NAME = /^[\p{L}\p{N} ._:@/-]{1,64}$/u;

export function isUserName(name: string): boolean {
  return USER_NAME.test(name);
}

export interface UserAdminOptions {
  readonly store: UserStore;
  readonly clock: Clock;
  /** Expiry of a token made without one (auth.tokens.defaultExpiry); null: never. */
  readonly defaultTokenExpiryMs: number | null;
}

function userInfo(u: StoredUser): UserInfo {
  return { name: u.name, roles: u.roles, scopes: u.scopes, created: u.created, disabled: u.disabled };
}

function tokenInfo(t: StoredToken): TokenInfo {
  return { id: t.id, user: t.user, name: t.name, created: t.created, expires: t.expires, revoked: t.revoked, lastUsed: t.lastUsed };
}

function badRequest(message: string, details: Record<string, unknown>): HazgateError {
  return new HazgateError('HG_ERR_API_BAD_REQUEST', message, details);
}

function checkUser(user: NewUser): void {
  if (!isUserName(user.name)) throw badRequest(`"${user.name}" is not a user name (1-64 of letters, digits, . _ @ -, starting with a letter or digit)`, { user: user.name });
  if (user.roles.length === 0 || !user.roles.every((r) => isRole(r))) throw badRequest(`user "${user.name}" needs a role: viewer, operator, engineer or admin`, { user: user.name });
  for (const list of [user.scopes.sites, user.scopes.areas]) {
    if (list !== '*' && !list.every((s) => SCOPE_ENTRY.test(s))) throw badRequest(`the sites and areas of "${user.name}" must be names without spaces or commas`, { user: user.name });
  }
  checkNewPassword(user.name, user.password);
}

/** Adding and removing users and issuing tokens: `hazgate user …` and, later, the admin routes. */
export class LocalUserAdmin implements UserAdmin {
  constructor(private readonly options: UserAdminOptions) {}

  async addUser(user: NewUser): Promise<UserInfo> {
    checkUser(user);
    const { store, clock } = this.options;
    if (store.getUser(user.name) !== undefined) throw new HazgateError('HG_ERR_AUTH_USER_EXISTS', `user "${user.name}" exists already`, { user: user.name });
    const stored: StoredUser = { name: user.name, passwordHash: await hashPassword(user.password), roles: dedupe(user.roles), scopes: normalScopes(user.scopes), created: clock.now(), disabled: null };
    store.insertUser(stored);
    return userInfo(stored);
  }

  async setPassword(name: string, password: string): Promise<void> {
    this.user(name);
    checkNewPassword(name, password);
    this.options.store.updateUser(name, { passwordHash: await hashPassword(password) });
    // Their sessions end here, in users.db, so a running server drops them too (it would at their next request anyway: the credential digest).
    this.options.store.endSessionsOf(name);
  }

  setDisabled(name: string, state: 'disabled' | 'enabled'): UserInfo {
    const user = this.user(name);
    const disabled = state === 'enabled' ? null : (user.disabled ?? this.options.clock.now());
    this.options.store.updateUser(name, { disabled });
    if (disabled !== null) this.options.store.endSessionsOf(name);
    return userInfo({ ...user, disabled });
  }

  /** Removes the user, every token and console session of theirs (their name stays in the journal's records). */
  removeUser(name: string): void {
    if (!this.options.store.deleteUser(name)) throw unknownUser(name);
  }

  listUsers(): UserInfo[] {
    return this.options.store.listUsers().map(userInfo);
  }

  /** The token is in the answer once; the store keeps its SHA-256 only. */
  createToken(name: string, options: { readonly name: string; readonly expiresInMs?: number | null }): IssuedToken {
    const user = this.user(name);
    if (user.disabled !== null) throw badRequest(`user "${name}" is disabled: enable them before issuing a token`, { user: name });
    if (!TOKEN_NAME.test(options.name)) throw badRequest(`a token name is 1-64 letters, digits, spaces or . _ : @ / -`, { user: name });
    const ttl = options.expiresInMs === undefined ? this.options.defaultTokenExpiryMs : options.expiresInMs;
    if (ttl !== null && !(ttl > 0)) throw badRequest('a token must expire in the future (or never)', { user: name });
    const now = this.options.clock.now();
    const { id, token, hash } = generateToken();
    const stored: StoredToken = { id, user: name, name: options.name, hash, created: now, expires: ttl === null ? null : now + ttl, revoked: null, lastUsed: null };
    this.options.store.insertToken(stored);
    return { ...tokenInfo(stored), token };
  }

  revokeToken(id: string): TokenInfo {
    const { store, clock } = this.options;
    if (store.getToken(id) === undefined) throw new HazgateError('HG_ERR_AUTH_UNKNOWN_USER', `no API token has id "${id}"`, { tokenId: id });
    store.revokeToken(id, clock.now());
    const after = store.getToken(id);
    if (after === undefined) throw new HazgateError('HG_ERR_AUTH_UNKNOWN_USER', `no API token has id "${id}"`, { tokenId: id });
    return tokenInfo(after);
  }

  listTokens(user?: string): TokenInfo[] {
    return this.options.store.listTokens(user).map(tokenInfo);
  }

  private user(name: string): StoredUser {
    const user = this.options.store.getUser(name);
    if (user === undefined) throw unknownUser(name);
    return user;
  }
}

function unknownUser(name: string): HazgateError {
  return new HazgateError('HG_ERR_AUTH_UNKNOWN_USER', `no user "${name}"`, { user: name });
}

function dedupe(roles: readonly Role[]): Role[] {
  return [...new Set(roles)];
}

function normalScopes(s: Scopes): Scopes {
  return { sites: s.sites === '*' ? '*' : [...new Set(s.sites)], areas: s.areas === '*' ? '*' : [...new Set(s.areas)] };
}
