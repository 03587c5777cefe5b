import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, freePort, GatewayProcess, provisionToken } from '../support/gateway-process.js';
import { waitFor } from '../support/wait.js';
import { RecordingWsClient } from '../support/ws-client.js';

/**
 * The alarm lifecycle through a real gateway process: readings over real MQTT, operator actions
 * over REST and WebSocket, kill -9 in the middle. Pins: latches, timed shelves and design
 * suppression survive a crash exactly; a shelve that runs out while the gateway is down ends after
 * the restart; the journal's hash chain verifies afterwards.
 */
const SITE = `
site: { id: lifecycle-test }
points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100] }
  - { id: PT-1, kind: pressure, unit: MPa, range: [0, 2] }
  - { id: U1.running, kind: status, type: boolean }
rules:
  - id: gas
    kind: threshold
    select: { points: [GT-1] }
    latch: true
    shelvable: false
    levels: [{ name: AL1, direction: high, limit: 25, priority: 2 }]
  - id: pressure
    kind: threshold
    select: { points: [PT-1] }
    suppress: { when: [{ point: U1.running, equals: false, label: unit 1 shut down }] }
    levels: [{ name: H, direction: high, limit: 1.5, priority: 3 }]
adapters:
  - kind: mqtt
    id: in
    url: mqtt://127.0.0.1:\${HAZGATE_MQTT_PORT}
    clientId: hazgate-lifecycle-test
    subscriptions: [{ topic: "plant/{point}", qos: 1 }]
broker: { enabled: true, port: \${HAZGATE_MQTT_PORT} }
store: { dir: \${HAZGATE_DATA_DIR}, journalSync: full }
server: { port: \${HAZGATE_HTTP_PORT} }
alarms: { maxShelve: 1h }
`;

let dir: string;
let env: Record<string, string>;
let http: string;
let gw: GatewayProcess;
/** API tokens of the operators zhang.san (REST) and li.si (WebSocket). */
let zhang: string;
let li: string;

interface Alarm {
  conditionId: string;
  eventId: string;
  state: string;
  reason: string;
  active: boolean;
  acked: boolean;
  latched: boolean;
  annunciated: boolean;
  shelved: { kind: string; until: number | null } | null;
  suppressed: { by: string; reason: string } | null;
}

async function alarm(conditionId: string): Promise<Alarm | undefined> {
  const list = ((await (await fetch(`${http}/api/alarms`, { headers: authHeaders(zhang) })).json()) as { alarms: Alarm[] }).alarms;
  return list.find((a) => a.conditionId === conditionId);
}

async function act(conditionId: string, action: string, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${http}/api/alarms/${conditionId}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders(zhang) }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function publish(point: string, value: number | boolean): Promise<void> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${env['HAZGATE_MQTT_PORT']}`, { clientId: `pub-${Math.random()}` });
  await client.publishAsync(`plant/${point}`, JSON.stringify({ value }), { qos: 1 });
  await client.endAsync();
}

async function startGateway(): Promise<void> {
  gw = GatewayProcess.spawn(['start', '--config', join(dir, 'site.yaml')], env);
  await gw.waitReady(http);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hg-lifecycle-'));
  writeFileSync(join(dir, 'site.yaml'), SITE);
  const [h, m] = [await freePort(), await freePort()];
  env = { HAZGATE_HTTP_PORT: String(h), HAZGATE_MQTT_PORT: String(m), HAZGATE_DATA_DIR: join(dir, 'data') };
  http = `http://127.0.0.1:${h}`;
  // users.db of the site: <store dir>/auth, before the gateway opens it.
  zhang = provisionToken(join(dir, 'data', 'auth'), 'zhang.san', 'operator');
  li = provisionToken(join(dir, 'data', 'auth'), 'li.si', 'operator');
  await startGateway();
}, 30_000);

afterAll(async () => {
  await gw.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('alarm lifecycle in a gateway process', () => {
  it('a latched gas alarm is acknowledged over WebSocket, stays latched across kill -9, and is reset over REST', async () => {
    await publish('GT-1', 40);
    await waitFor(async () => (await alarm('gas/GT-1'))?.state === 'active-unacked', 10_000, 'the gas alarm');
    expect(await act('gas/GT-1', 'shelve', { kind: 'timed', duration: '10m' })).toMatchObject({ status: 403, json: { error: { code: 'HG_ERR_ALARM_NOT_SHELVABLE' } } });

    const ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`, { token: li });
    await ws.waitForMessage((m) => m.type === 'snapshot-end', 5000, 'snapshot');
    const shown = ws.ofType('condition').find((m) => m['conditionId'] === 'gas/GT-1');
    ws.send({ type: 'action', action: 'acknowledge', conditionId: 'gas/GT-1', eventId: shown?.['eventId'], user: 'li.si', comment: 'patrol sent', requestId: 7 });
    const result = await ws.waitForMessage((m) => m.type === 'action-result', 5000, 'action-result');
    expect(result).toMatchObject({ requestId: 7, transition: { state: 'active-acked', user: 'li.si', latched: true } });
    await ws.close();

    await publish('GT-1', 3);
    await waitFor(async () => (await alarm('gas/GT-1'))?.state === 'latched', 10_000, 'latched after the return');
    const latched = await alarm('gas/GT-1');
    expect(await gw.kill9()).toBe(128);
    await startGateway();
    expect(await alarm('gas/GT-1')).toEqual(latched);
    expect(await act('gas/GT-1', 'reset', { comment: 'detector bump-tested' })).toMatchObject({ status: 200, json: { reason: 'reset', state: 'normal' } });
    expect(await alarm('gas/GT-1')).toBeUndefined();
  }, 60_000);

  it('design suppression hides a pressure alarm while the unit is down and shows it when the unit runs', async () => {
    await publish('U1.running', false);
    await publish('PT-1', 1.8);
    await waitFor(async () => (await alarm('pressure/PT-1'))?.state === 'suppressed', 10_000, 'suppressed alarm');
    expect(await alarm('pressure/PT-1')).toMatchObject({ active: true, annunciated: false, suppressed: { by: 'condition', reason: 'unit 1 shut down' } });
    const hidden = (await (await fetch(`${http}/api/alarms?state=hidden`, { headers: authHeaders(zhang) })).json()) as { alarms: Alarm[] };
    expect(hidden.alarms.map((a) => a.conditionId)).toEqual(['pressure/PT-1']);
    await publish('U1.running', true);
    await waitFor(async () => (await alarm('pressure/PT-1'))?.state === 'active-unacked', 10_000, 'shown once the unit runs');
    expect((await alarm('pressure/PT-1'))?.reason).toBe('unsuppress');
  }, 30_000);

  it('a timed shelve survives kill -9 with its end, and runs out on time after the restart', async () => {
    const current = await alarm('pressure/PT-1');
    expect(await act('pressure/PT-1', 'shelve', { kind: 'timed', duration: '2h', eventId: current?.eventId })).toMatchObject({ status: 400, json: { error: { code: 'HG_ERR_ALARM_SHELVE_TOO_LONG' } } });
    const shelved = await act('pressure/PT-1', 'shelve', { kind: 'timed', duration: '4s', comment: 'transmitter recalibration' });
    expect(shelved).toMatchObject({ status: 200, json: { state: 'shelved', annunciated: false, shelved: { kind: 'timed' } } });
    expect(await gw.kill9()).toBe(128);
    await startGateway();
    const after = await alarm('pressure/PT-1');
    expect(after?.shelved).toEqual((shelved.json as unknown as Alarm).shelved);
    await waitFor(async () => (await alarm('pressure/PT-1'))?.reason === 'shelve-expired', 15_000, 'the shelve to run out');
    expect(await alarm('pressure/PT-1')).toMatchObject({ state: 'active-unacked', annunciated: true, shelved: null });
  }, 60_000);

  it('every transition and action above is in a journal whose hash chain verifies', async () => {
    const history = (await (await fetch(`${http}/api/alarms/history?limit=100`, { headers: authHeaders(zhang) })).json()) as { transitions: Alarm[] };
    const reasons = history.transitions.map((t) => `${t.conditionId} ${t.reason}`).reverse();
    expect(reasons).toEqual([
      'gas/GT-1 activate', 'gas/GT-1 acknowledge', 'gas/GT-1 return', 'gas/GT-1 reset',
      'pressure/PT-1 activate', 'pressure/PT-1 unsuppress', 'pressure/PT-1 shelve', 'pressure/PT-1 shelve-expired',
    ]);
    expect(await gw.stop()).toBe(0);
    const verify = GatewayProcess.spawn(['journal', 'verify', '--config', join(dir, 'site.yaml')], env);
    expect(await verify.waitExit()).toBe(0);
    // The 8 alarm records, and the audit records of the gateway's starts and stops in the same chain.
    const counted = /ok, (\d+) records \((\d+) audit\)/.exec(verify.output);
    expect(Number(counted?.[1]) - Number(counted?.[2])).toBe(8);
    expect(Number(counted?.[2])).toBeGreaterThanOrEqual(4);
    await startGateway();
  }, 60_000);
});
