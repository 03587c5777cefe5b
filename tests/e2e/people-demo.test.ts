import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSession, freePort, GatewayProcess, ROOT } from '../support/gateway-process.js';
import { waitFor } from '../support/wait.js';
import { RecordingWsClient } from '../support/ws-client.js';

/**
 * The personnel-location demo as a person runs it: `hazgate demo --config deploy/sites/demo-people.yaml`
 * starts the gateway, the location engine simulator (300 tags over MQTT), the camera box (ISAPI
 * alerts to the video webhook) and the gas simulator in one process.
 */
let gw: GatewayProcess;
let http = '';
let dataDir = '';

beforeAll(async () => {
  const [h, m, v] = [await freePort(), await freePort(), await freePort()];
  dataDir = mkdtempSync(join(tmpdir(), 'hg-people-demo-'));
  http = `http://127.0.0.1:${h}`;
  gw = GatewayProcess.spawn(['demo', '--config', join(ROOT, 'deploy/sites/demo-people.yaml')], {
    HAZGATE_HTTP_PORT: String(h), HAZGATE_MQTT_PORT: String(m), HAZGATE_VIDEO_PORT: String(v), HAZGATE_DATA_DIR: dataDir,
  });
  await gw.waitReady(http);
}, 30_000);

afterAll(async () => {
  const code = await gw.stop();
  rmSync(dataDir, { recursive: true, force: true });
  expect(code).toBe(0);
});

describe('personnel location demo', () => {
  it('counts the 300 simulated tags by zone, pushes headcounts, and raises the camera box’s detection in the tank farm', async () => {
    const session = await demoSession(http, dataDir);
    const ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`, { headers: { cookie: session.cookie } });
    await ws.waitForMessage((m) => m.type === 'snapshot-end', 5000, 'snapshot');
    await waitFor(async () => ((await (await fetch(`${http}/api/people/zones`, { headers: session.headers() })).json()) as { total: number }).total >= 150, 20_000, 'half the 300 tags placed in zones (the rest walk between them)');
    await ws.waitForMessage((m) => m.type === 'headcount', 10_000, 'a headcount message');
    const video = await ws.waitForMessage((m) => m.type === 'transition' && String(m['conditionId']).startsWith('video/cam-tf-north/'), 20_000, 'a camera detection');
    expect(video).toMatchObject({ ruleKind: 'video', zoneId: 'tank-farm', cameras: ['cam-tf-north'], codes: { enterpriseCode: 'DEMO-000005' } });
    expect(Array.isArray(video['people'])).toBe(true);
    await ws.close();
  }, 60_000);
});
