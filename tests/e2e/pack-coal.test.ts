import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSession, freePort, GatewayProcess } from '../support/gateway-process.js';
import { RecordingWsClient, type WsMessage } from '../support/ws-client.js';

/**
 * The coal pack end to end: the simulated working face (devices/scenarios/coal-face-methane.yaml)
 * publishes 4-20 mA methane and feed status over MQTT to the gateway's own listener; the MQTT
 * adapter, pipeline, coal rules and alarm manager raise POWER_OFF at the face, then 馈电异常
 * because F-102 stays live, then a FAULT of the return airway sensor whose line breaks (below
 * 3.6 mA) and 馈电异常 for the power-off that fault demands (断线断电), on a real WebSocket client.
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
  it('raises POWER_OFF at the face and 馈电异常 naming the feeder that stayed live; a broken line is FAULT and 馈电异常 too; alarms carry the codes', async () => {
    const session = await demoSession(http, dataDir);
    const ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`, { headers: { cookie: session.cookie } });
    await ws.waitForMessage((m) => m.type === 'snapshot-end', 5000, 'the snapshot');

    const powerOff = await ws.waitForMessage(transition('coal-methane/T1-CH4', 'POWER_OFF'), 30_000, 'POWER_OFF at the face');
    expect(powerOff).toMatchObject({ pointId: 'T1-CH4', priority: 1, ruleKind: 'methane' });
    expect(powerOff.value).toBeGreaterThanOrEqual(1.5);
    expect(powerOff.message).toMatch(/^T1-CH4 POWER_OFF: methane [\d.]+ % at the working face .*power-off level 1\.5 %, restore below 1 %; cut F-101, F-102$/);
    expect(powerOff.codes).toEqual({ enterpriseCode: 'DEMO-COAL-01', indicatorType: 'CH4', equipmentCode: '001A01' });

    const fault = await ws.waitForMessage(transition('coal-feed-check/T1-CH4', 'FEED_FAULT'), 20_000, '馈电异常 at the face');
    expect(fault).toMatchObject({ pointId: 'T1-CH4', priority: 1, ruleKind: 'feed-check' });
    expect(fault.message).toMatch(/馈电异常: .* after 12 s: F-102 live$/);
    expect(fault.message).not.toMatch(/F-101/);
    // Not before the 12 s timeout has run. The times are those of the samples (the simulator's
    // stamps) or of the gateway tick that found the fault: allow a second of skew between them.
    expect(Number(fault.time) - Number(powerOff.time)).toBeGreaterThan(11_000);

    // T2-CH4's line breaks at 30 s of the scenario: FAULT, and its power-off is not confirmed.
    const broken = await ws.waitForMessage(transition('coal-sensor-fault/T2-CH4', 'FAULT'), 20_000, 'FAULT of the broken line');
    expect(broken).toMatchObject({ pointId: 'T2-CH4', priority: 2, ruleKind: 'sensor-fault' });
    expect(broken.message).toMatch(/^T2-CH4 FAULT: signal-fault-low .*must be cut \(断线断电\)$/);
    const unconfirmed = await ws.waitForMessage(transition('coal-feed-check/T2-CH4', 'FEED_FAULT'), 20_000, '馈电异常 of the broken line');
    expect(unconfirmed.message).toMatch(/^T2-CH4 FEED_FAULT: 馈电异常: power-off \(断线断电: signal-fault-low .* after 12 s: F-102 live$/);

    // F-101 went dead because of T1-CH4: the other sensors that cut it see no unexplained drop.
    expect(ws.messages.filter((m) => m.type === 'transition' && m.level === 'FEED_OFF')).toEqual([]);
    await ws.close();
  }, 90_000);
});
