import { encodePublishQos0 } from './mqtt-raw.js';

/**
 * Every PUBLISH a publisher will send, encoded once into one Buffer: sending is then slicing
 * (no per-message encoding or allocation). Timestamps are fixed-width (13 digits of epoch ms until
 * 2286) so they can be refreshed in place without re-encoding, keeping `ts` recent on long runs.
 */
export interface PacketPool {
  readonly bytes: Buffer;
  /** Packet k occupies bytes[starts[k], starts[k + 1]). */
  readonly starts: Uint32Array;
  /** Readings carried by packet k (1 in single mode, up to batchSize in batched mode). */
  readonly readings: Uint32Array;
  /** Where each 13-digit `ts` value starts in `bytes`. */
  readonly tsOffsets: Uint32Array;
}

export type LoadMode = 'single' | 'batched';

export interface PoolSpec {
  readonly mode: LoadMode;
  readonly ids: readonly string[];
  /** values[i] is sent for ids[i]; the same value each cycle, so rate rules see no rise. */
  readonly values: readonly number[];
  readonly batchSize: number;
  readonly topicPrefix: string;
}

const TS_DIGITS = 13;

/** One reading's JSON with a ts placeholder; `tsAt` is the byte offset of the ts digits in it. */
function readingJson(id: string | undefined, value: number): { json: string; tsAt: number } {
  const head = id === undefined ? `{"value":${value},"ts":` : `{"id":${JSON.stringify(id)},"value":${value},"ts":`;
  return { json: `${head}${'0'.repeat(TS_DIGITS)}}`, tsAt: Buffer.byteLength(head) };
}

interface Encoded {
  readonly packet: Buffer;
  readonly readings: number;
  /** ts offsets relative to the packet start. */
  readonly ts: number[];
}

function encodeMessage(topic: string, parts: ReadonlyArray<{ json: string; tsAt: number }>, asArray: boolean): Encoded {
  const ts: number[] = [];
  let body = asArray ? '[' : '';
  for (const [i, p] of parts.entries()) {
    if (asArray && i > 0) body += ',';
    ts.push(Buffer.byteLength(body) + p.tsAt);
    body += p.json;
  }
  if (asArray) body += ']';
  const payload = Buffer.from(body, 'utf8');
  const packet = encodePublishQos0(topic, payload);
  // The payload is the packet's tail, so its offsets shift by the header and topic in front.
  const headerLength = packet.length - payload.length;
  return { packet, readings: parts.length, ts: ts.map((o) => o + headerLength) };
}

function encodeAll(spec: PoolSpec): Encoded[] {
  const { ids, values, topicPrefix } = spec;
  const out: Encoded[] = [];
  if (spec.mode === 'single') {
    for (const [i, id] of ids.entries()) out.push(encodeMessage(`${topicPrefix}/${id}`, [readingJson(undefined, values[i] ?? 10)], false));
    return out;
  }
  for (let start = 0; start < ids.length; start += spec.batchSize) {
    const parts = ids.slice(start, start + spec.batchSize).map((id, k) => readingJson(id, values[start + k] ?? 10));
    out.push(encodeMessage(topicPrefix, parts, true));
  }
  return out;
}

export function buildPacketPool(spec: PoolSpec, now: number): PacketPool {
  if (spec.ids.length === 0) throw new Error('a packet pool needs at least one point id');
  const encoded = encodeAll(spec);
  const starts = new Uint32Array(encoded.length + 1);
  const readings = new Uint32Array(encoded.length);
  const tsOffsets: number[] = [];
  let at = 0;
  for (const [k, e] of encoded.entries()) {
    starts[k] = at;
    readings[k] = e.readings;
    for (const o of e.ts) tsOffsets.push(at + o);
    at += e.packet.length;
  }
  starts[encoded.length] = at;
  const pool = { bytes: Buffer.concat(encoded.map((e) => e.packet), at), starts, readings, tsOffsets: Uint32Array.from(tsOffsets) };
  refreshTimestamps(pool, now);
  return pool;
}

/** Rewrites every ts in place; bytes already handed to the socket may carry either time, both valid. */
export function refreshTimestamps(pool: PacketPool, now: number): void {
  const digits = String(Math.trunc(now));
  if (digits.length !== TS_DIGITS) throw new Error(`epoch ms ${digits} is not ${TS_DIGITS} digits`);
  for (const offset of pool.tsOffsets) pool.bytes.write(digits, offset, 'latin1');
}
