import type { HistoryColumns, QualityLevel, Sample } from './wire.js';

/**
 * A trend's samples as parallel columns, numbers only: booleans as 0/1, a bad-quality or missing
 * value as NaN (the line breaks there). `q` is 0 good, 1 uncertain, 2 bad.
 */
export interface Series {
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly q: Uint8Array;
  readonly length: number;
}

const LEVEL: Readonly<Record<QualityLevel, number>> = { good: 0, uncertain: 1, bad: 2 };

export function qualityCode(level: string | undefined): number {
  return level === undefined ? 0 : (LEVEL[level as QualityLevel] ?? 2);
}

function numeric(v: number | boolean | null | undefined): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

/** The columns of `GET /api/points/{id}/history?format=columns`, sorted by time (the server's order is kept when it is). */
export function seriesFromColumns(c: Pick<HistoryColumns, 'ts' | 'value' | 'quality'>): Series {
  const n = Math.min(c.ts.length, c.value.length);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  const q = new Uint8Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    t[i] = c.ts[i] ?? Number.NaN;
    const code = qualityCode(c.quality[String(i)]);
    q[i] = code;
    v[i] = code === 2 ? Number.NaN : numeric(c.value[i]);
    if (i > 0 && (t[i] ?? 0) < (t[i - 1] ?? 0)) sorted = false;
  }
  const s: Series = { t, v, q, length: n };
  return sorted ? s : sortSeries(s);
}

function sortSeries(s: Series): Series {
  const idx = Array.from({ length: s.length }, (_, i) => i).sort((a, b) => (s.t[a] ?? 0) - (s.t[b] ?? 0));
  return { t: Float64Array.from(idx, (i) => s.t[i] ?? 0), v: Float64Array.from(idx, (i) => s.v[i] ?? 0), q: Uint8Array.from(idx, (i) => s.q[i] ?? 0), length: s.length };
}

/**
 * A growable series: the loaded history, then live samples appended as they come (older than the
 * last one are ignored: the history already has them), samples before `from` dropped as the window slides.
 */
export class LiveSeries {
  private t: Float64Array;
  private v: Float64Array;
  private q: Uint8Array;
  private start = 0;
  private end: number;

  constructor(initial: Series) {
    const cap = Math.max(64, initial.length * 2);
    this.t = new Float64Array(cap);
    this.v = new Float64Array(cap);
    this.q = new Uint8Array(cap);
    this.t.set(initial.t);
    this.v.set(initial.v);
    this.q.set(initial.q);
    this.end = initial.length;
  }

  get length(): number {
    return this.end - this.start;
  }

  get lastTime(): number {
    return this.end > this.start ? (this.t[this.end - 1] ?? Number.NaN) : Number.NaN;
  }

  /** Adds a live sample; false when it is not newer than the last one. */
  push(s: Pick<Sample, 'ts' | 'value' | 'quality'>): boolean {
    if (this.end > this.start && s.ts <= (this.t[this.end - 1] ?? 0)) return false;
    if (this.end === this.t.length) this.grow();
    const code = qualityCode(s.quality.level);
    this.t[this.end] = s.ts;
    this.v[this.end] = code === 2 ? Number.NaN : numeric(s.value);
    this.q[this.end] = code;
    this.end++;
    return true;
  }

  /** Forgets samples before `from`, keeping one before it so the line enters the window from its left edge. */
  dropBefore(from: number): void {
    while (this.start + 1 < this.end && (this.t[this.start + 1] ?? 0) <= from) this.start++;
  }

  view(): Series {
    return { t: this.t.subarray(this.start, this.end), v: this.v.subarray(this.start, this.end), q: this.q.subarray(this.start, this.end), length: this.end - this.start };
  }

  private grow(): void {
    const n = this.end - this.start;
    const cap = Math.max(64, n * 2);
    const t = new Float64Array(cap);
    const v = new Float64Array(cap);
    const q = new Uint8Array(cap);
    t.set(this.t.subarray(this.start, this.end));
    v.set(this.v.subarray(this.start, this.end));
    q.set(this.q.subarray(this.start, this.end));
    this.t = t;
    this.v = v;
    this.q = q;
    this.start = 0;
    this.end = n;
  }
}

/** Index of the first sample at or after `time` (binary search; `length` when none). */
export function lowerBound(t: ArrayLike<number>, length: number, time: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((t[mid] ?? 0) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Stats {
  readonly min: number;
  readonly max: number;
  readonly last: number;
  readonly lastTime: number;
  readonly count: number;
}

/** Min, max and the last drawable value of the samples in [from, to] (NaN when there are none). */
export function stats(s: Series, from: number, to: number): Stats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let last = Number.NaN;
  let lastTime = Number.NaN;
  let count = 0;
  for (let i = lowerBound(s.t, s.length, from); i < s.length; i++) {
    const t = s.t[i] ?? 0;
    if (t > to) break;
    const v = s.v[i] ?? Number.NaN;
    if (Number.isNaN(v)) continue;
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
    last = v;
    lastTime = t;
  }
  return count === 0 ? { min: Number.NaN, max: Number.NaN, last, lastTime, count } : { min, max, last, lastTime, count };
}

/** The sample nearest to `time` with a value (for the crosshair); -1 when none. */
export function nearest(s: Series, time: number): number {
  const i = lowerBound(s.t, s.length, time);
  let best = -1;
  let bestD = Number.POSITIVE_INFINITY;
  for (const j of [i - 1, i, i - 2, i + 1]) {
    if (j < 0 || j >= s.length || Number.isNaN(s.v[j] ?? Number.NaN)) continue;
    const d = Math.abs((s.t[j] ?? 0) - time);
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  }
  return best;
}

/**
 * The median time between samples in [from, to] (from at most `probe` intervals spread over the
 * window: cheap on a week of 1 Hz); NaN with fewer than two samples.
 */
export function medianInterval(s: Series, from: number, to: number, probe = 1000): number {
  const a = lowerBound(s.t, s.length, from);
  const b = Math.min(s.length, lowerBound(s.t, s.length, to + 1));
  const n = b - a - 1;
  if (n < 1) return Number.NaN;
  const stride = Math.max(1, Math.floor(n / probe));
  const dts: number[] = [];
  for (let i = a + 1; i < b; i += stride) dts.push((s.t[i] ?? 0) - (s.t[i - 1] ?? 0));
  dts.sort((x, y) => x - y);
  return dts[Math.floor(dts.length / 2)] ?? Number.NaN;
}

/** A silence that breaks a number's line: ten of its usual intervals, at least 10 s. Booleans hold their value: never. */
export function gapThreshold(s: Series, from: number, to: number, boolean: boolean): number {
  if (boolean) return Number.POSITIVE_INFINITY;
  const m = medianInterval(s, from, to);
  return Number.isFinite(m) ? Math.max(10_000, 10 * m) : Number.POSITIVE_INFINITY;
}
