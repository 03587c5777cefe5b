import { describe, expect, it } from 'vitest';
import { HazgateError } from '../../src/core/index.js';
import { ackTopic, checkTopicSettings, feedTopic, fnv1a32, HttpsTransport, MqttTransport, parseAckText, parseAckTopic, parseFeedTopic, partitionOf } from '../../src/uplink/index.js';

/** The MQTT topics the sender's transport publishes on; the centre computes the same partition. */
describe('partitionOf', () => {
  it('is FNV-1a 32 over the UTF-8 bytes (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    // UTF-8, not UTF-16 code units: 矿 is e7 9f bf.
    let h = 0x811c9dc5;
    for (const b of [0xe7, 0x9f, 0xbf]) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    expect(fnv1a32('矿')).toBe(h);
  });

  it('is the hash modulo partitions, stable, and spreads sites over the partitions', () => {
    expect(partitionOf('foobar', 16)).toBe(0xbf9cf968 % 16);
    expect(partitionOf('plant-3')).toBe(partitionOf('plant-3', 16));
    expect(partitionOf('plant-3', 1)).toBe(0);
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 1600; i++) counts[partitionOf(`site-${i}`, 16)] = (counts[partitionOf(`site-${i}`, 16)] ?? 0) + 1;
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(() => partitionOf('a', 0)).toThrow(RangeError);
    expect(() => partitionOf('a', 1.5)).toThrow(RangeError);
  });
});

describe('feed topics', () => {
  it('publishes on hazgate/v1/feed/<partition>/<site> and takes acks on hazgate/v1/ack/<site>', () => {
    expect(feedTopic('foobar', 16)).toBe(`hazgate/v1/feed/${0xbf9cf968 % 16}/foobar`);
    expect(ackTopic('plant-3')).toBe('hazgate/v1/ack/plant-3');
    expect(parseFeedTopic(feedTopic('plant-3', 16))).toEqual({ partition: partitionOf('plant-3', 16), site: 'plant-3' });
    expect(parseFeedTopic('hazgate/v1/feed/x/plant-3')).toBeNull();
    expect(parseAckTopic('hazgate/v1/ack/plant-3')).toBe('plant-3');
    expect(parseAckTopic('hazgate/v1/ack/plant-3/x')).toBeNull();
  });

  it('refuses a site that cannot be one topic level and a bad partition count, both at once', () => {
    expect(() => checkTopicSettings('plant-3', 16)).not.toThrow();
    try {
      checkTopicSettings('a/b', 0);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HazgateError);
      expect((e as HazgateError).code).toBe('HG_ERR_UPLINK_CONFIG');
      expect((e as HazgateError).details['problems']).toHaveLength(2);
    }
    for (const bad of ['', 'a+b', 'a#', 'x\u0000']) expect(() => checkTopicSettings(bad, 16)).toThrow(/topic level/);
  });
});

describe('transport options', () => {
  const code = (make: () => unknown): string | undefined => {
    try {
      make();
      return undefined;
    } catch (e) {
      return e instanceof HazgateError ? e.code : String(e);
    }
  };

  it('are checked when a transport is made, before anything is opened', () => {
    expect(code(() => new MqttTransport({ url: 'mqtts://broker.invalid:8883', site: 'plant-3' }))).toBeUndefined();
    expect(new MqttTransport({ url: 'mqtt://broker.invalid', site: 'plant-3', partitions: 4 }).feedTopic).toBe(`hazgate/v1/feed/${partitionOf('plant-3', 4)}/plant-3`);
    expect(code(() => new MqttTransport({ url: 'http://broker.invalid', site: 'plant-3' }))).toBe('HG_ERR_UPLINK_CONFIG');
    expect(code(() => new MqttTransport({ url: 'mqtt://broker.invalid', site: 'a/b' }))).toBe('HG_ERR_UPLINK_CONFIG');
    expect(code(() => new MqttTransport({ url: 'mqtt://broker.invalid', site: 'p', tls: { ca: '/nonexistent/ca.pem' } }))).toBe('HG_ERR_UPLINK_CONFIG');
    expect(code(() => new MqttTransport({ url: 'mqtt://broker.invalid', site: 'p', tls: { cert: '/nonexistent/c.pem' } }))).toBe('HG_ERR_UPLINK_CONFIG');
    expect(code(() => new HttpsTransport({ url: 'https://centre.invalid/feed', site: 'p', key: 'k' }))).toBeUndefined();
    expect(code(() => new HttpsTransport({ url: 'mqtt://centre.invalid/feed', site: 'p', key: 'k' }))).toBe('HG_ERR_UPLINK_CONFIG');
    expect(code(() => new HttpsTransport({ url: 'https://centre.invalid/feed', site: 'p', key: '' }))).toBe('HG_ERR_UPLINK_CONFIG');
  });

  it('reads an ack only for its own site', () => {
    expect(parseAckText('p', '{"v":1,"site":"p","upto":7}')).toEqual({ v: 1, site: 'p', upto: 7 });
    expect(code(() => parseAckText('p', '{"v":1,"site":"q","upto":7}'))).toBe('HG_ERR_UPLINK_BAD_MESSAGE');
    expect(code(() => parseAckText('p', 'not json'))).toBe('HG_ERR_UPLINK_BAD_MESSAGE');
    expect(code(() => parseAckText('p', '{"v":1,"site":"p","upto":-1}'))).toBe('HG_ERR_UPLINK_BAD_MESSAGE');
  });
});
