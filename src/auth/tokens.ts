import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API tokens: `hg_<id>_<secret>`, the id 16 hex digits (what lists, logs and revocation name), the
 * secret 32 random bytes in base64url. Only SHA-256 of the whole token is stored: 256 random bits
 * need no slow hash, and a copy of users.db gives nobody a working token. The `hg_` prefix lets
 * secret scanners and the Authorization header tell a hazgate token from a JWT.
 */
const TOKEN = /^hg_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewToken {
  readonly id: string;
  readonly token: string;
  readonly hash: string;
}

export function generateToken(): NewToken {
  const id = randomBytes(8).toString('hex');
  const token = `hg_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The id of a well-formed token, or null. */
export function tokenId(token: string): string | null {
  return TOKEN.exec(token)?.[1] ?? null;
}

export function looksLikeToken(credential: string): boolean {
  return credential.startsWith('hg_');
}

/** Whether the token's hash is the stored one, compared in constant time. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const given = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}
