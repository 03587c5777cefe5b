import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePayload, parseTimestamp } from '../../adapters/mqtt/payload.js';
import { MalformedPacketError, PublishFramer } from '../../adapters/mqtt/publish-framer.js';
import { mqttSubscriptionSchema } from '../../adapters/mqtt/schema.js';
import { compileSubscription, type CompiledSubscription } from '../../adapters/mqtt/subscription.js';
import { ERROR_CODES } from '../../src/core/errors.js';
import type { Point } from '../../src/core/point.js';
import { normalizeReading, type NormalizeContext } from '../../src/pipeline/normalize.js';
import { anyText, deepObjectText, expectBounded, expectCoded, fuzzParams, INVALID_UTF8, payloadBytes, timed, withInvalidUtf8 } from './fuzz-fixtures.js';

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

/** MQTT 3.1.1 §2.2.3: the remaining length in 1-4 bytes of 7 bits. */
function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let d = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) d |= 128;
    out.push(d);
  } while (n > 0);
  return out;
}

const packet = (first: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([first, ...remainingLength(body.length)]), body]);

function publishPacket(topic: Buffer, payload: Buffer, qos: 0 | 1, id: number): Buffer {
  const head = Buffer.alloc(qos === 1 ? 4 : 2);
  head.writeUInt16BE(topic.length);
  if (qos === 1) head.writeUInt16BE(id, 2);
  return packet(0x30 | (qos << 1), Buffer.concat([head.subarray(0, 2), topic, head.subarray(2), payload]));
}

interface Framed {
  readonly published: [string, string][];
  readonly acks: string;
  readonly passed: string;
  readonly error: MalformedPacketError | undefined;
}

/** Pushes the chunks through a framer, as the socket would, until it refuses the stream. */
function frame(chunks: readonly Buffer[]): Framed {
  const published: [string, string][] = [];
  const acks: Buffer[] = [];
  const passed: Buffer[] = [];
  const framer = new PublishFramer({
    publish: (t, p) => (published.push([t, p.toString('hex')]), true),
    acknowledge: (b) => void acks.push(Buffer.from(b)),
    passThrough: (b) => void passed.push(Buffer.from(b)),
  });
  try {
    for (const chunk of chunks) framer.push(chunk);
  } catch (error) {
    if (!(error instanceof MalformedPacketError)) throw error;
    expect(Object.hasOwn(ERROR_CODES, error.code)).toBe(true);
    expectBounded(error.message);
    return { published, acks: Buffer.concat(acks).toString('hex'), passed: Buffer.concat(passed).toString('hex'), error };
  }
  return { published, acks: Buffer.concat(acks).toString('hex'), passed: Buffer.concat(passed).toString('hex'), error: undefined };
}

/** Cuts bytes at the given points (taken modulo the length). */
function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return [...at, bytes.length].map((end, i) => bytes.subarray(at[i - 1] ?? 0, end)).filter((c) => c.length > 0);
}

describe('fuzz: MQTT packets from the broker (the PUBLISH fast path)', () => {
  const topicBytes = fc.oneof(
    anyText.map((t) => Buffer.from(t)),
    fc.constantFrom(...INVALID_UTF8).map((b) => Buffer.concat([Buffer.from('hazgate/demo/'), Buffer.from(b)])),
  );
  const validPacket = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(topicBytes, fc.uint8Array({ maxLength: 300 }), fc.constantFrom<0 | 1>(0, 1), fc.integer({ min: 1, max: 0xffff })).map(([t, p, q, id]) => publishPacket(t, Buffer.from(p), q, id)) },
    fc.constantFrom(Buffer.from([0xd0, 0]), packet(0x90, Buffer.from([0, 1, 0])), packet(0x20, Buffer.from([0, 0])), publishPacket(Buffer.from('q2'), Buffer.from('x'), 0, 0).fill(0x34, 0, 1)),
    // Large enough to need two and three remaining-length bytes.
    fc.constantFrom(200, 20_000).map((n) => publishPacket(Buffer.from('big'), Buffer.alloc(n, 7), 1, 9)),
  );
  const cuts = fc.array(fc.nat(), { maxLength: 12 });

  it('a stream of packets gives the same messages, acks and pass-through however TCP splits it', () => {
    fc.assert(
      fc.property(fc.array(validPacket, { minLength: 1, maxLength: 12 }), cuts, (packets, at) => {
        const stream = Buffer.concat(packets);
        const whole = frame([stream]);
        expect(whole.error).toBeUndefined();
        expect(timed('PublishFramer', () => frame(split(stream, at)))).toEqual(whole);
      }),
      fuzzParams(0x66726d31),
    );
  });

  it('any bytes: messages, or a MalformedPacketError (HG_ERR_MQTT_MALFORMED_PACKET) with a short message', () => {
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
      fc.tuple(fc.array(validPacket, { maxLength: 4 }), fc.uint8Array({ maxLength: 40 })).map(([ps, tail]) => Buffer.concat([...ps, Buffer.from(tail)])),
      // A PUBLISH whose topic length runs past the packet, or longer than its remaining length says.
      fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 20 }), fc.constantFrom(0x30, 0x32)).map(([len, rest, first]) => packet(first, Buffer.concat([Buffer.from([len >> 8, len & 0xff]), Buffer.from(rest)]))),
    );
    fc.assert(fc.property(garbage, cuts, (bytes, at) => void timed('PublishFramer', () => frame(split(bytes, at)))), fuzzParams(0x66726d32));
  });

  it('a 32 MB PUBLISH in 64 KB chunks is framed in linear time (joining every chunk took 10 s)', () => {
    const big = publishPacket(Buffer.from('hazgate/demo/GT-101'), Buffer.alloc(32 << 20, 0x31), 0, 0);
    const chunks = split(big, Array.from({ length: big.length >> 16 }, (_, i) => (i + 1) << 16));
    const sizes: number[] = [];
    const framer = new PublishFramer({ publish: (_t, p) => (sizes.push(p.length), true), acknowledge: () => undefined, passThrough: () => undefined });
    timed('PublishFramer (32 MB)', () => chunks.forEach((c) => framer.push(c)));
    expect(sizes).toEqual([32 << 20]);
  });

  it('a remaining length that never ends is refused', () => {
    expect(frame([Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f])]).error?.code).toBe('HG_ERR_MQTT_MALFORMED_PACKET');
  });
});
