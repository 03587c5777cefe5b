import { readFileSync } from 'node:fs';
import { HazgateError, type Clock, type Role, type Scopes } from '../core/index.js';
import { JwtVerifier } from './bearer.js';
import { JwksKeySource, staticKeySource } from './jwks.js';
import type { JwtAlgorithm, KeySource } from './jwt.js';
import { LocalAuthService, type AuthAttempt } from './service.js';
import { SqliteUserStore } from './user-store-sqlite.js';
import { LocalUserAdmin } from './users.js';

/**
 * What the `auth` config section parses to (src/config/auth.ts), repeated here because src/auth
 * may import src/core only; the parsed section fits it as it is. Paths (users.dir, publicKeys[].file)
 * arrive resolved against the config file.
 */
export interface AuthSettings {
  readonly tokens: { readonly defaultExpiry: number | null };
  readonly lockout: {
    readonly maxFailures: number;
    readonly maxFailuresPerAddress: number;
    readonly window: number;
    readonly baseDelay: number;
    readonly maxDelay: number;
  };
  readonly jwt?: JwtSettings | undefined;
}

export interface JwtSettings {
  readonly jwksUrl?: string | undefined;
  readonly publicKeys?: readonly { readonly kid?: string | undefined; readonly pem?: string | undefined; readonly file?: string | undefined }[] | undefined;
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly algorithms: readonly JwtAlgorithm[];
  readonly userClaim: string;
  readonly rolesClaim: string;
  readonly roleMap: Readonly<Record<string, Role>>;
  readonly defaultRole?: Role | undefined;
  readonly scopesClaim?: string | undefined;
  readonly scopes: Scopes;
  readonly clockSkew: number;
  readonly jwksCacheFor: number;
  readonly jwksTimeout: number;
}

export interface OpenAuthDeps {
  /** Folder of users.db: auth.users.dir, or `<store dir>/auth`. */
  readonly dir: string;
  readonly clock: Clock;
  readonly onAttempt?: (attempt: AuthAttempt) => void;
  /** A refetch failed and the last good JWKS is used on. */
  readonly onJwksStale?: (e: HazgateError) => void;
}

export interface OpenedAuth {
  readonly service: LocalAuthService;
  readonly admin: LocalUserAdmin;
  readonly store: SqliteUserStore;
  close(): void;
}

function keySourceOf(jwt: JwtSettings, deps: OpenAuthDeps): KeySource {
  if (jwt.jwksUrl !== undefined) {
    const onStale = deps.onJwksStale;
    return new JwksKeySource({ url: jwt.jwksUrl, cacheForMs: jwt.jwksCacheFor, timeoutMs: jwt.jwksTimeout, now: () => deps.clock.now(), ...(onStale === undefined ? {} : { onStale }) });
  }
  const entries = (jwt.publicKeys ?? []).map((k, i) => {
    if (k.pem !== undefined) return { kid: k.kid, pem: k.pem };
    try {
      return { kid: k.kid, pem: readFileSync(k.file ?? '', 'utf8') };
    } catch (cause) {
      throw new HazgateError('HG_ERR_CONFIG_READ', `auth.jwt.publicKeys[${i}]: ${k.file ?? ''} cannot be read`, { file: k.file, index: i }, cause);
    }
  });
  return staticKeySource(entries);
}

/** The JWT verifier of an `auth.jwt` section; misconfigured keys fail here, at boot, never per request. */
export function jwtVerifierOf(jwt: JwtSettings, deps: OpenAuthDeps): JwtVerifier {
  const expect = { issuer: jwt.issuer, audience: typeof jwt.audience === 'string' ? [jwt.audience] : [...jwt.audience], algorithms: jwt.algorithms, clockSkewMs: jwt.clockSkew };
  const mapping = { userClaim: jwt.userClaim, rolesClaim: jwt.rolesClaim, roleMap: jwt.roleMap, defaultRole: jwt.defaultRole, scopesClaim: jwt.scopesClaim, scopes: jwt.scopes };
  return new JwtVerifier(keySourceOf(jwt, deps), expect, mapping, () => deps.clock.now());
}

/** Opens users.db and makes the auth service and the user administration over it. */
export function openAuth(settings: AuthSettings, deps: OpenAuthDeps): OpenedAuth {
  const jwt = settings.jwt === undefined ? undefined : jwtVerifierOf(settings.jwt, deps);
  const store = new SqliteUserStore(deps.dir);
  const l = settings.lockout;
  const lockout = { maxFailures: l.maxFailures, maxFailuresPerAddress: l.maxFailuresPerAddress, windowMs: l.window, baseDelayMs: l.baseDelay, maxDelayMs: l.maxDelay };
  const service = new LocalAuthService({ store, clock: deps.clock, lockout, jwt, ...(deps.onAttempt === undefined ? {} : { onAttempt: deps.onAttempt }) });
  const admin = new LocalUserAdmin({ store, clock: deps.clock, defaultTokenExpiryMs: settings.tokens.defaultExpiry });
  return { service, admin, store, close: () => store.close() };
}
