import { lowerBound, type Series } from './trend-series.js';

/**
 * Down-samples a series in [from, to] to at most about two points per bucket (a pixel column):
 * the minimum and the maximum of each bucket, in time order, so a one-sample spike survives.
 * Bad samples (NaN) break the line: each run of drawable samples inside a bucket is reduced on
 * its own, and a break stays a break; so does a silence longer than `maxGap` ms (no data is not
 * a straight line). The sample just before `from` and the one just after `to` are kept so the
 * line runs to the chart's edges. Few enough samples are kept one by one.
 */
export function downsample(s: Series, from: number, to: number, buckets: number, maxGap = Number.POSITIVE_INFINITY): Series {
  const first = Math.max(0, lowerBound(s.t, s.length, from) - 1);
  let last = lowerBound(s.t, s.length, to);
  while (last < s.length && (s.t[last] ?? 0) <= to) last++;
  last = Math.min(s.length, last + 1); // one past `to`, exclusive bound
  const n = last - first;
  const nb = Math.max(1, Math.floor(buckets));
  const reduce = n > nb * 2;
  if (!reduce && maxGap === Number.POSITIVE_INFINITY) return { t: s.t.subarray(first, last), v: s.v.subarray(first, last), q: s.q.subarray(first, last), length: n };

  let ot = new Float64Array(reduce ? nb * 4 + 8 : n * 2 + 8);
  let ov = new Float64Array(ot.length);
  let oq = new Uint8Array(ot.length);
  let o = 0;
  /** Room for one more point (a flapping quality can break a bucket's run many times). */
  const room = (): void => {
    if (o < ot.length) return;
    const t2 = new Float64Array(ot.length * 2);
    const v2 = new Float64Array(t2.length);
    const q2 = new Uint8Array(t2.length);
    t2.set(ot);
    v2.set(ov);
    q2.set(oq);
    ot = t2;
    ov = v2;
    oq = q2;
  };
  const emit = (i: number, q: number): void => {
    room();
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
  let prevT = Number.NaN;
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
    const b = !reduce ? i : t < from ? -1 : t > to ? nb + 1 : Math.min(nb - 1, Math.floor((t - from) / width));
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    if (t - prevT > maxGap) {
      flush();
      if (o > 0 && !Number.isNaN(ov[o - 1] ?? 0)) {
        room();
        ot[o] = prevT;
        ov[o] = Number.NaN;
        oq[o] = 2;
        o++;
      }
    }
    prevT = t;
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
  }
  flush();
  return { t: ot.subarray(0, o), v: ov.subarray(0, o), q: oq.subarray(0, o), length: o };
}
