import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSession, freePort, GatewayProcess, type LoginSession } from '../support/gateway-process.js';
import { RecordingWsClient, type WsMessage } from '../support/ws-client.js';

/**
 * The Data authenticity pack end to end: `hazgate demo --config deploy/sites/demo-authenticity.yaml`
 * runs the gateway, its MQTT listener and the pseudo-data scenario in one process. Simulated
 * readings go over MQTT into the MQTT adapter, the pipeline and the pack's rules, and the alarms
 * arrive on a real WebSocket: a stuck detector (FLATLINE), a detector that drops to zero beside
 * one that reads gas (DROPOUT) and a copied feed (MIRROR). The MQTT simulator stamps readings with
 * its own clock, so time going backwards is covered by the pack's rule tests only.
 */
let gw: GatewayProcess;
let http: string;
let dataDir: string;
let ws: RecordingWsClient;
let session: LoginSession;

beforeAll(async () => {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  dataDir = mkdtempSync(join(tmpdir(), 'hg-authenticity-'));
  http = `http://127.0.0.1:${httpPort}`;
  gw = GatewayProcess.spawn(['demo', '--config', 'deploy/sites/demo-authenticity.yaml'], { HAZGATE_HTTP_PORT: String(httpPort), HAZGATE_MQTT_PORT: String(mqttPort), HAZGATE_DATA_DIR: dataDir });
  await gw.waitReady(http);
  session = await demoSession(http, dataDir);
  ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`, { headers: { cookie: session.cookie } });
}, 30_000);

afterAll(async () => {
  await ws?.close();
  const code = await gw.stop();
  rmSync(dataDir, { recursive: true, force: true });
  expect(code).toBe(0);
});

/** A shown, active alarm of a condition, pushed live or in a snapshot. */
function alarmOf(conditionId: string): (m: WsMessage) => boolean {
  return (m) => (m.type === 'transition' || m.type === 'condition') && m.conditionId === conditionId && m.active === true;
}

describe('data authenticity pack end to end', () => {
  it('raises DROPOUT, FLATLINE and MIRROR on the WebSocket, from simulated MQTT readings', async () => {
    const dropout = await ws.waitForMessage(alarmOf('gas-dropout/GT-311'), 40_000, 'DROPOUT on GT-311');
    expect(dropout).toMatchObject({
      ruleKind: 'drop-to-zero',
      pointId: 'GT-311',
      level: 'DROPOUT',
      priority: 2,
      annunciated: true,
      codes: { equipmentCode: 'GD-311' },
      message: expect.stringMatching(/^GT-311 DROPOUT: fell from 1\d(\.\d)? to 0(\.\d)? %LEL in \d+(\.\d+)? m?s while GT-312 reads 1\d(\.\d)? %LEL/),
    });

    const flatline = await ws.waitForMessage(alarmOf('flatline-demo/GT-301'), 40_000, 'FLATLINE on GT-301');
    expect(flatline).toMatchObject({ ruleKind: 'flatline', pointId: 'GT-301', level: 'FLATLINE', priority: 3, message: expect.stringMatching(/^GT-301 FLATLINE: \d+(\.\d)? %LEL unchanged for 15 s/) });

    const mirror = await ws.waitForMessage((m) => alarmOf('mirrored-feed/AT-321')(m) || alarmOf('mirrored-feed/AT-322')(m), 40_000, 'MIRROR on the copied H2S feed');
    expect(mirror).toMatchObject({ ruleKind: 'mirror', level: 'MIRROR', message: expect.stringMatching(/^AT-32[12] MIRROR: its last 20 readings equal AT-32[12]'s/) });
  }, 50_000);

  it('stays quiet where the data is honest or the detector rests in clean air', async () => {
    const active = (await (await fetch(`${http}/api/alarms`, { headers: session.headers() })).json()) as { alarms: WsMessage[] };
    const ids = active.alarms.filter((a) => a.active === true).map((a) => a.conditionId);
    expect(ids).toEqual(expect.arrayContaining(['gas-dropout/GT-311', 'flatline-demo/GT-301']));
    // GT-311 has read ~0 %LEL for more than 15 s by now: inside the zero band, never a flatline.
    // GT-312 read gas all along; GT-302 is an honest neighbour; no source clock went back.
    const heard = ws.messages.filter((m) => m.type === 'transition' || m.type === 'condition').map((m) => String(m.conditionId));
    const allowed = /^(gas-dropout\/GT-311|flatline-(demo|combustible)\/GT-301|mirrored-feed\/AT-32[12])$/;
    expect(heard.filter((id) => !allowed.test(id))).toEqual([]);
  });
});
