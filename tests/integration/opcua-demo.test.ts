import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlant, type PlantProcesses } from '../support/plant-processes.js';
import { waitFor } from '../support/wait.js';

/**
 * The whole path over OPC UA: `hazgate start` subscribes to deploy/sites/demo-sis-tank-farm.yaml's
 * SIS/ESD server, which a separate `hazgate simulate` process serves; values reach the REST API
 * with the server's source timestamps, and /metrics counts the monitored items.
 */

const SITE = 'deploy/sites/demo-sis-tank-farm.yaml';
let plant: PlantProcesses;
let http: string;
const points = () => plant.points();

beforeAll(async () => {
  plant = await startPlant(SITE, ['HAZGATE_OPCUA_PORT']);
  http = plant.http;
}, 40_000);

afterAll(async () => {
  await plant?.stop();
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
