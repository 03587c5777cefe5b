import type { Quality, RawReading } from '../../src/core/index.js';
import { qualityOfStatus } from './status.js';

/** The parts of a node-opcua DataValue a reading needs (so this stays pure and testable). */
export interface DataValueLike {
  readonly value: { readonly value: unknown; readonly dataType?: number | string } | null;
  readonly statusCode: { readonly value: number; readonly name?: string };
  readonly sourceTimestamp: Date | null;
  readonly serverTimestamp: Date | null;
}

/** OPC UA DataType ids of 64-bit integers, which node-opcua carries as [high, low] 32-bit words. */
const INT64 = 8;
const UINT64 = 9;

/**
 * DataValue → RawReading. Pure. The source timestamp is kept (tsSource device); without one the
 * server timestamp (tsSource server); without either the pipeline stamps the receive time.
 * A DataValue with no value (servers send none with a Bad status) carries the point's last value,
 * so the bad quality is recorded; rules ignore bad values. Wrong types (strings, arrays) pass
 * through for the pipeline to refuse with HG_ERR_INGEST_WRONG_TYPE naming the NodeId.
 */
export function readingOf(dv: DataValueLike, source: string, pointId: string, origin: string, lastValue: number | boolean | undefined): RawReading {
  const quality: Quality = qualityOfStatus(dv.statusCode.value, dv.statusCode.name);
  let value = toPlain(dv.value);
  if ((value === null || value === undefined) && quality.level !== 'good') value = lastValue ?? 0;
  const stamp = time(dv.sourceTimestamp) ?? time(dv.serverTimestamp);
  const tsSource = time(dv.sourceTimestamp) !== undefined ? 'device' : 'server';
  return {
    source,
    pointId,
    value,
    origin,
    ...(stamp === undefined ? {} : { ts: stamp, tsSource }),
    ...(quality.level === 'good' ? {} : { quality }),
  } as RawReading;
}

function toPlain(variant: DataValueLike['value']): unknown {
  if (variant === null) return null;
  const v = variant.value;
  const type = variant.dataType;
  if ((type === INT64 || type === UINT64 || type === 'Int64' || type === 'UInt64') && Array.isArray(v) && v.length === 2) {
    const [high, low] = v as [number, number];
    return (type === INT64 || type === 'Int64' ? (high | 0) : high >>> 0) * 2 ** 32 + (low >>> 0);
  }
  return v;
}

/** node-opcua uses a minimum date (1601) for "no timestamp". */
function time(d: Date | null): number | undefined {
  if (d === null) return undefined;
  const t = d.getTime();
  return Number.isFinite(t) && t > 0 ? t : undefined;
}
