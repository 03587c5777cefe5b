import { randomUUID } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HazgateError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { systemClock } from '../../src/core/clock.js';
import type { RawReading } from '../../src/core/sample.js';
import type { ComponentStatus } from '../../src/core/status.js';
import { createMqttAdapter, type MqttAdapter } from '../../adapters/mqtt/adapter.js';
import { createEmbeddedBroker, embeddedBrokerSchema, type EmbeddedBroker } from '../../adapters/mqtt/embedded-broker.js';
import { mqttAdapterSchema } from '../../adapters/mqtt/schema.js';
import { freePort, startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';

const WAIT_MS = 10_000;

/** An adapter under test and everything it reported. */
interface Harness {
  readonly adapter: MqttAdapter;
  readonly readings: RawReading[];
  readonly errors: HazgateError[];
  readonly statuses: ComponentStatus[];
  start(): Promise<void>;
  state(): string | undefined;
}

const cleanups: (() => Promise<void>)[] = [];

function harness(url: string, topic: string, overrides: Record<string, unknown> = {}): Harness {
  const config = mqttAdapterSchema.parse({
    kind: 'mqtt',
    id: 'it-broker',
    url,
    clientId: `hazgate-it-${randomUUID().slice(0, 8)}`,
    reconnectMs: 100,
    connectTimeoutMs: 2000,
    subscriptions: [{ topic, qos: 1 }],
    ...overrides,
  });
  const adapter = createMqttAdapter(config, { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' });
  const h: Harness = {
    adapter,
    readings: [],
    errors: [],
    statuses: [],
    start: () =>
      adapter.start(
        (r) => h.readings.push(r),
        (e) => h.errors.push(e),
        (s) => h.statuses.push(s),
      ),
    state: () => h.statuses.at(-1)?.state,
  };
  cleanups.push(() => adapter.stop());
  return h;
}

async function publisher(url: string): Promise<MqttClient> {
  const client = await connectAsync(url, { clientId: `pub-${randomUUID().slice(0, 8)}`, reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync(true));
  return client;
}

/** A topic tree of its own per test, so retained state or stray messages never cross tests. */
function prefix(): string {
  return `hazgate/it/${randomUUID().slice(0, 8)}`;
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('MQTT adapter against Mosquitto', () => {
  let broker: MosquittoInstance;

  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.dispose();
  });

  it('receives readings from a {point} topic', async () => {
    const p = prefix();
    const h = harness(broker.url, `${p}/{point}`);
    await h.start();
    expect(h.state()).toBe('up');
    const pub = await publisher(broker.url);
    await pub.publishAsync(`${p}/GT-101`, '12.5', { qos: 1 });
    await pub.publishAsync(`${p}/TK101.LT`, JSON.stringify({ value: 3.2, ts: 1_700_000_000_000, quality: 'good' }), { qos: 1 });
    await waitFor(() => h.readings.length === 2, WAIT_MS, 'two readings');
    expect(h.readings).toEqual([
      { source: 'it-broker', pointId: 'GT-101', value: 12.5, origin: `${p}/GT-101` },
      { source: 'it-broker', pointId: 'TK101.LT', value: 3.2, ts: 1_700_000_000_000, quality: { level: 'good' }, origin: `${p}/TK101.LT` },
    ]);
    expect(h.adapter.stats.messages).toBe(2);
  });

  it('receives arrays of readings naming their points', async () => {
    const p = prefix();
    const h = harness(broker.url, `${p}/batch`);
    await h.start();
    const pub = await publisher(broker.url);
    const batch = [
      { id: 'A', value: 1, ts: 1000 },
      { id: 'B', value: true, ts: 2000 },
      { id: 'C', value: 'NaN', ts: 3000 },
    ];
    await pub.publishAsync(`${p}/batch`, JSON.stringify(batch), { qos: 1 });
    await waitFor(() => h.readings.length === 3, WAIT_MS, 'three readings from one array');
    expect(h.readings.map((r) => [r.pointId, r.value, r.ts])).toEqual([
      ['A', 1, 1000],
      ['B', true, 2000],
      ['C', 'NaN', 3000],
    ]);
  });

  it('reports malformed and oversized payloads with codes while good messages keep flowing', async () => {
    const p = prefix();
    const h = harness(broker.url, `${p}/{point}`, { maxPayloadBytes: 64 });
    await h.start();
    const pub = await publisher(broker.url);
    await pub.publishAsync(`${p}/GT-1`, '{"value": ', { qos: 1 });
    await pub.publishAsync(`${p}/GT-2`, '7', { qos: 1 });
    await pub.publishAsync(`${p}/GT-3`, JSON.stringify({ value: 'x'.repeat(100) }), { qos: 1 });
    await pub.publishAsync(`${p}/GT-4`, '[{"value": 1}, 5, {"value": 2, "ts": "soon"}]', { qos: 1 });
    await pub.publishAsync(`${p}/GT-5`, 'false', { qos: 1 });
    await waitFor(() => h.adapter.stats.messages === 5, WAIT_MS, 'five messages');
    expect(h.readings.map((r) => [r.pointId, r.value])).toEqual([
      ['GT-2', 7],
      ['GT-4', 1],
      ['GT-5', false],
    ]);
    expect(h.errors.map((e) => [e.code, e.details['topic'], e.details['index']])).toEqual([
      ['HG_ERR_INGEST_MALFORMED', `${p}/GT-1`, undefined],
      ['HG_ERR_INGEST_TOO_LARGE', `${p}/GT-3`, undefined],
      ['HG_ERR_INGEST_MALFORMED', `${p}/GT-4`, 1],
      ['HG_ERR_INGEST_BAD_TIMESTAMP', `${p}/GT-4`, 2],
    ]);
    expect(h.state()).toBe('up');
  });

  it('delivers QoS 1 messages published while it was stopped when it starts again with the same clientId', async () => {
    const p = prefix();
    const clientId = `hazgate-persistent-${randomUUID().slice(0, 8)}`;
    const first = harness(broker.url, `${p}/{point}`, { clientId });
    await first.start();
    await first.adapter.stop();
    const pub = await publisher(broker.url);
    for (let i = 1; i <= 3; i += 1) await pub.publishAsync(`${p}/GT-${i}`, String(i), { qos: 1 });
    const second = harness(broker.url, `${p}/{point}`, { clientId });
    await second.start();
    await waitFor(() => second.readings.length === 3, WAIT_MS, 'the three messages queued while away');
    expect(second.readings.map((r) => [r.pointId, r.value])).toEqual([
      ['GT-1', 1],
      ['GT-2', 2],
      ['GT-3', 3],
    ]);
    expect(first.readings).toEqual([]);
  });

  it('loses no QoS 1 message when stopped mid-stream (at least once across two runs)', async () => {
    const p = prefix();
    const clientId = `hazgate-persistent-${randomUUID().slice(0, 8)}`;
    const total = 500; // below Mosquitto's default max_queued_messages (1000)
    const first = harness(broker.url, `${p}/{point}`, { clientId });
    let stopped: Promise<void> | undefined;
    // Stop from inside emit, so the stop is certain to land while messages are still in flight.
    await first.adapter.start(
      (r) => {
        first.readings.push(r);
        if (first.readings.length === 20) stopped = first.adapter.stop();
      },
      () => undefined,
      () => undefined,
    );
    const pub = await publisher(broker.url);
    await Promise.all(Array.from({ length: total }, (_, i) => pub.publishAsync(`${p}/GT-1`, String(i), { qos: 1 })));
    await waitFor(() => stopped !== undefined, WAIT_MS, 'the first run to stop itself');
    await stopped;
    const second = harness(broker.url, `${p}/{point}`, { clientId });
    await second.start();
    const seen = () => new Set([...first.readings, ...second.readings].map((r) => r.value));
    await waitFor(() => seen().size === total, WAIT_MS, `all ${total} values across both runs`);
    // QoS 1 is at least once: a message may come twice, but none may be missing.
    expect(first.readings).toHaveLength(20);
  });

  it('keeps a persistent session and its queued messages across a broker restart', async () => {
    const p = prefix();
    const clientId = `hazgate-persistent-${randomUUID().slice(0, 8)}`;
    const first = harness(broker.url, `${p}/{point}`, { clientId });
    await first.start();
    await first.adapter.stop();
    const pub = await publisher(broker.url);
    await pub.publishAsync(`${p}/GT-9`, '9', { qos: 1 });
    await broker.restart(); // SIGTERM saves sessions and queued messages to disk
    const second = harness(broker.url, `${p}/{point}`, { clientId });
    await second.start();
    await waitFor(() => second.readings.length === 1, WAIT_MS, 'the message queued before the restart');
    expect(second.readings[0]).toMatchObject({ pointId: 'GT-9', value: 9 });
  });
});

describe('MQTT adapter across a broker that forgets sessions', () => {
  let broker: MosquittoInstance;

  beforeAll(async () => {
    broker = await startMosquitto({ persistence: false });
  });
  afterAll(async () => {
    await broker.dispose();
  });

  it('reconnects after a broker restart, resubscribes and receives new messages', async () => {
    const p = prefix();
    const h = harness(broker.url, `${p}/{point}`);
    await h.start();
    await broker.stop();
    await waitFor(() => h.state() === 'down', WAIT_MS, 'the adapter to report down');
    expect(h.errors.map((e) => e.code)).toEqual(['HG_ERR_MQTT_CONNECT']);
    await broker.restart();
    await waitFor(() => h.state() === 'up', WAIT_MS, 'the adapter to reconnect and resubscribe');
    expect(h.adapter.stats.reconnects).toBe(1);
    // The restarted broker has no session for us: only a fresh SUBSCRIBE lets this through.
    const pub = await publisher(broker.url);
    await pub.publishAsync(`${p}/GT-1`, '41', { qos: 1 });
    await waitFor(() => h.readings.length === 1, WAIT_MS, 'a message after the restart');
    expect(h.readings[0]).toMatchObject({ pointId: 'GT-1', value: 41 });
  });
});

describe('embedded broker', () => {
  let embedded: EmbeddedBroker | undefined;

  afterEach(async () => {
    await embedded?.stop();
    embedded = undefined;
  });

  it('accepts a publisher and the adapter receives through it', async () => {
    embedded = createEmbeddedBroker(embeddedBrokerSchema.parse({ enabled: true, port: 0 }));
    const { url, port } = await embedded.start();
    expect(port).toBeGreaterThan(0);
    const p = prefix();
    const h = harness(url, `${p}/{point}`);
    await h.start();
    const pub = await publisher(url);
    await pub.publishAsync(`${p}/GT-5`, '{"value": 5}', { qos: 1 });
    await waitFor(() => h.readings.length === 1, WAIT_MS, 'a reading through the embedded broker');
    expect(h.readings[0]).toMatchObject({ pointId: 'GT-5', value: 5 });
    await embedded.stop();
    embedded = undefined;
    await waitFor(() => h.state() === 'down', WAIT_MS, 'the adapter to see the broker go away');
  });

  it('rejects with HG_ERR_BROKER_LISTEN when the port is taken', async () => {
    embedded = createEmbeddedBroker(embeddedBrokerSchema.parse({ enabled: true, port: 0 }));
    const { port } = await embedded.start();
    const second = createEmbeddedBroker(embeddedBrokerSchema.parse({ enabled: true, port }));
    await expect(second.start()).rejects.toMatchObject({ code: 'HG_ERR_BROKER_LISTEN' });
  });

  it('lets the adapter start while the broker is down and connect once it comes up', async () => {
    const port = await freePort();
    const h = harness(`mqtt://127.0.0.1:${port}`, 'plant/{point}');
    await h.start();
    expect(h.state()).toBe('down');
    expect(h.errors.map((e) => e.code)).toEqual(['HG_ERR_MQTT_CONNECT']);
    embedded = createEmbeddedBroker(embeddedBrokerSchema.parse({ enabled: true, port }));
    await embedded.start();
    await waitFor(() => h.state() === 'up', WAIT_MS, 'the adapter to connect to the late broker');
    expect(h.errors).toHaveLength(1);
  });
});
