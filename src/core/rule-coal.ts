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

/** The power-off execution time of 煤矿安全规程 / AQ 1029 (断电 within 2 s of the over-limit). */
export const POWER_OFF_EXECUTION_MS = 2_000;

/**
 * The default power-off verification window: the 2 s execution time plus one scan cycle of the
 * slowest reading involved (≤ 10 s in over-limit areas, where a power-off happens): a feed status
 * read in the next scan after the CH4 reading is in time.
 */
export const DEFAULT_FEED_TIMEOUT_MS = 12_000;

/**
 * The longest power-off verification window: the 2 s execution time plus 30 s, the longest scan
 * cycle allowed underground. A failed power-off must not go unnoticed longer.
 */
export const MAX_FEED_TIMEOUT_MS = 32_000;

/**
 * How long a sensor may send nothing before it counts as faulty (silent): two scans of 30 s (the
 * longest cycle allowed underground) missed, plus 5 s for the transport. One lost sample is not a fault.
 */
export const DEFAULT_SILENT_AFTER_MS = 65_000;

/**
 * Power-off verification (馈电异常): a group per CH4 sensor, of the sensor and the feed-status points
 * of the feeders it cuts (`attrs.feeders`). A power-off is demanded while the sensor is at its
 * power-off level (until below restore), while its latest sample is bad (a broken line, a comms
 * fault: 断线断电) and while it has sent nothing for more than `silentAfterMs`. `FEED_FAULT`
 * (priority 1) when a feeder is still (or again) live more than `timeoutMs` after a demand began;
 * `FEED_OFF` (priority 3) when a feeder went dead with no power-off demanded by any sensor that
 * cuts it, for more than `timeoutMs`.
 */
export interface FeedCheckRule extends RuleBase {
  readonly kind: 'feed-check';
  /** The most urgent priority it raises: 1, FEED_FAULT's (set by the schema, not configured). */
  readonly priority: Priority;
  /**
   * How long the feeders have to read de-energised after a power-off demand began (煤矿安全规程:
   * execution ≤ 2 s, plus the scan delay of the readings), and how long a feeder's drop waits for
   * the power-off reading that explains it; a CH4 point's `attrs.feedTimeout` overrides it for that
   * sensor (a slower feed-status scan).
   */
  readonly timeoutMs: number;
  /** A CH4 sensor silent for more than this demands a power-off, like a broken line (keep it equal to the sensor-fault rule's). */
  readonly silentAfterMs: number;
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

/**
 * A faulty or silent sensor (gas or feed status): `FAULT` while its latest sample is bad (NAMUR NE 43
 * fault bands `signal-fault-*`, comm loss `comm-*`, a device status) or while it has sent nothing
 * for more than `silentAfterMs`; back to normal at the next good or uncertain sample. A faulty
 * sensor never reads as normal.
 */
export interface SensorFaultRule extends RuleBase {
  readonly kind: 'sensor-fault';
  readonly priority: Priority;
  readonly silentAfterMs: number;
  /** Also watch the feed-status points of the feeders the selected CH4 sensors cut (a power-off must be verifiable). */
  readonly feedSensors: boolean;
}

/** Rule specs of the coal-mine methane and gases pack. */
export type CoalRule = MethaneRule | FeedCheckRule | MineGasRule | SensorFaultRule;
