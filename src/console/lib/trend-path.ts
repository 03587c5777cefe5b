import type { Series } from './trend-series.js';

export interface LinePaths {
  /** SVG path data of the good-quality segments. */
  readonly good: string;
  /** The segments touching an uncertain sample (drawn dashed). */
  readonly uncertain: string;
  /** Samples drawn (not counting breaks). */
  readonly points: number;
}

const r = (n: number): string => (Math.round(n * 10) / 10).toString();

/**
 * SVG path data for a series: a straight line between samples, or a step line (a boolean holds
 * its value until the next sample). NaN values break the line; a lone sample between breaks is a
 * short dash so it still shows. `extendTo` (a step line while live) holds the last value to that x.
 */
export function linePaths(s: Series, x: (t: number) => number, y: (v: number) => number, opts: { readonly step?: boolean; readonly extendTo?: number } = {}): LinePaths {
  const step = opts.step === true;
  const good: string[] = [];
  const unc: string[] = [];
  let penGood = -1;
  let penUnc = -1;
  let points = 0;
  let prev = -1;
  for (let i = 0; i < s.length; i++) {
    const v = s.v[i] ?? Number.NaN;
    if (Number.isNaN(v)) {
      if (prev >= 0 && prev === i - 1 && (i < 2 || Number.isNaN(s.v[i - 2] ?? Number.NaN))) lone(prev);
      prev = -1;
      continue;
    }
    points++;
    if (prev >= 0) {
      const q = step ? (s.q[prev] ?? 0) : Math.max(s.q[prev] ?? 0, s.q[i] ?? 0);
      const target = q >= 1 ? unc : good;
      const pen = q >= 1 ? penUnc : penGood;
      if (pen !== prev) target.push(`M${r(x(s.t[prev] ?? 0))} ${r(y(s.v[prev] ?? 0))}`);
      target.push(step ? `H${r(x(s.t[i] ?? 0))}V${r(y(v))}` : `L${r(x(s.t[i] ?? 0))} ${r(y(v))}`);
      if (q >= 1) penUnc = i;
      else penGood = i;
    }
    prev = i;
  }
  if (prev >= 0) {
    const lastAlone = prev === 0 || Number.isNaN(s.v[prev - 1] ?? Number.NaN);
    if (step && opts.extendTo !== undefined && opts.extendTo > x(s.t[prev] ?? 0)) {
      const q = s.q[prev] ?? 0;
      const target = q >= 1 ? unc : good;
      const pen = q >= 1 ? penUnc : penGood;
      if (pen !== prev) target.push(`M${r(x(s.t[prev] ?? 0))} ${r(y(s.v[prev] ?? 0))}`);
      target.push(`H${r(opts.extendTo)}`);
    } else if (lastAlone) lone(prev);
  }
  return { good: good.join(''), uncertain: unc.join(''), points };

  function lone(i: number): void {
    const target = (s.q[i] ?? 0) >= 1 ? unc : good;
    target.push(`M${r(x(s.t[i] ?? 0) - 1)} ${r(y(s.v[i] ?? 0))}h2`);
  }
}
