import { HazgateError, type AlarmService, type AlarmTransition, type AuthService, type OperatorAction, type PointDirectory, type Principal, type ScopeTarget } from '../core/index.js';

/**
 * Where things of a gateway's site lie, for scopes: a point in its area, an alarm where its point
 * is, an interlock where its points are. What has no area (a zone condition, a point without
 * `area`, the site's KPIs, people) is site-wide: only for users whose areas are `*`.
 */
export class SiteScope {
  private interlockAreas: ReadonlyMap<string, string | null> | null = null;

  constructor(
    readonly siteId: string,
    private readonly points: PointDirectory,
    readonly auth: AuthService,
  ) {}

  get siteWide(): ScopeTarget {
    return { site: this.siteId, area: null };
  }

  ofPoint(pointId: string | null | undefined): ScopeTarget {
    const area = pointId === null || pointId === undefined ? null : (this.points.get(pointId)?.area ?? null);
    return { site: this.siteId, area };
  }

  ofTransition(t: Pick<AlarmTransition, 'pointId'>): ScopeTarget {
    return this.ofPoint(t.pointId);
  }

  /** An operator position of the flood figures: an area, or `site` for what has none. */
  ofPosition(position: string): ScopeTarget {
    return { site: this.siteId, area: position === 'site' ? null : position };
  }

  /** An interlock lies in the area of the points that name it (`attrs.interlock`). */
  ofInterlock(interlock: string): ScopeTarget {
    if (this.interlockAreas === null) {
      const areas = new Map<string, string | null>();
      for (const p of this.points.list()) {
        const id = p.attrs['interlock'];
        if (id !== undefined && (areas.get(id) ?? null) === null) areas.set(id, p.area ?? null);
      }
      this.interlockAreas = areas;
    }
    return { site: this.siteId, area: this.interlockAreas.get(interlock) ?? null };
  }

  /** Whether the site is among the principal's sites, whatever their areas (the site's name and version are for anyone who works there). */
  onSite(principal: Principal): boolean {
    return principal.scopes.sites === '*' || principal.scopes.sites.includes(this.siteId);
  }

  /** Whether the principal may see the target. */
  sees(principal: Principal, target: ScopeTarget): boolean {
    return this.auth.permits(principal, 'read', target);
  }

  /**
   * Whether the principal may do the action on the condition: the role first (403
   * HG_ERR_AUTH_FORBIDDEN, saying nothing of the condition), then the condition's scope: one the
   * user cannot see is unknown to them (404, as for a condition that does not exist).
   * @returns the permission checked, for the audit.
   */
  authorizeAction(principal: Principal, action: OperatorAction, conditionId: string, alarms: AlarmService): void {
    const permission = this.auth.actionPermission(action);
    this.auth.authorize(principal, permission);
    const t = alarms.get(conditionId);
    const target = t === undefined ? this.siteWide : this.ofTransition(t);
    if (!this.sees(principal, target)) {
      throw new HazgateError('HG_ERR_ALARM_UNKNOWN_CONDITION', `no condition "${conditionId}" among the sites and areas of ${principal.user}`, { conditionId, outOfScope: true, permission });
    }
  }
}
