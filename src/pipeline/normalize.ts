import { excerpt } from '../core/excerpt.js';
import { HazgateError, type Point, type RawReading, type Sample } from '../core/index.js';
import { scaleValue, worstQuality } from './scale.js';

/** 2000-01-01T00:00:00Z: anything earlier is a device with an unset clock, not a real time. */
export const EARLIEST_TS = 946_684_800_000;

export interface NormalizeContext {
  readonly points: ReadonlyMap<string, Point>;
  readonly now: number;
  readonly maxFutureMs: number;
}

const GOOD = { level: 'good' } as const;

/** RawReading → Sample, or the coded reason it was refused. Pure. */
export function normalizeReading(r: RawReading, ctx: NormalizeContext): Sample | HazgateError {
  const point = ctx.points.get(r.pointId);
  if (point === undefined) {
    return reject('HG_ERR_INGEST_UNKNOWN_POINT', r, `unknown point "${excerpt(r.pointId)}"`);
  }
  const ts = r.ts ?? ctx.now;
  if (r.ts !== undefined) {
    if (!Number.isFinite(ts) || ts < EARLIEST_TS) {
      return reject('HG_ERR_INGEST_BAD_TIMESTAMP', r, `timestamp ${String(r.ts)} of point "${point.id}" is not a time after 2000-01-01`);
    }
    if (ts > ctx.now + ctx.maxFutureMs) {
      return reject('HG_ERR_INGEST_FUTURE_TIMESTAMP', r, `timestamp of point "${point.id}" is ${ts - ctx.now} ms in the future`);
    }
  }
  return point.type === 'boolean' ? booleanSample(point, r, ts, ctx.now) : numberSample(point, r, ts, ctx.now);
}

function numberSample(point: Point, r: RawReading, ts: number, now: number): Sample | HazgateError {
  const raw = r.value;
  if (typeof raw !== 'number') {
    return reject('HG_ERR_INGEST_WRONG_TYPE', r, `point "${point.id}" takes a number, got ${describe(raw)}`);
  }
  if (!Number.isFinite(raw)) {
    return reject('HG_ERR_INGEST_NOT_FINITE', r, `point "${point.id}" got ${String(raw)}`);
  }
  const tsSource = r.ts === undefined ? 'gateway' : (r.tsSource ?? 'device');
  // Most points carry engineering values already: no scaling object on the hot path for them.
  if (point.scaling === undefined) return { pointId: point.id, value: raw, quality: r.quality ?? GOOD, ts, rts: now, tsSource };
  const scaled = scaleValue(point, raw);
  // A finite raw value can scale past ±1.8e308 (1e308 counts over a span of 1): never a sample.
  if (!Number.isFinite(scaled.value)) {
    return reject('HG_ERR_INGEST_NOT_FINITE', r, `point "${point.id}" got ${raw}, which scales to ${String(scaled.value)}`);
  }
  const quality = r.quality === undefined ? scaled.quality : worstQuality(r.quality, scaled.quality);
  return { pointId: point.id, value: scaled.value, quality, ts, rts: now, tsSource };
}

function booleanSample(point: Point, r: RawReading, ts: number, now: number): Sample | HazgateError {
  const raw = r.value;
  let value: boolean;
  if (typeof raw === 'boolean') value = raw;
  else if (raw === 0 || raw === 1) value = raw === 1;
  else return reject('HG_ERR_INGEST_WRONG_TYPE', r, `point "${point.id}" takes a boolean (or 0/1), got ${describe(raw)}`);
  return { pointId: point.id, value, quality: r.quality ?? GOOD, ts, rts: now, tsSource: r.ts === undefined ? 'gateway' : (r.tsSource ?? 'device') };
}

function reject(code: ConstructorParameters<typeof HazgateError>[0], r: RawReading, message: string): HazgateError {
  // pointId and origin come from outside (a payload's id field, an MQTT topic): quoted in part.
  const origin = r.origin === undefined ? undefined : excerpt(r.origin);
  const where = origin === undefined ? '' : ` (from ${origin})`;
  return new HazgateError(code, `${message}${where}`, { pointId: excerpt(r.pointId), source: r.source, origin });
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return Array.isArray(v) ? 'an array' : typeof v;
}
