import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, freePort, GatewayProcess, provisionToken } from '../support/gateway-process.js';
import { waitFor } from '../support/wait.js';

/**
 * A real gateway process with its own MQTT listener; readings published by a real MQTT client.
 * Pins: alarms survive kill -9, the engine resumes from the journal's levels, bad input is counted
 * and coded while the gateway keeps running.
 */
const SITE = `
site: { id: restart-test }
points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100] }
  - { id: LT-1, kind: level, unit: "%", type: number }
rules:
  - id: gas
    kind: threshold
    select: { points: [GT-1] }
    levels:
      - { name: AL1, direction: high, limit: 25, priority: 2 }
      - { name: AL2, direction: high, limit: 50, priority: 1 }
adapters:
  - kind: mqtt
    id: in
    url: mqtt://127.0.0.1:\${HAZGATE_MQTT_PORT}
    clientId: hazgate-restart-test
    maxPayloadBytes: 1024
    subscriptions: [{ topic: "plant/{point}", qos: 1 }]
broker: { enabled: true, port: \${HAZGATE_MQTT_PORT} }
store: { dir: \${HAZGATE_DATA_DIR} }
server: { port: \${HAZGATE_HTTP_PORT} }
`;

let dir: string;
let env: Record<string, string>;
let http: string;
let gw: GatewayProcess;
/** An operator's API token. */
let token: string;

interface Alarm {
  conditionId: string;
  eventId: string;
  state: string;
  level: string;
  active: boolean;
  acked: boolean;
}

async function alarms(): Promise<Alarm[]> {
  return ((await (await fetch(`${http}/api/alarms`, { headers: authHeaders(token) })).json()) as { alarms: Alarm[] }).alarms;
}

async function publish(topic: string, payload: string | Buffer): Promise<void> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${env['HAZGATE_MQTT_PORT']}`, { clientId: `pub-${Math.random()}` });
  await client.publishAsync(topic, payload, { qos: 1 });
  await client.endAsync();
}

async function startGateway(): Promise<void> {
  gw = GatewayProcess.spawn(['start', '--config', join(dir, 'site.yaml')], env);
  await gw.waitReady(http);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hg-restart-'));
  writeFileSync(join(dir, 'site.yaml'), SITE);
  const [h, m] = [await freePort(), await freePort()];
  env = { HAZGATE_HTTP_PORT: String(h), HAZGATE_MQTT_PORT: String(m), HAZGATE_DATA_DIR: join(dir, 'data') };
  http = `http://127.0.0.1:${h}`;
  token = provisionToken(join(dir, 'data', 'auth'), 'wang', 'operator');
  await startGateway();
}, 30_000);

afterAll(async () => {
  await gw.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('gateway process', () => {
  it('validates the site file', async () => {
    const v = GatewayProcess.spawn(['validate', '--config', join(dir, 'site.yaml')], env);
    expect(await v.waitExit()).toBe(0);
    expect(v.output).toContain('ok (2 points, 1 rules, 1 adapters)');
  });

  it('counts and codes bad input and keeps running', async () => {
    await publish('plant/GT-1', '{not json');
    await publish('plant/NOPE', '{"value": 1}');
    await publish('plant/GT-1', '{"value": "high"}');
    await publish('plant/GT-1', Buffer.alloc(4096, 0x20));
    await publish('plant/GT-1', JSON.stringify({ value: 1, ts: Date.now() + 86_400_000 }));
    const codes = ['HG_ERR_INGEST_MALFORMED', 'HG_ERR_INGEST_UNKNOWN_POINT', 'HG_ERR_INGEST_WRONG_TYPE', 'HG_ERR_INGEST_TOO_LARGE', 'HG_ERR_INGEST_FUTURE_TIMESTAMP'];
    await waitFor(async () => {
      const m = await (await fetch(`${http}/metrics`)).text();
      return codes.every((c) => m.includes(`hazgate_readings_rejected_total{code="${c}"} 1`));
    }, 10_000, 'every rejection counted once by code');
    expect(gw.output).toContain('HG_ERR_INGEST_UNKNOWN_POINT');
    expect(gw.output).toContain('NOPE');
    expect((await fetch(`${http}/healthz`)).status).toBe(200);
  });

  it('keeps an unacknowledged alarm across kill -9 and resumes the rule from it', async () => {
    await publish('plant/GT-1', JSON.stringify({ value: 60 }));
    await waitFor(async () => (await alarms()).some((a) => a.level === 'AL2'), 10_000, 'the AL2 alarm');
    const before = (await alarms())[0];
    expect(before).toMatchObject({ conditionId: 'gas/GT-1', state: 'active-unacked', level: 'AL2' });

    expect(await gw.kill9()).toBe(128);
    await startGateway();
    expect(await alarms()).toEqual([before]);

    // The engine was seeded with AL2: a normal value now returns the condition (it would stay active forever otherwise).
    await publish('plant/GT-1', JSON.stringify({ value: 3 }));
    await waitFor(async () => (await alarms())[0]?.state === 'returned-unacked', 10_000, 'return to normal after restart');
    const returned = (await alarms())[0];
    const ack = await fetch(`${http}/api/alarms/gas/GT-1/ack`, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders(token) }, body: JSON.stringify({ eventId: returned?.eventId, comment: 'reset' }) });
    expect(ack.status).toBe(200);
    expect(await alarms()).toEqual([]);
    const history = (await (await fetch(`${http}/api/alarms/history?conditionId=gas/GT-1`, { headers: authHeaders(token) })).json()) as { transitions: Alarm[] };
    expect(history.transitions.map((t) => t.state)).toEqual(['normal', 'returned-unacked', 'active-unacked']);
  }, 60_000);

  it('returns a retained alarm whose level is no longer configured, instead of keeping it forever', async () => {
    await publish('plant/GT-1', JSON.stringify({ value: 60 }));
    await waitFor(async () => (await alarms()).some((a) => a.level === 'AL2' && a.active), 10_000, 'a new AL2 alarm');
    expect(await gw.stop()).toBe(0);
    writeFileSync(join(dir, 'renamed.yaml'), SITE.replace('name: AL1', 'name: H').replace('name: AL2', 'name: HH'));
    gw = GatewayProcess.spawn(['start', '--config', join(dir, 'renamed.yaml')], env);
    await gw.waitReady(http);
    expect(await alarms()).toEqual([expect.objectContaining({ conditionId: 'gas/GT-1', state: 'returned-unacked', active: false, acked: false })]);
    expect(gw.output).toContain('no longer configured');
  }, 60_000);

  it('exits 3 when it cannot start (port taken) and 2 on a bad log level', async () => {
    const other = GatewayProcess.spawn(['start', '--config', join(dir, 'site.yaml')], { ...env, HAZGATE_DATA_DIR: join(dir, 'data-2'), HAZGATE_MQTT_PORT: String(await freePort()) });
    expect(await other.waitExit(20_000)).toBe(3);
    expect(other.output).toContain('HG_ERR_SERVER_LISTEN');
    const bad = GatewayProcess.spawn(['start', '--config', join(dir, 'site.yaml'), '--log-level', 'verbose'], env);
    expect(await bad.waitExit()).toBe(2);
  }, 30_000);
});
