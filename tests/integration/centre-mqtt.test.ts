import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedAck, FeedBatch } from '../../src/core/index.js';
import { feedTopic, MqttTransport, partitionOf, signBody } from '../../src/uplink/index.js';
import { authHeaders, freePort, GatewayProcess, provisionToken } from '../support/gateway-process.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';
import { RecordingWsClient } from '../support/ws-client.js';
import { FixtureSite, tamper } from '../unit/centre-fixtures.js';

/**
 * A real `hazgate centre` taking feeds from a real Mosquitto, sent by the gateways' own
 * MqttTransport (plant-a signs over MQTT 5, plant-b speaks MQTT 3.1.1): acks come back on
 * hazgate/v1/ack/<site>, duplicates change nothing, a gap waits for its retransmission, a tampered
 * record is named, a bad signature, an unknown site and the wrong partition are refused and
 * counted, and batches published while the centre is down are applied when it comes back.
 */
const KEYS = { 'plant-a': 'plant-a-feed-key-0123456789abcdef', 'plant-b': 'plant-b-feed-key-0123456789abcdef' } as const;
const PARTITIONS = 16;
const CONFIG = `
centre: { id: prov-mqtt }
store: { dir: "\${HG_CENTRE_DATA}" }
server: { port: \${HG_CENTRE_PORT} }
mqtt: { url: "\${HG_BROKER}", clientId: centre-it, partitions: ${PARTITIONS}, serve: all, protocolVersion: 5 }
sites:
  - { id: plant-a, key: "\${HG_KEY_A}" }
  - { id: plant-b, key: "\${HG_KEY_B}" }
`;
const T0 = Date.UTC(2026, 10, 28, 9);

let dir: string;
let broker: MosquittoInstance;
let centre: GatewayProcess;
let base: string;
let env: Record<string, string>;
let a: FixtureSite;
let b: FixtureSite;
/** A viewer of every site. */
let token: string;
const transports: { site: string; transport: MqttTransport; acks: FeedAck[] }[] = [];

async function startCentre(): Promise<void> {
  centre = GatewayProcess.spawn(['centre', '--config', join(dir, 'centre.yaml')], env);
  await centre.waitReady(base);
}

async function gateway(site: 'plant-a' | 'plant-b', protocolVersion: 4 | 5): Promise<{ transport: MqttTransport; acks: FeedAck[] }> {
  const transport = new MqttTransport({ url: broker.url, site, partitions: PARTITIONS, protocolVersion, ...(protocolVersion === 5 ? { signingKey: KEYS[site] } : {}) });
  const entry = { site, transport, acks: [] as FeedAck[] };
  transport.onAck((ack) => entry.acks.push(ack));
  transports.push(entry);
  await transport.start();
  return entry;
}

/** Sends (retrying while the transport is not yet subscribed) and waits for the ack that follows. */
async function deliver(g: { transport: MqttTransport; acks: FeedAck[] }, batch: FeedBatch): Promise<number> {
  const seen = g.acks.length;
  await waitFor(async () => g.transport.send(batch).then(() => true), 10_000, 'the broker to take the batch', 100);
  await waitFor(() => g.acks.length > seen, 10_000, 'the centre\'s ack');
  return g.acks[g.acks.length - 1]?.upto ?? -1;
}

async function publishRaw(topic: string, text: string, signature?: string): Promise<void> {
  const client = await mqtt.connectAsync(broker.url, { clientId: `raw-${Math.random()}`, protocolVersion: 5 });
  await client.publishAsync(topic, text, { qos: 1, ...(signature === undefined ? {} : { properties: { userProperties: { 'x-hazgate-signature': signature } } }) });
  await client.endAsync();
}

interface SiteView {
  site: string;
  lastSeq: number;
  ackUpto: number;
  gaps: { open: number[][]; lost: number[][] };
  chain: { verdict: string; tampered: { seq: number; problem: string }[] };
  alarms: { total: number };
  messages: { applied: number; duplicates: number };
}

async function siteView(id: string): Promise<SiteView | undefined> {
  return ((await (await fetch(`${base}/api/sites`, { headers: authHeaders(token) })).json()) as { sites: SiteView[] }).sites.find((s) => s.site === id);
}

async function metric(line: string): Promise<number> {
  const m = new RegExp(`^${line.replace(/[{}"]/g, (c) => `\\${c}`)} (\\d+)$`, 'm').exec(await (await fetch(`${base}/metrics`)).text());
  return Number(m?.[1] ?? 0);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hg-centre-mqtt-'));
  writeFileSync(join(dir, 'centre.yaml'), CONFIG);
  broker = await startMosquitto();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  env = { HG_CENTRE_DATA: join(dir, 'centre'), HG_CENTRE_PORT: String(port), HG_BROKER: broker.url, HG_KEY_A: KEYS['plant-a'], HG_KEY_B: KEYS['plant-b'] };
  token = provisionToken(join(dir, 'centre', 'auth'), 'inspector', 'viewer');
  a = new FixtureSite('plant-a', join(dir, 'gw-a'));
  b = new FixtureSite('plant-b', join(dir, 'gw-b'));
  await startCentre();
  await waitFor(async () => (await metric('hazgate_centre_mqtt_up')) === 1, 10_000, 'the centre on the broker');
}, 40_000);

afterAll(async () => {
  for (const t of transports) await t.transport.stop();
  await centre?.stop();
  a?.close();
  b?.close();
  await broker?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('hazgate centre over MQTT', () => {
  it('applies batches once and acknowledges them on the ack topic; gaps, tampering and refusals as over HTTP', async () => {
    const ga = await gateway('plant-a', 5);
    const gb = await gateway('plant-b', 4);
    const ws = await RecordingWsClient.connect(`${base.replace('http', 'ws')}/ws`, { token });

    a.journal([{ conditionId: 'gas/GT-101', state: 'active-unacked', priority: 1 }, { conditionId: 'gas/GT-102', state: 'active-unacked', priority: 2 }], T0);
    a.snapshot({ 'GT-101': 31.5 }, T0 + 1);
    const batchA = a.batch();
    expect(await deliver(ga, batchA)).toBe(3);
    expect(await deliver(ga, batchA)).toBe(3);
    expect(await siteView('plant-a')).toMatchObject({ lastSeq: 3, ackUpto: 3, messages: { applied: 3, duplicates: 3 }, alarms: { total: 2 }, chain: { verdict: 'ok' } });

    const bm = b.journal(Array.from({ length: 6 }, (_, i) => ({ conditionId: `ch4/CH4-${i % 3}`, state: 'active-unacked', priority: 1 as const })), T0);
    expect(await deliver(gb, b.batchOf(bm.slice(0, 2)))).toBe(2);
    expect(await deliver(gb, b.batchOf(bm.slice(4)))).toBe(2);
    expect(await siteView('plant-b')).toMatchObject({ gaps: { open: [[3, 4]] } });
    expect(await deliver(gb, b.batchOf(bm.slice(2, 4)))).toBe(6);
    expect(await siteView('plant-b')).toMatchObject({ ackUpto: 6, gaps: { open: [], lost: [] }, alarms: { total: 3 } });
    await ws.waitForMessage((m) => m.type === 'transition' && m['site'] === 'plant-b' && m['journalSeq'] === 4, 5000, 'plant-b\'s transitions live');

    expect(await deliver(ga, a.batchOf(a.journal([{ conditionId: 'gas/GT-101', state: 'normal', priority: 1 }], T0 + 10).map(tamper)))).toBe(4);
    expect(await siteView('plant-a')).toMatchObject({ chain: { verdict: 'tampered', tampered: [{ seq: 3, problem: 'hash-mismatch' }] }, alarms: { total: 2 } });
    await ws.waitForMessage((m) => m.type === 'site' && m['site'] === 'plant-a' && (m['chain'] as { verdict: string }).verdict === 'tampered', 5000, 'the tampered verdict live');

    // Refused, counted, never acknowledged: a forged signature, a site not configured, the wrong partition.
    const next = a.batchOf([a.status(T0 + 20)]);
    const text = JSON.stringify(next);
    await publishRaw(feedTopic('plant-a', PARTITIONS), text, signBody(text, 'not-the-key-of-plant-a-0123456'));
    await publishRaw(feedTopic('plant-x', PARTITIONS), JSON.stringify({ ...next, site: 'plant-x' }));
    await publishRaw(`hazgate/v1/feed/${(partitionOf('plant-a', PARTITIONS) + 1) % PARTITIONS}/plant-a`, text, signBody(text, KEYS['plant-a']));
    await waitFor(async () => (await metric('hazgate_centre_batches_refused_total{reason="wrong-partition"}')) === 1, 5000, 'the wrong partition refused');
    expect(await metric('hazgate_centre_batches_refused_total{reason="bad-signature"}')).toBe(1);
    expect(await metric('hazgate_centre_batches_refused_total{reason="unknown-site"}')).toBe(1);
    expect((await siteView('plant-a'))?.lastSeq).toBe(4);
    await ws.close();
  });

  it('applies what was published while it was down, and keeps its state over the restart', async () => {
    const before = await siteView('plant-b');
    await centre.kill9();
    const gb = transports.find((t) => t.site === 'plant-b');
    if (gb === undefined) throw new Error('no plant-b transport');
    const queued = b.batchOf(b.journal([{ conditionId: 'ch4/CH4-0', state: 'normal', priority: 1 }], T0 + 100));
    const seen = gb.acks.length;
    await gb.transport.send(queued);
    await startCentre();
    await waitFor(() => gb.acks.length > seen, 15_000, 'the ack of the batch queued at the broker');
    expect(gb.acks.at(-1)?.upto).toBe(7);
    expect(await siteView('plant-b')).toMatchObject({ lastSeq: 7, ackUpto: 7, gaps: before?.gaps, chain: { verdict: 'ok' }, alarms: { total: 2 }, messages: { applied: 7 } });
    expect(await siteView('plant-a')).toMatchObject({ chain: { verdict: 'tampered', tampered: [{ seq: 3 }] } });
  });
});
