import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVideoMqttAdapter, type VideoMqttAdapter } from '../../adapters/video/index.js';
import { videoMqttSchema } from '../../adapters/video/schema.js';
import { isapiAlertXml } from '../../devices/video/index.js';
import { silentLogger, systemClock, type ComponentStatus, type HazgateError, type Observation, type VideoEvent } from '../../src/core/index.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';

const WAIT_MS = 10_000;
const sample = (name: string): string => readFileSync(new URL(`../../adapters/video/samples/${name}`, import.meta.url), 'utf8');

interface Harness {
  readonly adapter: VideoMqttAdapter;
  readonly observations: Observation[];
  readonly errors: HazgateError[];
  readonly statuses: ComponentStatus[];
  start(): Promise<void>;
  events(): VideoEvent[];
  state(): string | undefined;
}

const cleanups: (() => Promise<void>)[] = [];
let broker: MosquittoInstance;

beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker.dispose();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function harness(prefix: string, clientId = `hazgate-video-${randomUUID().slice(0, 8)}`): Harness {
  const config = videoMqttSchema.parse({
    kind: 'video-mqtt',
    id: 'it-video-mqtt',
    url: broker.url,
    clientId,
    reconnectMs: 100,
    connectTimeoutMs: 2_000,
    maxPayloadBytes: 16 * 1024,
    subscriptions: [
      { topic: `${prefix}/+/events`, qos: 1, format: 'generic' },
      { topic: `${prefix}/isapi/#`, qos: 1, format: 'isapi' },
    ],
    cameras: [{ cameraId: 'CAM-LB', ipAddress: '10.20.0.31', channel: 2, zoneId: 'loading-bay' }],
  });
  const adapter = createVideoMqttAdapter(config, { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' });
  const h: Harness = {
    adapter,
    observations: [],
    errors: [],
    statuses: [],
    start: () =>
      adapter.start(
        () => undefined,
        (e) => h.errors.push(e),
        (s) => h.statuses.push(s),
        (o) => h.observations.push(o),
      ),
    events: () => h.observations.flatMap((o) => (o.type === 'video' ? [o.event] : [])),
    state: () => h.statuses.at(-1)?.state,
  };
  cleanups.push(() => adapter.stop());
  return h;
}

async function publisher(): Promise<MqttClient> {
  const client = await connectAsync(broker.url, { clientId: `pub-${randomUUID().slice(0, 8)}`, reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync(true));
  return client;
}

const topicPrefix = (): string => `hazgate/it-video/${randomUUID().slice(0, 8)}`;

describe('video-mqtt adapter against Mosquitto', () => {
  it('takes generic events, ISAPI JSON and ISAPI XML from their topics', async () => {
    const prefix = topicPrefix();
    const h = harness(prefix);
    await h.start();
    expect(h.state()).toBe('up');
    const pub = await publisher();
    await pub.publishAsync(`${prefix}/box-5/events`, JSON.stringify([{ cameraId: 'cam-07', type: 'no-helmet', zoneId: 'unit-2' }, { cameraId: 'cam-07', type: 'heartbeat' }]), { qos: 1 });
    await pub.publishAsync(`${prefix}/isapi/10.20.0.31`, sample('isapi-smoking.json'), { qos: 1 });
    await pub.publishAsync(`${prefix}/isapi/10.20.0.11`, isapiAlertXml({ camera: { ipAddress: '10.20.0.11', channel: 1, channelName: 'North', macAddress: 'x' }, eventType: 'linedetection', eventState: 'active', activePostCount: 1, at: Date.now() }), { qos: 1 });
    await waitFor(() => h.events().length === 3, WAIT_MS, 'three detections');
    expect(h.events().map((e) => [e.type, e.cameraId, e.zoneId])).toEqual([
      ['no-helmet', 'cam-07', 'unit-2'],
      ['smoking', 'CAM-LB', 'loading-bay'],
      ['intrusion', '10.20.0.11/1', undefined],
    ]);
    expect(h.adapter.stats.heartbeats).toBe(4);
    expect(h.errors).toEqual([]);
  });

  it('counts and reports bad payloads and keeps going; repeats are de-duplicated', async () => {
    const prefix = topicPrefix();
    const h = harness(prefix);
    await h.start();
    const pub = await publisher();
    await pub.publishAsync(`${prefix}/box-5/events`, '{"cameraId": ', { qos: 1 });
    await pub.publishAsync(`${prefix}/isapi/x`, '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', { qos: 1 });
    await pub.publishAsync(`${prefix}/box-5/events`, JSON.stringify({ cameraId: 'cam-1', type: 'fall', pad: 'x'.repeat(20_000) }), { qos: 1 });
    await pub.publishAsync(`${prefix}/box-5/events`, JSON.stringify({ cameraId: 'cam-1', type: 'loitering' }), { qos: 1 });
    for (let i = 0; i < 3; i += 1) await pub.publishAsync(`${prefix}/box-5/events`, JSON.stringify({ cameraId: 'cam-1', type: 'fall' }), { qos: 1 });
    await waitFor(() => h.adapter.stats.messages === 7, WAIT_MS, 'seven messages');
    expect(h.adapter.stats.rejected).toEqual({ malformed: 2, 'too-large': 1, 'unknown-type': 1 });
    expect(h.errors.map((e) => e.code)).toEqual(['HG_ERR_INGEST_MALFORMED', 'HG_ERR_INGEST_MALFORMED', 'HG_ERR_INGEST_TOO_LARGE', 'HG_ERR_INGEST_MALFORMED']);
    expect(h.events().map((e) => e.type)).toEqual(['fall']);
    expect(h.adapter.stats.duplicates).toEqual({ fall: 2 });
    expect(h.state()).toBe('up');
  });

  it('survives a broker restart and gets, with its persistent session, what was published while it was stopped', async () => {
    const prefix = topicPrefix();
    const clientId = `hazgate-video-${randomUUID().slice(0, 8)}`;
    const h = harness(prefix, clientId);
    await h.start();
    await broker.restart();
    await waitFor(() => h.statuses.some((s) => s.state === 'down') && h.state() === 'up', WAIT_MS, 'down, then up again');
    expect(h.errors.map((e) => e.code)).toEqual(['HG_ERR_MQTT_CONNECT']);

    await h.adapter.stop();
    const pub = await publisher();
    await pub.publishAsync(`${prefix}/box-5/events`, JSON.stringify({ cameraId: 'cam-3', type: 'tamper' }), { qos: 1 });
    expect(h.events()).toEqual([]);
    await h.start();
    await waitFor(() => h.events().length === 1, WAIT_MS, 'the queued detection');
    expect(h.events()[0]).toMatchObject({ cameraId: 'cam-3', type: 'tamper' });
  });
});
