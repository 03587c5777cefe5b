import { verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { HazgateError } from '../core/index.js';

/**
 * Checks a JWS-compact JWT (RFC 7519) from an identity provider: RS256 or ES256 only (never
 * `none`, never an HMAC with a public key as its secret: the algorithm-confusion attacks), the key
 * chosen by `kid` and of the algorithm's type, then iss, aud, exp, nbf and iat with a clock skew.
 */
export type JwtAlgorithm = 'RS256' | 'ES256';

export interface JwtKey {
  /** null: a key without a kid, tried for any JWT of its type. */
  readonly kid: string | null;
  /** The JWK's `alg`, when it names one: the key is then used for that algorithm only. */
  readonly alg: string | null;
  readonly key: KeyObject;
}

/** Where verification keys come from: a cached JWKS, or static PEM keys. */
export interface KeySource {
  keys(): Promise<readonly JwtKey[]>;
  /** Fetches again for a kid not seen; null when it fetched too recently to try again. */
  refresh(): Promise<readonly JwtKey[]> | null;
}

export interface JwtExpectations {
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly algorithms: readonly JwtAlgorithm[];
  readonly clockSkewMs: number;
}

export type JwtClaims = Readonly<Record<string, unknown>>;

/** At most this long: headers carry it, and nobody needs a 16 KiB identity. */
const MAX_JWT_LENGTH = 16 * 1024;

const headerSchema = z.object({ alg: z.string(), kid: z.string().optional(), typ: z.string().optional(), crit: z.unknown().optional() });
const timeClaim = z.number().finite().optional();
const registeredSchema = z.object({
  iss: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  exp: timeClaim,
  nbf: timeClaim,
  iat: timeClaim,
});

function refuse(reason: string, details: Record<string, unknown> = {}): HazgateError {
  return new HazgateError('HG_ERR_AUTH_FAILED', `bearer token refused: ${reason}`, { reason, ...details });
}

function jsonPart(part: string, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw refuse(`its ${what} is not base64url JSON`);
  }
}

/** Whether the key can make signatures of the algorithm: RSA of 2048 bits or more for RS256, P-256 for ES256. */
function fits(k: JwtKey, alg: JwtAlgorithm): boolean {
  if (k.alg !== null && k.alg !== alg) return false;
  const details = k.key.asymmetricKeyDetails;
  if (alg === 'RS256') return k.key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048;
  return k.key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1';
}

async function candidateKeys(source: KeySource, kid: string | undefined, alg: JwtAlgorithm): Promise<readonly JwtKey[]> {
  const pick = (keys: readonly JwtKey[]): JwtKey[] => keys.filter((k) => (kid === undefined || k.kid === null || k.kid === kid) && fits(k, alg));
  const found = pick(await source.keys());
  if (found.length > 0 || kid === undefined) return found;
  // A kid never seen: the IdP may have rotated its keys since the JWKS was fetched.
  const refreshed = source.refresh();
  return refreshed === null ? [] : pick(await refreshed);
}

function signatureVerifies(signingInput: string, signature: Buffer, alg: JwtAlgorithm, keys: readonly JwtKey[]): boolean {
  const data = Buffer.from(signingInput, 'ascii');
  // JWS ES256 signatures are r‖s (64 bytes), not DER (RFC 7518 3.4).
  return keys.some((k) => {
    try {
      return verify('sha256', data, alg === 'ES256' ? { key: k.key, dsaEncoding: 'ieee-p1363' } : k.key, signature);
    } catch {
      return false; // a signature of the wrong length for the key
    }
  });
}

function checkRegisteredClaims(claims: unknown, expect: JwtExpectations, now: number): void {
  const r = registeredSchema.safeParse(claims);
  if (!r.success) throw refuse('iss, aud, exp, nbf or iat has the wrong type');
  const { iss, aud, exp, nbf, iat } = r.data;
  if (iss !== expect.issuer) throw refuse(`issuer "${iss ?? ''}" is not "${expect.issuer}"`);
  const audiences = aud === undefined ? [] : typeof aud === 'string' ? [aud] : aud;
  if (!audiences.some((a) => expect.audience.includes(a))) throw refuse(`audience ${JSON.stringify(aud ?? null)} is not ${expect.audience.join(' or ')}`);
  const skew = expect.clockSkewMs;
  if (exp === undefined) throw refuse('it has no exp');
  if (now - skew >= exp * 1000) {
    throw new HazgateError('HG_ERR_AUTH_TOKEN_EXPIRED', `bearer token expired at ${new Date(exp * 1000).toISOString()}`, { expired: exp * 1000 });
  }
  if (nbf !== undefined && now + skew < nbf * 1000) throw refuse(`it is not valid before ${new Date(nbf * 1000).toISOString()}`);
  if (iat !== undefined && now + skew < iat * 1000) throw refuse('it was issued in the future');
}

/** The token's claims once signature and registered claims check out; HG_ERR_AUTH_FAILED or _TOKEN_EXPIRED otherwise. */
export async function verifyJwt(jwt: string, source: KeySource, expect: JwtExpectations, now: number): Promise<JwtClaims> {
  if (jwt.length > MAX_JWT_LENGTH) throw refuse('it is too long');
  const parts = jwt.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) throw refuse('it is not a signed JWT (three base64url parts)');
  const [h = '', p = '', s = ''] = parts;
  const header = headerSchema.safeParse(jsonPart(h, 'header'));
  if (!header.success) throw refuse('its header has no alg');
  const alg = header.data.alg;
  if (!(expect.algorithms as readonly string[]).includes(alg)) throw refuse(`algorithm "${alg}" is not accepted (${expect.algorithms.join(', ')})`, { alg });
  // RFC 7515 4.1.11: an extension we do not understand must be refused.
  if (header.data.crit !== undefined) throw refuse('its header has crit extensions');
  const keys = await candidateKeys(source, header.data.kid, alg as JwtAlgorithm);
  if (keys.length === 0) throw refuse(`no ${alg} key${header.data.kid === undefined ? '' : ` with kid "${header.data.kid}"`}`, { kid: header.data.kid ?? null });
  if (!signatureVerifies(`${h}.${p}`, Buffer.from(s, 'base64url'), alg as JwtAlgorithm, keys)) throw refuse('its signature does not verify');
  const claims = jsonPart(p, 'payload');
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw refuse('its payload is not a JSON object');
  checkRegisteredClaims(claims, expect, now);
  return claims as JwtClaims;
}
