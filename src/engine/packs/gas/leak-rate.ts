import { HazgateError, type LeakRateRule, type Point, type RateRule } from '../../../core/index.js';
import { Condition } from '../../condition.js';
import { formatNumber, formatValue, renderTemplate, type MessageFacts } from '../../message.js';
import { RateEvaluator } from '../../rate.js';
import { gasProfile, type GasProfile } from './profile.js';
import { convert, showUnit } from './units.js';

/** A point's leak rate: the rise in its own unit and what it is in the rule's terms. */
export interface LeakRise {
  readonly rise: number;
  /** `10 %LEL`, `10 %LEL of CH4 (LEL 4.4 %VOL) = 0.44 %VOL`, `0.4 LEL·m (open path)`. */
  readonly basis: string;
}

/**
 * The rise a combustible detector must show within the window, in its own unit: `rise` %LEL converted
 * through its gas's LEL (a %VOL, ppm or mg/m³ point), or `openPathRise` LEL·m on an open-path
 * detector. A string says why there is none (not a combustible detector; gasChecks refuses it).
 */
export function leakRise(rule: Pick<LeakRateRule, 'rise' | 'openPathRise'>, profile: GasProfile): LeakRise | string {
  if (profile.cls !== 'combustible') return `it is a ${profile.cls} detector; a leak rate watches combustible detectors`;
  if (profile.unit === 'LEL·m') return { rise: rule.openPathRise, basis: `${formatNumber(rule.openPathRise)} LEL·m (open path)` };
  if (profile.unit === '%LEL') return { rise: rule.rise, basis: `${formatNumber(rule.rise)} %LEL` };
  const rise = convert(rule.rise, '%LEL', profile.unit, profile.constants);
  if (rise === undefined) return 'its unit cannot be converted';
  const gas = profile.gas ?? 'its gas';
  const lel = formatNumber(profile.constants.lel ?? NaN);
  return { rise, basis: `${formatNumber(rule.rise)} %LEL of ${gas} (LEL ${lel} %VOL) = ${formatNumber(Number(rise.toPrecision(3)))} ${showUnit(profile.unit)}` };
}

/** The rise of a selected point, or a coded config error: the engine is only built from a checked config. */
function riseOrThrow(rule: LeakRateRule, point: Point): LeakRise {
  const p = gasProfile(point);
  const r = p.ok ? leakRise(rule, p.profile) : p.problem.message;
  if (typeof r === 'string') throw new HazgateError('HG_ERR_CONFIG_INVALID', `rule "${rule.id}" point "${point.id}": ${r}`, { ruleId: rule.id, pointId: point.id });
  return r;
}

/** `GT-802 RISE 1 %VOL (rose ≥ 10 %LEL of CH4 (LEL 4.4 %VOL) = 0.44 %VOL within 60 s: a leak before level 1)`. */
function leakMessage(rule: LeakRateRule, r: LeakRise, f: MessageFacts): string {
  const value = formatValue(f.value, f.point.unit);
  if (f.level === null) return f.value === null ? `${f.point.id} back to normal` : `${f.point.id} back to normal (${value})`;
  if (rule.message !== undefined) return renderTemplate(rule.message, f);
  return `${f.point.id} ${f.level} ${value} (rose ≥ ${r.basis} within ${formatNumber(rule.windowMs / 1000)} s: a leak before level 1)`;
}

/** `leak-rate`: one core rate condition per selected detector, with the rise in the detector's unit. */
export function leakRateConditions(rule: LeakRateRule, selected: readonly Point[]): Condition[] {
  return selected.map((point) => {
    const r = riseOrThrow(rule, point);
    const spec: RateRule = { id: rule.id, kind: 'rate', select: rule.select, windowMs: rule.windowMs, rise: r.rise, priority: rule.priority };
    return new Condition(rule, point, new RateEvaluator(spec), (f) => leakMessage(rule, r, f));
  });
}
