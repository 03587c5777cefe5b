import { MAX_FEED_TIMEOUT_MS, parseDurationText, type Point } from '../../../core/index.js';

/**
 * A CH4 sensor's power-off scope (断电范围), `attrs.feeders`: the feeders it cuts, comma separated
 * (`"F-101,F-102"`), or `none` when the site states on purpose that no monitored feeder is cut
 * by it. Feed-status points (`kind: feed`, boolean, true = energised) name their feeder in
 * `attrs.feeder`.
 */
export type FeederScope =
  | { readonly kind: 'feeders'; readonly names: readonly string[] }
  | { readonly kind: 'none' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly message: string };

export const NO_FEEDERS = 'none';

export function feedersOf(point: Point): FeederScope {
  const text = point.attrs['feeders'];
  if (text === undefined) return { kind: 'missing' };
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 1 && names[0] === NO_FEEDERS) return { kind: 'none' };
  if (names.length === 0) return { kind: 'invalid', message: `CH4 point "${point.id}": attrs.feeders is empty (list the feeders it cuts, "F-101,F-102", or write "none")` };
  if (names.includes(NO_FEEDERS)) return { kind: 'invalid', message: `CH4 point "${point.id}": attrs.feeders "${text}" mixes "none" with feeder names` };
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) return { kind: 'invalid', message: `CH4 point "${point.id}": attrs.feeders names "${repeated}" twice` };
  return { kind: 'feeders', names };
}

/** The feed-status points of every feeder name, in config order (more than one is a config problem). */
export function feedPointsByFeeder(points: readonly Point[]): Map<string, Point[]> {
  const out = new Map<string, Point[]>();
  for (const p of points) {
    const name = p.attrs['feeder'];
    if (p.kind !== 'feed' || name === undefined) continue;
    const list = out.get(name.trim());
    if (list === undefined) out.set(name.trim(), [p]);
    else list.push(p);
  }
  return out;
}

/**
 * The power-off verification timeout of one CH4 sensor: its `attrs.feedTimeout` (`"22s"`, the 2 s
 * power-off time plus a 20 s scan of its feeders' status), else the rule's. A problem for a bad or
 * too long duration.
 */
export function feedTimeoutOf(point: Point, ruleTimeoutMs: number): { readonly ms: number; readonly problem?: string } {
  const text = point.attrs['feedTimeout'];
  if (text === undefined) return { ms: ruleTimeoutMs };
  const ms = parseDurationText(text);
  if (ms === undefined || ms <= 0) return { ms: ruleTimeoutMs, problem: `CH4 point "${point.id}": attrs.feedTimeout "${text}" is not a duration above 0 (e.g. 5s)` };
  if (ms > MAX_FEED_TIMEOUT_MS) return { ms: ruleTimeoutMs, problem: `CH4 point "${point.id}": attrs.feedTimeout "${text}" is more than 32s (the 2 s power-off time plus 30 s, the longest scan cycle allowed underground)` };
  return { ms };
}
