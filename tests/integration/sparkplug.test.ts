import { randomUUID } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openMqttJsClient } from '../../adapters/lib/mqtt/index.js';
import { createSparkplugAdapter, hostConnector, REBIRTH_METRIC, type SparkplugAdapter } from '../../adapters/sparkplug/index.js';
import { builtinScenarioFile, loadScenario, startSparkplugEdge, type RunningSparkplugEdge, type Scenario } from '../../devices/index.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Point } from '../../src/core/point.js';
import type { Sample } from '../../src/core/sample.js';
import { decodeSparkplugPayload, encodeSparkplugPayload, SPARKPLUG_DATATYPE as T } from '../../src/core/sparkplug-payload.js';
import { Ingest } from '../../src/pipeline/ingest.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';

/**
 * The Sparkplug host adapter against a real Mosquitto and the simulated edge node of
 * devices/sparkplug playing tank-farm-leak: readings go through the real pipeline (Ingest) into
 * samples. Every test has its own group so retained STATE and wills never cross tests.
 */

const WAIT_MS = 10_000;
const POINT_IDS = ['GT-101', 'GT-102', 'GT-103', 'GT-104', 'AT-201', 'AT-202', 'TK101.LT', 'TK101.TT'];
const points: Point[] = POINT_IDS.map((id) => ({ id, name: id, kind: 'gas', unit: '', range: [0, 500], area: 'a', type: 'number', attrs: {} }) as unknown as Point);

let broker: MosquittoInstance;
let scenario: Scenario;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  broker = await startMosquitto({ persistence: false });
  scenario = await loadScenario(builtinScenarioFile('tank-farm-leak'));
});
afterAll(async () => {
  await broker.dispose();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Host {
  readonly adapter: SparkplugAdapter;
  readonly samples: Sample[];
  readonly rejected: string[];
  /** The MQTT.js client of the host's current connection (to kill it without DISCONNECT). */
  client(): MqttClient | undefined;
  latest(pointId: string): Sample | undefined;
}

async function startHost(group: string, hostId: string, overrides: Record<string, unknown> = {}): Promise<Host> {
  let current: MqttClient | undefined;
  const connect = hostConnector((url, options, onPublish) => {
    current = openMqttJsClient(url, options, onPublish);
    return current;
  });
  const adapter = createSparkplugAdapter(
    { kind: 'sparkplug', id: 'spb', url: broker.url, clientId: `hg-${randomUUID().slice(0, 8)}`, hostId, groups: [group], point: '{metric}', reorderTimeout: 500, rebirthInterval: 200, backoff: { initial: 100, max: 500 }, ...overrides },
    { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' },
    { connect },
  );
  const samples: Sample[] = [];
  const rejected: string[] = [];
  const ingest = new Ingest({ points, clock: systemClock, maxFutureMs: 300_000, onSample: (s) => samples.push(s), onReject: (e) => rejected.push(e.code) });
  await adapter.start(ingest.accept, (e) => rejected.push(e.code), () => undefined);
  cleanups.push(() => adapter.stop());
  return { adapter, samples, rejected, client: () => current, latest: (id) => samples.findLast((s) => s.pointId === id) };
}

async function startEdge(group: string, node = 'Edge1'): Promise<RunningSparkplugEdge> {
  const edge = await startSparkplugEdge({ scenario, url: broker.url, group, node, devices: [{ id: 'GasCtl', points: ['GT-101', 'GT-102', 'GT-103', 'GT-104'] }] });
  cleanups.push(() => edge.stop());
  return edge;
}

/** A client recording every message under `filter` (retained ones included). */
async function spy(filter: string): Promise<{ messages: { topic: string; payload: Buffer; retain: boolean }[] }> {
  const client = await connectAsync(broker.url, { clientId: `spy-${randomUUID().slice(0, 8)}`, reconnectPeriod: 0 });
  const messages: { topic: string; payload: Buffer; retain: boolean }[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload, retain: packet.retain }));
  await client.subscribeAsync(filter, { qos: 1 });
  cleanups.push(() => client.endAsync(true));
  return { messages };
}

function group(): string {
  return `G${randomUUID().slice(0, 8)}`;
}

const isRebirth = (m: { topic: string; payload: Buffer }): boolean => m.topic.includes('/NCMD/') && decodeSparkplugPayload(m.payload).metrics.some((x) => x.name === REBIRTH_METRIC && x.booleanValue === true);

describe('Sparkplug host against Mosquitto and the simulated edge node', () => {
  it('takes births then data by alias into samples with device time; sends no command but Rebirth', async () => {
    const g = group();
    const commands = await spy(`spBv1.0/${g}/+/#`);
    const host = await startHost(g, `h-${g}`);
    await startEdge(g);
    await waitFor(() => host.samples.filter((s) => s.pointId === 'GT-101').length >= 3, WAIT_MS, 'three GT-101 samples');
    const sample = host.latest('GT-101');
    expect(sample).toMatchObject({ quality: { level: 'good' }, tsSource: 'device' });
    expect(sample?.value).toBeGreaterThanOrEqual(0);
    expect(host.latest('TK101.LT')?.value).toBeGreaterThan(50);
    expect(host.adapter.stats).toMatchObject({ births: 2 });
    expect(host.adapter.stats.messages.DDATA).toBeGreaterThan(0);
    expect(host.rejected).toEqual([]);
    const cmds = commands.messages.filter((m) => m.topic.includes('CMD/'));
    expect(cmds.every(isRebirth)).toBe(true);
    expect(commands.messages.some((m) => m.topic.includes('/DCMD/'))).toBe(false);
  });

  it('publishes STATE online (retained) after subscribing, offline as its will when it dies, online again on reconnect, offline on a clean stop', async () => {
    const g = group();
    const hostId = `h-${g}`;
    const host = await startHost(g, hostId);
    const state = await spy(`spBv1.0/STATE/${hostId}`);
    const parsed = (): { online: boolean; timestamp: number; retain: boolean }[] => state.messages.map((m) => ({ ...(JSON.parse(m.payload.toString()) as { online: boolean; timestamp: number }), retain: m.retain }));
    await waitFor(() => parsed().length >= 1, WAIT_MS, 'the retained STATE');
    expect(parsed()[0]).toMatchObject({ online: true, retain: true });
    const firstTs = parsed()[0]?.timestamp ?? 0;
    host.client()?.stream.destroy();
    await waitFor(() => parsed().some((s) => !s.online), WAIT_MS, 'the will: STATE offline');
    const will = parsed().find((s) => !s.online);
    // The will of a connection carries that connection's timestamp, as its online STATE did.
    expect(will?.timestamp).toBe(firstTs);
    await waitFor(() => parsed().filter((s) => s.online).length >= 2, WAIT_MS, 'STATE online after the reconnect');
    expect(parsed().at(-1)?.timestamp).toBeGreaterThan(firstTs);
    await host.adapter.stop();
    await waitFor(() => parsed().at(-1)?.online === false, WAIT_MS, 'STATE offline at a clean stop');
    const late = await spy(`spBv1.0/STATE/${hostId}`);
    await waitFor(() => late.messages.length === 1, WAIT_MS, 'the retained STATE for a new subscriber');
    expect(late.messages[0]?.retain).toBe(true);
    expect(JSON.parse(late.messages[0]?.payload.toString() ?? '{}')).toMatchObject({ online: false });
  });

  it('marks a node killed without DISCONNECT bad (comm-lost) through its NDEATH will, and good again on its next birth', async () => {
    const g = group();
    const host = await startHost(g, `h-${g}`);
    const edge = await startEdge(g);
    await waitFor(() => host.latest('GT-101') !== undefined && host.latest('TK101.LT') !== undefined, WAIT_MS, 'samples');
    const firstBdSeq = edge.bdSeq;
    await edge.die();
    await waitFor(() => host.latest('GT-101')?.quality.level === 'bad' && host.latest('TK101.LT')?.quality.level === 'bad', WAIT_MS, 'the node and its device going bad');
    expect(host.latest('GT-101')?.quality).toEqual({ level: 'bad', reason: 'comm-lost' });
    expect(host.adapter.stats.deaths).toBe(1);
    await edge.revive();
    expect(edge.bdSeq).toBe(firstBdSeq + 1);
    await waitFor(() => host.latest('GT-101')?.quality.level === 'good', WAIT_MS, 'GT-101 good after the rebirth');
    expect(host.adapter.stats.births).toBeGreaterThanOrEqual(4);
  });

  it('requests a rebirth (NCMD) when a seq gap is not closed within the reorder timeout, and the node is born again', async () => {
    const g = group();
    const commands = await spy(`spBv1.0/${g}/NCMD/#`);
    const host = await startHost(g, `h-${g}`);
    const edge = await startEdge(g);
    await waitFor(() => host.latest('GT-101') !== undefined, WAIT_MS, 'samples');
    edge.skipSeq();
    await waitFor(() => commands.messages.some(isRebirth), WAIT_MS, 'NCMD Node Control/Rebirth');
    expect(host.adapter.stats.seqGaps).toBe(1);
    expect(host.adapter.stats.rebirths['seq-gap']).toBe(1);
    await waitFor(() => edge.stats.rebirthCommands === 1 && edge.stats.births === 2, WAIT_MS, 'the edge node born again');
  });

  it('requests no rebirth when the missing message arrives late but within the reorder timeout', async () => {
    const g = group();
    const host = await startHost(g, `h-${g}`, { reorderTimeout: 3000 });
    const edge = await startEdge(g);
    await waitFor(() => host.latest('GT-101') !== undefined, WAIT_MS, 'samples');
    const before = host.adapter.stats.readings;
    edge.delayNext(300);
    // Three ticks later the delayed message has long arrived and been taken in order.
    await waitFor(() => host.adapter.stats.readings >= before + 3 * POINT_IDS.length, WAIT_MS, 'three ticks after the delayed message');
    expect(host.adapter.stats).toMatchObject({ seqHeld: 1, seqGaps: 0, seqLate: 0 });
    expect(host.adapter.stats.rebirths['seq-gap']).toBe(0);
    expect(edge.stats.rebirthCommands).toBe(0);
  });

  it('re-maps aliases after a rebirth with a new alias table', async () => {
    const g = group();
    const host = await startHost(g, `h-${g}`);
    const edge = await startEdge(g);
    await waitFor(() => host.latest('GT-101') !== undefined, WAIT_MS, 'samples');
    const births = host.adapter.stats.births;
    edge.setAliasBase(1000);
    await edge.rebirth();
    await waitFor(() => host.adapter.stats.births === births + 2, WAIT_MS, 'the NBIRTH and DBIRTH with the new aliases');
    const after = host.samples.length;
    await waitFor(() => host.samples.slice(after).filter((s) => s.pointId === 'GT-101').length >= 2, WAIT_MS, 'GT-101 by its new alias');
    expect(host.adapter.stats.unknownAliases).toBe(0);
    expect(host.samples.slice(after).every((s) => s.quality.level === 'good')).toBe(true);
  });

  it('does not let historical metrics overwrite live values', async () => {
    const g = group();
    const host = await startHost(g, `h-${g}`);
    const node = await connectAsync(broker.url, { clientId: `raw-${g}`, reconnectPeriod: 0 });
    cleanups.push(() => node.endAsync(true));
    const now = Date.now();
    const publish = (type: string, seq: number, metrics: Parameters<typeof encodeSparkplugPayload>[0]['metrics']): Promise<unknown> =>
      node.publishAsync(`spBv1.0/${g}/${type}/Raw`, Buffer.from(encodeSparkplugPayload({ timestamp: now, seq, metrics })), { qos: 0 });
    await publish('NBIRTH', 0, [{ name: 'bdSeq', datatype: T.Int64, value: 0 }, { name: 'GT-101', alias: 1, datatype: T.Double, value: 2, timestamp: now }]);
    await publish('NDATA', 1, [{ alias: 1, datatype: T.Double, value: 5, timestamp: now + 1 }]);
    await publish('NDATA', 2, [{ alias: 1, datatype: T.Double, value: 99, timestamp: now - 60_000, isHistorical: true }]);
    await publish('NDATA', 3, [{ alias: 1, datatype: T.Double, value: 7, timestamp: now + 2 }]);
    await waitFor(() => host.latest('GT-101')?.value === 7, WAIT_MS, 'the live value 7');
    expect(host.samples.filter((s) => s.pointId === 'GT-101').map((s) => s.value)).toEqual([2, 5, 7]);
    expect(host.adapter.stats.skipped.historical).toBe(1);
  });

  it('subscribes to its own STATE: a retained offline STATE for its id from another client (an old will after a partition) is answered with online', async () => {
    const g = group();
    const hostId = `h-${g}`;
    const host = await startHost(g, hostId);
    const state = await spy(`spBv1.0/STATE/${hostId}`);
    const parsed = (): { online: boolean; timestamp: number }[] => state.messages.map((m) => JSON.parse(m.payload.toString()) as { online: boolean; timestamp: number });
    await waitFor(() => parsed().length >= 1, WAIT_MS, 'the retained STATE online');
    const ts = parsed()[0]?.timestamp;
    const other = await connectAsync(broker.url, { clientId: `old-${g}`, reconnectPeriod: 0 });
    cleanups.push(() => other.endAsync(true));
    await other.publishAsync(`spBv1.0/STATE/${hostId}`, JSON.stringify({ online: false, timestamp: (ts ?? 0) - 1000 }), { qos: 1, retain: true });
    await waitFor(() => parsed().at(-1)?.online === true && parsed().length >= 3, WAIT_MS, 'STATE online again');
    expect(parsed().at(-1)?.timestamp).toBe(ts);
    expect(host.adapter.stats.stateRepublished).toBe(1);
    // What a subscriber arriving now (an edge node waiting for its primary host) is given: online.
    const late = await spy(`spBv1.0/STATE/${hostId}`);
    await waitFor(() => late.messages.length === 1, WAIT_MS, 'the retained STATE');
    expect(JSON.parse(late.messages[0]?.payload.toString() ?? '{}')).toMatchObject({ online: true, timestamp: ts });
  });

  it('the simulated edge node answers two Rebirth commands at once with two whole sets of births, one after the other (seq 0, 1; 0, 1), no data between', async () => {
    const g = group();
    const wire = await spy(`spBv1.0/${g}/+/Edge1/#`);
    const edge = await startEdge(g);
    await waitFor(() => wire.messages.some((m) => m.topic.includes('/DBIRTH/')), WAIT_MS, 'the first births');
    const from = wire.messages.length;
    await Promise.all([edge.rebirth(), edge.rebirth()]);
    await waitFor(() => wire.messages.slice(from).filter((m) => m.topic.includes('BIRTH')).length >= 4, WAIT_MS, 'two sets of births');
    const seen = wire.messages.slice(from).map((m) => `${m.topic.split('/')[2] ?? ''}:${decodeSparkplugPayload(m.payload).seq ?? ''}`);
    const births = seen.filter((x) => x.includes('BIRTH'));
    expect(births.slice(0, 4)).toEqual(['NBIRTH:0', 'DBIRTH:1', 'NBIRTH:0', 'DBIRTH:1']);
    // Nothing between an NBIRTH and its DBIRTH.
    seen.forEach((x, i) => {
      if (x.startsWith('NBIRTH')) expect(seen[i + 1]).toBe('DBIRTH:1');
    });
  });
});
