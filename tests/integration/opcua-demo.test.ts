import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, GatewayProcess } from '../support/gateway-process.js';
import { waitFor } from '../support/wait.js';

/**
 * The whole path over OPC UA: `hazgate start` subscribes to deploy/sites/demo-sis-tank-farm.yaml's
 * SIS/ESD server, which a separate `hazgate simulate` process serves; values reach the REST API
 * with the server's source timestamps, and /metrics counts the monitored items.
 */

const SITE = 'deploy/sites/demo-sis-tank-farm.yaml';
let gw: GatewayProcess;
let sim: GatewayProcess;
let http: string;
let dir: string;

interface PointView {
  readonly id: string;
  readonly latest?: { readonly value: number | boolean; readonly quality: { readonly level: string }; readonly tsSource: string } | null;
}

async function points(): Promise<Map<string, PointView>> {
  const body = (await (await fetch(`${http}/api/points`)).json()) as { points: PointView[] };
  return new Map(body.points.map((p) => [p.id, p]));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hg-opcua-demo-'));
  const httpPort = await freePort();
  const env = { HAZGATE_HTTP_PORT: String(httpPort), HAZGATE_OPCUA_PORT: String(await freePort()), HAZGATE_DATA_DIR: join(dir, 'data') };
  http = `http://127.0.0.1:${httpPort}`;
  sim = GatewayProcess.spawn(['simulate', '--config', SITE], env);
  gw = GatewayProcess.spawn(['start', '--config', SITE], env);
  await gw.waitReady(http, 30_000);
}, 40_000);

afterAll(async () => {
  await gw?.stop();
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('SIS/ESD tank farm over OPC UA end to end', () => {
  it('serves every point with the server timestamps and good quality', async () => {
    await waitFor(async () => [...(await points()).values()].every((p) => p.latest != null), 25_000, 'a value for every point', 250);
    const p = await points();
    expect(p.get('LT-302')?.latest).toMatchObject({ quality: { level: 'good' }, tsSource: 'device' });
    expect(p.get('LT-302')?.latest?.value).toBeCloseTo(55, 0);
    // Booleans stay booleans; the scenario starts with the valves open and no interlock tripped.
    expect([p.get('XV-302.ZSO')?.latest?.value, p.get('IL-302.TRIP')?.latest?.value]).toEqual([true, false]);
    // Items by browse path resolve like items by NodeId.
    expect(p.get('GT-301')?.latest?.quality.level).toBe('good');
  }, 30_000);

  it('reports its monitored items and subscriptions on /metrics', async () => {
    const metrics = await (await fetch(`${http}/metrics`)).text();
    expect(metrics).toContain('hazgate_opcua_monitored_items{adapter="sis-opcua"} 18');
    expect(metrics).toContain('hazgate_opcua_subscriptions{adapter="sis-opcua"} 2');
    expect(metrics).toMatch(/hazgate_opcua_data_changes_total\{adapter="sis-opcua"\} [1-9]/);
  });
});
