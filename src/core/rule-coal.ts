import type { Priority } from './alarm.js';
import type { RuleBase } from './rule.js';

/**
 * Rule specs of the coal-mine pack (煤矿安全规程, AQ 1029, GB 50581). The numbers are not here:
 * they are presets chosen per point (`attrs.location` of a CH4 sensor, `attrs.gas` of another gas
 * sensor), which a site may make stricter on the point, never weaker (src/engine/packs/coal).
 */

/**
 * Methane at a CH4 sensor (% CH4): `ALARM` (priority 2) at or above the alarm level of its location,
 * `POWER_OFF` (断电, priority 1) at or above the power-off level; POWER_OFF holds until methane is
 * below the restore level (复电), ALARM until it is below the alarm level.
 */
export interface MethaneRule extends RuleBase {
  readonly kind: 'methane';
  /** The most urgent priority it raises: 1, POWER_OFF's (set by the schema, not configured). */
  readonly priority: Priority;
}

/**
 * Power-off verification (馈电异常): a group per CH4 sensor, of the sensor and the feed-status points
 * of the feeders it cuts (`attrs.feeders`). `FEED_FAULT` (priority 1) when a feeder is still (or
 * again) live more than `timeoutMs` after the sensor reached its power-off level and while methane
 * has not fallen below restore; `FEED_OFF` (priority 3) when a feeder went dead with no power-off
 * asked by any sensor that cuts it, for more than `timeoutMs`.
 */
/**
 * The longest power-off verification timeout: 30 s, the longest scan cycle allowed underground
 * (≤ 10 s in over-limit areas). A failed power-off must not go unnoticed longer.
 */
export const MAX_FEED_TIMEOUT_MS = 30_000;

export interface FeedCheckRule extends RuleBase {
  readonly kind: 'feed-check';
  /** The most urgent priority it raises: 1, FEED_FAULT's (set by the schema, not configured). */
  readonly priority: Priority;
  /**
   * How long the feeders have to read de-energised after the power-off began (煤矿安全规程: execution
   * ≤ 2 s); a CH4 point's `attrs.feedTimeout` overrides it for that sensor (a slower feed-status scan).
   */
  readonly timeoutMs: number;
  /** `alarm`: raise FEED_OFF for a feeder that goes dead without a power-off; `ignore`: do not. */
  readonly unexpectedOff: 'alarm' | 'ignore';
}

/**
 * The other mine gases against their limits (煤矿安全规程 on the air underground): CO, H2S, NO2,
 * SO2, NH3 and CO2 `HIGH` above their maximum, intake-air O2 `LOW` below 20 %; in the point's unit.
 */
export interface MineGasRule extends RuleBase {
  readonly kind: 'mine-gas';
  readonly priority: Priority;
  /** Hysteresis as a percentage of each gas's limit: HIGH clears at or below limit·(1 − p/100). */
  readonly deadbandPct: number;
}

/** Rule specs of the coal-mine methane and gases pack. */
export type CoalRule = MethaneRule | FeedCheckRule | MineGasRule;
