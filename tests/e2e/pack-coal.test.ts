import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, GatewayProcess } from '../support/gateway-process.js';
import { RecordingWsClient, type WsMessage } from '../support/ws-client.js';

/**
 * The coal pack end to end: the simulated working face (devices/scenarios/coal-face-methane.yaml)
 * publishes 4-20 mA methane and feed status over MQTT to the gateway's own listener; the MQTT
 * adapter, pipeline, coal rules and alarm manager raise POWER_OFF at the face, then 馈电异常
 * because F-102 stays live, on a real WebSocket client.
 */
const SITE = 'deploy/sites/demo-coal-mine.yaml';
let gw: GatewayProcess;
let http: string;
let dataDir: string;

beforeAll(async () => {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  dataDir = mkdtempSync(join(tmpdir(), 'hg-coal-'));
  http = `http://127.0.0.1:${httpPort}`;
  gw = GatewayProcess.spawn(['demo', '--config', SITE], { HAZGATE_HTTP_PORT: String(httpPort), HAZGATE_MQTT_PORT: String(mqttPort), HAZGATE_DATA_DIR: dataDir });
  await gw.waitReady(http);
}, 30_000);

afterAll(async () => {
  const code = await gw.stop();
  rmSync(dataDir, { recursive: true, force: true });
  expect(code).toBe(0);
});

const transition = (conditionId: string, level: string) => (m: WsMessage): boolean => m.type === 'transition' && m.conditionId === conditionId && m.level === level && m.active === true;

describe('coal pack end to end', () => {
  it('raises POWER_OFF at the face and 馈电异常 naming the feeder that stayed live', async () => {
    const ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`);
    await ws.waitForMessage((m) => m.type === 'snapshot-end', 5000, 'the snapshot');

    const powerOff = await ws.waitForMessage(transition('coal-methane/T1-CH4', 'POWER_OFF'), 30_000, 'POWER_OFF at the face');
    expect(powerOff).toMatchObject({ pointId: 'T1-CH4', priority: 1, ruleKind: 'methane' });
    expect(powerOff.value).toBeGreaterThanOrEqual(1.5);
    expect(powerOff.message).toMatch(/^T1-CH4 POWER_OFF: methane [\d.]+ % at the working face .*power-off level 1\.5 %, restore below 1 %; cut F-101, F-102$/);

    const fault = await ws.waitForMessage(transition('coal-feed-check/T1-CH4', 'FEED_FAULT'), 15_000, '馈电异常 at the face');
    expect(fault).toMatchObject({ pointId: 'T1-CH4', priority: 1, ruleKind: 'feed-check' });
    expect(fault.message).toMatch(/馈电异常: .* after 2 s: F-102 live$/);
    expect(fault.message).not.toMatch(/F-101/);
    // 2 s after the power-off at the earliest (more than the timeout, on the gateway's 1 s ticks).
    expect(Number(fault.time) - Number(powerOff.time)).toBeGreaterThan(2000);

    // F-101 went dead because of T1-CH4: the other sensors that cut it see no unexplained drop.
    await new Promise((r) => setTimeout(r, 3000));
    expect(ws.messages.filter((m) => m.type === 'transition' && m.level === 'FEED_OFF')).toEqual([]);
    await ws.close();
  }, 50_000);
});
