import type { BenchContext } from './section.js';

/**
 * A ratio between two figures of the same run, e.g. single_max_rps / nodered_max_rps. Either
 * side missing (its section not run, or null) makes the ratio null with the reason recorded:
 * `--only nodered` alone cannot know hazgate's figure, and 0 would read as a measurement.
 */
export function ratioOf(ctx: BenchContext, key: string, numerator: string, denominator: string, own: Readonly<Record<string, number | null>>): number | null {
  const value = (k: string): number | null | undefined => (k in own ? own[k] : ctx.results[k]);
  const n = value(numerator);
  const d = value(denominator);
  if (n === undefined || d === undefined) {
    ctx.error(key, `needs ${numerator} and ${denominator} from the same run (${n === undefined ? numerator : denominator} was not measured: run its section too)`);
    return null;
  }
  if (n === null || d === null || d <= 0) {
    ctx.error(key, `needs ${numerator} and ${denominator}, got ${String(n)} and ${String(d)}`);
    return null;
  }
  return n / d;
}
