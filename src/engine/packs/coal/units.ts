import type { Point } from '../../../core/index.js';

/** How a gas concentration is expressed: percent by volume or parts per million (1 % = 10 000 ppm). */
export type Concentration = 'pct' | 'ppm';

/**
 * The concentration unit of a gas point: `ppm`, or percent by volume written `%`, `%VOL`, `%v/v`
 * or `%<gas>` (`%CH4`). Anything else (`%LEL`, `mg/m3`) is undefined: the regulation's numbers
 * cannot be applied to it without assumptions the pack will not make.
 */
export function concentrationOf(unit: string | undefined, gas: string): Concentration | undefined {
  if (unit === undefined) return undefined;
  const u = unit.replace(/\s+/g, '').toLowerCase();
  if (u === 'ppm') return 'ppm';
  return u === '%' || u === '%vol' || u === '%v/v' || u === `%${gas.toLowerCase()}` ? 'pct' : undefined;
}

/** A problem with one point, at a path relative to it (`['attrs', 'location']`). */
export interface PointProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** A site's stricter value of a limit, read from a point attribute: a positive number, or a problem. */
export function attrNumber(point: Point, key: string): { value?: number; problem?: PointProblem } {
  const text = point.attrs[key];
  if (text === undefined) return {};
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    return { problem: { path: ['attrs', key], message: `point "${point.id}": attrs.${key} "${text}" is not a positive number` } };
  }
  return { value };
}
