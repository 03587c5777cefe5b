import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSession, freePort, GatewayProcess, type LoginSession } from '../support/gateway-process.js';
import { RecordingWsClient, type WsMessage } from '../support/ws-client.js';

/**
 * The ESD/SIS pack end to end: `hazgate demo --config deploy/sites/demo-esd.yaml` runs the gateway,
 * its MQTT listener and the MQTT simulator replaying devices/scenarios/esd-tank-farm.yaml. Over the
 * wire (simulator → broker → adapter → pipeline → rules → alarms → /ws): an SIS bypass left on that
 * nobody registered (UNREGISTERED, and MAJOR_HAZARD for the level-2 tank farm), a trip, and an
 * inlet valve that does not close within its 8 s travel (DISCREPANCY) while the other one does.
 * Registering the bypass over REST turns UNREGISTERED into a standing BYPASSED.
 */
let gw: GatewayProcess;
let http: string;
let dataDir: string;
let ws: RecordingWsClient;
let session: LoginSession;

beforeAll(async () => {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  dataDir = mkdtempSync(join(tmpdir(), 'hg-esd-'));
  http = `http://127.0.0.1:${httpPort}`;
  gw = GatewayProcess.spawn(['demo', '--config', 'deploy/sites/demo-esd.yaml'], { HAZGATE_HTTP_PORT: String(httpPort), HAZGATE_MQTT_PORT: String(mqttPort), HAZGATE_DATA_DIR: dataDir });
  await gw.waitReady(http);
  session = await demoSession(http, dataDir);
  ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`, { headers: { cookie: session.cookie } });
  await ws.waitForMessage((m) => m.type === 'snapshot-end', 5000, 'the snapshot');
}, 30_000);

afterAll(async () => {
  await ws?.close();
  const code = await gw?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  expect(code).toBe(0);
});

/** A live transition or a snapshot condition of `conditionId`, active at `level`. */
function activeAt(conditionId: string, level: string): (m: WsMessage) => boolean {
  return (m) => (m.type === 'transition' || m.type === 'condition') && m.conditionId === conditionId && m.active === true && m.level === level;
}

describe('ESD/SIS pack end to end', () => {
  it('an SIS bypass with no register entry is UNREGISTERED, and ESD not in service at the level-2 tank farm a MAJOR_HAZARD', async () => {
    const bypass = await ws.waitForMessage(activeAt('interlock-bypass/IL-402', 'UNREGISTERED'), 20_000, 'the unregistered bypass of IL-402');
    expect(bypass).toMatchObject({ ruleKind: 'interlock-bypass', pointId: 'IL-402.BYP', zoneId: 'tank-farm-4', priority: 2, message: expect.stringContaining('no active entry in the bypass register') });
    const major = await ws.waitForMessage(activeAt('esd-not-in-service/tank-farm-4', 'MAJOR_HAZARD'), 5000, 'ESD not in service at tank farm 4');
    expect(major).toMatchObject({ zoneId: 'tank-farm-4', priority: 1, message: expect.stringContaining('level-2 major hazard source: IL-402 bypassed at the SIS') });
  }, 30_000);

  it('a trip, and the inlet valve that does not close within its travel time is a DISCREPANCY; the one that closes is not', async () => {
    await ws.waitForMessage(activeAt('esd-trip/IL-401.TRIP', 'TRIPPED'), 20_000, 'the IL-401 trip');
    const valve = await ws.waitForMessage(activeAt('esd-valve/XV-401', 'DISCREPANCY'), 25_000, 'the XV-401 discrepancy');
    expect(valve).toMatchObject({ pointId: 'XV-401.CMD', zoneId: 'tank-farm-4', priority: 1, codes: { hazardSourceCode: 'DEMO-TF4' }, message: 'XV-401 DISCREPANCY: commanded closed, not closed 8 s after (ZSO on, ZSC off)' });
    // XV-402 closed 3 s after the same command: a few seconds past its own travel time, still nothing.
    await new Promise((r) => setTimeout(r, 2000));
    const listed = (await (await fetch(`${http}/api/alarms`, { headers: session.headers() })).json()) as { alarms: WsMessage[] };
    const ids = listed.alarms.map((a) => a.conditionId);
    expect(ids).toEqual(expect.arrayContaining(['esd-valve/XV-401', 'esd-trip/IL-401.TRIP', 'interlock-bypass/IL-402']));
    expect(ids).not.toContain('esd-valve/XV-402');
  }, 40_000);

  it('registering the bypass turns UNREGISTERED into a standing BYPASSED', async () => {
    const plannedEnd = Date.now() + 3_600_000;
    const res = await fetch(`${http}/api/bypasses`, {
      method: 'POST',
      headers: session.headers(),
      body: JSON.stringify({ interlock: 'IL-402', who: 'wang', approver: 'li', reason: 'PT-402 transmitter replacement', plannedEnd }),
    });
    expect(res.status).toBe(201);
    const registered = await ws.waitForMessage((m) => m.type === 'transition' && m.conditionId === 'interlock-bypass/IL-402' && m.level === 'BYPASSED', 10_000, 'the registered bypass');
    expect(registered).toMatchObject({ reason: 'deescalate', priority: 3, active: true, value: plannedEnd });
  }, 20_000);
});
