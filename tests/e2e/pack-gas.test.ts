import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSession, freePort, GatewayProcess } from '../support/gateway-process.js';
import { RecordingWsClient, type WsMessage } from '../support/ws-client.js';

/**
 * The gas pack end to end: the MQTT simulator sends the pump house's 4-20 mA detectors
 * (devices/scenarios/gas-unit-leak.yaml) to the gateway's own broker, the MQTT adapter and the
 * pipeline scale them with their NAMUR NE 43 bands, the pack's rules raise the leak rate and level 2
 * at GT-402, a detector fault at GT-403 (3.5 mA) and the 2-of-3 confirmation of the pump house, and both sockets
 * hear them: /ws everything, /ws?audience=fire-control-room only what the fire control room must.
 */
let gw: GatewayProcess;
let ws: RecordingWsClient;
let fire: RecordingWsClient;
let dataDir: string;

beforeAll(async () => {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  dataDir = mkdtempSync(join(tmpdir(), 'hg-gas-'));
  const http = `http://127.0.0.1:${httpPort}`;
  gw = GatewayProcess.spawn(['demo', '--config', 'deploy/sites/demo-gas.yaml'], { HAZGATE_HTTP_PORT: String(httpPort), HAZGATE_MQTT_PORT: String(mqttPort), HAZGATE_DATA_DIR: dataDir });
  await gw.waitReady(http);
  const base = http.replace('http', 'ws');
  const { cookie } = await demoSession(http, dataDir);
  [ws, fire] = await Promise.all([RecordingWsClient.connect(`${base}/ws`, { headers: { cookie } }), RecordingWsClient.connect(`${base}/ws?audience=fire-control-room`, { headers: { cookie } })]);
}, 30_000);

afterAll(async () => {
  await Promise.all([ws?.close(), fire?.close()]);
  const code = await gw?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  expect(code).toBe(0);
});

/** A shown, active alarm of a rule at a point (or zone) and level, live or in a snapshot. */
function alarm(ruleId: string, where: string, level: string): (m: WsMessage) => boolean {
  return (m) => (m.type === 'transition' || m.type === 'condition') && m.ruleId === ruleId && (m.pointId === where || m.zoneId === where) && m.level === level && m.active === true;
}

describe('gas pack end to end', () => {
  it('raises level 2 of the leak, the NE 43 detector fault and the zone confirmation on /ws, and the fire control room hears them', async () => {
    const level2 = await ws.waitForMessage(alarm('gas-level', 'GT-402', 'AL2'), 40_000, 'GT-402 level 2 on /ws');
    expect(level2).toMatchObject({ priority: 1, audiences: ['fire-control-room'], codes: { hazardSourceCode: 'DEMO-HS-04' }, message: expect.stringContaining('level 2 at 50 %LEL') });
    expect(level2.value).toBeGreaterThanOrEqual(50);

    const fault = await ws.waitForMessage(alarm('gas-detector-fault', 'GT-403', 'FAULT'), 10_000, 'GT-403 detector fault on /ws');
    expect(fault).toMatchObject({ priority: 2, audiences: ['fire-control-room'], message: expect.stringContaining('signal-fault-low') });

    const zone = await ws.waitForMessage(alarm('gas-confirmed', 'unit-4-pump-house', 'CONFIRMED'), 10_000, 'the pump house confirmation on /ws');
    expect(zone).toMatchObject({ conditionId: 'gas-confirmed/unit-4-pump-house', pointId: null, zoneId: 'unit-4-pump-house' });
    expect(zone.value).toBeGreaterThanOrEqual(2);

    // The leak rate (kind leak-rate, 10 %LEL within 60 s) saw it before level 1.
    expect(ws.messages.find(alarm('gas-leak-rate', 'GT-402', 'RISE'))).toMatchObject({ priority: 3, message: expect.stringContaining('rose ≥ 10 %LEL within 60 s') });
    // The leak went through level 1 first: the operators saw it, the fire control room did not (no audience).
    expect(ws.messages.find(alarm('gas-level', 'GT-402', 'AL1'))).toMatchObject({ audiences: [] });
    await fire.waitForMessage(alarm('gas-level', 'GT-402', 'AL2'), 5000, 'GT-402 level 2 for the fire control room');
    await fire.waitForMessage(alarm('gas-detector-fault', 'GT-403', 'FAULT'), 5000, 'GT-403 fault for the fire control room');
    await fire.waitForMessage(alarm('gas-confirmed', 'unit-4-pump-house', 'CONFIRMED'), 5000, 'the confirmation for the fire control room');
    const heard = fire.messages.filter((m) => m.type === 'transition' || m.type === 'condition');
    expect(heard.filter((m) => m.level === 'AL1' || m.ruleId === 'gas-leak-rate')).toEqual([]);
    expect(heard.every((m) => Array.isArray(m.audiences) && m.audiences.includes('fire-control-room'))).toBe(true);
  }, 50_000);
});
