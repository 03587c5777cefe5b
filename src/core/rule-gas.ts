import type { Priority } from './alarm.js';
import type { RuleBase } from './rule.js';

/**
 * Rule specs of the gas detection pack (GB/T 50493-2019, GB 15322, GB 16808-2025, NAMUR NE 43).
 * Points name their gas in attributes: `attrs.class` (combustible | toxic | oxygen) marks a point as
 * a GB/T 50493 detector, `attrs.gas` names the gas (CH4, H2S…), the point's unit is one of %LEL,
 * %VOL (or %), ppm, mg/m3, LEL·m (open path). See rules/packs/gas/README.md.
 */

/**
 * GB/T 50493-2019 5.5.2: the highest setpoints the standard allows. A rule may set lower ones
 * (tighter for oxygen: a low alarm at or above 19.5, a high alarm at or below 23.5), never looser.
 */
export const GB50493_CEILINGS = Object.freeze({
  /** %LEL: combustible level 1 ≤ 25 %LEL, level 2 ≤ 50 %LEL. */
  combustible: Object.freeze({ level1: 25, level2: 50 }),
  /** % of the OEL: toxic level 1 ≤ 100 %OEL, level 2 ≤ 200 %OEL. */
  toxicOel: Object.freeze({ level1: 100, level2: 200 }),
  /** % of IDLH, only for a point that declares it (no detector for 0-300 %OEL exists): ≤ 5 % / ≤ 10 % IDLH. */
  toxicIdlh: Object.freeze({ level1: 5, level2: 10 }),
  /** %VOL: oxygen deficiency 19.5, enrichment 23.5 (two-sided). */
  oxygen: Object.freeze({ low: 19.5, high: 23.5 }),
  /** LEL·m: open-path (line-type) combustible detectors, level 1 = 1, level 2 = 2. */
  openPath: Object.freeze({ level1: 1, level2: 2 }),
});

/** A pair of GB/T 50493 levels in one measure (%LEL, %OEL, %IDLH, LEL·m). */
export interface GasLevelPair {
  readonly level1: number;
  readonly level2: number;
}

/**
 * The setpoints a gas rule uses, in the standard's own measures (never in a point's unit): each
 * point's levels are computed from them, its class, gas and unit.
 */
export interface GasSetpoints {
  /** %LEL. */
  readonly combustible: GasLevelPair;
  readonly toxic: {
    /**
     * `point` (default): the %OEL basis, unless the point declares the %IDLH basis
     * (`attrs.toxicBasis: idlh`: the engineer's statement that no detector able to measure
     * 0-300 %OEL exists for its gas, GB/T 50493-2019 5.5.2); `oel`: the %OEL basis even there.
     * A detector's range alone never selects the %IDLH basis.
     */
    readonly basis: 'point' | 'oel';
    /** % of the OEL. */
    readonly oel: GasLevelPair;
    /** % of IDLH. */
    readonly idlh: GasLevelPair;
  };
  /** %VOL. */
  readonly oxygen: { readonly low: number; readonly high: number };
  /** LEL·m. */
  readonly openPath: GasLevelPair;
}

/** The priorities of a gas rule's levels. */
export interface GasLevelPriorities {
  /** Level 1 (AL1), default 2 (orange). */
  readonly level1: Priority;
  /** Level 2 (AL2), default 1 (red). */
  readonly level2: Priority;
  /** Oxygen LOW / HIGH, default 2. */
  readonly oxygen: Priority;
}

/**
 * `kind: gas-level`: every selected gas point gets the GB/T 50493-2019 5.5.2 levels of its class,
 * converted to its unit: AL1/AL2 (combustible, toxic, open path) or LOW/HIGH (oxygen). No on-delay.
 */
export interface GasLevelRule extends RuleBase {
  readonly kind: 'gas-level';
  readonly setpoints: GasSetpoints;
  readonly priorities: GasLevelPriorities;
  /** The most urgent of `priorities` (what the alarm catalogue shows for the rule). */
  readonly priority: Priority;
  /** Deadband of every level, % of the point's span (none by default). */
  readonly deadbandPct?: number | undefined;
  /** Who hears level 2 besides the rule's audiences (default `fire-control-room`; GB/T 50493-2019 fire control room signals). */
  readonly level2Audiences: readonly string[];
}

/**
 * `kind: detector-fault`: level `FAULT` while a point's samples are bad (NAMUR NE 43 fault bands,
 * a vendor status word, comm loss) or, with `silentAfterMs`, while it sends nothing.
 */
export interface DetectorFaultRule extends RuleBase {
  readonly kind: 'detector-fault';
  readonly priority: Priority;
  /** FAULT too when no sample at all (of any quality) arrived for this long (gateway time). */
  readonly silentAfterMs?: number | undefined;
}

/**
 * `kind: gas-vote`: k-of-n confirmation per zone (GB 16808-2025): the selected detectors are grouped
 * by `groupBy` (`area` or an attribute); a zone's condition is `CONFIRMED` while at least `k` of its
 * detectors are at or above level 1 (or level 2, or `limit`). The single-detector alarms stay.
 */
export interface GasVoteRule extends RuleBase {
  readonly kind: 'gas-vote';
  /** `area`, or an attribute name. */
  readonly groupBy: string;
  readonly k: number;
  /** Which of each detector's levels counts as a vote. */
  readonly at: 'level1' | 'level2';
  /** A limit in the detectors' own unit instead of their levels (every member must share the unit). */
  readonly limit?: number | undefined;
  /** A detector with bad quality: `abstain` (not counted, default) or `vote` (counted, fail-safe). */
  readonly faulted: 'abstain' | 'vote';
  readonly setpoints: GasSetpoints;
  readonly deadbandPct?: number | undefined;
  readonly priority: Priority;
}

/**
 * `kind: leak-rate`: `RISE` on a combustible detector whose reading rose `rise` %LEL or more within
 * `windowMs` (value − the window's minimum), whatever unit it reads in: the rise is converted to each
 * point's unit (%LEL, %VOL, ppm, mg/m³ through its gas's LEL), an open-path detector (LEL·m) rises
 * by `openPathRise`. Bad samples never move it. Only combustible detectors may be selected.
 */
export interface LeakRateRule extends RuleBase {
  readonly kind: 'leak-rate';
  readonly windowMs: number;
  /** %LEL. */
  readonly rise: number;
  /** LEL·m, for open-path detectors. */
  readonly openPathRise: number;
  readonly priority: Priority;
}

/** Rule specs of the Gas detection (GB/T 50493-2019, GB 16808-2025) pack. */
export type GasRule = GasLevelRule | DetectorFaultRule | GasVoteRule | LeakRateRule;
