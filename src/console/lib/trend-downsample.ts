import { lowerBound, type Series } from './trend-series.js';

/**
 * Down-samples a series in [from, to] to at most about two points per bucket (a pixel column):
 * the minimum and the maximum of each bucket, in time order, so a one-sample spike survives.
 * Bad samples (NaN) break the line: each run of drawable samples inside a bucket is reduced on
 * its own, and a break stays a break. The sample just before `from` and the one just after `to`
 * are kept so the line runs to the chart's edges. Few enough samples come back unchanged.
 */
export function downsample(s: Series, from: number, to: number, buckets: number): Series {
  const first = Math.max(0, lowerBound(s.t, s.length, from) - 1);
  let last = lowerBound(s.t, s.length, to);
  while (last < s.length && (s.t[last] ?? 0) <= to) last++;
  last = Math.min(s.length, last + 1); // one past `to`, exclusive bound
  const n = last - first;
  const nb = Math.max(1, Math.floor(buckets));
  if (n <= nb * 2) return { t: s.t.subarray(first, last), v: s.v.subarray(first, last), q: s.q.subarray(first, last), length: n };

  const ot = new Float64Array(nb * 4 + 8);
  const ov = new Float64Array(ot.length);
  const oq = new Uint8Array(ot.length);
  let o = 0;
  const emit = (i: number, q: number): void => {
    ot[o] = s.t[i] ?? 0;
    ov[o] = s.v[i] ?? Number.NaN;
    oq[o] = q;
    o++;
  };
  const width = (to - from) / nb;
  let bucket = Number.NaN;
  let minI = -1;
  let maxI = -1;
  let runQ = 0;
  let broken = false;
  const flush = (): void => {
    if (minI < 0) return;
    if (minI === maxI) emit(minI, runQ);
    else if (minI < maxI) {
      emit(minI, runQ);
      emit(maxI, runQ);
    } else {
      emit(maxI, runQ);
      emit(minI, runQ);
    }
    minI = maxI = -1;
    runQ = 0;
    broken = false;
  };
  for (let i = first; i < last; i++) {
    const t = s.t[i] ?? 0;
    // The samples outside [from, to] each get a bucket of their own.
    const b = t < from ? -1 : t > to ? nb + 1 : Math.min(nb - 1, Math.floor((t - from) / width));
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    const v = s.v[i] ?? Number.NaN;
    if (Number.isNaN(v)) {
      flush();
      if (!broken && o > 0 && !Number.isNaN(ov[o - 1] ?? 0)) {
        emit(i, 2);
        broken = true;
      }
      continue;
    }
    broken = false;
    if (minI < 0) {
      minI = maxI = i;
    } else {
      if (v < (s.v[minI] ?? 0)) minI = i;
      if (v > (s.v[maxI] ?? 0)) maxI = i;
    }
    const q = s.q[i] ?? 0;
    if (q > runQ) runQ = q;
    if (o + 4 >= ot.length) break; // cannot happen with the bounds above; a guard, not a path
  }
  flush();
  return { t: ot.subarray(0, o), v: ov.subarray(0, o), q: oq.subarray(0, o), length: o };
}
