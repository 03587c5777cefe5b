import type { OperatorAction } from './alarm.js';

/**
 * Who may see and do what (issue 11). Contracts only: the roles, the permissions they grant, the
 * principal a request runs as, and the ports the server uses. src/auth implements them.
 */

/** Each role includes everything the one before it may do: viewer ⊂ operator ⊂ engineer ⊂ admin. */
export type Role = 'viewer' | 'operator' | 'engineer' | 'admin';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'engineer', 'admin'];

/** What a request may ask for; src/auth/roles.ts says which role grants which. */
export type Permission =
  | 'read'
  | 'alarm.acknowledge'
  | 'alarm.comment'
  | 'alarm.shelve'
  | 'alarm.unshelve'
  | 'alarm.confirm'
  | 'alarm.reset'
  | 'alarm.out-of-service'
  | 'alarm.in-service'
  | 'bypass.write'
  | 'rules.write'
  | 'setpoints.write'
  | 'users.admin'
  | 'config.admin';

export const PERMISSIONS: readonly Permission[] = [
  'read',
  'alarm.acknowledge',
  'alarm.comment',
  'alarm.shelve',
  'alarm.unshelve',
  'alarm.confirm',
  'alarm.reset',
  'alarm.out-of-service',
  'alarm.in-service',
  'bypass.write',
  'rules.write',
  'setpoints.write',
  'users.admin',
  'config.admin',
];

/**
 * Where a user sees and acts: sites (centre mode) and areas (units, hazard sources, working faces).
 * `'*'` is all of them, including ones configured later.
 */
export interface Scopes {
  readonly sites: readonly string[] | '*';
  readonly areas: readonly string[] | '*';
}

export const ALL_SCOPES: Scopes = { sites: '*', areas: '*' };

/** How the principal proved who it is: a password login, a hazgate API token, an IdP's JWT, or a session made by a login. */
export type AuthMethod = 'password' | 'token' | 'jwt' | 'session';

/** Whoever a request runs as. The name is what the journal records for operator actions. */
export interface Principal {
  readonly user: string;
  readonly roles: readonly Role[];
  readonly scopes: Scopes;
  readonly via: AuthMethod;
  /** The API token's id (via `token`), for audit and revocation. */
  readonly tokenId?: string;
  /** Epoch ms after which the credential is no longer good (token or JWT expiry). */
  readonly expires?: number;
  /**
   * For password logins: a digest of the user's creation time and password hash at the login. A
   * session keeps it, and ends when it no longer matches (the password changed, or the user was
   * removed and a new user of the same name added).
   */
  readonly credential?: string;
}

/** What a request touches: a point, a condition or a bypass lives on a site and (mostly) in an area; null is site-wide. */
export interface ScopeTarget {
  readonly site: string;
  readonly area: string | null;
}

/**
 * The port the HTTP server and the WebSocket hub use. Every failure is a HazgateError with an
 * HG_ERR_AUTH_* code (classify by code): FAILED for a wrong user, password, token or signature
 * (never saying which), LOCKED with details.retryAfterMs, TOKEN_EXPIRED, TOKEN_REVOKED, FORBIDDEN.
 */
export interface AuthService {
  /** A user name and password (the login form); `address` is the client's IP for the lockout. */
  login(user: string, password: string, address: string): Promise<Principal>;
  /** A hazgate API token `hg_<id>_<secret>`. */
  verifyToken(token: string, address: string): Principal;
  /** An identity provider's JWT (OIDC access or ID token); refused when no `auth.jwt` is configured. */
  verifyBearer(jwt: string): Promise<Principal>;
  /** The value of an `Authorization: Bearer …` header: an API token or a JWT, told apart by the `hg_` prefix. */
  authenticateBearer(credential: string, address: string): Promise<Principal>;
  /** The user behind a login session as the store has them now (roles may have changed); HG_ERR_AUTH_TOKEN_REVOKED once disabled or removed. */
  sessionPrincipal(user: string, credential?: string): Principal;
  /** Throws HG_ERR_AUTH_FORBIDDEN unless a role grants the permission and (given a target) the scopes include it. */
  authorize(principal: Principal, permission: Permission, target?: ScopeTarget): void;
  /** Whether a role grants the permission and (given a target) the scopes include it: for filtering lists, without an error per item. */
  permits(principal: Principal, permission: Permission, target?: ScopeTarget): boolean;
  /** The permission an operator action on an alarm needs (`ACTION_PERMISSION`). */
  actionPermission(action: OperatorAction): Permission;
}

/** A user as listed: never its password hash. */
export interface UserInfo {
  readonly name: string;
  readonly roles: readonly Role[];
  readonly scopes: Scopes;
  readonly created: number;
  /** Epoch ms the user was disabled, or null. */
  readonly disabled: number | null;
}

/** An API token as listed: never its secret nor its hash. */
export interface TokenInfo {
  readonly id: string;
  readonly user: string;
  readonly name: string;
  readonly created: number;
  /** Epoch ms, or null for a token that does not expire. */
  readonly expires: number | null;
  readonly revoked: number | null;
  readonly lastUsed: number | null;
}

/** A token as issued: `token` is shown once and kept nowhere (only its SHA-256). */
export interface IssuedToken extends TokenInfo {
  readonly token: string;
}

export interface NewUser {
  readonly name: string;
  readonly password: string;
  readonly roles: readonly Role[];
  readonly scopes: Scopes;
}

/** The user administration port: the `hazgate user` commands now, admin routes (`users.admin`) later. */
export interface UserAdmin {
  addUser(user: NewUser): Promise<UserInfo>;
  setPassword(name: string, password: string): Promise<void>;
  setDisabled(name: string, disabled: 'disabled' | 'enabled'): UserInfo;
  removeUser(name: string): void;
  listUsers(): UserInfo[];
  /** `expiresInMs` null: never expires; undefined: the configured default. */
  createToken(user: string, options: { readonly name: string; readonly expiresInMs?: number | null }): IssuedToken;
  revokeToken(id: string): TokenInfo;
  listTokens(user?: string): TokenInfo[];
}

/**
 * A console session as kept on disk (users.db): SHA-256 of its id, never the id, so a copy of the
 * file logs nobody in. The CSRF token is derived from the id and not kept at all.
 */
export interface SessionRecord {
  /** Hex SHA-256 of the session id (the cookie's value). */
  readonly key: string;
  readonly user: string;
  /** Principal.credential at the login; null: not checked. */
  readonly credential: string | null;
  readonly created: number;
  /** created + maxAge. */
  readonly expires: number;
  /** Written at most once a minute: up to a minute older than the last use. */
  readonly lastSeen: number;
}

/**
 * Where the server's session store keeps its sessions so that a restart does not log the control
 * room out (src/auth implements it over users.db). The server keeps every session in memory too and
 * reads this only at start and when another process (`hazgate user`) has written. Every method may
 * throw HG_ERR_AUTH_STORE.
 */
export interface SessionRecords {
  /** Every session kept, oldest first. */
  all(): SessionRecord[];
  insert(record: SessionRecord): void;
  /** Ends these sessions (logout, idle, too old, the user's cap, credential changed). */
  remove(keys: readonly string[]): void;
  /** Last uses, in one transaction. */
  touch(seen: readonly { readonly key: string; readonly lastSeen: number }[]): void;
  /** Whether another process (`hazgate user remove`, …) has written to the store since the last call. */
  changedElsewhere(): boolean;
}
