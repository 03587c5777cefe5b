import { randomUUID } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocationMqttAdapter, type LocationMqttAdapter } from '../../adapters/location/index.js';
import { createMqttAdapter, type MqttAdapter } from '../../adapters/mqtt/adapter.js';
import { mqttAdapterSchema } from '../../adapters/mqtt/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { HazgateError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Adapter } from '../../src/core/ports.js';
import { runAdapter, type AdapterRun } from '../support/adapter-run.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { makeTestPki, type TestPki } from '../support/tls.js';
import { waitFor } from '../support/wait.js';

/**
 * MQTT-based adapters against a Mosquitto that speaks TLS and asks for a user name and password
 * (issue #11 item 3): one broker whose TLS listener takes any client, one that requires a client
 * certificate signed by the test CA. Readings arrive when everything is right; a wrong CA, a wrong
 * password or a missing client certificate is refused with HG_ERR_MQTT_CONNECT, once, the status
 * says down with the reason, and the adapter keeps trying (every attempt counted).
 */
const WAIT_MS = 10_000;
const USER = 'hazgate';
const PASSWORD = 'right-horse-battery';
/** The test's own publisher, over the plain listener (the same password file applies). */
const PUBLISHER = { username: 'publisher', password: 'publisher-pw' };

let pki: TestPki;
let broker: MosquittoInstance;
let certBroker: MosquittoInstance;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  pki = await makeTestPki();
  const users = { [USER]: PASSWORD, [PUBLISHER.username]: PUBLISHER.password };
  const tls = { ca: pki.ca, cert: pki.server.cert, key: pki.server.key };
  broker = await startMosquitto({ persistence: false, tls, users });
  certBroker = await startMosquitto({ persistence: false, tls: { ...tls, requireCertificate: true }, users });
}, 30_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await broker?.dispose();
  await certBroker?.dispose();
  await pki?.dispose();
});

function tlsUrl(b: MosquittoInstance): string {
  if (b.tlsUrl === undefined) throw new Error('the broker was started without tls');
  return b.tlsUrl;
}

function plantAdapter(url: string, topic: string, overrides: Record<string, unknown>): MqttAdapter {
  const config = mqttAdapterSchema.parse({
    kind: 'mqtt',
    id: 'it-tls',
    url,
    clientId: `hazgate-it-${randomUUID().slice(0, 8)}`,
    reconnectMs: 100,
    connectTimeoutMs: 2_000,
    username: USER,
    password: PASSWORD,
    subscriptions: [{ topic, qos: 1 }],
    ...overrides,
  });
  return createMqttAdapter(config, { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' });
}

function start<A extends Adapter>(adapter: A): Promise<AdapterRun<A>> {
  return runAdapter(adapter, (stop) => cleanups.push(stop));
}

async function publisher(b: MosquittoInstance): Promise<MqttClient> {
  const client = await connectAsync(b.url, { clientId: `it-pub-${randomUUID().slice(0, 8)}`, reconnectPeriod: 0, ...PUBLISHER });
  cleanups.push(() => client.endAsync(true));
  return client;
}

function topicPrefix(): string {
  return `hazgate/it/${randomUUID().slice(0, 8)}`;
}

/** Refused: one HG_ERR_MQTT_CONNECT for the outage, status down with its reason, and still retrying. */
async function expectRefusedAndRetrying(run: AdapterRun<MqttAdapter>, url: string): Promise<HazgateError> {
  expect(run.statuses.at(-1)?.state).toBe('down');
  await waitFor(() => (run.adapter.stats.errors.HG_ERR_MQTT_CONNECT ?? 0) >= 3, WAIT_MS, 'two more connection attempts');
  expect(run.statuses.at(-1)).toMatchObject({ state: 'down', reason: expect.any(String) });
  expect(run.errors.map((e) => e.code)).toEqual(['HG_ERR_MQTT_CONNECT']);
  const error = run.errors[0];
  if (error === undefined) throw new Error('no error');
  expect(error.message).toContain(`cannot connect to ${url}`);
  return error;
}

describe('mqtt adapter over TLS with username and password (Mosquitto)', () => {
  it('connects with the test CA and receives readings', async () => {
    const prefix = topicPrefix();
    const run = await start(plantAdapter(tlsUrl(broker), `${prefix}/{point}`, { tls: { ca: pki.ca } }));
    expect(run.statuses.at(-1)?.state).toBe('up');
    const pub = await publisher(broker);
    await pub.publishAsync(`${prefix}/GT-101`, JSON.stringify({ value: 12.5 }), { qos: 1 });
    await waitFor(() => run.latest('GT-101') !== undefined, WAIT_MS, 'the reading of GT-101');
    expect(run.latest('GT-101')).toMatchObject({ pointId: 'GT-101', value: 12.5 });
    expect(run.errors).toEqual([]);
  });

  it('presents its client certificate where the listener requires one, and receives readings', async () => {
    const prefix = topicPrefix();
    const run = await start(plantAdapter(tlsUrl(certBroker), `${prefix}/{point}`, { tls: { ca: pki.ca, ...pki.client } }));
    expect(run.statuses.at(-1)?.state).toBe('up');
    const pub = await publisher(certBroker);
    await pub.publishAsync(`${prefix}/PT-7`, JSON.stringify({ value: 0.82 }), { qos: 1 });
    await waitFor(() => run.latest('PT-7') !== undefined, WAIT_MS, 'the reading of PT-7');
    expect(run.latest('PT-7')?.value).toBe(0.82);
  });

  it('refuses a broker whose certificate does not chain to the configured CA, and keeps trying', async () => {
    const run = await start(plantAdapter(tlsUrl(broker), `${topicPrefix()}/{point}`, { tls: { ca: pki.otherCa } }));
    const error = await expectRefusedAndRetrying(run, tlsUrl(broker));
    expect(error.details['causeCode']).toBe('SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('refuses a wrong password (CONNACK not authorised), and keeps trying', async () => {
    const run = await start(plantAdapter(tlsUrl(broker), `${topicPrefix()}/{point}`, { password: 'wrong-secret', tls: { ca: pki.ca } }));
    const error = await expectRefusedAndRetrying(run, tlsUrl(broker));
    expect(error.details['causeCode']).toBe(5);
    expect(`${error.message} ${run.statuses.at(-1)?.reason}`).not.toContain('wrong-secret');
  });

  it('is refused without a client certificate where the listener requires one, and keeps trying', async () => {
    const run = await start(plantAdapter(tlsUrl(certBroker), `${topicPrefix()}/{point}`, { tls: { ca: pki.ca } }));
    const error = await expectRefusedAndRetrying(run, tlsUrl(certBroker));
    // The broker's TLS alert (TLS 1.3: certificate required), not a network failure.
    expect(error.details['causeCode']).toMatch(/^ERR_SSL_/);
    expect(run.statuses.at(-1)?.reason).toMatch(/^TLS: /);
  });

  it('is refused with a client certificate of another CA, and keeps trying', async () => {
    const run = await start(plantAdapter(tlsUrl(certBroker), `${topicPrefix()}/{point}`, { tls: { ca: pki.ca, ...pki.strangerClient } }));
    const error = await expectRefusedAndRetrying(run, tlsUrl(certBroker));
    expect(error.details['causeCode']).toMatch(/^ERR_SSL_/);
  });

  it('does not start when a TLS file cannot be read or is not PEM, naming the file (HG_ERR_CONFIG_READ)', async () => {
    const missing = `${pki.dir}/no-such-ca.crt`;
    const adapter = plantAdapter(tlsUrl(broker), `${topicPrefix()}/{point}`, { tls: { ca: missing } });
    const failed = await start(adapter).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(HazgateError);
    expect((failed as HazgateError).code).toBe('HG_ERR_CONFIG_READ');
    expect((failed as HazgateError).message).toContain(missing);
    expect((failed as HazgateError).details['files']).toEqual([missing]);

    // A key that is not the certificate's, and a certificate that is a key.
    const wrongPair = plantAdapter(tlsUrl(certBroker), `${topicPrefix()}/{point}`, { tls: { ca: pki.server.key, cert: pki.client.cert, key: pki.server.key } });
    const mismatch = (await wrongPair.start(() => undefined, () => undefined, () => undefined).catch((e: unknown) => e)) as HazgateError;
    expect(mismatch.code).toBe('HG_ERR_CONFIG_READ');
    expect(mismatch.details['files']).toEqual([pki.server.key]);
    expect(mismatch.message).toMatch(/tls\.ca .*server\.key is not a PEM certificate/);
    // The adapter opened nothing and may be started again with the right files.
    await wrongPair.stop();
  });
});

describe('location-mqtt adapter over TLS', () => {
  it('receives positions through the TLS listener with a client certificate and a password', async () => {
    const topic = `${topicPrefix()}/tags`;
    const adapter: LocationMqttAdapter = createLocationMqttAdapter(
      {
        kind: 'location-mqtt',
        id: 'it-uwb-tls',
        url: tlsUrl(certBroker),
        clientId: `hazgate-it-${randomUUID().slice(0, 8)}`,
        cleanSession: true,
        connectTimeoutMs: 2_000,
        username: USER,
        password: PASSWORD,
        tls: { ca: pki.ca, ...pki.client },
        backoff: { initial: 100, max: 1_000 },
        subscriptions: [{ topic, format: 'pozyx' }],
      },
      { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' },
    );
    const run = await start(adapter);
    expect(run.statuses.at(-1)?.state).toBe('up');
    const pub = await publisher(certBroker);
    const fix = { tagId: 'W001', timestamp: Date.now() / 1000, success: true, data: { coordinates: { x: 12_000, y: 3_500, z: 1_200 } } };
    await pub.publishAsync(topic, JSON.stringify([fix]), { qos: 1 });
    await waitFor(() => run.observations.some((o) => o.type === 'position'), WAIT_MS, 'the position of W001');
    expect(run.observations.find((o) => o.type === 'position')).toMatchObject({ position: { tagId: 'W001', x: 12, y: 3.5 } });
  });

  it('backs off while the CA is wrong, with one error and the reason in its status', async () => {
    const adapter = createLocationMqttAdapter(
      {
        kind: 'location-mqtt',
        id: 'it-uwb-wrong-ca',
        url: tlsUrl(broker),
        clientId: `hazgate-it-${randomUUID().slice(0, 8)}`,
        username: USER,
        password: PASSWORD,
        tls: { ca: pki.otherCa },
        backoff: { initial: 100, max: 400 },
        subscriptions: [{ topic: `${topicPrefix()}/tags`, format: 'pozyx' }],
      },
      { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' },
    );
    const run = await start(adapter);
    await waitFor(() => (adapter.stats.errors.HG_ERR_MQTT_CONNECT ?? 0) >= 3, WAIT_MS, 'three attempts');
    expect(run.errors.map((e) => [e.code, e.details['causeCode']])).toEqual([['HG_ERR_MQTT_CONNECT', 'SELF_SIGNED_CERT_IN_CHAIN']]);
    expect(run.statuses.at(-1)).toMatchObject({ state: 'down', reason: expect.stringContaining('certificate') });
  });
});
