import { compareAlarms } from './alarm-model.js';
import type { Point, Sample, Transition } from './wire.js';

/** Ranges of the trend page (`?range=`), in ms. */
export const RANGES: Readonly<Record<string, number>> = { '15m': 900_000, '1h': 3_600_000, '8h': 28_800_000, '24h': 86_400_000, '7d': 604_800_000 };
export const RANGE_KEYS: readonly string[] = Object.keys(RANGES);
export const DEFAULT_RANGE = '1h';

export function parseRange(s: string | undefined): string {
  return s !== undefined && Object.hasOwn(RANGES, s) ? s : DEFAULT_RANGE;
}

export interface PointFilter {
  readonly area: string;
  readonly kind: string;
  readonly text: string;
}

/** Points matching the filter (every word in the id, name, kind, area or unit), by area then id. */
export function filterPoints(points: Iterable<Point>, f: PointFilter): Point[] {
  const words = f.text.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const out: Point[] = [];
  for (const p of points) {
    if (f.area !== '' && (p.area ?? '') !== f.area) continue;
    if (f.kind !== '' && (p.kind ?? '') !== f.kind) continue;
    if (words.length > 0) {
      const hay = `${p.id} ${p.name ?? ''} ${p.kind ?? ''} ${p.area ?? ''} ${p.unit ?? ''}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) continue;
    }
    out.push(p);
  }
  return out.sort((a, b) => cmp(a.area ?? '', b.area ?? '') || cmp(a.id, b.id));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The distinct non-empty values of a field, sorted (for the filter selects). */
export function distinct(points: Iterable<Point>, field: 'area' | 'kind'): string[] {
  const set = new Set<string>();
  for (const p of points) {
    const v = p[field];
    if (v !== undefined && v !== '') set.add(v);
  }
  return [...set].sort();
}

/** Each point's most important retained alarm: shown ones before hidden ones, then priority and newest. */
export function worstAlarmByPoint(alarms: Iterable<Transition>): Map<string, Transition> {
  const out = new Map<string, Transition>();
  for (const t of alarms) {
    if (t.pointId === null || t.state === 'normal') continue;
    const old = out.get(t.pointId);
    if (old === undefined || rank(t, old) < 0) out.set(t.pointId, t);
  }
  return out;
}

function rank(a: Transition, b: Transition): number {
  if (a.annunciated !== b.annunciated) return a.annunciated ? -1 : 1;
  return compareAlarms(a, b);
}

/** The point's retained alarms, most important first. */
export function alarmsOfPoint(alarms: Iterable<Transition>, pointId: string): Transition[] {
  return [...alarms].filter((t) => t.pointId === pointId && t.state !== 'normal').sort(rank);
}

/** The value to show: the live one when newer than the list's. */
export function currentSample(live: Sample | undefined, latest: Sample | null): Sample | null {
  if (live === undefined) return latest;
  if (latest === null) return live;
  return live.ts >= latest.ts ? live : latest;
}

/** How old a sample is (never negative: a clock a little ahead is not the future). */
export function ageMs(sample: Pick<Sample, 'ts'> | null, now: number): number | null {
  return sample === null ? null : Math.max(0, now - sample.ts);
}
