import type { AlarmBehaviour, Suppression } from '../core/index.js';

/** How one condition's alarms behave, resolved from its rule (ISA-18.2 alarm philosophy). */
export interface AlarmPolicy {
  readonly latch: boolean;
  readonly confirm: boolean;
  /** null: no re-alarm. */
  readonly realarmMs: number | null;
  readonly shelvable: boolean;
}

export const DEFAULT_POLICY: AlarmPolicy = { latch: false, confirm: false, realarmMs: null, shelvable: true };

export function policyOf(rule: AlarmBehaviour): AlarmPolicy {
  return {
    latch: rule.latch ?? false,
    confirm: rule.confirm ?? false,
    realarmMs: rule.realarmMs ?? null,
    shelvable: rule.shelvable ?? true,
  };
}

/** What a step needs besides the condition and its input: supplied by the manager, so the steps stay pure. */
export interface StepContext {
  readonly siteId: string;
  /** The id the new transition gets. */
  readonly eventId: string;
  /** Gateway time now: rts, and the time of operator and system changes. */
  readonly now: number;
  readonly policy: AlarmPolicy;
  /** The longest timed shelve (site alarms.maxShelve). */
  readonly maxShelveMs: number;
  /**
   * The condition's design suppression now (its `when` predicates; for an activation also its
   * first-out group), or null.
   */
  readonly suppression: Suppression | null;
  /** Regulatory codes of the site (its enterprise code), carried by every alarm under the point's own. */
  readonly siteCodes?: Readonly<Record<string, string>> | undefined;
}
