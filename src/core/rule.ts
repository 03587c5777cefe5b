import type { AuthenticityRule } from './rule-authenticity.js';
import type { CoalRule } from './rule-coal.js';
import type { EsdRule } from './rule-esd.js';
import type { GasRule } from './rule-gas.js';
import type { Priority } from './alarm.js';

/**
 * Rule specifications, as the config schema produces them and src/engine evaluates them.
 * A rule selects points; each (rule, point) pair is one alarm condition `<ruleId>/<pointId>`.
 */

/** Which points a rule applies to: listed ids, and/or every point whose fields/attrs all match. */
export interface PointSelector {
  readonly points?: readonly string[] | undefined;
  /** Keys: `kind`, `area`, `unit`, `type`, or any attribute name; values must be equal. */
  readonly match?: Readonly<Record<string, string>> | undefined;
}

export interface ThresholdLevel {
  /** Level name: `HH`, `H`, `L`, `LL`, `AL1`, `AL2`… */
  readonly name: string;
  readonly direction: 'high' | 'low';
  /** Limit in engineering units: high activates at value ≥ limit, low at value ≤ limit. */
  readonly limit: number;
  /** Absolute deadband: a high level clears below limit − deadband, a low level above limit + deadband. */
  readonly deadband?: number | undefined;
  /** Deadband as a percentage of the point's span (used when `deadband` is absent and the point has a range). */
  readonly deadbandPct?: number | undefined;
  /** The limit must be exceeded this long before the level activates (0 for regulatory gas limits). */
  readonly onDelayMs: number;
  /** The value must be back inside this long before the level clears. */
  readonly offDelayMs: number;
  readonly priority: Priority;
  /** Audiences of this level besides the rule's (level-2 combustible gas: `fire-control-room`). */
  readonly audiences?: readonly string[] | undefined;
}

/**
 * A suppression-by-design predicate on another point's latest good value (the unit is shut down:
 * `{ point: P-101.running, equals: false }`). A point with no value, or an uncertain or bad one (comm loss), never suppresses.
 */
export interface SuppressWhen {
  readonly point: string;
  readonly equals?: number | boolean | undefined;
  readonly below?: number | undefined;
  readonly above?: number | undefined;
  /** Shown to operators as the reason (`unit 1 shut down`); default the predicate itself. */
  readonly label?: string | undefined;
}

/** Suppression by design: any `when` predicate true, or a later member of a tripped first-out group. */
export interface SuppressionSpec {
  readonly when?: readonly SuppressWhen[] | undefined;
  /**
   * First-out group name: the first condition of the group to activate is annunciated; members
   * activating while another member is active are consequences, suppressed until they return.
   */
  readonly firstOut?: string | undefined;
}

/** How the alarms of a rule behave once raised (ISA-18.2 alarm philosophy). */
export interface AlarmBehaviour {
  /** Stays in alarm after returning to normal until an operator resets it (gas detectors, ESD trips). */
  readonly latch?: boolean | undefined;
  /** After the acknowledgement an operator must also confirm (OPC UA Confirm). */
  readonly confirm?: boolean | undefined;
  /** An alarm still active this long after its acknowledgement is annunciated again. */
  readonly realarmMs?: number | undefined;
  /** False forbids shelving (safety alarms); default true. */
  readonly shelvable?: boolean | undefined;
  readonly suppress?: SuppressionSpec | undefined;
}

/** What every rule kind has; pack kinds extend it (src/core/rule-<pack>.ts). */
export interface RuleBase extends AlarmBehaviour {
  readonly id: string;
  readonly description?: string | undefined;
  readonly select: PointSelector;
  /** Message template; `{point}`, `{name}`, `{level}`, `{value}`, `{unit}`, `{limit}` are filled in. */
  readonly message?: string | undefined;
  /** Who must hear of this rule's alarms besides the operators (`fire-control-room`…). */
  readonly audiences?: readonly string[] | undefined;
}

export interface ThresholdRule extends RuleBase {
  readonly kind: 'threshold';
  /** Exclusive levels of one condition (as OPC UA's ExclusiveLimitAlarm). */
  readonly levels: readonly ThresholdLevel[];
}

export interface RateRule extends RuleBase {
  readonly kind: 'rate';
  /** Look-back window, ms. */
  readonly windowMs: number;
  /** Active (`RISE`) when value − min(window) ≥ rise. */
  readonly rise?: number | undefined;
  /** Active (`FALL`) when max(window) − value ≥ fall. */
  readonly fall?: number | undefined;
  readonly priority: Priority;
}

export interface StaleRule extends RuleBase {
  readonly kind: 'stale';
  /** Active (`STALE`) when no good or uncertain sample was received for this long (gateway time). */
  readonly afterMs: number;
  readonly priority: Priority;
}

/** The rule kinds evaluated per point: one condition per (rule, point). */
export type PointRule = ThresholdRule | RateRule | StaleRule;

/** Every rule kind: the core point rules, and each pack's kinds (point or group rules). */
export type RuleSpec = PointRule | GasRule | CoalRule | EsdRule | AuthenticityRule;
