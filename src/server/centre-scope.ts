import type { AuthService, Principal } from '../core/index.js';
import type { SiteScoped } from './centre-ws-hub.js';

/**
 * Scopes at the centre are by site: the centre does not know the plants' areas, so what it holds of
 * a site is site-wide, for users whose areas are `*` (docs/auth.md).
 */
export class CentreScope {
  constructor(readonly auth: AuthService) {}

  sees(principal: Principal, site: string): boolean {
    return this.auth.permits(principal, 'read', { site, area: null });
  }

  /** Sees every site: nothing to filter. */
  seesAll(principal: Principal): boolean {
    return principal.scopes.sites === '*' && principal.scopes.areas === '*' && this.auth.permits(principal, 'read');
  }

  /** A filter of site-scoped items for the principal. */
  filter<T extends SiteScoped>(principal: Principal): (item: T) => boolean {
    return this.seesAll(principal) ? () => true : (item) => this.sees(principal, item.site);
  }
}
