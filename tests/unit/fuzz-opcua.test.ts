import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readingOf, type DataValueLike } from '../../adapters/opcua/data-value.js';
import { qualityOfStatus } from '../../adapters/opcua/status.js';
import type { Point } from '../../src/core/point.js';
import { normalizeReading } from '../../src/pipeline/normalize.js';
import { anyText, expectCoded, fuzzParams, timed } from './fuzz-fixtures.js';

/**
 * OPC UA values under fuzz (issue #11 item 6): node-opcua decodes the wire, hazgate maps what a
 * server sends (a DataValue: variant, StatusCode, timestamps) to a reading and a quality, and the
 * pipeline normalises it. Any DataValue gives a reading; the reading a sample or a coded refusal.
 */

const POINTS = new Map<string, Point>([
  ['TT-1', { id: 'TT-1', kind: 'temperature', type: 'number', attrs: {} }],
  ['XV-1', { id: 'XV-1', kind: 'valve', type: 'boolean', attrs: {} }],
]);
const T0 = Date.UTC(2026, 2, 1);

const date = fc.oneof(fc.constant(null), fc.date({ noInvalidDate: false }), fc.constantFrom(new Date(Date.UTC(1601, 0, 1)), new Date(0), new Date(8.64e15)));
const dataValue: fc.Arbitrary<DataValueLike> = fc.record({
  value: fc.oneof(
    fc.constant(null),
    fc.record({
      value: fc.oneof(fc.jsonValue(), fc.double(), fc.tuple(fc.oneof(fc.integer(), fc.double()), fc.oneof(fc.integer(), fc.double())), fc.anything()),
      dataType: fc.oneof(fc.constantFrom(1, 8, 9, 10, 11, 'Int64', 'UInt64', 'Double', 'Boolean'), fc.integer(), anyText),
    }),
  ),
  statusCode: fc.record({ value: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0x80000000, 0x40000000, 0x80320000), fc.double()), name: fc.oneof(fc.constantFrom('Good', 'BadSensorFailure', 'UncertainLastUsableValue', 'Unknown'), anyText) }, { requiredKeys: ['value'] }),
  sourceTimestamp: date,
  serverTimestamp: date,
});

describe('fuzz: OPC UA DataValues', () => {
  it('StatusCode → quality for any code and name', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double()), fc.option(anyText, { nil: undefined }), (code, name) => {
        const q = qualityOfStatus(code, name);
        expect(['good', 'uncertain', 'bad']).toContain(q.level);
      }),
      fuzzParams(0x73746174),
    );
  });

  it('any DataValue gives a reading, and the reading a sample or a coded refusal', () => {
    fc.assert(
      fc.property(dataValue, fc.constantFrom('TT-1', 'XV-1', 'nope'), fc.option(fc.oneof(fc.double(), fc.boolean()), { nil: undefined }), (dv, pointId, last) => {
        const reading = timed('readingOf', () => readingOf(dv, 'plc', pointId, 'ns=2;s=X', last));
        if (reading.ts !== undefined) expect(Number.isFinite(reading.ts)).toBe(true);
        const sample = normalizeReading(reading, { points: POINTS, now: T0, maxFutureMs: 60_000 });
        if (sample instanceof Error) expectCoded(sample);
        else if (typeof sample.value === 'number') expect(Number.isFinite(sample.value)).toBe(true);
      }),
      fuzzParams(0x6f706375),
    );
  });
});
