import type { Quality } from '../../src/core/sample.js';
import { SPARKPLUG_DATATYPE as T, type SparkplugMetric } from '../../src/core/sparkplug-payload.js';

/**
 * A metric's value as a reading takes it (spec 3.0 §6.4.16, sign and width from the datatype).
 * Int8/16/32 travel as the uint32 of their two's complement, Int64 as the uint64 of it. Pure.
 */

/** Why a metric gives no reading; counted per reason (`hazgate_sparkplug_metrics_skipped_total`). */
export const SKIP_REASONS = ['historical', 'unsupported-type', 'no-value', 'unmapped', 'unknown-alias'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type MetricValue =
  | { readonly kind: 'value'; readonly value: number | boolean | string; readonly precision: 'exact' | 'lost' }
  /** is_null: the device says it has no value; the point must not keep its last one as good. */
  | { readonly kind: 'null' }
  | { readonly kind: 'skip'; readonly reason: 'unsupported-type' | 'no-value' };

const NULL: MetricValue = { kind: 'null' };
const UNSUPPORTED: MetricValue = { kind: 'skip', reason: 'unsupported-type' };
const NO_VALUE: MetricValue = { kind: 'skip', reason: 'no-value' };

/** `datatype`: the metric's own, else the one its birth declared. */
export function metricValue(m: SparkplugMetric, datatype: number | undefined): MetricValue {
  if (m.isNull) return NULL;
  switch (datatype) {
    case T.Int8: return small(m.intValue, (v) => (v << 24) >> 24);
    case T.Int16: return small(m.intValue, (v) => (v << 16) >> 16);
    case T.Int32: return small(m.intValue, (v) => v | 0);
    case T.UInt8: return small(m.intValue, (v) => v & 0xff);
    case T.UInt16: return small(m.intValue, (v) => v & 0xffff);
    case T.UInt32: return small(m.intValue, (v) => v >>> 0);
    case T.Int64: return wide(m.longValue === undefined ? undefined : BigInt.asIntN(64, m.longValue));
    case T.UInt64: case T.DateTime: return wide(m.longValue);
    case T.Float: return exact(m.floatValue);
    case T.Double: return exact(m.doubleValue);
    case T.Boolean: return exact(m.booleanValue);
    case T.String: case T.Text: case T.UUID: return exact(m.stringValue);
    default: return UNSUPPORTED;
  }
}

function small(v: number | undefined, convert: (v: number) => number): MetricValue {
  return v === undefined ? NO_VALUE : { kind: 'value', value: convert(v), precision: 'exact' };
}

/** 64-bit integers past ±2^53 become the nearest double: kept, but flagged. */
function wide(v: bigint | undefined): MetricValue {
  if (v === undefined) return NO_VALUE;
  const safe = v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER);
  return { kind: 'value', value: Number(v), precision: safe ? 'exact' : 'lost' };
}

function exact(v: number | boolean | string | undefined): MetricValue {
  return v === undefined ? NO_VALUE : { kind: 'value', value: v, precision: 'exact' };
}

/** A metric sent as null: bad, whatever value the point had. */
export const NULL_VALUE: Quality = Object.freeze({ level: 'bad', reason: 'null-value' });

/** Sparkplug quality codes (the `Quality` metric property, Int32). */
export const SPARKPLUG_QUALITY = { bad: 0, good: 192, stale: 500 } as const;

const DEVICE_BAD: Quality = Object.freeze({ level: 'bad', reason: 'device' });
/** Sparkplug STALE: the device's, or a point of a node (device) born again but not (yet) in its new birth. */
export const STALE: Quality = Object.freeze({ level: 'bad', reason: 'stale' });
const UNRECOGNISED: Quality = Object.freeze({ level: 'uncertain', reason: 'device-quality-unrecognised' });

/** The `Quality` property as a reading's quality: undefined for GOOD (or none), BAD and STALE bad, any other code uncertain. */
export function metricQuality(code: number | undefined): Quality | undefined {
  if (code === undefined || code === SPARKPLUG_QUALITY.good) return undefined;
  if (code === SPARKPLUG_QUALITY.bad) return DEVICE_BAD;
  if (code === SPARKPLUG_QUALITY.stale) return STALE;
  return UNRECOGNISED;
}
