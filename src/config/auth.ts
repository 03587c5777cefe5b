import { z } from 'zod';
import { ROLES } from '../core/index.js';
import { durationSchema } from './rule-parts.js';

/**
 * The `auth` section (issue 11, docs/auth.md): the local user store, API token expiry, the login
 * lockout, console sessions and, for enterprises with an identity provider, OIDC/JWT bearer validation.
 */
export const roleSchema = z.enum(ROLES);

const scopeListSchema = z.union([z.literal('*'), z.array(z.string().min(1).max(128))]);

export const scopesSchema = z.object({ sites: scopeListSchema.default('*'), areas: scopeListSchema.default('*') }).strict();

/** A duration, or `never` (null). */
const expirySchema = z.union([z.literal('never').transform(() => null), durationSchema.refine((ms) => ms >= 60_000, 'at least 1m')]);

const usersSchema = z
  .object({
    /** Folder of `users.db` (default `<store dir>/auth`). */
    dir: z.string().optional().describe('folder of `users.db` (default `<store dir>/auth`).'),
  })
  .strict();

const tokensSchema = z
  .object({
    /** Expiry of a token `hazgate user token` makes without --expires. */
    defaultExpiry: expirySchema.default(90 * 86_400_000).describe('expiry of a token `hazgate user token` makes without --expires.'),
  })
  .strict();

/**
 * Console logins (POST /api/login): sessions are kept in memory and in users.db (SHA-256 of their
 * ids only), so a restart does not log the control room out (docs/auth.md, Console sessions).
 * An open WebSocket of the session keeps it from going idle: a control-room screen showing alarms
 * is in use even when nobody clicks; maxAge ends it all the same.
 */
export const sessionsSchema = z
  .object({
    /** A session not used for this long ends. */
    idleTimeout: durationSchema.refine((ms) => ms >= 60_000, 'at least 1m').default(30 * 60_000).describe('A session not used for this long ends.'),
    /** A session ends this long after the login, used or not (a shift and a half). */
    maxAge: durationSchema.refine((ms) => ms >= 60_000, 'at least 1m').default(12 * 3_600_000).describe('A session ends this long after the login, used or not (a shift and a half).'),
    /** Sessions kept at most; a login past it is refused (429), never ending someone else's. */
    maxSessions: z.number().int().min(1).max(1_000_000).default(10_000).describe('sessions kept at most; a login past it is refused (429), never ending someone else\'s.'),
  })
  .strict()
  .refine((s) => s.idleTimeout <= s.maxAge, { message: 'idleTimeout must not be longer than maxAge', path: ['idleTimeout'] });

export const lockoutSchema = z
  .object({
    /** Failed logins of one user within `window` before it is locked. */
    maxFailures: z.number().int().min(1).max(1000).default(5).describe('failed logins of one user within `window` before it is locked.'),
    /** Failed logins from one client address (any user) within `window` before it is locked. */
    maxFailuresPerAddress: z.number().int().min(1).max(10_000).default(20).describe('failed logins from one client address (any user) within `window` before it is locked.'),
    window: durationSchema.refine((ms) => ms >= 1000, 'at least 1s').default(15 * 60_000),
    /** The first lock; each further one doubles, up to maxDelay. */
    baseDelay: durationSchema.refine((ms) => ms >= 1000, 'at least 1s').default(60_000).describe('the first lock; each further one doubles, up to maxDelay.'),
    maxDelay: durationSchema.default(3_600_000),
  })
  .strict()
  .refine((l) => l.baseDelay <= l.maxDelay, { message: 'baseDelay must not be longer than maxDelay', path: ['baseDelay'] });

const publicKeySchema = z
  .object({
    /** Matched against the JWT header's `kid`; a key without one is tried for any JWT of its type. */
    kid: z.string().min(1).optional().describe('matched against the JWT header\'s `kid`; a key without one is tried for any JWT of its type.'),
    /** A PEM public key (SPKI) or certificate, inline… */
    pem: z.string().min(1).optional().describe('A PEM public key (SPKI) or certificate, inline…'),
    /** …or in a file (relative to the config file). */
    file: z.string().min(1).optional().describe('…or in a file (relative to the config file).'),
  })
  .strict()
  .refine((k) => (k.pem === undefined) !== (k.file === undefined), 'a public key needs exactly one of pem or file');

export const jwtSchema = z
  .object({
    /** The identity provider's JWKS (OIDC `jwks_uri`), fetched and cached. */
    jwksUrl: z.string().regex(/^https?:\/\/\S+$/, 'an https:// (or http:// for a lab) URL').optional().describe('the identity provider\'s JWKS (OIDC `jwks_uri`), fetched and cached.'),
    /** Or static keys, for an IdP the gateway cannot reach. */
    publicKeys: z.array(publicKeySchema).min(1).optional().describe('or static keys, for an IdP the gateway cannot reach.'),
    /** The `iss` every token must carry, exactly. */
    issuer: z.string().min(1).describe('the `iss` every token must carry, exactly.'),
    /** The `aud` (one of them) every token must carry: this gateway's client id at the IdP. */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('the `aud` (one of them) every token must carry: this gateway\'s client id at the IdP.'),
    algorithms: z.array(z.enum(['RS256', 'ES256'])).min(1).default(['RS256', 'ES256']),
    /** The claim that names the user in the journal; `sub` when the token lacks it. */
    userClaim: z.string().min(1).default('preferred_username').describe('the claim that names the user in the journal; `sub` when the token lacks it.'),
    /** A dotted path to a string or a list of strings: `roles`, `groups`, `realm_access.roles`. */
    rolesClaim: z.string().min(1).default('roles').describe('A dotted path to a string or a list of strings: `roles`, `groups`, `realm_access.roles`.'),
    /** Claim values (IdP groups or roles) to hazgate roles; empty: the values are hazgate role names. */
    roleMap: z.record(z.string(), roleSchema).default({}).describe('claim values (IdP groups or roles) to hazgate roles; empty: the values are hazgate role names.'),
    /** The role of a valid token whose claim maps to none; absent: such a token is refused (403). */
    defaultRole: roleSchema.optional().describe('the role of a valid token whose claim maps to none; absent: such a token is refused (403).'),
    /** A dotted path to `{ sites, areas }`; absent: every token gets `scopes`. */
    scopesClaim: z.string().min(1).optional().describe('A dotted path to `{ sites, areas }`; absent: every token gets `scopes`.'),
    scopes: scopesSchema.default({ sites: '*', areas: '*' }),
    /** Leeway for exp, nbf and iat against the gateway's clock. */
    clockSkew: durationSchema.refine((ms) => ms <= 600_000, 'at most 10m').default(60_000).describe('leeway for exp, nbf and iat against the gateway\'s clock.'),
    /** How long a fetched JWKS is used before it is fetched again. */
    jwksCacheFor: durationSchema.refine((ms) => ms >= 30_000, 'at least 30s').default(600_000).describe('how long a fetched JWKS is used before it is fetched again.'),
    jwksTimeout: durationSchema.refine((ms) => ms >= 100, 'at least 100ms').default(5_000),
  })
  .strict()
  .refine((j) => (j.jwksUrl === undefined) !== (j.publicKeys === undefined), 'jwt needs exactly one of jwksUrl or publicKeys');

export const authSectionSchema = z
  .object({
    users: usersSchema.default({}),
    tokens: tokensSchema.default(tokensSchema.parse({})),
    lockout: lockoutSchema.default(lockoutSchema.parse({})),
    sessions: sessionsSchema.default(sessionsSchema.parse({})),
    jwt: jwtSchema.optional(),
  })
  .strict();

export type AuthSection = z.output<typeof authSectionSchema>;
export type JwtSection = z.output<typeof jwtSchema>;
export type LockoutSection = z.output<typeof lockoutSchema>;
export type SessionsSection = z.output<typeof sessionsSchema>;
