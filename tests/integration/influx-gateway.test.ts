import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, GatewayProcess } from '../support/gateway-process.js';
import { startVictoria, type Victoria } from '../support/victoria.js';
import { waitFor } from '../support/wait.js';

/**
 * The gateway with an `influx` section, end to end: readings published over MQTT reach a real
 * VictoriaMetrics as samples (with their source timestamps), alarm transitions as `hazgate_alarm`,
 * and the sink shows on /readyz and /metrics; SIGTERM during an outage keeps the spool, and the
 * next start sends it.
 */

const SITE = `
site: { id: influx-it }
points:
  - { id: GT-1, kind: gas, area: farm, range: [0, 100] }
rules:
  - id: gas
    kind: threshold
    select: { points: [GT-1] }
    levels: [{ name: AL1, direction: high, limit: 25, priority: 2 }]
adapters:
  - kind: mqtt
    id: in
    url: mqtt://127.0.0.1:\${HAZGATE_MQTT_PORT}
    clientId: hazgate-influx-test
    subscriptions: [{ topic: "plant/{point}", qos: 1 }]
broker: { enabled: true, port: \${HAZGATE_MQTT_PORT} }
store: { dir: \${HAZGATE_DATA_DIR} }
server: { port: \${HAZGATE_HTTP_PORT} }
influx:
  url: \${INFLUX_URL}
  bucket: hazgate
  token: \${INFLUX_TOKEN}
  flushInterval: 100ms
  retry: { min: 100ms, max: 500ms }
`;

let dir: string;
let vm: Victoria;
let env: Record<string, string>;
let http: string;
let gw: GatewayProcess;
const T0 = Date.now() - 3_600_000;

async function publish(from: number, to: number): Promise<void> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${env['HAZGATE_MQTT_PORT'] ?? ''}`, { clientId: `pub-${from}` });
  for (let i = from; i < to; i++) await client.publishAsync('plant/GT-1', JSON.stringify({ value: i === to - 1 ? 30 : 5 + (i % 10), ts: T0 + i * 1_000 }), { qos: 1 });
  await client.endAsync();
}

async function stored(): Promise<number[]> {
  const series = await vm.export('{__name__="hazgate_gas_value"}');
  return [...series.values()].flat();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hg-influx-gw-'));
  vm = await startVictoria(dir);
  await writeFile(join(dir, 'site.yaml'), SITE);
  env = { HAZGATE_HTTP_PORT: String(await freePort()), HAZGATE_MQTT_PORT: String(await freePort()), HAZGATE_DATA_DIR: join(dir, 'data'), INFLUX_URL: vm.url, INFLUX_TOKEN: 'it-secret-token' };
  http = `http://127.0.0.1:${env['HAZGATE_HTTP_PORT'] ?? ''}`;
  gw = GatewayProcess.spawn(['start', '--config', join(dir, 'site.yaml')], env);
  await gw.waitReady(http);
}, 40_000);

afterAll(async () => {
  await gw?.stop();
  await vm?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('gateway with an InfluxDB sink', () => {
  it('writes samples with their source time, and alarm transitions', async () => {
    await publish(0, 50);
    await waitFor(async () => (await stored()).length === 50, 15_000, '50 samples in VictoriaMetrics', 250);
    expect((await stored()).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => T0 + i * 1_000));
    await waitFor(async () => (await vm.export('{__name__="hazgate_alarm_priority"}')).size === 1, 10_000, 'the alarm transition', 250);
    const ready = (await (await fetch(`${http}/readyz`)).json()) as { components: Record<string, { state: string }> };
    expect(ready.components['influx']?.state).toBe('up');
    const metrics = await (await fetch(`${http}/metrics`)).text();
    expect(metrics).toMatch(/hazgate_influx_lines_written_total (5[1-9]|[6-9]\d)/);
    expect(gw.output).not.toContain('it-secret-token');
  }, 40_000);

  it('keeps what it could not send across a restart during an outage, and sends it after', async () => {
    await vm.stop();
    await publish(50, 100);
    await waitFor(async () => /hazgate_influx_spool_lines [1-9]/.test(await (await fetch(`${http}/metrics`)).text()), 10_000, 'samples in the spool');
    expect(await gw.stop()).toBe(0);
    gw = GatewayProcess.spawn(['start', '--config', join(dir, 'site.yaml')], env);
    await gw.waitReady(http);
    await vm.start();
    await waitFor(async () => (await stored()).length >= 100, 20_000, '100 samples in VictoriaMetrics', 250);
    const all = await stored();
    expect(new Set(all).size).toBe(100);
    expect(all.length).toBe(100);
  }, 60_000);
});
