import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtinScenarioFile, loadScenario } from '../../devices/simulator/load.js';
import { startMqttSimulator, type MqttSimulatorOptions, type RunningSimulator } from '../../devices/simulator/mqtt-publisher.js';
import { parseScenario } from '../../devices/simulator/parse.js';
import { freePort, startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';

const WAIT_MS = 10_000;

interface Received {
  readonly topic: string;
  readonly payload: unknown;
  readonly at: number;
}

const scenario = parseScenario(
  `scenario: it-fast
tickMs: 100
loop: true
durationS: 2
points:
  GT-101: { base: 1.5 }
  GT-102: { base: 30, range: [0, 100], signal: 4-20mA }
  XV-1: { base: true }
events:
  - { at: 1s, point: GT-101, silent: { for: 500ms } }
`,
  'it-fast.yaml',
);

let broker: MosquittoInstance;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  broker = await startMosquitto({ persistence: false });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await broker.dispose();
});

/** A plain mqtt.js subscriber that records what arrives under `<prefix>/#`. */
async function subscribe(prefix: string): Promise<Received[]> {
  const received: Received[] = [];
  const client: MqttClient = await connectAsync(broker.url, { clientId: `it-sub-${prefix.replaceAll('/', '-')}`, reconnectPeriod: 100 });
  cleanups.push(() => client.endAsync(true));
  client.on('message', (topic, payload) => received.push({ topic, payload: JSON.parse(payload.toString()), at: Date.now() }));
  await client.subscribeAsync(`${prefix}/#`, { qos: 1 });
  return received;
}

async function simulate(options: Partial<MqttSimulatorOptions> & Pick<MqttSimulatorOptions, 'topicPrefix'>): Promise<RunningSimulator> {
  const sim = await startMqttSimulator({ scenario, url: broker.url, clientId: `it-sim-${options.topicPrefix ?? ''}`.replaceAll('/', '-'), ...options });
  cleanups.push(() => sim.stop());
  return sim;
}

describe('MQTT simulator against Mosquitto', () => {
  it('publishes every point as <prefix>/<id> with {value, ts}', async () => {
    const received = await subscribe('it/single');
    const before = Date.now();
    await simulate({ topicPrefix: 'it/single' });
    await waitFor(() => received.length >= 9, WAIT_MS, 'three ticks of three points');
    expect(received.slice(0, 3).map((r) => r.topic)).toEqual(['it/single/GT-101', 'it/single/GT-102', 'it/single/XV-1']);
    expect(received[0]?.payload).toEqual({ value: 1.5, ts: expect.any(Number) });
    // 30 %LEL on a 0-100 range is 4 + 16 · 0.3 = 8.8 mA on the wire.
    expect(received[1]?.payload).toMatchObject({ value: 8.8 });
    expect(received[2]?.payload).toMatchObject({ value: true });
    for (const { payload } of received) {
      const ts = (payload as { ts: number }).ts;
      expect(ts).toBeGreaterThanOrEqual(before);
      expect(ts).toBeLessThanOrEqual(Date.now());
    }
  });

  it('leaves a silent point out', async () => {
    const received = await subscribe('it/silent');
    await simulate({ topicPrefix: 'it/silent', qos: 0 });
    await waitFor(() => received.filter((r) => r.topic.endsWith('XV-1')).length >= 16, WAIT_MS, '16 ticks');
    const gt101 = received.filter((r) => r.topic.endsWith('GT-101')).length;
    const xv1 = received.filter((r) => r.topic.endsWith('XV-1')).length;
    // Ticks 10-14 of every 20 are silent for GT-101.
    expect(gt101).toBeLessThan(xv1);
  });

  it('publishes one array per tick in array mode', async () => {
    const received = await subscribe('it/array');
    await simulate({ topicPrefix: 'it/array', batch: 'array' });
    await waitFor(() => received.length >= 2, WAIT_MS, 'two array messages');
    expect(received[0]?.topic).toBe('it/array');
    expect(received[0]?.payload).toEqual([
      { id: 'GT-101', value: 1.5, ts: expect.any(Number) },
      { id: 'GT-102', value: 8.8, ts: expect.any(Number) },
      { id: 'XV-1', value: true, ts: expect.any(Number) },
    ]);
  });

  it('publishes the demo scenario on hazgate/demo', async () => {
    const received = await subscribe('hazgate/demo');
    const demo = await loadScenario(builtinScenarioFile('tank-farm-leak'));
    await simulate({ scenario: demo, topicPrefix: 'hazgate/demo' });
    await waitFor(() => received.length >= demo.points.length, WAIT_MS, 'the first tick of the demo');
    expect(new Set(received.map((r) => r.topic))).toEqual(new Set(demo.points.map((p) => `hazgate/demo/${p.id}`)));
  });

  it('publishes nothing after stop', async () => {
    const received = await subscribe('it/stop');
    const sim = await simulate({ topicPrefix: 'it/stop' });
    await waitFor(() => received.length >= 3, WAIT_MS, 'a tick');
    await sim.stop();
    const count = received.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received.length).toBe(count);
  });

  it('reconnects when the broker comes back and publishes again', async () => {
    const sim = await simulate({ topicPrefix: 'it/reconnect' });
    await waitFor(() => sim.stats.published >= 3, WAIT_MS, 'a tick');
    await broker.restart();
    await waitFor(() => sim.stats.connects >= 2, WAIT_MS, 'the simulator to reconnect');
    const received = await subscribe('it/reconnect');
    await waitFor(() => received.length >= 3, WAIT_MS, 'messages after the restart');
    expect(sim.stats.disconnects).toBeGreaterThanOrEqual(1);
  });

  it('rejects with HG_ERR_MQTT_CONNECT when no broker answers', async () => {
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    await expect(startMqttSimulator({ scenario, url, connectTimeoutMs: 500 })).rejects.toMatchObject({ code: 'HG_ERR_MQTT_CONNECT', details: { url } });
  });
});
