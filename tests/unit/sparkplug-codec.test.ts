import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metricValue } from '../../adapters/sparkplug/index.js';
import { WireWriter } from '../../src/core/protobuf-wire.js';
import { isHazgateError } from '../../src/core/errors.js';
import { decodeSparkplugPayload, encodeSparkplugPayload, SPARKPLUG_DATATYPE as T, type SparkplugMetricInput } from '../../src/core/sparkplug-payload.js';

/** Encodes one metric and reads its value back as the adapter would. */
function roundTrip(metric: SparkplugMetricInput): ReturnType<typeof metricValue> {
  const decoded = decodeSparkplugPayload(encodeSparkplugPayload({ timestamp: 1_700_000_000_000, seq: 3, metrics: [metric] }));
  const [m] = decoded.metrics;
  if (m === undefined) throw new Error('no metric');
  return metricValue(m, m.datatype);
}

describe('Sparkplug B payload codec', () => {
  it('round-trips a payload: timestamp, seq, uuid, names, aliases, flags', () => {
    const bytes = encodeSparkplugPayload({
      timestamp: 1_700_000_000_123,
      seq: 255,
      uuid: 'u-1',
      metrics: [
        { name: 'Gas/GT-101/LEL', alias: 7, timestamp: 1_700_000_000_100, datatype: T.Double, value: 12.5 },
        { alias: 2n ** 40n, datatype: T.Boolean, value: true, isHistorical: true },
        { name: 'dead', datatype: T.Float, isNull: true },
      ],
    });
    const p = decodeSparkplugPayload(bytes);
    expect(p).toMatchObject({ timestamp: 1_700_000_000_123, seq: 255, uuid: 'u-1' });
    expect(p.metrics[0]).toMatchObject({ name: 'Gas/GT-101/LEL', alias: 7n, timestamp: 1_700_000_000_100, datatype: T.Double, doubleValue: 12.5, isHistorical: false });
    expect(p.metrics[1]).toMatchObject({ alias: 2n ** 40n, booleanValue: true, isHistorical: true });
    expect(p.metrics[2]).toMatchObject({ name: 'dead', isNull: true });
    expect(p.metrics[2]?.floatValue).toBeUndefined();
  });

  it('reads signed and unsigned integers with their width (two\'s complement in uint32/uint64)', () => {
    expect(roundTrip({ datatype: T.Int8, value: -5 })).toMatchObject({ value: -5 });
    expect(roundTrip({ datatype: T.Int16, value: -30_000 })).toMatchObject({ value: -30_000 });
    expect(roundTrip({ datatype: T.Int32, value: -2_000_000_000 })).toMatchObject({ value: -2_000_000_000 });
    expect(roundTrip({ datatype: T.UInt32, value: 4_000_000_000 })).toMatchObject({ value: 4_000_000_000 });
    expect(roundTrip({ datatype: T.Int64, value: -123_456_789_012n })).toMatchObject({ value: -123_456_789_012, precision: 'exact' });
    expect(roundTrip({ datatype: T.Float, value: 1.5 })).toMatchObject({ value: 1.5 });
    expect(roundTrip({ datatype: T.String, value: 'läuft' })).toMatchObject({ value: 'läuft' });
    expect(roundTrip({ datatype: T.DateTime, value: 1_700_000_000_000 })).toMatchObject({ value: 1_700_000_000_000 });
  });

  it('flags 64-bit integers past 2^53 as precision lost, and skips what it does not take', () => {
    expect(roundTrip({ datatype: T.UInt64, value: 2n ** 60n + 1n })).toMatchObject({ kind: 'value', value: 2 ** 60, precision: 'lost' });
    expect(roundTrip({ datatype: T.Int64, value: -(2n ** 55n) - 1n })).toMatchObject({ precision: 'lost' });
    expect(roundTrip({ datatype: T.Double, isNull: true })).toEqual({ kind: 'null' });
    const dataset = decodeSparkplugPayload(Uint8Array.from([0x12, 0x06, 0x20, 0x10, 0x8a, 0x01, 0x01, 0x00]));
    expect(dataset.metrics[0]?.complexValue).toBe('dataset');
    expect(metricValue(dataset.metrics[0] ?? { isHistorical: false, isTransient: false, isNull: false }, T.DataSet)).toEqual({ kind: 'skip', reason: 'unsupported-type' });
    // A datatype the birth declared but the data message left out: no value field.
    expect(metricValue({ isHistorical: false, isTransient: false, isNull: false }, T.Double)).toEqual({ kind: 'skip', reason: 'no-value' });
  });

  it('refuses truncated and malformed bytes with HG_ERR_SPARKPLUG_DECODE', () => {
    const good = encodeSparkplugPayload({ timestamp: 1, seq: 1, metrics: [{ name: 'x', datatype: T.Double, value: 1 }] });
    const cases = [good.subarray(0, good.length - 3), Uint8Array.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), Uint8Array.from([0x12, 0x7f, 0x00]), Uint8Array.from([0x0b])];
    for (const bytes of cases) {
      expect(() => decodeSparkplugPayload(bytes)).toThrow(expect.objectContaining({ code: 'HG_ERR_SPARKPLUG_DECODE' }) as Error);
    }
  });

  it('never throws anything but HG_ERR_SPARKPLUG_DECODE on random bytes, nor hangs (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          const p = decodeSparkplugPayload(bytes);
          // Every metric costs at least two bytes of the message.
          expect(p.metrics.length).toBeLessThanOrEqual(bytes.length / 2);
        } catch (e) {
          expect(isHazgateError(e) && e.code === 'HG_ERR_SPARKPLUG_DECODE').toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips arbitrary double and int64 metrics (property)', () => {
    const metric = fc.record({ name: fc.string({ maxLength: 40 }), alias: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), d: fc.double({ noNaN: true }), l: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) });
    fc.assert(
      fc.property(fc.array(metric, { maxLength: 10 }), fc.integer({ min: 0, max: 255 }), (metrics, seq) => {
        const inputs = metrics.flatMap((m): SparkplugMetricInput[] => [
          { name: m.name, alias: m.alias, datatype: T.Double, value: m.d },
          { name: m.name, datatype: T.Int64, value: m.l },
        ]);
        const p = decodeSparkplugPayload(encodeSparkplugPayload({ seq, metrics: inputs }));
        expect(p.seq).toBe(seq);
        metrics.forEach((m, i) => {
          expect(p.metrics[2 * i]).toMatchObject({ name: m.name, alias: m.alias, doubleValue: m.d });
          const long = p.metrics[2 * i + 1]?.longValue;
          expect(long === undefined ? undefined : BigInt.asIntN(64, long)).toBe(m.l);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('reads the Quality property (Int32) out of a metric\'s PropertySet, among other properties, and writes it', () => {
    const decoded = (metric: SparkplugMetricInput): number | undefined => decodeSparkplugPayload(encodeSparkplugPayload({ metrics: [metric] })).metrics[0]?.quality;
    expect(decoded({ name: 'x', datatype: T.Double, value: 1, quality: 500 })).toBe(500);
    expect(decoded({ name: 'x', datatype: T.Double, value: 1, quality: 0 })).toBe(0);
    expect(decoded({ name: 'x', datatype: T.Double, value: 1 })).toBeUndefined();
    // PropertySet{keys: [engUnit, Quality], values: [String "ppm", Int32 192]} as Ignition sends it.
    const unit = new WireWriter().varintField(1, T.String).stringField(8, 'ppm').finish();
    const quality = new WireWriter().varintField(1, T.Int32).varintField(3, 192).finish();
    const props = new WireWriter().stringField(1, 'engUnit').stringField(1, 'Quality').bytesField(2, unit).bytesField(2, quality).finish();
    const metric = new WireWriter().stringField(1, 'x').varintField(4, T.Double).bytesField(9, props).doubleField(13, 4.5).finish();
    const [m] = decodeSparkplugPayload(new WireWriter().bytesField(2, metric).finish()).metrics;
    expect(m).toMatchObject({ name: 'x', quality: 192, doubleValue: 4.5 });
    // A Quality property sent as null carries no code.
    const nullQuality = new WireWriter().varintField(1, T.Int32).boolField(2, true).finish();
    const nullProps = new WireWriter().stringField(1, 'Quality').bytesField(2, nullQuality).finish();
    const [n] = decodeSparkplugPayload(new WireWriter().bytesField(2, new WireWriter().varintField(4, T.Double).bytesField(9, nullProps).finish()).finish()).metrics;
    expect(n?.quality).toBeUndefined();
  });
});
