import type { Priority } from './alarm.js';
import type { RuleBase } from './rule.js';

/**
 * Rule specs of the Data authenticity pack: monitoring data that is stuck, cut, copied or
 * re-stamped (煤矿 "pseudo-data", DOMAIN.md). Every kind raises an alarm level of its own.
 */

/**
 * `FLATLINE`: a good reading that stays within ±`tolerance` of the reading that started the run for
 * `forMs` of gateway time (a frozen transmitter, a replayed constant). Readings below the point's
 * ignore limit never count: many detectors show exactly 0 in clean air for hours.
 */
export interface FlatlineRule extends RuleBase {
  readonly kind: 'flatline';
  /** How long the readings must stay flat, ms (gateway time). */
  readonly forMs: number;
  /** Readings within ± this of the run's first reading count as unchanged (engineering units). */
  readonly tolerance: number;
  /** Readings below this are never judged (engineering units); see `ignoreBelowPct`. */
  readonly ignoreBelow?: number | undefined;
  /** Like `ignoreBelow`, as a percentage of the point's span above its low end (one rule fits %LEL and ppm). */
  readonly ignoreBelowPct?: number | undefined;
  readonly priority: Priority;
}

/**
 * `DROPOUT` on a detector that fell from ≥ `fromPct` to ≤ `toPct` of its span within `withinMs`
 * while a neighbour (same `groupBy` value) still reads ≥ `neighbourPct` of its span: a cut cable,
 * a swapped or tampered transmitter. Thresholds are % of each point's span, so one rule fits
 * %LEL, ppm and %CH4 detectors.
 */
export interface DropToZeroRule extends RuleBase {
  readonly kind: 'drop-to-zero';
  readonly fromPct: number;
  readonly toPct: number;
  /** Longest time from the last reading ≥ `fromPct` to the first ≤ `toPct`, ms. */
  readonly withinMs: number;
  readonly neighbourPct: number;
  /**
   * A neighbour's reading older than this (gateway time) is no evidence, ms. After a restart with
   * DROPOUT retained, it is also how long from the engine's start the alarm waits for neighbours
   * that have not reported before it may end for lack of a witness.
   */
  readonly neighbourMaxAgeMs: number;
  /** Neighbours share this: `area`, or an attribute name (`zone`). */
  readonly groupBy: string;
  readonly priority: Priority;
}

/**
 * `MIRROR` on a point whose last `samples` readings equal, value for value, those of another point
 * of its group, up to `maxLag` readings apart (a copied data stream, a faked feed). Windows with
 * fewer than `minChanges` changes never match (two detectors both at 0 are not a copy). After a
 * restart with MIRROR retained, it is not judged until the point holds `samples + maxLag` readings again.
 */
export interface MirrorRule extends RuleBase {
  readonly kind: 'mirror';
  readonly samples: number;
  readonly minChanges: number;
  /** A copy running up to this many readings behind its original (or ahead) still matches. */
  readonly maxLag: number;
  /** Only points sharing this are compared: `area`, or an attribute name. */
  readonly groupBy: string;
  readonly priority: Priority;
}

/** When a `TIME_BACKWARDS` condition clears: the first of the two that is given and reached. */
export interface ClearAfter {
  /** This many samples in a row whose source time did not go back. */
  readonly samples?: number | undefined;
  /** This long (gateway time) without a step back, ms. */
  readonly timeMs?: number | undefined;
}

/**
 * `TIME_BACKWARDS`: a sample's source time (`ts`) is earlier than the previous sample's by more than
 * `toleranceMs` (a device clock set back, records re-stamped or replayed). Samples the gateway
 * stamped itself carry no source time and are not judged.
 */
export interface TimeBackwardsRule extends RuleBase {
  readonly kind: 'time-backwards';
  readonly toleranceMs: number;
  readonly clearAfter: ClearAfter;
  readonly priority: Priority;
}

export type AuthenticityRule = FlatlineRule | DropToZeroRule | MirrorRule | TimeBackwardsRule;

/** A point attribute that overrides a flatline rule's ignore limit for that point (engineering units). */
export const FLATLINE_IGNORE_BELOW_ATTR = 'flatlineIgnoreBelow';
