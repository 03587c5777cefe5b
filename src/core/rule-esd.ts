import type { Priority } from './alarm.js';
import type { RuleBase } from './rule.js';

/**
 * Rule specs of the Emergency shutdown and SIS pack (rules/packs/esd/README.md has the point
 * conventions: `attrs.valve` + `attrs.signal` for valves, `attrs.interlock` + `attrs.flag` +
 * `attrs.unit` for interlocks, `bypass-register` points fed by the bypass register).
 * hazgate only watches the SIS; none of these kinds ever writes to it.
 */

/** Priorities of a valve's alarms, by what went wrong. */
export interface ValvePriorities {
  /** DISCREPANCY while commanded closed: the shutdown did not happen. */
  readonly failToClose: Priority;
  /** DISCREPANCY while commanded open. */
  readonly failToOpen: Priority;
  /** POSITION_FAULT: both limit switches, a limit switch bad for a stroke, or neither for longer than a stroke. */
  readonly positionFault: Priority;
}

/**
 * ESD valve supervision: one condition per valve tag (`<ruleId>/<tag>`) over its command and
 * limit switches. Levels `DISCREPANCY` (command ≠ position after the travel time) and
 * `POSITION_FAULT` (both switches; a switch whose samples have been bad for the travel time; or
 * neither for longer than the travel time while no command moves it).
 */
export interface ValveRule extends RuleBase {
  readonly kind: 'valve';
  /** Stroke time allowed after a command (a valve's `attrs.travel` overrides it). */
  readonly travelMs: number;
  /** How long both limit switches may read true together before it is a fault (samples of one movement arriving apart). */
  readonly settleMs: number;
  readonly priorities: ValvePriorities;
  /** The most urgent of `priorities` (what the rule can raise at worst). */
  readonly priority: Priority;
}

/** How trips are grouped for first-out: one group per process unit, one for the whole site, or none. */
export type FirstOutScope = 'unit' | 'site' | 'none';

/**
 * Interlock trips (`attrs.flag: trip`): one condition per trip point, level `TRIPPED`, in a
 * first-out group per unit named `<suppress.firstOut or rule id>.<unit>`.
 */
export interface InterlockTripRule extends RuleBase {
  readonly kind: 'interlock-trip';
  readonly priority: Priority;
  readonly firstOutBy: FirstOutScope;
}

/** Priorities of a bypass's levels. */
export interface BypassPriorities {
  /** BYPASSED: a registered bypass within its planned period (a standing alarm). */
  readonly bypassed: Priority;
  /** UNREGISTERED: the SIS says bypassed, the register has no active entry. */
  readonly unregistered: Priority;
  /** OVERDUE: still bypassed after the register's planned end. */
  readonly overdue: Priority;
}

/** Whether the site keeps a bypass register the rule compares the SIS with. */
export type RegisterUse = 'required' | 'none';

/**
 * Interlock bypass (联锁摘除): one condition per interlock id (`<ruleId>/<interlock>`, zone = its
 * unit) over its SIS bypass flags and its `bypass-register` point. Levels `BYPASSED`,
 * `UNREGISTERED`, `OVERDUE`.
 */
export interface InterlockBypassRule extends RuleBase {
  readonly kind: 'interlock-bypass';
  readonly register: RegisterUse;
  readonly priorities: BypassPriorities;
  /** The most urgent of `priorities`. */
  readonly priority: Priority;
}

/**
 * ESD not in service at a major hazard source of the listed levels: one condition per unit
 * (`<ruleId>/<unit>`, zone = the unit), level `MAJOR_HAZARD` while any of its interlocks is
 * bypassed (SIS or register) or reports not in service.
 */
export interface EsdNotInServiceRule extends RuleBase {
  readonly kind: 'esd-not-in-service';
  /** Major-hazard-source levels (`attrs.hazardLevel` of the unit's points) this applies to: `['1', '2']`. */
  readonly hazardLevels: readonly string[];
  readonly priority: Priority;
}

/** Rule specs of the Emergency shutdown and SIS pack. */
export type EsdRule = ValveRule | InterlockTripRule | InterlockBypassRule | EsdNotInServiceRule;
