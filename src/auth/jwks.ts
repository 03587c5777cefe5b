import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { z } from 'zod';
import { HazgateError } from '../core/index.js';
import type { JwtKey, KeySource } from './jwt.js';

/** A JWKS larger than this is not an IdP's key set. */
const MAX_JWKS_BYTES = 1024 * 1024;
/** A kid never seen fetches the JWKS again at most this often: made-up kids must not hammer the IdP. */
export const MIN_REFETCH_MS = 30_000;

const jwksSchema = z.object({
  keys: z.array(z.object({ kty: z.string(), kid: z.string().optional(), use: z.string().optional(), alg: z.string().optional() }).passthrough()),
});

/** The signing keys of a JWKS document; keys for encryption, of other types or that do not parse are left out. */
export function keysFromJwks(json: unknown, url: string): JwtKey[] {
  const doc = jwksSchema.safeParse(json);
  if (!doc.success) throw new HazgateError('HG_ERR_AUTH_JWKS', `${url} is not a JWKS (no keys array)`, { url });
  const keys = doc.data.keys.flatMap((jwk): JwtKey[] => {
    if (jwk.use === 'enc' || (jwk.kty !== 'RSA' && jwk.kty !== 'EC')) return [];
    try {
      return [{ kid: jwk.kid ?? null, alg: jwk.alg ?? null, key: createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }) }];
    } catch {
      return [];
    }
  });
  if (keys.length === 0) throw new HazgateError('HG_ERR_AUTH_JWKS', `${url} has no RSA or EC signing key`, { url });
  return keys;
}

/** Static keys: PEM public keys (SPKI) or certificates, for an IdP the gateway cannot reach. */
export function staticKeySource(entries: readonly { readonly kid?: string | undefined; readonly pem: string }[]): KeySource {
  const keys = entries.map((e, i): JwtKey => {
    try {
      return { kid: e.kid ?? null, alg: null, key: createPublicKey(e.pem) };
    } catch (cause) {
      throw new HazgateError('HG_ERR_CONFIG_INVALID', `auth.jwt.publicKeys[${i}] is not a PEM public key or certificate`, { index: i }, cause);
    }
  });
  return { keys: () => Promise.resolve(keys), refresh: () => null };
}

export interface JwksOptions {
  readonly url: string;
  readonly cacheForMs: number;
  readonly timeoutMs: number;
  readonly now: () => number;
  /** Told when a refetch fails and the last good key set is used on. */
  readonly onStale?: (e: HazgateError) => void;
  readonly fetch?: typeof fetch;
}

/**
 * An IdP's JWKS, fetched on first use and again after `cacheForMs`, or when a JWT names a kid not
 * in it (key rotation) at most every 30 s. When the IdP cannot be reached the last good set is used
 * on; with none, bearer JWTs are refused with HG_ERR_AUTH_JWKS and the fetch is tried again at most
 * every 30 s.
 */
export class JwksKeySource implements KeySource {
  private cached: { readonly keys: readonly JwtKey[]; readonly at: number } | null = null;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private lastError: HazgateError | null = null;
  private inFlight: Promise<readonly JwtKey[]> | null = null;

  constructor(private readonly options: JwksOptions) {}

  async keys(): Promise<readonly JwtKey[]> {
    const now = this.options.now();
    if (this.cached !== null && now - this.cached.at < this.options.cacheForMs) return this.cached.keys;
    if (now - this.lastAttempt < MIN_REFETCH_MS) {
      if (this.cached !== null) return this.cached.keys;
      if (this.lastError !== null && this.inFlight === null) throw this.lastError;
    }
    return this.fetchKeys();
  }

  refresh(): Promise<readonly JwtKey[]> | null {
    if (this.inFlight !== null) return this.inFlight;
    if (this.options.now() - this.lastAttempt < MIN_REFETCH_MS) return null;
    return this.fetchKeys();
  }

  /** One fetch at a time; a failed one falls back to the last good set. */
  private fetchKeys(): Promise<readonly JwtKey[]> {
    this.inFlight ??= this.download()
      .then((keys) => {
        this.cached = { keys, at: this.options.now() };
        this.lastError = null;
        return keys;
      })
      .catch((e: unknown) => {
        const error = e instanceof HazgateError ? e : new HazgateError('HG_ERR_AUTH_JWKS', `${this.options.url} cannot be fetched: ${String(e)}`, { url: this.options.url }, e);
        this.lastError = error;
        if (this.cached === null) throw error;
        this.options.onStale?.(error);
        return this.cached.keys;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  private async download(): Promise<readonly JwtKey[]> {
    const { url, timeoutMs } = this.options;
    this.lastAttempt = this.options.now();
    const res = await (this.options.fetch ?? fetch)(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (res.status !== 200) throw new HazgateError('HG_ERR_AUTH_JWKS', `${url} answered HTTP ${res.status}`, { url, status: res.status });
    const text = await res.text();
    if (text.length > MAX_JWKS_BYTES) throw new HazgateError('HG_ERR_AUTH_JWKS', `${url} sent more than ${MAX_JWKS_BYTES} bytes`, { url });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new HazgateError('HG_ERR_AUTH_JWKS', `${url} did not send JSON`, { url }, cause);
    }
    return keysFromJwks(json, url);
  }
}
