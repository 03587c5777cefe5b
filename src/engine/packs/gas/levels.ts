import { GB50493_CEILINGS, type GasSetpoints } from '../../../core/index.js';
import { formatNumber } from '../../message.js';
import type { GasProfile } from './profile.js';
import { convert, showUnit } from './units.js';

/** AL1/AL2: GB/T 50493 level 1 and level 2 (一级/二级报警); LOW/HIGH: oxygen deficiency and enrichment. */
export type GasLevelName = 'AL1' | 'AL2' | 'LOW' | 'HIGH';

/** One computed level of a gas point, in the point's unit. */
export interface GasLevel {
  readonly name: GasLevelName;
  /** Which setpoint of the standard it is (for priorities and audiences). */
  readonly rank: 'level1' | 'level2' | 'oxygen';
  readonly direction: 'high' | 'low';
  readonly limit: number;
  /** What the limit is in the standard's terms, for messages: `25 %LEL`, `100 %OEL (H2S MAC 10 mg/m³)`. */
  readonly basis: string;
}

/**
 * The standard's own setpoints (GB/T 50493-2019 5.5.2): what a rule may not exceed. The toxic basis
 * is the point's: %OEL, or %IDLH where the point declares it (`attrs.toxicBasis: idlh`).
 */
export const STANDARD_SETPOINTS: GasSetpoints = Object.freeze({
  combustible: GB50493_CEILINGS.combustible,
  toxic: { basis: 'point' as const, oel: GB50493_CEILINGS.toxicOel, idlh: GB50493_CEILINGS.toxicIdlh },
  oxygen: GB50493_CEILINGS.oxygen,
  openPath: GB50493_CEILINGS.openPath,
});

/**
 * The toxic basis of a point: %OEL, unless the point declares %IDLH and the rule does not force %OEL.
 * GB/T 50493-2019 5.5.2 sets toxic levels at 100 % / 200 % OEL and allows 5 % / 10 % IDLH only when
 * no available detector can measure 0-300 %OEL. Almost every commercial head is wider than that
 * (H2S 0-100 ppm against 0-21 ppm), so the range cannot tell: the engineer declares it on the point
 * (`attrs.toxicBasis: idlh`, checked and refused by gasProfile when the point disproves it).
 */
export function toxicBasis(profile: GasProfile, wanted: GasSetpoints['toxic']['basis']): 'oel' | 'idlh' {
  if (wanted === 'oel' || profile.idlh === undefined) return 'oel';
  return profile.toxicBasis === 'idlh' ? 'idlh' : 'oel';
}

/** A derived figure to 3 significant digits for the reader (`7.05`); the limit itself is not rounded. */
function approx(x: number): string {
  return formatNumber(Number(x.toPrecision(3)));
}

function unitText(profile: GasProfile): string {
  return showUnit(profile.unit);
}

/** A %LEL setpoint in the point's unit (undefined only for a profile that could not convert, which gasProfile refuses). */
function fromLel(pct: number, profile: GasProfile): number | undefined {
  return convert(pct, '%LEL', profile.unit, profile.constants);
}

function pair(l1: number | undefined, l2: number | undefined, b1: string, b2: string): GasLevel[] | string {
  if (l1 === undefined || l2 === undefined) return 'its unit cannot be converted';
  return [
    { name: 'AL1', rank: 'level1', direction: 'high', limit: l1, basis: b1 },
    { name: 'AL2', rank: 'level2', direction: 'high', limit: l2, basis: b2 },
  ];
}

/**
 * The GB/T 50493-2019 5.5.2 levels of a gas point for the given setpoints, in the point's unit; a
 * string says why there are none.
 */
export function gasLevels(profile: GasProfile, s: GasSetpoints): GasLevel[] | string {
  switch (profile.cls) {
    case 'oxygen':
      return [
        { name: 'LOW', rank: 'oxygen', direction: 'low', limit: s.oxygen.low, basis: `${formatNumber(s.oxygen.low)} %VOL (oxygen deficiency)` },
        { name: 'HIGH', rank: 'oxygen', direction: 'high', limit: s.oxygen.high, basis: `${formatNumber(s.oxygen.high)} %VOL (oxygen enrichment)` },
      ];
    case 'combustible': {
      if (profile.unit === 'LEL·m') {
        const { level1, level2 } = s.openPath;
        return pair(level1, level2, `${formatNumber(level1)} LEL·m (open path)`, `${formatNumber(level2)} LEL·m (open path)`);
      }
      const { level1, level2 } = s.combustible;
      const gas = profile.gas === undefined || profile.unit === '%LEL' ? '' : ` of ${profile.gas}, LEL ${formatNumber(profile.constants.lel ?? NaN)} %VOL`;
      return pair(fromLel(level1, profile), fromLel(level2, profile), `${formatNumber(level1)} %LEL${gas}`, `${formatNumber(level2)} %LEL${gas}`);
    }
    case 'toxic':
      return toxicLevels(profile, s.toxic);
  }
}

function toxicLevels(profile: GasProfile, t: GasSetpoints['toxic']): GasLevel[] | string {
  const basis = toxicBasis(profile, t.basis);
  const ref = basis === 'idlh' ? profile.idlh : profile.oel;
  if (ref === undefined) return profile.oel === undefined ? 'it has no OEL' : 'it has no IDLH';
  const pct = basis === 'idlh' ? t.idlh : t.oel;
  const measure = basis === 'idlh' ? '%IDLH' : '%OEL';
  // A declared %IDLH basis says so in every message: the reader sees whose statement it rests on.
  const declared = basis === 'idlh' ? ' (declared: attrs.toxicBasis idlh)' : '';
  const why = (p: number): string => `${formatNumber(p)} ${measure} of ${ref.source} = ${approx((ref.value * p) / 100)} ${unitText(profile)}${declared}`;
  return pair((ref.value * pct.level1) / 100, (ref.value * pct.level2) / 100, why(pct.level1), why(pct.level2));
}
