/**
 * Axes of the trend chart: nice value ticks (1, 2, 5 × 10^k), the value domain (the point's
 * configured range widened to the data), and time ticks on round local times. Pure: the time
 * zone comes in as a function giving a time's offset from UTC.
 */

export interface NiceTicks {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly ticks: readonly number[];
}

/** The nice step (1, 2, 2.5 or 5 × 10^k) nearest above `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  const f = raw / base;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nice * base;
}

/** Ticks covering [min, max] with at most about `count` intervals; the bounds widen to whole steps. */
export function niceTicks(min: number, max: number, count = 5): NiceTicks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return niceTicks(0, 1, count);
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceTicks(min - pad, max + pad, count);
  }
  const step = niceStep((max - min) / Math.max(1, count));
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  const n = Math.round((hi - lo) / step);
  // Rounded to the step's decimals so 0.1 + 0.2 shows as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let i = 0; i <= n; i++) ticks.push(Number((lo + i * step).toFixed(decimals)));
  return { min: ticks[0] ?? lo, max: ticks[ticks.length - 1] ?? hi, step, ticks };
}

/**
 * The value domain to draw: the point's configured range when it has one (widened to take in the
 * data), else the data with a little room above and below. Booleans are 0..1.
 */
export function valueDomain(dataMin: number, dataMax: number, range: readonly [number, number] | undefined, boolean = false): [number, number] {
  if (boolean) return [0, 1];
  const hasData = Number.isFinite(dataMin) && Number.isFinite(dataMax);
  if (range !== undefined && Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[1] > range[0]) {
    return hasData ? [Math.min(range[0], dataMin), Math.max(range[1], dataMax)] : [range[0], range[1]];
  }
  if (!hasData) return [0, 1];
  if (dataMax === dataMin) {
    const pad = dataMin === 0 ? 1 : Math.abs(dataMin) * 0.1;
    return [dataMin - pad, dataMax + pad];
  }
  const pad = (dataMax - dataMin) * 0.05;
  return [dataMin - pad, dataMax + pad];
}

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Steps a time axis may use, smallest first. */
export const TIME_STEPS: readonly number[] = [
  10_000, 15_000, 30_000, MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY,
];

export interface TimeTick {
  readonly t: number;
  /** The tick falls on a local midnight: its label shows the date. */
  readonly midnight: boolean;
}

/** Offset of local time from UTC at a UTC time, in ms (east positive: +8 h for China). */
export type OffsetOf = (utcMs: number) => number;

export const UTC: OffsetOf = () => 0;

/** The smallest step that keeps the ticks of [from, to] at or below `maxTicks`. */
export function timeStep(from: number, to: number, maxTicks: number): number {
  const span = Math.max(1, to - from);
  for (const s of TIME_STEPS) if (span / s <= maxTicks) return s;
  return TIME_STEPS[TIME_STEPS.length - 1] ?? DAY;
}

/** Ticks on round local times (whole minutes, hours, local midnights) inside [from, to]. */
export function timeTicks(from: number, to: number, maxTicks: number, offsetOf: OffsetOf = UTC): { readonly step: number; readonly ticks: readonly TimeTick[] } {
  const step = timeStep(from, to, Math.max(1, maxTicks));
  const ticks: TimeTick[] = [];
  const off0 = offsetOf(from);
  let local = Math.ceil((from + off0) / step) * step;
  for (let guard = 0; guard < 1000; guard++) {
    // Local time back to UTC with the offset near it (exact but for the hour a DST change repeats).
    const t = local - offsetOf(local - off0);
    if (t > to) break;
    if (t >= from) ticks.push({ t, midnight: (((local % DAY) + DAY) % DAY) === 0 });
    local += step;
  }
  return { step, ticks };
}

/** What a time tick's label shows: the time, or the date at midnights and on day steps. */
export function tickLabelKind(tick: TimeTick, step: number): 'date' | 'time' | 'seconds' {
  if (tick.midnight || step >= DAY) return 'date';
  return step < MIN ? 'seconds' : 'time';
}

/** Linear scale from a domain to a pixel range. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

const tickFormats = new Map<string, Intl.DateTimeFormat>();

/** A time tick's label: `14:30`, `14:30:15`, or the date (`11-29`, `11月29日`) in the user's language. */
export function formatTick(ms: number, kind: 'date' | 'time' | 'seconds', lang: 'zh-CN' | 'en', timeZone?: string): string {
  const key = `${kind}|${lang}|${timeZone ?? ''}`;
  let f = tickFormats.get(key);
  if (f === undefined) {
    const tz = timeZone === undefined ? {} : { timeZone };
    f =
      kind === 'date'
        ? new Intl.DateTimeFormat(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', { month: lang === 'zh-CN' ? 'numeric' : 'short', day: 'numeric', ...tz })
        : new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', ...(kind === 'seconds' ? { second: '2-digit' } : {}), hourCycle: 'h23', ...tz });
    tickFormats.set(key, f);
  }
  if (kind === 'date' && lang === 'zh-CN') {
    const parts = f.formatToParts(ms);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('month')}月${part('day')}日`;
  }
  return f.format(ms);
}

/** A value tick's label: no float noise (`0.30000000000000004` → `0.3`). */
export function formatTickValue(v: number): string {
  return Number(v.toPrecision(10)).toString();
}
