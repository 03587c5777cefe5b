import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { HazgateError } from '../../src/core/index.js';
import { ackTopic, FEED_TOPIC_FILTER, MqttTransport, parseFeedBatch, parseFeedTopic, partitionOf, SqliteOutbox, UplinkSender, type UplinkSenderOptions } from '../../src/uplink/index.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';
import { CentreLedger, FeedWriter, isOneToN } from './uplink-centre-fixture.js';

/**
 * The feed over a real Mosquitto: the gateway's MqttTransport and UplinkSender on one side, a tiny
 * centre on the other that subscribes to hazgate/v1/feed/+/+, applies with CentreSiteState and
 * publishes acks on hazgate/v1/ack/<site>.
 */

const PARTITIONS = 16;
const cleanups: (() => Promise<void> | void)[] = [];
let broker: MosquittoInstance;

beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker.dispose();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The test centre: a persistent session, so acks and batches queued at the broker survive a restart of it. */
async function startCentre(url: string, clientId: string, protocolVersion: 4 | 5 = 4): Promise<{ ledger: CentreLedger; client: MqttClient; wrongPartition: () => number }> {
  const ledger = new CentreLedger();
  let wrongPartition = 0;
  const client = await connectAsync(url, { clientId, clean: false, protocolVersion, reconnectPeriod: 200, connectTimeout: 2_000 });
  // As the gateway does: no Nagle delay on small acks.
  const noDelay = (): void => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  noDelay();
  client.on('connect', noDelay);
  client.on('message', (topic, payload) => {
    const where = parseFeedTopic(topic);
    if (where === null) return;
    const batch = parseFeedBatch(JSON.parse(payload.toString('utf8')));
    if (where.site !== batch.site || where.partition !== partitionOf(batch.site, PARTITIONS)) wrongPartition++;
    const upto = ledger.apply(batch);
    client.publish(ackTopic(batch.site), JSON.stringify({ v: 1, site: batch.site, upto }), { qos: 1 });
  });
  await client.subscribeAsync(FEED_TOPIC_FILTER, { qos: 1 });
  cleanups.push(() => client.endAsync(true));
  return { ledger, client, wrongPartition: () => wrongPartition };
}

function gateway(site: string, options: Partial<UplinkSenderOptions> = {}, protocolVersion: 4 | 5 = 4) {
  const dir = mkdtempSync(join(tmpdir(), 'hg-uplink-it-'));
  const outbox = new SqliteOutbox({ dir, site, synchronous: 'normal' });
  const errors: HazgateError[] = [];
  const transport = new MqttTransport({ url: broker.url, site, partitions: PARTITIONS, protocolVersion, reconnect: { minMs: 200, maxMs: 1_000 }, connectTimeoutMs: 2_000, signingKey: 'k' });
  transport.onError((e) => errors.push(e));
  const sender = new UplinkSender({ outbox, transport, onError: (e) => errors.push(e), ...options });
  cleanups.push(async () => {
    await sender.stop();
    outbox.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { outbox, transport, sender, errors, writer: new FeedWriter(outbox) };
}

describe('uplink over MQTT (Mosquitto)', () => {
  it('delivers 500 messages exactly once and in order, on the site partition topic, acknowledged by the centre', async () => {
    const centre = await startCentre(broker.url, 'centre-it-1');
    const g = gateway('plant-3', { maxMessages: 20, ackTimeoutMs: 5_000 });
    g.writer.append(500);
    const t0 = performance.now();
    await g.sender.start();
    await waitFor(() => g.outbox.stats().ackedSeq === 500, 20_000, 'the centre to ack all 500 messages');
    const ms = performance.now() - t0;
    console.info(`uplink mqtt: 500 messages in batches of 20 acknowledged end to end in ${ms.toFixed(0)} ms (${((500 / ms) * 1000).toFixed(0)} messages/s)`);
    expect(g.transport.feedTopic).toBe(`hazgate/v1/feed/${partitionOf('plant-3', 16)}/plant-3`);
    expect(isOneToN(centre.ledger.received, 500)).toBe(true);
    const report = centre.ledger.report('plant-3');
    expect(report).toMatchObject({ applied: 500, duplicates: 0, gaps: [], ackUpto: 500 });
    expect(report.journal).toMatchObject({ segments: [[1, 400]], partial: false, tampered: [], missing: [] });
    expect(centre.wrongPartition()).toBe(0);
    expect(g.sender.stats()).toMatchObject({ batchesSent: 25, batchesResent: 0, acks: 25, ackTimeouts: 0, transportErrors: 0, refused: 0 });
    expect(g.outbox.stats().depth).toBe(0);
    expect(g.errors).toEqual([]);
  });

  it('measures throughput with batches of 100 over MQTT 5 (signature as a user property)', async () => {
    const centre = await startCentre(broker.url, 'centre-it-2', 5);
    const signatures: string[] = [];
    centre.client.on('message', (_topic, _payload, packet) => {
      const sig = packet.properties?.userProperties?.['x-hazgate-signature'];
      if (typeof sig === 'string') signatures.push(sig);
    });
    const g = gateway('plant-5', { maxMessages: 100 }, 5);
    g.writer.append(5_000);
    const t0 = performance.now();
    await g.sender.start();
    await waitFor(() => g.outbox.stats().ackedSeq === 5_000, 30_000, 'the centre to ack all 5000 messages');
    const ms = performance.now() - t0;
    console.info(`uplink mqtt 5: 5000 messages in batches of 100 acknowledged end to end in ${ms.toFixed(0)} ms (${((5_000 / ms) * 1000).toFixed(0)} messages/s)`);
    expect(isOneToN(centre.ledger.received, 5_000)).toBe(true);
    // MQTT 3.1.1 centres never see it; an MQTT 5 centre gets the same header as over HTTPS.
    expect(signatures).toHaveLength(50);
    expect(signatures.every((s) => /^sha256=[0-9a-f]{64}$/.test(s))).toBe(true);
  });

  it('loses nothing when the broker is stopped mid-stream and started again: copies arrive only as duplicates the centre state counts', async () => {
    const centre = await startCentre(broker.url, 'centre-it-3');
    const g = gateway('mine-9', { maxMessages: 10, ackTimeoutMs: 2_000, backoff: { minMs: 200, maxMs: 1_000 } });
    await g.sender.start();
    let appended = 0;
    const appendSome = (): void => {
      g.writer.append(5);
      appended += 5;
      g.sender.notify();
    };
    const ticker = setInterval(appendSome, 10);
    cleanups.push(() => clearInterval(ticker));
    await waitFor(() => g.outbox.stats().ackedSeq >= 150, 10_000, '150 messages acknowledged before the outage');
    await broker.stop();
    const outageFrom = appended;
    await new Promise((r) => setTimeout(r, 3_000));
    expect(g.transport.status().state).toBe('down');
    await broker.restart();
    await new Promise((r) => setTimeout(r, 1_000));
    clearInterval(ticker);
    const total = g.outbox.stats().lastSeq;
    expect(total).toBe(appended);
    expect(appended - outageFrom).toBeGreaterThan(100);
    await waitFor(() => g.outbox.stats().ackedSeq === total, 20_000, `the centre to ack all ${total} messages after the restart`);
    const report = centre.ledger.report('mine-9');
    expect(report).toMatchObject({ applied: total, highestSeq: total, gaps: [], ackUpto: total });
    expect([...centre.ledger.applied].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // Every message received more than once was reported as a duplicate, nothing else.
    expect(centre.ledger.received.length).toBe(total + report.duplicates);
    expect(report.journal).toMatchObject({ tampered: [], missing: [] });
    const stats = g.sender.stats();
    expect(stats.transportErrors + stats.ackTimeouts).toBeGreaterThan(0);
    expect(stats.transport.reconnects).toBeGreaterThanOrEqual(1);
    expect(g.errors.map((e) => e.code)).toContain('HG_ERR_UPLINK_TRANSPORT');
    console.info(`uplink mqtt outage: ${total} messages, ${appended - outageFrom} appended from the broker's stop to 1 s after its restart (3 s down); ${report.duplicates} duplicates at the centre; sender ${JSON.stringify({ ...stats, transport: undefined })}`);
  });
});
