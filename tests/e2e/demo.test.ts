import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAdmin, freePort, GatewayProcess, login, type LoginSession } from '../support/gateway-process.js';
import { waitFor } from '../support/wait.js';
import { RecordingWsClient, type WsMessage } from '../support/ws-client.js';

/**
 * The demo as a person runs it (`npm start` runs `hazgate demo`): the gateway, its MQTT listener
 * and the simulated tank farm in one process. The simulated leak at GT-102 must raise an alarm on
 * a real WebSocket client; acknowledging it over REST must show up on the socket. Auth is on: the
 * demo makes an administrator with a random password, printed once and kept in
 * `<data dir>/auth/demo-admin.txt`, and the test logs in with it as a person would.
 */
let gw: GatewayProcess;
let http: string;
let dataDir: string;
let session: LoginSession;

beforeAll(async () => {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  dataDir = mkdtempSync(join(tmpdir(), 'hg-demo-'));
  http = `http://127.0.0.1:${httpPort}`;
  gw = GatewayProcess.spawn(['demo'], { HAZGATE_HTTP_PORT: String(httpPort), HAZGATE_MQTT_PORT: String(mqttPort), HAZGATE_DATA_DIR: dataDir });
  await gw.waitReady(http);
  const admin = demoAdmin(join(dataDir, 'auth'));
  session = await login(http, admin.user, admin.password);
}, 30_000);

afterAll(async () => {
  const code = await gw.stop();
  rmSync(dataDir, { recursive: true, force: true });
  expect(code).toBe(0); // a graceful stop on SIGTERM
});

describe('demo end to end', () => {
  it('tells the person where to look, and how to log in: a password shown once, kept in a file only its owner reads', async () => {
    await waitFor(() => gw.output.includes('Ctrl-C stops it'), 10_000, 'the demo banner');
    expect(gw.output).toContain(`${http}/api/alarms`);
    expect(gw.output).toContain('/ws');
    const admin = demoAdmin(join(dataDir, 'auth'));
    expect(admin.user).toBe('admin');
    expect(gw.output.split(admin.password)).toHaveLength(2); // printed once
    expect(statSync(join(dataDir, 'auth', 'demo-admin.txt')).mode & 0o777).toBe(0o600);
    expect((await fetch(`${http}/api/alarms`)).status).toBe(401);
  });

  it('raises the leak alarm on the WebSocket, takes an acknowledgement, and pushes its transition', async () => {
    const ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`, { headers: { cookie: session.cookie } });
    await ws.waitForMessage((m) => m.type === 'snapshot-end', 5000, 'the snapshot');
    const isLeak = (m: WsMessage): boolean => (m.type === 'transition' || m.type === 'condition') && m.pointId === 'GT-102' && m.ruleId === 'combustible-gas' && m.active === true && m.acked === false;
    const leak = await ws.waitForMessage(isLeak, 60_000, 'the GT-102 leak alarm');
    expect(leak).toMatchObject({ level: expect.stringMatching(/^AL[12]$/), priority: expect.any(Number), time: expect.any(Number), message: expect.stringContaining('GT-102') });

    const listed = (await (await fetch(`${http}/api/alarms`, { headers: session.headers() })).json()) as { alarms: WsMessage[] };
    const current = listed.alarms.find((a) => a.conditionId === leak.conditionId);
    expect(current).toBeDefined();

    const url = `${http}/api/alarms/${String(leak.conditionId)}/ack`;
    const res = await fetch(url, { method: 'POST', headers: session.headers(), body: JSON.stringify({ eventId: current?.eventId, comment: 'crew sent to tank 102' }) });
    expect(res.status).toBe(200);
    const acked = await ws.waitForMessage((m) => m.type === 'transition' && m.conditionId === leak.conditionId && m.reason === 'acknowledge', 5000, 'the ack transition');
    expect(acked).toMatchObject({ acked: true, user: 'admin', comment: 'crew sent to tank 102' });

    const again = await fetch(url, { method: 'POST', headers: session.headers(), body: JSON.stringify({ eventId: current?.eventId, comment: 'twice' }) });
    expect(again.status).toBe(409);
    await ws.close();
  }, 90_000);

  it('keeps history of the simulated points and counts readings in /metrics', async () => {
    const hist = (await (await fetch(`${http}/api/points/GT-101/history?from=0`, { headers: session.headers() })).json()) as { count: number };
    expect(hist.count).toBeGreaterThan(0);
    const metrics = await (await fetch(`${http}/metrics`)).text();
    const readings = Number(/^hazgate_samples_total (\d+)/m.exec(metrics)?.[1] ?? '0');
    expect(readings).toBeGreaterThan(0);
  });
});
