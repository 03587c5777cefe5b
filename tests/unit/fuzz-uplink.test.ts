import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, GENESIS, HazgateError, silentLogger } from '../../src/core/index.js';
import {
  CentreFeed,
  CentreMqttInput,
  decodeKjBatch,
  encodeKjBatch,
  feedTopic,
  parseAckText,
  parseFeedAck,
  parseFeedBatch,
  requireSignature,
  signBody,
  SqliteCentreStore,
  verifySignature,
  type KjTableLayout,
} from '../../src/uplink/index.js';
import { anyText, codedOrValue, expectCoded, fuzzParams, mutatedText, nearValidJson, payloadBytes, timed } from './fuzz-fixtures.js';

/**
 * The provincial feed under fuzz (issue #11 item 6): what the centre reads from gateways (feed
 * batches over HTTPS and MQTT, with signatures and topics) and what gateways read from the centre
 * (acks), and the KJ text batches. Each returns a value or a coded, short refusal.
 */

const SITE = 'plant-1';
const KEY = 'k'.repeat(32);
const T0 = Date.UTC(2026, 2, 1);
const record = JSON.stringify({ eventId: 'ev-1', conditionId: 'gas/GT-101', state: 'active-unacked', codes: { enterpriseCode: 'E1' } });
const hash = chainHash(GENESIS, 1, record);
const envelope = (seq: number, kind: string, body: unknown) => ({ v: 1, id: `${SITE}:${seq}`, site: SITE, seq, kind, time: T0 + seq, body });
const BATCH = {
  site: SITE,
  oldest: 1,
  messages: [
    envelope(1, 'journal', { seq: 1, record, hash }),
    envelope(2, 'snapshot', { values: [{ pointId: 'GT-101', value: 12.5, quality: 'good', ts: T0, unit: '%LEL', codes: { enterpriseCode: 'E1' } }, { pointId: 'XV-1', value: null, quality: 'bad', reason: 'comm-lost', ts: null }] }),
    envelope(3, 'status', { version: '0.1.0', startedAt: T0, adapters: [{ id: 'gas', status: 'up' }], outbox: { depth: 0, oldestAgeMs: 0, dropped: { journal: 0, snapshot: 0, status: 0, head: 0 } } }),
    envelope(4, 'head', { seq: 1, hash }),
  ],
};
const ACK = { v: 1, site: SITE, upto: 4 };

const jsonOf = (bytes: Buffer): unknown => {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return bytes.toString('utf8');
  }
};

describe('fuzz: feed messages', () => {
  it('parseFeedBatch and parseFeedAck return the message or refuse it coded and short', () => {
    fc.assert(
      fc.property(payloadBytes([BATCH, ACK, BATCH.messages]), (bytes) => {
        const json = jsonOf(bytes);
        codedOrValue('parseFeedBatch', () => parseFeedBatch(json));
        codedOrValue('parseFeedAck', () => parseFeedAck(json));
      }),
      fuzzParams(0x66656564),
    );
  });

  it('parseAckText reads any answer a centre gives', () => {
    fc.assert(
      fc.property(payloadBytes([ACK, { ...ACK, site: 'other' }]), (bytes) => void codedOrValue('parseAckText', () => parseAckText(SITE, bytes.toString('utf8')))),
      fuzzParams(0x61636b00),
    );
  });

  it('signature headers: verifySignature says yes or no, requireSignature refuses coded and short', () => {
    const header = fc.oneof(fc.constant(undefined), anyText, fc.constantFrom(signBody('{}', KEY), `sha256=${'0'.repeat(64)}`, 'sha256=', `SHA256=${'A'.repeat(64)}`), fc.integer({ min: 1_000, max: 5_000 }).map((n) => `sha256=${'a'.repeat(n)}`));
    fc.assert(
      fc.property(fc.oneof(anyText, fc.constant('{}')), header, anyText, (body, h, site) => {
        expect(typeof verifySignature(body, KEY, h)).toBe('boolean');
        codedOrValue('requireSignature', () => requireSignature(site, body, KEY, h));
      }),
      fuzzParams(0x7369676e),
    );
  });
});

describe('fuzz: the centre receives any delivery', () => {
  let dir = '';
  let store: SqliteCentreStore;
  let feed: CentreFeed;
  let input: CentreMqttInput;
  const refused: HazgateError[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-fuzz-centre-'));
    store = new SqliteCentreStore({ dir, synchronous: 'normal' });
    feed = new CentreFeed({
      store,
      keys: new Map([[SITE, KEY]]),
      acceptUnknownSites: true,
      now: () => T0 + 60_000,
      logger: silentLogger,
      events: { onRefused: (_reason, error) => void refused.push(error) },
    });
    input = new CentreMqttInput({ partitions: 16, feed, logger: silentLogger });
    await input.serveAll();
  });
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const body = payloadBytes([BATCH, { ...BATCH, site: 'x'.repeat(2_000) }]);
  /** Signed with the site's key (so the batch is read), signed wrongly, or not signed. */
  const signature = (b: Buffer): fc.Arbitrary<string | undefined> => fc.oneof(fc.constant(signBody(b, KEY)), fc.constant(undefined), anyText);

  function expectRefusalsCoded(): void {
    for (const error of refused.splice(0)) expectCoded(error);
  }

  it('over HTTPS: an ack, or a coded and short refusal', () => {
    fc.assert(
      fc.property(body.chain((b) => fc.tuple(fc.constant(b), signature(b))), ([b, sig]) => {
        codedOrValue('receiveSigned', () => feed.receiveSigned(b, sig));
        expectRefusalsCoded();
      }),
      fuzzParams(0x68747470, 100),
    );
  });

  it('over MQTT: any topic, any payload, any signature', () => {
    const topic = fc.oneof(
      fc.constantFrom(feedTopic(SITE, 16), feedTopic('other-site', 16), 'hazgate/v1/feed/99/plant-1', 'hazgate/v1/feed/1/', 'elsewhere'),
      anyText.map((s) => `hazgate/v1/feed/${s}`),
      anyText,
      fc.integer({ min: 1_000, max: 3_000 }).map((n) => `hazgate/v1/feed/3/${'s'.repeat(n)}`),
    );
    fc.assert(
      fc.property(topic, body.chain((b) => fc.tuple(fc.constant(b), signature(b))), (t, [b, sig]) => {
        const outcome = timed('CentreMqttInput.handle', () => input.handle(t, b, sig));
        expect(['handled', 'redeliver']).toContain(outcome);
        expectRefusalsCoded();
      }),
      fuzzParams(0x6d717466, 100),
    );
  });

  it.each([
    ['a megabyte site name', JSON.stringify({ ...BATCH, site: 's'.repeat(1 << 20) })],
    ['30,000 bad messages', JSON.stringify({ ...BATCH, messages: Array.from({ length: 30_000 }, (_, i) => ({ seq: i })) })],
    ['a megabyte codes key', JSON.stringify({ ...BATCH, messages: [envelope(1, 'snapshot', { values: [{ pointId: 'p', value: 1, quality: 'good', ts: 1, codes: { ['c'.repeat(1 << 20)]: 1 } }] })] })],
    ['ten long codes keys of the wrong type', JSON.stringify({ ...BATCH, messages: [envelope(1, 'snapshot', { values: [{ pointId: 'p', value: 1, quality: 'good', ts: 1, codes: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`${i}${'c'.repeat(5_000)}`, i])) }] })] })],
    ['messages of a megabyte site in a batch of another', JSON.stringify({ ...BATCH, messages: BATCH.messages.map((m) => ({ ...m, site: 'o'.repeat(1 << 20) })) })],
    ['a batch nested 100,000 deep', `{"site":"plant-1","oldest":1,"messages":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
  ])('%s', (_name, text) => {
    const b = Buffer.from(text);
    codedOrValue('receiveSigned', () => feed.receiveSigned(b, signBody(b, KEY)));
    codedOrValue('parseFeedBatch', () => parseFeedBatch(JSON.parse(text)));
    codedOrValue('handle', () => input.handle(`hazgate/v1/feed/3/${'s'.repeat(1 << 16)}`, b));
    expectRefusalsCoded();
  });

  it('an ack naming a megabyte site', () => {
    codedOrValue('parseAckText', () => parseAckText(SITE, JSON.stringify({ ...ACK, site: 's'.repeat(1 << 20) })));
  });
});

describe('fuzz: KJ text batches', () => {
  const layout: KjTableLayout = { table: 'AQSS', fields: [{ name: 'a', from: 'a' }, { name: 'b', from: 'b' }, { name: 'c', from: 'c' }] };
  const text = fc.oneof(anyText, fc.constantFrom('\\', ';', '|', '~', '‖', '\n', '\r', '\\n', '\\\\;'));
  const records = fc.array(fc.record({ a: text, b: text, c: text }), { maxLength: 20 });

  it('decodes what it encodes, whatever the values hold', () => {
    fc.assert(
      fc.property(records, (rs) => {
        const decoded = decodeKjBatch(encodeKjBatch(layout, rs, { site: SITE, time: T0 }));
        expect(decoded.records).toEqual(rs.map((r) => [r.a, r.b, r.c]));
      }),
      fuzzParams(0x6b6a3031),
    );
  });

  it('reads any text as a batch or refuses it coded and short', () => {
    const samples = [encodeKjBatch(layout, [{ a: 'x;y', b: '1', c: '' }, { a: 'z', b: '‖', c: '~' }], { site: SITE, time: T0 })];
    const input = fc.oneof(mutatedText(samples, fc.oneof(fc.constantFrom('\\', ';', '|', '~', '‖'), fc.string({ maxLength: 4 }))), anyText, fc.integer({ min: 1_000, max: 3_000 }).map((n) => `KJ;${'T'.repeat(n)}|x`));
    fc.assert(fc.property(input, (t) => void codedOrValue('decodeKjBatch', () => decodeKjBatch(t))), fuzzParams(0x6b6a3032));
  });

  it('a megabyte table name without a batch end', () => {
    const out = codedOrValue('decodeKjBatch', () => decodeKjBatch(`KJ;${'T'.repeat(1 << 20)}|a;b‖`));
    expect(out.ok).toBe(false);
  });
});
