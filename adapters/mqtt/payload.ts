import { HazgateError, type ErrorCode } from '../../src/core/errors.js';
import { excerpt, quoteValue } from '../../src/core/excerpt.js';
import type { Quality, RawReading } from '../../src/core/sample.js';
import type { TimeUnit } from './schema.js';
import type { CompiledSubscription } from './subscription.js';

/**
 * Turns one MQTT payload into raw readings. Accepted shapes:
 *   12.5 | true | "NaN"                  a bare JSON value of the topic's point
 *   {"value": 12.5, "ts": …, "quality": …}  one reading; point from pointField, else the topic
 *   [{"id": "GT-101", "value": 12.5}, …]    many readings; each names its point or uses the topic's
 * Values are passed through as they are: the pipeline checks types and known points.
 */

export interface DecodedPayload {
  readonly readings: RawReading[];
  readonly errors: HazgateError[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type JsonObject = Readonly<Record<string, unknown>>;

/** Shared, frozen qualities: one per level, so a reading costs no extra allocation. */
const DEVICE_QUALITY: Readonly<Record<string, Quality>> = {
  good: Object.freeze({ level: 'good' }),
  uncertain: Object.freeze({ level: 'uncertain', reason: 'device' }),
  bad: Object.freeze({ level: 'bad', reason: 'device' }),
};
const UNRECOGNISED_QUALITY: Quality = Object.freeze({ level: 'uncertain', reason: 'device-quality-unrecognised' });

/** Where one payload came from; built once per message and shared by its elements. */
interface MessageContext {
  readonly topic: string;
  readonly sub: CompiledSubscription;
  readonly adapterId: string;
  readonly out: DecodedPayload;
}

export function decodePayload(
  payload: Buffer,
  topic: string,
  sub: CompiledSubscription,
  adapterId: string,
  maxBytes: number,
): DecodedPayload {
  const ctx: MessageContext = { topic, sub, adapterId, out: { readings: [], errors: [] } };
  // Checked before parsing: an oversized payload costs nothing but this comparison.
  if (payload.length > maxBytes) {
    fail(ctx, 'HG_ERR_INGEST_TOO_LARGE', `is ${payload.length} bytes, more than maxPayloadBytes ${maxBytes}`, undefined);
    return ctx.out;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch (cause) {
    fail(ctx, 'HG_ERR_INGEST_MALFORMED', 'is not valid JSON', undefined, cause);
    return ctx.out;
  }
  if (Array.isArray(parsed)) decodeArray(ctx, parsed);
  else if (isJsonObject(parsed)) decodeObject(ctx, parsed, undefined);
  else decodeBareValue(ctx, parsed);
  return ctx.out;
}

function decodeBareValue(ctx: MessageContext, value: unknown): void {
  const pointId = ctx.sub.template.pointIdOf(ctx.topic);
  if (pointId === null) {
    fail(ctx, 'HG_ERR_INGEST_NO_POINT', `is a bare value but the topic names no point (template "${ctx.sub.topic}")`, undefined);
    return;
  }
  ctx.out.readings.push({ source: ctx.adapterId, pointId, value, origin: ctx.topic });
}

function decodeArray(ctx: MessageContext, elements: readonly unknown[]): void {
  for (let i = 0; i < elements.length; i += 1) {
    const element = elements[i];
    if (isJsonObject(element)) decodeObject(ctx, element, i);
    else fail(ctx, 'HG_ERR_INGEST_MALFORMED', 'is not an object; array elements must be readings', i);
  }
}

function decodeObject(ctx: MessageContext, obj: JsonObject, index: number | undefined): void {
  const { sub } = ctx;
  const pointId = pointIdOf(ctx, obj);
  if (pointId === null) {
    fail(ctx, 'HG_ERR_INGEST_NO_POINT', `has no point id: no usable "${sub.pointField}" field and the topic names no point`, index);
    return;
  }
  const value = obj[sub.valueField];
  if (value === undefined) {
    fail(ctx, 'HG_ERR_INGEST_MALFORMED', `of point "${excerpt(pointId)}" has no "${sub.valueField}" field`, index);
    return;
  }
  const reading: Mutable<RawReading> = { source: ctx.adapterId, pointId, value, origin: ctx.topic };
  const rawTs = obj[sub.timeField];
  if (rawTs !== undefined && rawTs !== null) {
    const ts = parseTimestamp(rawTs, sub.timeUnit);
    if (ts === null) {
      // quoteValue, not JSON.stringify: a ts nested 10,000 deep overflowed the stack (a crash per message).
      fail(ctx, 'HG_ERR_INGEST_BAD_TIMESTAMP', `of point "${excerpt(pointId)}" has an unparseable "${sub.timeField}" (${sub.timeUnit}): ${quoteValue(rawTs)}`, index);
      return;
    }
    reading.ts = ts;
  }
  const rawQuality = obj[sub.qualityField];
  if (rawQuality !== undefined && rawQuality !== null) reading.quality = qualityOf(rawQuality);
  ctx.out.readings.push(reading);
}

/** The object's own point field when it is usable, else the topic's point. */
function pointIdOf(ctx: MessageContext, obj: JsonObject): string | null {
  const named = obj[ctx.sub.pointField];
  if (typeof named === 'string') return named.length > 0 ? named : null;
  // Some devices number their channels; 7 and "7" name the same point.
  if (typeof named === 'number' && Number.isFinite(named)) return String(named);
  if (named !== undefined) return null;
  return ctx.sub.template.pointIdOf(ctx.topic);
}

/** Epoch ms, or null when the value cannot be read in the configured unit. */
export function parseTimestamp(raw: unknown, unit: TimeUnit): number | null {
  if (unit === 'iso') {
    if (typeof raw !== 'string') return null;
    const ms = Date.parse(raw);
    return Number.isNaN(ms) ? null : ms;
  }
  // Numeric strings are common from PLC gateways that quote everything.
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  // Seconds past ±1.8e305 overflow to ±Infinity once in ms.
  const ms = unit === 's' ? Math.round(n * 1000) : n;
  return Number.isFinite(ms) ? ms : null;
}

/** A device quality we do not recognise is kept as uncertain rather than dropping the value. */
function qualityOf(raw: unknown): Quality {
  return (typeof raw === 'string' && Object.hasOwn(DEVICE_QUALITY, raw) ? DEVICE_QUALITY[raw] : undefined) ?? UNRECOGNISED_QUALITY;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(ctx: MessageContext, code: ErrorCode, what: string, index: number | undefined, cause?: unknown): void {
  const where = index === undefined ? '' : ` [${index}]`;
  // MQTT topics may be 65,535 bytes long: messages and details (both logged) quote the start.
  const topic = excerpt(ctx.topic);
  const details: Record<string, unknown> = { adapter: ctx.adapterId, topic };
  if (index !== undefined) details['index'] = index;
  const message = `mqtt ${ctx.adapterId}: payload on "${topic}"${where} ${what}`;
  ctx.out.errors.push(new HazgateError(code, message, details, cause));
}
