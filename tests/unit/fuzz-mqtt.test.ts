import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePayload, parseTimestamp } from '../../adapters/mqtt/payload.js';
import { mqttSubscriptionSchema } from '../../adapters/mqtt/schema.js';
import { compileSubscription, type CompiledSubscription } from '../../adapters/mqtt/subscription.js';
import type { Point } from '../../src/core/point.js';
import { normalizeReading, type NormalizeContext } from '../../src/pipeline/normalize.js';
import { anyText, deepObjectText, expectBounded, expectCoded, fuzzParams, payloadBytes, timed, withInvalidUtf8 } from './fuzz-fixtures.js';

/**
 * MQTT payload mapping under fuzz (issue #11 item 6): decodePayload and then the pipeline's
 * normalizeReading, the two steps every MQTT payload takes. Each returns readings/samples or coded
 * errors with bounded messages; a sample's number is finite.
 */

const ADAPTER = 'plant-broker';
const T0 = Date.parse('2026-03-01T08:00:00Z');

const point = (id: string, type: Point['type'], extra: Partial<Point> = {}): Point => ({ id, kind: 'gas', type, attrs: {}, ...extra });
const POINTS = new Map<string, Point>(
  [
    point('GT-101', 'number', { range: [0, 100], scaling: { kind: 'current-loop', faultLowMa: 3.6, faultHighMa: 21 } }),
    point('LT-1', 'number', { range: [0, 20], scaling: { kind: 'linear', rawLow: 0, rawHigh: 1 } }),
    point('FT-1', 'number'),
    point('PT-7', 'boolean'),
    point('7', 'number'),
  ].map((p) => [p.id, p]),
);
const NORMALIZE: NormalizeContext = { points: POINTS, now: T0, maxFutureMs: 60_000 };

const sub = (overrides: Record<string, unknown>): CompiledSubscription => compileSubscription(mqttSubscriptionSchema.parse(overrides));
const SUBS: readonly CompiledSubscription[] = [
  sub({ topic: 'hazgate/demo/{point}' }),
  sub({ topic: 'hazgate/batch' }),
  sub({ topic: 'site/{point}/#', pointField: 'tag', valueField: 'v', timeField: 't', timeUnit: 's', qualityField: 'q' }),
  sub({ topic: 'iso/{point}', timeUnit: 'iso' }),
];

/** Valid payloads of the documented shapes (tests/unit/mqtt-payload.test.ts), the seeds of the near-valid ones. */
const SAMPLES: readonly unknown[] = [
  12.5,
  true,
  'NaN',
  { value: 3, ts: 1_772_352_000_000, quality: 'bad' },
  { id: 'PT-7', value: 1 },
  { id: 7, value: 1 },
  [{ id: 'GT-101', value: 12.5 }, { id: 'PT-7', value: false, ts: 1_772_352_000_000 }],
  [{ tag: 'X', v: 9, t: 1_772_352_000.25, q: 'uncertain' }, { v: 8 }],
  { value: 1, ts: '2026-03-01T08:00:00+08:00' },
];

const topic: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('hazgate/demo/GT-101', 'hazgate/demo/PT-7', 'hazgate/batch', 'site/LT-1/x/y', 'iso/FT-1', 'hazgate/demo/', '$SYS/x', ''),
  fc.string({ maxLength: 40 }).map((s) => `hazgate/demo/${s}`),
  anyText,
  // MQTT allows topics of 65,535 bytes: the messages that name one must still be short (the
  // targeted tests below send one; this keeps failure reports readable).
  fc.integer({ min: 1_000, max: 3_000 }).map((n) => `hazgate/demo/${'T'.repeat(n)}`),
);

const payload: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 6, arbitrary: payloadBytes(SAMPLES) },
  { weight: 1, arbitrary: withInvalidUtf8(['{"value": 1}', '"\u00e9t\u00e9"', '[{"id":"PT-7","value":true}]']) },
);

/** Decodes and normalises one message; checks every error and sample on the way. */
function check(bytes: Buffer, t: string, s: CompiledSubscription, max: number): void {
  const out = timed('decodePayload', () => decodePayload(bytes, t, s, ADAPTER, max));
  for (const error of out.errors) expectCoded(error);
  for (const reading of out.readings) {
    const sample = timed('normalizeReading', () => normalizeReading(reading, NORMALIZE));
    if (sample instanceof Error) {
      expectCoded(sample);
      continue;
    }
    if (typeof sample.value === 'number') expect(Number.isFinite(sample.value), `value ${sample.value} of ${sample.pointId}`).toBe(true);
    expect(Number.isFinite(sample.ts)).toBe(true);
  }
}

describe('fuzz: MQTT payloads → readings → samples', () => {
  it('never throws; every refusal is coded and short; every sample is finite', () => {
    fc.assert(
      fc.property(payload, topic, fc.constantFrom(...SUBS), fc.constantFrom(1 << 20, 64), (bytes, t, s, max) => check(bytes, t, s, max)),
      fuzzParams(0x6d717474),
    );
  });

  it('reads timestamps of any value in any unit as a number or null', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.double(), anyText), fc.constantFrom('ms', 's', 'iso'), (raw, unit) => {
        const ts = parseTimestamp(raw, unit as 'ms' | 's' | 'iso');
        expect(ts === null || Number.isFinite(ts)).toBe(true);
      }),
      fuzzParams(0x74696d65),
    );
  });

  describe('targeted inputs', () => {
    const topicSub = SUBS[0] as CompiledSubscription;
    const run = (text: string, t = 'hazgate/demo/GT-101', s = topicSub): void => check(Buffer.from(text), t, s, 1 << 22);

    it.each([
      ['a timestamp nested 10,000 deep', `{"value":1,"ts":${'['.repeat(10_000)}${']'.repeat(10_000)}}`],
      ['a timestamp object nested 10,000 deep', `{"value":1,"ts":${deepObjectText(10_000)}}`],
      ['a value nested 100,000 deep', `{"value":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
      ['a megabyte timestamp string', `{"value":1,"ts":"${'9'.repeat(1 << 20)}"}`],
      ['a megabyte point id', `{"id":"${'P'.repeat(1 << 20)}","value":1}`],
      ['1e999 and -1e999', '[{"id":"FT-1","value":1e999},{"id":"FT-1","value":-1e999,"ts":-1e999}]'],
      ['huge raw values for scaled points', '[{"id":"GT-101","value":1.7e308},{"id":"LT-1","value":1.7e308},{"id":"LT-1","value":-1.7e308}]'],
      ['NaN tokens', '{"value":NaN}'],
    ])('%s', (_name, text) => run(text));

    it('a megabyte topic', () => run('12', `hazgate/demo/${'T'.repeat(1 << 20)}`));

    it('seconds that overflow once in ms are no timestamp (was -Infinity)', () => {
      expect(parseTimestamp(-1.8e305, 's')).toBeNull();
      expect(parseTimestamp('1e306', 's')).toBeNull();
    });

    it('a finite raw value that scales past the largest double is refused, not a sample of Infinity', () => {
      const out = normalizeReading({ source: ADAPTER, pointId: 'LT-1', value: 1.7e308 }, NORMALIZE);
      expect(out).toBeInstanceOf(Error);
      expect((out as { code?: string }).code).toBe('HG_ERR_INGEST_NOT_FINITE');
    });

    it('an unparseable timestamp is refused with a short message that quotes part of it', () => {
      const out = decodePayload(Buffer.from(`{"value":1,"ts":"${'x'.repeat(100_000)}"}`), 'hazgate/demo/GT-101', topicSub, ADAPTER, 1 << 20);
      expect(out.errors.map((e) => e.code)).toEqual(['HG_ERR_INGEST_BAD_TIMESTAMP']);
      expectBounded(out.errors[0]?.message ?? '');
      expect(out.errors[0]?.message).toContain('xxxxxxxx');
    });
  });
});
