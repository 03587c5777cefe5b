import { HazgateError } from './errors.js';
import { WIRE, WireReader, WireWriter } from './protobuf-wire.js';

/**
 * The Sparkplug B payload (Eclipse Sparkplug 3.0, sparkplug_b.proto: org.eclipse.tahu.protobuf.Payload)
 * decoded and encoded without a protobuf library. Shared by the `sparkplug` adapter (decodes what
 * edge nodes send, encodes its Rebirth command) and the simulated edge node in devices/ (the other
 * way round): the one wire contract both ends of the simulation speak, so it lives in core.
 * Read: Payload{timestamp, metrics, seq, uuid, body} and Metric{name, alias, timestamp, datatype,
 * is_historical, is_transient, is_null, the scalar values, the `Quality` property}; metadata, the other
 * properties, dataset, template and extension values are skipped (their presence is noted, so a
 * reader can count them).
 */

/** Sparkplug B DataType numbers (spec 3.0 §6.4.16). */
export const SPARKPLUG_DATATYPE = {
  Unknown: 0, Int8: 1, Int16: 2, Int32: 3, Int64: 4, UInt8: 5, UInt16: 6, UInt32: 7, UInt64: 8,
  Float: 9, Double: 10, Boolean: 11, String: 12, DateTime: 13, Text: 14, UUID: 15, DataSet: 16,
  Bytes: 17, File: 18, Template: 19, PropertySet: 20, PropertySetList: 21,
} as const;

export interface SparkplugMetric {
  readonly name?: string;
  readonly alias?: bigint;
  /** Epoch ms. */
  readonly timestamp?: number;
  readonly datatype?: number;
  readonly isHistorical: boolean;
  readonly isTransient: boolean;
  readonly isNull: boolean;
  readonly intValue?: number;
  readonly longValue?: bigint;
  readonly floatValue?: number;
  readonly doubleValue?: number;
  readonly booleanValue?: boolean;
  readonly stringValue?: string;
  /** The `Quality` property (Int32: 0 BAD, 192 GOOD, 500 STALE), when the metric's PropertySet has one. */
  readonly quality?: number;
  /** bytes_value, dataset_value, template_value or extension_value was present (not read). */
  readonly complexValue?: 'bytes' | 'dataset' | 'template' | 'extension';
}

export interface SparkplugPayload {
  /** Epoch ms. */
  readonly timestamp?: number;
  readonly metrics: readonly SparkplugMetric[];
  /** 0-255 in every message but NDEATH (spec 3.0 §6.4.1). */
  readonly seq?: number;
  readonly uuid?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** @throws HazgateError HG_ERR_SPARKPLUG_DECODE on bytes that are not a Payload. */
export function decodeSparkplugPayload(bytes: Uint8Array): SparkplugPayload {
  const r = new WireReader(bytes);
  const out: Mutable<SparkplugPayload> & { metrics: SparkplugMetric[] } = { metrics: [] };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.varint) out.timestamp = epochMs(r.varint());
    else if (field === 2 && wire === WIRE.bytes) out.metrics.push(decodeMetric(r.nested()));
    else if (field === 3 && wire === WIRE.varint) out.seq = Number(r.varint() & 0xffffffffn);
    else if (field === 4 && wire === WIRE.bytes) out.uuid = r.string();
    else r.skip(wire);
  }
  return out;
}

function decodeMetric(r: WireReader): SparkplugMetric {
  const m: Mutable<SparkplugMetric> = { isHistorical: false, isTransient: false, isNull: false };
  while (!r.done) {
    const { field, wire } = r.tag();
    const varint = wire === WIRE.varint;
    if (field === 1 && wire === WIRE.bytes) m.name = r.string();
    else if (field === 2 && varint) m.alias = r.varint();
    else if (field === 3 && varint) m.timestamp = epochMs(r.varint());
    else if (field === 4 && varint) m.datatype = r.uint32();
    else if (field === 5 && varint) m.isHistorical = r.bool();
    else if (field === 6 && varint) m.isTransient = r.bool();
    else if (field === 7 && varint) m.isNull = r.bool();
    else if (field === 9 && wire === WIRE.bytes) {
      const quality = qualityProperty(r.nested());
      if (quality !== undefined) m.quality = quality;
    }
    else if (field === 10 && varint) m.intValue = r.uint32();
    else if (field === 11 && varint) m.longValue = r.varint();
    else if (field === 12 && wire === WIRE.fixed32) m.floatValue = r.fixed32Float();
    else if (field === 13 && wire === WIRE.fixed64) m.doubleValue = r.fixed64Double();
    else if (field === 14 && varint) m.booleanValue = r.bool();
    else if (field === 15 && wire === WIRE.bytes) m.stringValue = r.string();
    else {
      const complex = COMPLEX_FIELDS[field];
      if (complex !== undefined) m.complexValue = complex;
      r.skip(wire);
    }
  }
  return m;
}

/** The metric property carrying a value's quality (Sparkplug 3.0, Int32: 0 BAD, 192 GOOD, 500 STALE). */
const QUALITY_KEY = 'Quality';

/**
 * PropertySet{repeated string keys = 1; repeated PropertyValue values = 2}: keys and values pair
 * by position. Only the `Quality` property's int value is read; others are skipped.
 */
function qualityProperty(r: WireReader): number | undefined {
  let keyIndex = -1;
  let at = 0;
  const values: (number | undefined)[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.bytes) {
      if (r.string() === QUALITY_KEY && keyIndex < 0) keyIndex = at;
      at += 1;
    } else if (field === 2 && wire === WIRE.bytes) values.push(propertyInt(r.nested()));
    else r.skip(wire);
  }
  return keyIndex < 0 ? undefined : values[keyIndex];
}

/** PropertyValue{type = 1, is_null = 2, int_value = 3, long_value = 4, …}: the integer, else undefined. */
function propertyInt(r: WireReader): number | undefined {
  let value: number | undefined;
  let isNull = false;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 2 && wire === WIRE.varint) isNull = r.bool();
    else if (field === 3 && wire === WIRE.varint) value = r.uint32() | 0;
    else if (field === 4 && wire === WIRE.varint) value = Number(BigInt.asIntN(64, r.varint()));
    else r.skip(wire);
  }
  return isNull ? undefined : value;
}

const COMPLEX_FIELDS: Readonly<Record<number, SparkplugMetric['complexValue']>> = { 16: 'bytes', 17: 'dataset', 18: 'template', 19: 'extension' };

/** uint64 milliseconds; past 2^53 (year 287396) the nearest double, as nothing real is there. */
function epochMs(v: bigint): number {
  return Number(v);
}

/** A metric to encode: the value goes in the field its datatype uses (spec 3.0 §6.4.16). */
export interface SparkplugMetricInput {
  readonly name?: string;
  readonly alias?: number | bigint;
  readonly timestamp?: number;
  readonly datatype: number;
  readonly value?: number | bigint | boolean | string;
  readonly isHistorical?: boolean;
  readonly isNull?: boolean;
  /** Written as the `Quality` property (Int32). */
  readonly quality?: number;
}

export interface SparkplugPayloadInput {
  readonly timestamp?: number;
  readonly metrics: readonly SparkplugMetricInput[];
  readonly seq?: number;
  readonly uuid?: string;
}

export function encodeSparkplugPayload(payload: SparkplugPayloadInput): Uint8Array {
  const w = new WireWriter();
  if (payload.timestamp !== undefined) w.varintField(1, BigInt(payload.timestamp));
  for (const metric of payload.metrics) w.bytesField(2, encodeMetric(metric));
  if (payload.seq !== undefined) w.varintField(3, payload.seq);
  if (payload.uuid !== undefined) w.stringField(4, payload.uuid);
  return w.finish();
}

function encodeMetric(m: SparkplugMetricInput): Uint8Array {
  const w = new WireWriter();
  if (m.name !== undefined) w.stringField(1, m.name);
  if (m.alias !== undefined) w.varintField(2, m.alias);
  if (m.timestamp !== undefined) w.varintField(3, BigInt(m.timestamp));
  w.varintField(4, m.datatype);
  if (m.isHistorical === true) w.boolField(5, true);
  if (m.isNull === true) w.boolField(7, true);
  if (m.quality !== undefined) w.bytesField(9, encodeQualityProperty(m.quality));
  if (m.isNull !== true && m.value !== undefined) encodeValue(w, m.datatype, m.value);
  return w.finish();
}

function encodeQualityProperty(quality: number): Uint8Array {
  const value = new WireWriter().varintField(1, T.Int32).varintField(3, BigInt(quality) & 0xffffffffn).finish();
  return new WireWriter().stringField(1, QUALITY_KEY).bytesField(2, value).finish();
}

const T = SPARKPLUG_DATATYPE;

function encodeValue(w: WireWriter, datatype: number, value: number | bigint | boolean | string): void {
  // Int8..Int32 go in the uint32 field as their 32-bit two's complement (spec 3.0 §6.4.16).
  if ((datatype >= T.Int8 && datatype <= T.Int32) || (datatype >= T.UInt8 && datatype <= T.UInt32)) w.varintField(10, BigInt(Math.trunc(Number(value))) & 0xffffffffn);
  else if (datatype === T.Int64 || datatype === T.UInt64 || datatype === T.DateTime) w.varintField(11, typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value))));
  else if (datatype === T.Float) w.floatField(12, Number(value));
  else if (datatype === T.Double) w.doubleField(13, Number(value));
  else if (datatype === T.Boolean) w.boolField(14, value === true);
  else if (datatype === T.String || datatype === T.Text || datatype === T.UUID) w.stringField(15, String(value));
  else throw new HazgateError('HG_ERR_SPARKPLUG_METRIC', `Sparkplug datatype ${datatype} cannot be encoded here (scalars only)`, { datatype });
}
