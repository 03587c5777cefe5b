import type { Point } from '../../../core/index.js';
import { attrNumber, concentrationOf, type PointProblem } from './units.js';

export interface MineGasPreset {
  readonly label: string;
  /** `high`: a maximum allowed concentration; `low`: a minimum (oxygen). */
  readonly direction: 'high' | 'low';
  /** The limit in % by volume, as the regulation writes it, and the same in ppm (1 % = 10 000 ppm). */
  readonly pct: number;
  readonly ppm: number;
}

/**
 * 煤矿安全规程 (2016, amended 2022) on the air underground: the oxygen of intake air at working
 * faces not below 20 %, CO2 not above 0.5 %, and the highest allowed concentrations of the harmful
 * gases. Both units written out, so no conversion rounds (0.00066 % is exactly 6.6 ppm).
 */
export const MINE_GAS_PRESETS: Readonly<Record<string, MineGasPreset>> = {
  CO: { label: 'carbon monoxide (一氧化碳)', direction: 'high', pct: 0.0024, ppm: 24 },
  H2S: { label: 'hydrogen sulphide (硫化氢)', direction: 'high', pct: 0.00066, ppm: 6.6 },
  NO2: { label: 'nitrogen oxides as NO2 (氮氧化物)', direction: 'high', pct: 0.00025, ppm: 2.5 },
  SO2: { label: 'sulphur dioxide (二氧化硫)', direction: 'high', pct: 0.0005, ppm: 5 },
  NH3: { label: 'ammonia (氨)', direction: 'high', pct: 0.004, ppm: 40 },
  CO2: { label: 'carbon dioxide (二氧化碳)', direction: 'high', pct: 0.5, ppm: 5000 },
  O2: { label: 'oxygen in intake air (进风流中氧气)', direction: 'low', pct: 20, ppm: 200_000 },
};

/** Methane has its own kind (per location, with power-off): the mine-gas rule leaves it alone. */
const METHANE = 'CH4';

export interface MineGasLimit {
  readonly gas: string;
  readonly label: string;
  readonly direction: 'high' | 'low';
  /** In the point's unit. */
  readonly limit: number;
  readonly unit: 'ppm' | '%';
}

export type MineGasOutcome =
  | { readonly kind: 'limit'; readonly limit: MineGasLimit }
  /** Methane, or a gas the regulation sets no limit for (C2H4, C2H2, H2 of fire monitoring). */
  | { readonly kind: 'not-judged' }
  | { readonly kind: 'invalid'; readonly problems: readonly PointProblem[] };

const KNOWN = [METHANE, ...Object.keys(MINE_GAS_PRESETS)];

/** The site's stricter limit from `attrs.limit` (lower for a maximum, higher for oxygen), or a problem. */
function siteLimit(point: Point, gas: string, preset: MineGasPreset, regulatory: number, unit: string, problems: PointProblem[]): number {
  const { value, problem } = attrNumber(point, 'limit');
  if (problem !== undefined) problems.push(problem);
  if (value === undefined) return regulatory;
  const weaker = preset.direction === 'high' ? value > regulatory : value < regulatory;
  if (weaker) {
    const way = preset.direction === 'high' ? 'above the regulatory maximum' : 'below the regulatory minimum';
    problems.push({ path: ['attrs', 'limit'], message: `${gas} point "${point.id}": limit ${value} ${unit} is ${way} ${regulatory} ${unit}; a site may make the limits stricter, never weaker` });
  }
  return value;
}

function rangeProblem(point: Point, gas: string, direction: 'high' | 'low', limit: number, unit: string): PointProblem | undefined {
  if (point.range === undefined) return undefined;
  const [lo, hi] = point.range;
  const blind = direction === 'high' ? hi < limit : lo > limit;
  return blind ? { path: ['range'], message: `${gas} point "${point.id}": its range [${lo}, ${hi}] cannot reach its limit ${limit} ${unit}` } : undefined;
}

/** How the mine-gas rule judges a gas point (kind gas): its limit in the point's unit, not at all, or why it cannot. */
export function mineGasLimitOf(point: Point): MineGasOutcome {
  const gas = point.attrs['gas'];
  if (gas === undefined) {
    return { kind: 'invalid', problems: [{ path: ['attrs'], message: `gas point "${point.id}" has no attrs.gas: which limit applies cannot be told (${KNOWN.join(', ')})` }] };
  }
  const preset = MINE_GAS_PRESETS[gas];
  if (preset === undefined) {
    const meant = KNOWN.find((k) => k.toLowerCase() === gas.trim().toLowerCase());
    if (meant === undefined || meant === gas) return { kind: 'not-judged' };
    return { kind: 'invalid', problems: [{ path: ['attrs', 'gas'], message: `gas point "${point.id}": write gas "${meant}", not "${gas}" (rules select on the exact name)` }] };
  }
  const problems: PointProblem[] = [];
  if (point.type !== 'number') problems.push({ path: ['type'], message: `${gas} point "${point.id}" must be type: number` });
  const conc = concentrationOf(point.unit, gas);
  if (conc === undefined) {
    problems.push({ path: ['unit'], message: `${gas} point "${point.id}" has unit "${point.unit ?? ''}": the limits are in ppm or % by volume` });
    return { kind: 'invalid', problems };
  }
  const unit = conc === 'ppm' ? 'ppm' : '%';
  const limit = siteLimit(point, gas, preset, preset[conc], unit, problems);
  const blind = rangeProblem(point, gas, preset.direction, limit, unit);
  if (blind !== undefined) problems.push(blind);
  if (problems.length > 0) return { kind: 'invalid', problems };
  return { kind: 'limit', limit: { gas, label: preset.label, direction: preset.direction, limit, unit } };
}
