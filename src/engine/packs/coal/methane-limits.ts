import type { Point } from '../../../core/index.js';
import { attrNumber, concentrationOf, type PointProblem } from './units.js';

/** The three settings of a CH4 sensor, % CH4: alarm at ≥ alarm, power-off at ≥ powerOff, restore below restore. */
export interface MethaneSetpoints {
  readonly alarm: number;
  readonly powerOff: number;
  /** The power-off may clear once methane is below this (复电: "< 1.0"). */
  readonly restore: number;
}

export interface MethanePreset extends MethaneSetpoints {
  /** What the location is called in the regulation. */
  readonly label: string;
}

/**
 * 煤矿安全规程 (2016, amended 2022), the table of methane sensor settings in the safety monitoring
 * chapter, as AQ 1029-2019 repeats it: alarm / power-off / restore concentration, % CH4. The upper
 * corner's restore is < 1.0 (the table as the review and the lead recall it, 第498条 回风隅角), not
 * the < 1.5 of hazgate's DOMAIN.md: the stricter of the two, so power returns only at lower methane
 * (rules/packs/coal/README.md).
 */
export const METHANE_PRESETS: Readonly<Record<string, MethanePreset>> = {
  'working-face': { label: 'working face (采煤工作面)', alarm: 1.0, powerOff: 1.5, restore: 1.0 },
  'upper-corner': { label: 'upper corner (工作面上隅角)', alarm: 1.0, powerOff: 1.5, restore: 1.0 },
  'return-airway': { label: 'return airway (回风巷)', alarm: 1.0, powerOff: 1.0, restore: 1.0 },
  intake: { label: 'intake of a high-gas face (高瓦斯、突出矿井采煤工作面进风巷)', alarm: 0.5, powerOff: 0.5, restore: 0.5 },
  'drainage-roadway': { label: 'gas drainage roadway (专用排瓦斯巷)', alarm: 2.5, powerOff: 2.5, restore: 2.5 },
  'heading-face': { label: 'heading face (掘进工作面)', alarm: 1.0, powerOff: 1.5, restore: 1.0 },
};

/** The limits in force at one CH4 sensor: its location's preset, made stricter by the site where it says so. */
export interface MethaneLimits extends MethaneSetpoints {
  readonly location: string;
  readonly label: string;
}

export type LimitsOrProblems<T> = { readonly ok: true; readonly limits: T } | { readonly ok: false; readonly problems: readonly PointProblem[] };

const KNOWN = Object.keys(METHANE_PRESETS).join(', ');

function presetOf(point: Point): MethanePreset | PointProblem {
  const location = point.attrs['location'];
  if (location === undefined) {
    return { path: ['attrs'], message: `CH4 point "${point.id}" has no attrs.location: the alarm, power-off and restore levels depend on it (${KNOWN})` };
  }
  return METHANE_PRESETS[location] ?? { path: ['attrs', 'location'], message: `CH4 point "${point.id}": location "${location}" has no preset (${KNOWN})` };
}

/** A site may lower a setting, never raise it above the regulation's (nor above the point's own power-off). */
function stricter(point: Point, key: string, preset: number, ceiling: number, what: string, problems: PointProblem[]): number | undefined {
  const { value, problem } = attrNumber(point, key);
  if (problem !== undefined) problems.push(problem);
  if (value === undefined) return undefined;
  if (value > preset) {
    problems.push({ path: ['attrs', key], message: `CH4 point "${point.id}": ${key} ${value} is above the regulatory ${what} ${preset} % for its location; a site may lower the limits, never raise them` });
  } else if (value > ceiling) {
    problems.push({ path: ['attrs', key], message: `CH4 point "${point.id}": ${key} ${value} is above its power-off level ${ceiling} %` });
  }
  return value;
}

function pointShape(point: Point, powerOff: number | undefined, problems: PointProblem[]): void {
  if (point.type !== 'number') problems.push({ path: ['type'], message: `CH4 point "${point.id}" must be type: number (% CH4)` });
  if (concentrationOf(point.unit, 'CH4') !== 'pct') {
    problems.push({ path: ['unit'], message: `CH4 point "${point.id}" has unit "${point.unit ?? ''}": the coal-mine methane levels are % CH4 by volume (unit "%")` });
  }
  if (powerOff !== undefined && point.range !== undefined && point.range[1] < powerOff) {
    problems.push({ path: ['range'], message: `CH4 point "${point.id}": its range [${point.range.join(', ')}] cannot reach its power-off level ${powerOff} %` });
  }
}

/**
 * The methane limits of a CH4 point: the preset of `attrs.location`, with `attrs.alarmAt`,
 * `attrs.powerOffAt`, `attrs.restoreBelow` where the site sets them lower. Every problem at once.
 */
export function methaneLimitsOf(point: Point): LimitsOrProblems<MethaneLimits> {
  const preset = presetOf(point);
  const problems: PointProblem[] = [];
  if (!('powerOff' in preset)) {
    pointShape(point, undefined, problems);
    return { ok: false, problems: [preset, ...problems] };
  }
  const powerOff = stricter(point, 'powerOffAt', preset.powerOff, preset.powerOff, 'power-off level', problems) ?? preset.powerOff;
  const alarm = stricter(point, 'alarmAt', preset.alarm, powerOff, 'alarm level', problems) ?? Math.min(preset.alarm, powerOff);
  const restore = stricter(point, 'restoreBelow', preset.restore, powerOff, 'restore level', problems) ?? Math.min(preset.restore, powerOff);
  pointShape(point, powerOff, problems);
  if (problems.length > 0) return { ok: false, problems };
  const location = point.attrs['location'] ?? '';
  return { ok: true, limits: { location, label: preset.label, alarm, powerOff, restore } };
}
