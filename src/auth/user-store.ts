import type { TokenInfo, UserInfo } from '../core/index.js';

/** A user as the store keeps it: with its scrypt hash, which leaves src/auth never. */
export interface StoredUser extends UserInfo {
  readonly passwordHash: string;
}

/** A token as the store keeps it: with SHA-256 of the token, never the token. */
export interface StoredToken extends TokenInfo {
  readonly hash: string;
}

/** What a password login or a token check came to, for audit and to rebuild the lockout after a restart. */
export interface LoginAttempt {
  readonly at: number;
  /** The name as given (at most 128 characters). */
  readonly user: string;
  /** Whether a user of that name existed: unknown names count only against the address. */
  readonly known: boolean;
  readonly address: string;
  readonly method: 'password' | 'token';
  readonly outcome: 'ok' | 'failed';
}

/** Where users, tokens, login attempts and console sessions live (SQLite here; a fake in tests). */
export interface UserStore {
  /** @throws HG_ERR_AUTH_USER_EXISTS */
  insertUser(user: StoredUser): void;
  getUser(name: string): StoredUser | undefined;
  listUsers(): StoredUser[];
  /** false when there is no such user. */
  updateUser(name: string, change: Partial<Pick<StoredUser, 'passwordHash' | 'roles' | 'scopes' | 'disabled'>>): boolean;
  /** Removes the user, their tokens and their console sessions; false when there is no such user. */
  deleteUser(name: string): boolean;
  /** Ends the user's console sessions (password changed, disabled); how many there were. */
  endSessionsOf(user: string): number;
  insertToken(token: StoredToken): void;
  getToken(id: string): StoredToken | undefined;
  listTokens(user?: string): StoredToken[];
  /** false when there is no such token or it is revoked already. */
  revokeToken(id: string, at: number): boolean;
  touchToken(id: string, at: number): void;
  recordAttempt(attempt: LoginAttempt): void;
  /** Oldest first. */
  attemptsSince(since: number): LoginAttempt[];
  close(): void;
}
