import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/core/errors.js';
import type { RawReading } from '../../src/core/sample.js';
import { decodePayload, parseTimestamp } from '../../adapters/mqtt/payload.js';
import { mqttSubscriptionSchema, type MqttSubscriptionConfig } from '../../adapters/mqtt/schema.js';
import { compileSubscription, type CompiledSubscription } from '../../adapters/mqtt/subscription.js';

const ADAPTER = 'plant-broker';
const MAX = 1024;

function sub(overrides: Partial<Record<keyof MqttSubscriptionConfig, unknown>> = {}): CompiledSubscription {
  return compileSubscription(mqttSubscriptionSchema.parse({ topic: 'hazgate/demo/{point}', ...overrides }));
}

const topicSub = sub();
const flatSub = sub({ topic: 'hazgate/batch' });

function decode(payload: string | Buffer, topic = 'hazgate/demo/GT-101', s = topicSub, max = MAX) {
  return decodePayload(typeof payload === 'string' ? Buffer.from(payload) : payload, topic, s, ADAPTER, max);
}

function reading(pointId: string, value: unknown, extra: Partial<RawReading> = {}, origin = 'hazgate/demo/GT-101'): RawReading {
  return { source: ADAPTER, pointId, value, origin, ...extra };
}

describe('decodePayload: accepted shapes', () => {
  const cases: [string, string, string, CompiledSubscription, RawReading[]][] = [
    ['a bare number', '12.5', 'hazgate/demo/GT-101', topicSub, [reading('GT-101', 12.5)]],
    ['a bare negative exponent', '-1.5e-3', 'hazgate/demo/GT-101', topicSub, [reading('GT-101', -0.0015)]],
    ['a bare boolean', 'true', 'hazgate/demo/GT-101', topicSub, [reading('GT-101', true)]],
    // Value types are the pipeline's business: strings, null and NaN-ish text pass through raw.
    ['a bare "NaN" string', '"NaN"', 'hazgate/demo/GT-101', topicSub, [reading('GT-101', 'NaN')]],
    ['a bare null', 'null', 'hazgate/demo/GT-101', topicSub, [reading('GT-101', null)]],
    ['an object', '{"value": 3}', 'hazgate/demo/GT-101', topicSub, [reading('GT-101', 3)]],
    ['an object with "Infinity"', '{"value": "Infinity"}', 'hazgate/demo/GT-101', topicSub, [reading('GT-101', 'Infinity')]],
    ['an object with "-nan"', '{"value": "-nan"}', 'hazgate/demo/GT-101', topicSub, [reading('GT-101', '-nan')]],
    ['an object with ts and quality', '{"value": 3, "ts": 1700000000000, "quality": "bad"}', 'hazgate/demo/GT-101', topicSub,
      [reading('GT-101', 3, { ts: 1_700_000_000_000, quality: { level: 'bad', reason: 'device' } })]],
    ['an object with null ts and quality (absent)', '{"value": 3, "ts": null, "quality": null}', 'hazgate/demo/GT-101', topicSub,
      [reading('GT-101', 3)]],
    ['an object naming its point', '{"id": "PT-7", "value": 1}', 'hazgate/demo/GT-101', topicSub, [reading('PT-7', 1)]],
    ['an object with a numeric point id', '{"id": 7, "value": 1}', 'hazgate/batch', flatSub, [reading('7', 1, {}, 'hazgate/batch')]],
    ['an object with an object value', '{"value": {"x": 1}}', 'hazgate/demo/GT-101', topicSub, [reading('GT-101', { x: 1 })]],
    ['an array naming points', '[{"id":"A","value":1},{"id":"B","value":false,"ts":5}]', 'hazgate/batch', flatSub,
      [reading('A', 1, {}, 'hazgate/batch'), reading('B', false, { ts: 5 }, 'hazgate/batch')]],
    ['an array of the topic point', '[{"value":1,"ts":1},{"value":2,"ts":2}]', 'hazgate/demo/GT-101', topicSub,
      [reading('GT-101', 1, { ts: 1 }), reading('GT-101', 2, { ts: 2 })]],
    ['an empty array', '[]', 'hazgate/batch', flatSub, []],
    ['an unknown quality, kept as uncertain', '{"value": 1, "quality": "GOODISH"}', 'hazgate/demo/GT-101', topicSub,
      [reading('GT-101', 1, { quality: { level: 'uncertain', reason: 'device-quality-unrecognised' } })]],
    ['good quality', '{"value": 1, "quality": "good"}', 'hazgate/demo/GT-101', topicSub, [reading('GT-101', 1, { quality: { level: 'good' } })]],
  ];
  it.each(cases)('%s: %s', (_name, payload, topic, s, expected) => {
    const out = decode(payload, topic, s);
    expect(out.errors).toEqual([]);
    expect(out.readings).toEqual(expected);
  });

  it('uses the configured field names and time unit', () => {
    const custom = sub({ topic: 'site/{point}', pointField: 'tag', valueField: 'v', timeField: 't', timeUnit: 's', qualityField: 'q' });
    const out = decode('[{"tag":"X","v":9,"t":1700000000.25,"q":"uncertain"},{"v":8}]', 'site/Y', custom);
    expect(out.errors).toEqual([]);
    expect(out.readings).toEqual([
      reading('X', 9, { ts: 1_700_000_000_250, quality: { level: 'uncertain', reason: 'device' } }, 'site/Y'),
      reading('Y', 8, {}, 'site/Y'),
    ]);
  });

  it('reads ISO timestamps with an offset', () => {
    const iso = sub({ timeUnit: 'iso' });
    const out = decode('{"value": 1, "ts": "2024-05-01T08:00:00+08:00"}', 'hazgate/demo/GT-101', iso);
    expect(out.readings[0]?.ts).toBe(Date.UTC(2024, 4, 1, 0, 0, 0));
  });
});

describe('decodePayload: coded errors', () => {
  const cases: [string, string | Buffer, string, CompiledSubscription, ErrorCode, number | undefined][] = [
    ['not JSON', '{"value": 1', 'hazgate/demo/GT-101', topicSub, 'HG_ERR_INGEST_MALFORMED', undefined],
    ['bare NaN (not JSON)', 'NaN', 'hazgate/demo/GT-101', topicSub, 'HG_ERR_INGEST_MALFORMED', undefined],
    ['an empty payload', '', 'hazgate/demo/GT-101', topicSub, 'HG_ERR_INGEST_MALFORMED', undefined],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01]), 'hazgate/demo/GT-101', topicSub, 'HG_ERR_INGEST_MALFORMED', undefined],
    ['an object without value', '{"val": 1}', 'hazgate/demo/GT-101', topicSub, 'HG_ERR_INGEST_MALFORMED', undefined],
    ['a bare value on a topic without point', '12', 'hazgate/batch', flatSub, 'HG_ERR_INGEST_NO_POINT', undefined],
    ['an object without point anywhere', '{"value": 1}', 'hazgate/batch', flatSub, 'HG_ERR_INGEST_NO_POINT', undefined],
    ['an empty point id', '{"id": "", "value": 1}', 'hazgate/demo/GT-101', topicSub, 'HG_ERR_INGEST_NO_POINT', undefined],
    ['a non-string point id', '{"id": {"a": 1}, "value": 1}', 'hazgate/demo/GT-101', topicSub, 'HG_ERR_INGEST_NO_POINT', undefined],
    ['an empty point level', '{"value": 1}', 'hazgate/demo/', topicSub, 'HG_ERR_INGEST_NO_POINT', undefined],
    ['a text ms timestamp', '{"value": 1, "ts": "yesterday"}', 'hazgate/demo/GT-101', topicSub, 'HG_ERR_INGEST_BAD_TIMESTAMP', undefined],
    ['a boolean timestamp', '{"value": 1, "ts": true}', 'hazgate/demo/GT-101', topicSub, 'HG_ERR_INGEST_BAD_TIMESTAMP', undefined],
    ['a too-large payload', Buffer.alloc(MAX + 1, 0x20), 'hazgate/demo/GT-101', topicSub, 'HG_ERR_INGEST_TOO_LARGE', undefined],
    ['an array element that is a number', '[1]', 'hazgate/demo/GT-101', topicSub, 'HG_ERR_INGEST_MALFORMED', 0],
  ];
  it.each(cases)('%s → %s', (_name, payload, topic, s, code, index) => {
    const out = decode(payload, topic, s);
    expect(out.readings).toEqual([]);
    expect(out.errors.map((e) => e.code)).toEqual([code]);
    const error = out.errors[0];
    expect(error?.message).toContain(topic);
    expect(error?.message).toContain(ADAPTER);
    expect(error?.details).toMatchObject({ adapter: ADAPTER, topic });
    expect(error?.details['index']).toBe(index);
  });

  it('keeps the parse failure as the cause', () => {
    expect(decode('{').errors[0]?.cause).toBeInstanceOf(SyntaxError);
  });

  it('rejects a huge payload before parsing it (valid JSON, one byte over)', () => {
    const json = JSON.stringify({ value: 'x'.repeat(MAX) });
    const out = decode(json);
    expect(out.errors[0]?.code).toBe('HG_ERR_INGEST_TOO_LARGE');
    expect(out.errors[0]?.message).toContain(`${json.length} bytes`);
    // Exactly at the limit is accepted.
    expect(decode(json, undefined, undefined, json.length).readings).toHaveLength(1);
  });

  it('an ISO unit rejects epoch numbers and unparseable text', () => {
    const iso = sub({ timeUnit: 'iso' });
    expect(decode('{"value": 1, "ts": 1700000000000}', undefined, iso).errors[0]?.code).toBe('HG_ERR_INGEST_BAD_TIMESTAMP');
    expect(decode('{"value": 1, "ts": "2024-13-45T99:00"}', undefined, iso).errors[0]?.code).toBe('HG_ERR_INGEST_BAD_TIMESTAMP');
  });
});

describe('decodePayload: one bad element does not drop the good ones', () => {
  it('reports each bad element with its index and keeps the rest', () => {
    const payload = JSON.stringify([
      { id: 'A', value: 1 },
      { value: 2 }, // no point: the topic names none
      'oops',
      { id: 'D', value: 4, ts: 'not-a-time' },
      { id: 'E' }, // no value
      { id: 'F', value: 'NaN' },
    ]);
    const out = decode(payload, 'hazgate/batch', flatSub);
    expect(out.readings.map((r) => [r.pointId, r.value])).toEqual([
      ['A', 1],
      ['F', 'NaN'],
    ]);
    expect(out.errors.map((e) => [e.code, e.details['index']])).toEqual([
      ['HG_ERR_INGEST_NO_POINT', 1],
      ['HG_ERR_INGEST_MALFORMED', 2],
      ['HG_ERR_INGEST_BAD_TIMESTAMP', 3],
      ['HG_ERR_INGEST_MALFORMED', 4],
    ]);
    expect(out.errors[2]?.message).toContain('[3]');
    expect(out.errors[2]?.message).toContain('"D"');
  });
});

describe('parseTimestamp', () => {
  it.each<[unknown, 'ms' | 's' | 'iso', number | null]>([
    [1_700_000_000_000, 'ms', 1_700_000_000_000],
    ['1700000000000', 'ms', 1_700_000_000_000],
    [1_700_000_000, 's', 1_700_000_000_000],
    ['1700000000.5', 's', 1_700_000_000_500],
    ['2024-01-01T00:00:00Z', 'iso', Date.UTC(2024, 0, 1)],
    ['', 'ms', null],
    ['  ', 's', null],
    ['12abc', 'ms', null],
    [Number.NaN, 'ms', null],
    [{}, 'ms', null],
    ['garbage', 'iso', null],
    [5, 'iso', null],
  ])('%j in %s → %s', (raw, unit, expected) => {
    expect(parseTimestamp(raw, unit)).toBe(expected);
  });
});
