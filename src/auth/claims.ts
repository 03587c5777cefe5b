import { z } from 'zod';
import { HazgateError, ROLES, type Principal, type Role, type Scopes } from '../core/index.js';
import type { JwtClaims } from './jwt.js';
import { isRole } from './roles.js';
import { parseScopeList } from './scope.js';

/** How an IdP's claims become a hazgate principal (auth.jwt in the config). */
export interface ClaimMapping {
  readonly userClaim: string;
  readonly rolesClaim: string;
  /** Claim values to roles; empty: the values are role names themselves. */
  readonly roleMap: Readonly<Record<string, Role>>;
  readonly defaultRole?: Role | undefined;
  readonly scopesClaim?: string | undefined;
  /** Every token's scopes when there is no scopesClaim. */
  readonly scopes: Scopes;
}

/**
 * A claim by name: the whole name first (namespaced claims such as `https://example.com/roles`
 * contain dots), then as a dotted path (`realm_access.roles`).
 */
export function claimAt(claims: JwtClaims, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let here: unknown = claims;
  for (const step of path.split('.')) {
    if (typeof here !== 'object' || here === null || Array.isArray(here) || !Object.hasOwn(here, step)) return undefined;
    here = (here as Record<string, unknown>)[step];
  }
  return here;
}

/** A list claim: an array of strings, or one string of names separated by spaces or commas. */
function names(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((s) => s !== '');
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function rolesOf(claims: JwtClaims, m: ClaimMapping): Role[] {
  const values = names(claimAt(claims, m.rolesClaim));
  const mapped = Object.keys(m.roleMap).length === 0 ? values.filter(isRole) : values.flatMap((v) => (Object.hasOwn(m.roleMap, v) ? [m.roleMap[v] as Role] : []));
  const roles = ROLES.filter((r) => mapped.includes(r));
  if (roles.length > 0) return roles;
  if (m.defaultRole !== undefined) return [m.defaultRole];
  throw new HazgateError('HG_ERR_AUTH_FORBIDDEN', `the token's ${m.rolesClaim} claim maps to no hazgate role`, { claim: m.rolesClaim, values: values.slice(0, 20) });
}

const scopeList = z.union([z.array(z.string().min(1)), z.string()]).transform((v) => (typeof v === 'string' ? parseScopeList(v) : v));
const scopesClaimSchema = z.object({ sites: scopeList, areas: scopeList });

function scopesOf(claims: JwtClaims, m: ClaimMapping): Scopes {
  if (m.scopesClaim === undefined) return m.scopes;
  const parsed = scopesClaimSchema.safeParse(claimAt(claims, m.scopesClaim));
  if (!parsed.success) throw new HazgateError('HG_ERR_AUTH_FORBIDDEN', `the token's ${m.scopesClaim} claim is not { sites, areas }`, { claim: m.scopesClaim });
  return parsed.data;
}

/** The principal of a verified JWT; HG_ERR_AUTH_FAILED without a user name, HG_ERR_AUTH_FORBIDDEN without a role or scopes. */
export function principalFromClaims(claims: JwtClaims, m: ClaimMapping): Principal {
  const named = claimAt(claims, m.userClaim);
  const user = typeof named === 'string' && named !== '' ? named : claims['sub'];
  if (typeof user !== 'string' || user === '' || user.length > 128) {
    throw new HazgateError('HG_ERR_AUTH_FAILED', `bearer token refused: no ${m.userClaim} or sub claim to name the user`, { reason: 'no user claim' });
  }
  const exp = claims['exp'];
  return { user, roles: rolesOf(claims, m), scopes: scopesOf(claims, m), via: 'jwt', ...(typeof exp === 'number' ? { expires: exp * 1000 } : {}) };
}
