import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/index.js';
import { CentreFeed, CentreMqttInput, feedFilters, feedTopic, partitionOf, signBody, SqliteCentreStore, type FeedBrokerPort } from '../../src/uplink/index.js';
import { FixtureSite } from './centre-fixtures.js';

/** The centre's MQTT input on a fake broker port: partitions served and released, acks published, refusals counted. */

const T0 = Date.UTC(2026, 10, 28);
const PARTITIONS = 16;
const KEY = 'plant-1-key-0123456789abcdef';

class FakePort implements FeedBrokerPort {
  readonly calls: string[] = [];
  readonly published: { topic: string; payload: string }[] = [];
  async subscribe(filters: readonly string[]): Promise<void> {
    this.calls.push(`+${filters.join(',')}`);
  }
  async unsubscribe(filters: readonly string[]): Promise<void> {
    this.calls.push(`-${filters.join(',')}`);
  }
  publish(topic: string, payload: string): void {
    this.published.push({ topic, payload });
  }
}

let dir: string;
let store: SqliteCentreStore;
let site: FixtureSite;

function setup(options: { acceptUnknownSites?: boolean; requireMqttSignature?: boolean } = {}) {
  const feed = new CentreFeed({ store, keys: new Map([['plant-1', KEY]]), acceptUnknownSites: options.acceptUnknownSites ?? false, requireMqttSignature: options.requireMqttSignature ?? false, now: () => T0, logger: silentLogger });
  const input = new CentreMqttInput({ partitions: PARTITIONS, feed, logger: silentLogger });
  const port = new FakePort();
  input.attach(port);
  return { feed, input, port };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hg-centre-mqtt-'));
  store = new SqliteCentreStore({ dir: join(dir, 'centre'), synchronous: 'normal' });
  site = new FixtureSite('plant-1', join(dir, 'gw'));
});

afterEach(() => {
  site.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('feedFilters', () => {
  it('is one wildcard for every partition, one filter per partition otherwise', () => {
    expect(feedFilters(new Set(Array.from({ length: 4 }, (_, i) => i)), 4)).toEqual(['hazgate/v1/feed/+/+']);
    expect(feedFilters(new Set([3, 1]), 4)).toEqual(['hazgate/v1/feed/1/+', 'hazgate/v1/feed/3/+']);
    expect(feedFilters(new Set(), 4)).toEqual([]);
  });
});

describe('CentreMqttInput', () => {
  it('serves and releases partitions, switching between the wildcard and single filters without a hole', async () => {
    const { input, port } = setup();
    await input.serveAll();
    await input.release(5);
    await input.serve(5);
    await input.release(0);
    expect(port.calls).toEqual([
      '+hazgate/v1/feed/+/+',
      `+${[0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((p) => `hazgate/v1/feed/${p}/+`).join(',')}`,
      '-hazgate/v1/feed/+/+',
      '+hazgate/v1/feed/+/+',
      `-${[0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((p) => `hazgate/v1/feed/${p}/+`).join(',')}`,
      `+${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((p) => `hazgate/v1/feed/${p}/+`).join(',')}`,
      '-hazgate/v1/feed/+/+',
    ]);
    expect(input.served()).toHaveLength(15);
    await input.resubscribe();
    expect(port.calls.at(-1)).toBe(`+${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((p) => `hazgate/v1/feed/${p}/+`).join(',')}`);
    expect(() => input.serve(PARTITIONS)).toThrow(RangeError);
  });

  it('applies a batch from its partition and publishes the ack; ignores partitions it does not serve; refuses the wrong partition', async () => {
    const { feed, input, port } = setup();
    const p = partitionOf('plant-1', PARTITIONS);
    await input.serve(p);
    site.journal([{ conditionId: 'gas/GT-1', state: 'active-unacked', priority: 1 }], T0);
    const payload = Buffer.from(JSON.stringify(site.batch()));
    expect(input.handle(feedTopic('plant-1', PARTITIONS), payload)).toBe('handled');
    expect(port.published).toEqual([{ topic: 'hazgate/v1/ack/plant-1', payload: '{"v":1,"site":"plant-1","upto":1}' }]);
    await input.release(p);
    expect(feed.sitesHeld()).toEqual([]);
    expect(input.handle(feedTopic('plant-1', PARTITIONS), payload)).toBe('handled');
    expect(input.stats.notServed).toBe(1);
    await input.serveAll();
    expect(input.handle(`hazgate/v1/feed/${(p + 1) % PARTITIONS}/plant-1`, payload)).toBe('handled');
    expect(input.handle('hazgate/v1/other', payload)).toBe('handled');
    expect(Object.fromEntries(feed.stats.refused)).toEqual({ 'wrong-partition': 1, 'bad-message': 1 });
    expect(port.published).toHaveLength(1);
  });

  it('refuses unknown sites unless told to accept them, checks signatures when present or required, and asks for redelivery when the store fails', async () => {
    const strict = setup({ requireMqttSignature: true });
    await strict.input.serveAll();
    site.journal([{ conditionId: 'gas/GT-1', state: 'active-unacked', priority: 1 }], T0);
    const text = JSON.stringify(site.batch());
    const topic = feedTopic('plant-1', PARTITIONS);
    expect(strict.input.handle(topic, Buffer.from(text))).toBe('handled');
    expect(strict.input.handle(topic, Buffer.from(text), signBody(text, 'wrong-key-0123456789'))).toBe('handled');
    expect(strict.input.handle(topic, Buffer.from(text), signBody(text, KEY))).toBe('handled');
    expect(Object.fromEntries(strict.feed.stats.refused)).toEqual({ 'bad-signature': 2 });
    expect(strict.port.published).toHaveLength(1);

    const other = new FixtureSite('plant-9', join(dir, 'gw9'));
    other.status(T0);
    const unknown = Buffer.from(JSON.stringify(other.batch()));
    const closed = setup();
    await closed.input.serveAll();
    expect(closed.input.handle(feedTopic('plant-9', PARTITIONS), unknown)).toBe('handled');
    expect(Object.fromEntries(closed.feed.stats.refused)).toEqual({ 'unknown-site': 1 });
    const open = setup({ acceptUnknownSites: true });
    await open.input.serveAll();
    expect(open.input.handle(feedTopic('plant-9', PARTITIONS), unknown)).toBe('handled');
    expect(open.port.published.map((p) => p.topic)).toEqual(['hazgate/v1/ack/plant-9']);
    other.close();

    store.close();
    expect(open.input.handle(topic, Buffer.from(text))).toBe('redeliver');
    store = new SqliteCentreStore({ dir: join(dir, 'centre'), synchronous: 'normal' });
  });
});
