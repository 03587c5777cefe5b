import type { Principal, Scopes, ScopeTarget } from '../core/index.js';

/**
 * Whether a target lies within the principal's sites and areas. Areas are one list across the
 * user's sites (an area named in it counts on each of them). A site-wide target (area null: a point
 * with no area, a site's summary, the bypass register of the whole site) is only for a user who has
 * every area: someone scoped to tank farm A must not see what belongs to the whole plant.
 */
export function allows(principal: Pick<Principal, 'scopes'>, target: ScopeTarget): boolean {
  return scopesAllow(principal.scopes, target);
}

export function scopesAllow(scopes: Scopes, target: ScopeTarget): boolean {
  if (!siteAllowed(scopes, target.site)) return false;
  if (scopes.areas === '*') return true;
  return target.area !== null && scopes.areas.includes(target.area);
}

export function siteAllowed(scopes: Scopes, site: string): boolean {
  return scopes.sites === '*' || scopes.sites.includes(site);
}

/** A filter for lists (alarms, points, bypasses): keeps what the principal may see. */
export function withinScopes<T>(principal: Pick<Principal, 'scopes'>, targetOf: (item: T) => ScopeTarget): (item: T) => boolean {
  return (item) => scopesAllow(principal.scopes, targetOf(item));
}

/** `'*'`, or the list given as `a,b,c` on a command line or in a claim; empty entries dropped. */
export function parseScopeList(text: string): readonly string[] | '*' {
  const trimmed = text.trim();
  if (trimmed === '*') return '*';
  return [...new Set(trimmed.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
}

export function formatScopes(scopes: Scopes): string {
  const list = (l: readonly string[] | '*'): string => (l === '*' ? '*' : l.length === 0 ? '(none)' : l.join(','));
  return `sites ${list(scopes.sites)} areas ${list(scopes.areas)}`;
}
