import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSession, freePort, GatewayProcess } from '../support/gateway-process.js';
import { RecordingWsClient, type WsMessage } from '../support/ws-client.js';

/**
 * The Sparkplug demo as a person runs it (`hazgate demo --config deploy/sites/demo-sparkplug.yaml`):
 * the gateway with its MQTT listener, the `sparkplug` host adapter and the simulated edge node
 * Plant1/Edge1 in one process. The GT-102 leak must raise the combustible gas alarm on a real
 * WebSocket client, and /metrics must show the births and data it came through.
 */
let gw: GatewayProcess;
let ws: RecordingWsClient;
let dataDir: string;
let http: string;

beforeAll(async () => {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  dataDir = mkdtempSync(join(tmpdir(), 'hg-spb-'));
  http = `http://127.0.0.1:${httpPort}`;
  gw = GatewayProcess.spawn(['demo', '--config', 'deploy/sites/demo-sparkplug.yaml'], { HAZGATE_HTTP_PORT: String(httpPort), HAZGATE_MQTT_PORT: String(mqttPort), HAZGATE_DATA_DIR: dataDir });
  await gw.waitReady(http);
  const { cookie } = await demoSession(http, dataDir);
  ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`, { headers: { cookie } });
}, 30_000);

afterAll(async () => {
  await ws?.close();
  const code = await gw?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  expect(code).toBe(0);
});

describe('Sparkplug demo end to end', () => {
  it('raises the GT-102 leak alarm through Sparkplug B', async () => {
    const isLeak = (m: WsMessage): boolean => (m.type === 'transition' || m.type === 'condition') && m.pointId === 'GT-102' && m.ruleId === 'combustible-gas' && m.active === true;
    const leak = await ws.waitForMessage(isLeak, 60_000, 'the GT-102 leak alarm');
    expect(leak).toMatchObject({ level: expect.stringMatching(/^AL[12]$/), message: expect.stringContaining('GT-102') });
  }, 70_000);

  it('counts the births and data messages in /metrics, with no decode error and no rebirth needed', async () => {
    const metrics = await (await fetch(`${http}/metrics`)).text();
    const value = (re: RegExp): number => Number(re.exec(metrics)?.[1] ?? 'NaN');
    expect(value(/^hazgate_sparkplug_births_total\{adapter="plant-sparkplug"\} (\d+)/m)).toBeGreaterThanOrEqual(2);
    expect(value(/^hazgate_sparkplug_messages_total\{adapter="plant-sparkplug",type="DDATA"\} (\d+)/m)).toBeGreaterThan(10);
    expect(value(/^hazgate_sparkplug_decode_errors_total\{adapter="plant-sparkplug"\} (\d+)/m)).toBe(0);
    expect(value(/^hazgate_sparkplug_readings_total\{adapter="plant-sparkplug"\} (\d+)/m)).toBeGreaterThan(0);
  });
});
