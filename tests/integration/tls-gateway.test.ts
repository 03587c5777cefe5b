import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { authHeaders, freePort, GatewayProcess, provisionLogin, provisionToken } from '../support/gateway-process.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { makeTestPki, type TestPki } from '../support/tls.js';
import { waitFor } from '../support/wait.js';

/**
 * A gateway process (`hazgate start`) with `server.tls` (issue #11 item 3): HTTPS and WSS on its
 * one port with the site's certificate, plain HTTP refused; an MQTT adapter reaching Mosquitto
 * over TLS with a password, and one with a wrong password down with its reason while the gateway
 * keeps serving. TLS paths are relative to the site file. With `clientAuth: require` only clients
 * with a certificate of the configured CA get in. Unreadable TLS files stop the start naming the file.
 */
const WAIT_MS = 20_000;
const USER = 'hazgate';
const PASSWORD = 'gateway-broker-pw';
const PUBLISHER = { username: 'publisher', password: 'publisher-pw' };

let pki: TestPki;
let broker: MosquittoInstance;
const dirs: string[] = [];
const gateways: GatewayProcess[] = [];

beforeAll(async () => {
  pki = await makeTestPki();
  broker = await startMosquitto({
    persistence: false,
    tls: { ca: pki.ca, cert: pki.server.cert, key: pki.server.key },
    users: { [USER]: PASSWORD, [PUBLISHER.username]: PUBLISHER.password },
  });
}, 30_000);

afterAll(async () => {
  for (const gw of gateways) await gw.stop();
  await broker?.dispose();
  await pki?.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A site folder with the PKI copied into `tls/`, so the site names its files relatively. */
function siteDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hg-tls-gateway-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'tls'));
  for (const [name, from] of Object.entries({ 'ca.crt': pki.ca, 'server.crt': pki.server.cert, 'server.key': pki.server.key })) copyFileSync(from, join(dir, 'tls', name));
  return dir;
}

async function spawnGateway(dir: string, site: string): Promise<GatewayProcess> {
  writeFileSync(join(dir, 'site.yaml'), site);
  const gw = GatewayProcess.spawn(['start', '--config', join(dir, 'site.yaml')], { HAZGATE_DATA_DIR: join(dir, 'data') });
  gateways.push(gw);
  return gw;
}

interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** What a request trusts and presents: the CA, a client certificate, an API token. */
interface Client {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly token?: string;
}

/** A request over HTTPS trusting `ca` (fetch takes no CA), with a client certificate and a token if given. */
function httpsRequest(url: string, tls: Client, method = 'GET', body?: unknown): Promise<Answer> {
  const read = (file: string | undefined): Buffer | undefined => (file === undefined ? undefined : readFileSync(file));
  return new Promise((resolve, reject) => {
    const ca = read(tls.ca);
    const cert = read(tls.cert);
    const key = read(tls.key);
    const headers = { ...(tls.token === undefined ? {} : authHeaders(tls.token)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const req = request(url, { method, headers, ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown>, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** The status and body of a GET (what most checks compare). */
async function httpsGet(url: string, tls: Client): Promise<{ status: number; json: Record<string, unknown> }> {
  const { status, json } = await httpsRequest(url, tls);
  return { status, json };
}

/** Waits for /healthz over HTTPS; a gateway that exits fails the wait at once. */
async function waitServing(gw: GatewayProcess, base: string, tls: { ca?: string; cert?: string; key?: string }): Promise<void> {
  await waitFor(async () => gw.exitCode !== null || (await httpsGet(`${base}/healthz`, tls).catch(() => null))?.status === 200, WAIT_MS, 'the gateway to answer over HTTPS', 100);
  if (gw.exitCode !== null) throw new Error(`gateway exited with ${gw.exitCode}:\n${gw.output}`);
}

/** Opens a WebSocket and resolves with its first message (the hub's hello), or rejects. */
function firstWsMessage(url: string, options: WebSocket.ClientOptions): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('message', (data) => {
      resolve(JSON.parse(data.toString()) as Record<string, unknown>);
      ws.close();
    });
    ws.once('error', reject);
  });
}

function tlsPortOf(b: MosquittoInstance): number {
  if (b.tlsPort === undefined) throw new Error('the broker was started without tls');
  return b.tlsPort;
}

describe('gateway with server.tls', () => {
  let base: string;
  let port: number;
  let token: string;

  beforeAll(async () => {
    port = await freePort();
    const dir = siteDir();
    token = provisionToken(join(dir, 'data', 'auth'));
    await provisionLogin(join(dir, 'data', 'auth'), 'wang', 'a long enough password', 'operator');
    const adapter = (id: string, password: string): string => `
  - kind: mqtt
    id: ${id}
    url: mqtts://127.0.0.1:${tlsPortOf(broker)}
    clientId: hazgate-tls-${id}
    username: ${USER}
    password: ${password}
    tls: { ca: tls/ca.crt }
    reconnectMs: 200
    connectTimeoutMs: 2000
    subscriptions: [{ topic: "tls-plant/${id}/{point}", qos: 1 }]`;
    const gw = await spawnGateway(dir, `
site: { id: tls-test }
points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100] }
adapters:${adapter('good', PASSWORD)}${adapter('bad', 'not-the-password')}
store: { dir: \${HAZGATE_DATA_DIR} }
server: { port: ${port}, tls: { cert: tls/server.crt, key: tls/server.key } }
`);
    base = `https://127.0.0.1:${port}`;
    await waitServing(gw, base, { ca: pki.ca });
  }, 30_000);

  it('answers /healthz over HTTPS to a client trusting the CA, and refuses the others', async () => {
    expect(await httpsGet(`${base}/healthz`, { ca: pki.ca })).toEqual({ status: 200, json: { status: 'alive' } });
    // A client with only the built-in roots does not trust the site's certificate.
    await expect(httpsGet(`${base}/healthz`, {})).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    // Plain HTTP gets no answer from a TLS port.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('speaks WSS on /ws to a client trusting the CA, and nothing to plain WS', async () => {
    expect(await firstWsMessage(`wss://127.0.0.1:${port}/ws`, { ca: readFileSync(pki.ca), headers: authHeaders(token) })).toMatchObject({ type: 'hello', siteId: 'tls-test' });
    await expect(firstWsMessage(`wss://127.0.0.1:${port}/ws`, { ca: readFileSync(pki.ca) })).rejects.toThrow(/401/);
    await expect(firstWsMessage(`ws://127.0.0.1:${port}/ws`, { headers: authHeaders(token) })).rejects.toThrow();
  });

  it('sets the session cookie Secure, HttpOnly and SameSite=Strict over HTTPS', async () => {
    const res = await httpsRequest(`${base}/api/login`, { ca: pki.ca }, 'POST', { user: 'wang', password: 'a long enough password' });
    expect(res.status).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/^hazgate_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
  });

  it('takes readings over MQTT TLS, and shows the adapter with the wrong password down while it keeps serving', async () => {
    const pub = await mqtt.connectAsync(broker.url, { clientId: `it-pub-${process.pid}`, ...PUBLISHER });
    try {
      await waitFor(async () => {
        await pub.publishAsync('tls-plant/good/GT-1', JSON.stringify({ value: 17 }), { qos: 1 });
        const point = await httpsGet(`${base}/api/points/GT-1`, { ca: pki.ca, token });
        return (point.json['latest'] as { value?: number } | null)?.value === 17;
      }, WAIT_MS, 'GT-1 = 17 through the TLS adapter', 200);
    } finally {
      await pub.endAsync();
    }
    const ready = await httpsGet(`${base}/readyz`, { ca: pki.ca });
    expect(ready.status).toBe(503);
    const components = ready.json['components'] as Record<string, { state: string; reason?: string }>;
    expect(components['adapter:good']?.state).toBe('up');
    expect(components['adapter:bad']).toMatchObject({ state: 'down', reason: 'Connection refused: Not authorized' });
    expect((await httpsGet(`${base}/healthz`, { ca: pki.ca })).status).toBe(200);
  });
});

describe('gateway with server.tls clientAuth: require', () => {
  let base: string;
  let port: number;
  let token: string;

  beforeAll(async () => {
    port = await freePort();
    const dir = siteDir();
    token = provisionToken(join(dir, 'data', 'auth'));
    const gw = await spawnGateway(dir, `
site: { id: tls-mutual }
store: { dir: \${HAZGATE_DATA_DIR} }
server: { port: ${port}, tls: { cert: tls/server.crt, key: tls/server.key, ca: tls/ca.crt, clientAuth: require } }
`);
    base = `https://127.0.0.1:${port}`;
    await waitServing(gw, base, { ca: pki.ca, ...pki.client });
  }, 30_000);

  it('serves HTTPS and WSS to a client with a certificate of the CA only', async () => {
    expect((await httpsGet(`${base}/readyz`, { ca: pki.ca, ...pki.client })).status).toBe(200);
    await expect(httpsGet(`${base}/healthz`, { ca: pki.ca })).rejects.toThrow();
    await expect(httpsGet(`${base}/healthz`, { ca: pki.ca, ...pki.strangerClient })).rejects.toThrow();
    const tls = { ca: readFileSync(pki.ca), cert: readFileSync(pki.client.cert), key: readFileSync(pki.client.key) };
    expect(await firstWsMessage(`wss://127.0.0.1:${port}/ws`, { ...tls, headers: authHeaders(token) })).toMatchObject({ type: 'hello', siteId: 'tls-mutual' });
    await expect(firstWsMessage(`wss://127.0.0.1:${port}/ws`, { ca: tls.ca })).rejects.toThrow();
  });
});

describe('gateway with unusable TLS files', () => {
  it('does not start, naming the file (HG_ERR_CONFIG_READ)', async () => {
    const dir = siteDir();
    const gw = await spawnGateway(dir, `
site: { id: tls-broken }
store: { dir: \${HAZGATE_DATA_DIR} }
server: { port: ${await freePort()}, tls: { cert: tls/server.crt, key: tls/missing.key } }
`);
    expect(await gw.waitExit(WAIT_MS)).not.toBe(0);
    expect(gw.output).toContain('HG_ERR_CONFIG_READ');
    expect(gw.output).toContain(join(dir, 'tls', 'missing.key'));
  });

  it('does not start when an MQTT adapter\'s CA file is missing, naming it', async () => {
    const dir = siteDir();
    const gw = await spawnGateway(dir, `
site: { id: tls-broken-adapter }
adapters:
  - kind: mqtt
    id: plant
    url: mqtts://127.0.0.1:${tlsPortOf(broker)}
    clientId: hazgate-tls-broken
    tls: { ca: tls/nowhere-ca.crt }
    subscriptions: [{ topic: "x/{point}" }]
store: { dir: \${HAZGATE_DATA_DIR} }
server: { port: ${await freePort()} }
`);
    expect(await gw.waitExit(WAIT_MS)).not.toBe(0);
    expect(gw.output).toContain('HG_ERR_CONFIG_READ');
    expect(gw.output).toContain(join(dir, 'tls', 'nowhere-ca.crt'));
  });
});
