import type { Point } from '../../../core/index.js';
import { formatNumber } from '../../message.js';

/**
 * What the authenticity rules read off a point's configuration: its span (thresholds given as a
 * percentage of it fit %LEL, ppm and %CH4 detectors alike) and the group its neighbours share.
 */

/** The low end and width of a point's range; undefined without a range or with an empty one. */
export function spanOf(point: Point): { readonly low: number; readonly width: number } | undefined {
  if (point.range === undefined) return undefined;
  const [low, high] = point.range;
  return high > low ? { low, width: high - low } : undefined;
}

/** The value neighbours share: the point's `area` for `groupBy: area`, else the attribute of that name. */
export function groupKeyOf(point: Point, groupBy: string): string | undefined {
  const key = groupBy === 'area' ? point.area : point.attrs[groupBy];
  return key === '' ? undefined : key;
}

/** Points by group key, in configuration order; points without a key are left out (the checks name them). */
export function groupsOf(points: readonly Point[], groupBy: string): Map<string, Point[]> {
  const groups = new Map<string, Point[]>();
  for (const p of points) {
    const key = groupKeyOf(p, groupBy);
    if (key === undefined) continue;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [p]);
    else list.push(p);
  }
  return groups;
}

/** `10 min`, `45 s`, `1.5 s`: durations in operator messages. */
export function formatSpan(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms >= 1000 ? `${formatNumber(ms / 1000)} s` : `${formatNumber(ms)} ms`;
}

/** `0`, `12.5 %LEL`. */
export function withUnit(x: number, point: Point): string {
  return point.unit === undefined || point.unit === '' ? formatNumber(x) : `${formatNumber(x)} ${point.unit}`;
}
