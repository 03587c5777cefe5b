import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlant, type PlantProcesses } from '../support/plant-processes.js';
import { waitFor } from '../support/wait.js';

/**
 * The whole path over real Modbus TCP: `hazgate start` polls deploy/sites/demo-modbus-plant.yaml's
 * devices, which a separate `hazgate simulate` process serves (as hardware would), replaying
 * devices/scenarios/modbus-plant.yaml. Registers come from the device profiles; values reach the
 * REST API, rules raise alarms, and /metrics counts the requests per device.
 */

const SITE = 'deploy/sites/demo-modbus-plant.yaml';
let plant: PlantProcesses;
let http: string;
const points = () => plant.points();

beforeAll(async () => {
  plant = await startPlant(SITE, ['HAZGATE_MODBUS_PORT']);
  http = plant.http;
}, 30_000);

afterAll(async () => {
  await plant?.stop();
});

describe('Modbus plant end to end', () => {
  it('serves every profile point with its engineering value and good quality', async () => {
    await waitFor(async () => [...(await points()).values()].every((p) => p.latest != null), 15_000, 'a value for every point');
    const p = await points();
    const value = (id: string) => p.get(id)?.latest?.value;
    // Gas controller: 0.1 %LEL counts; scenario base 1.0 ± 0.3.
    expect(value('GC1-CH1')).toBeGreaterThanOrEqual(0.7);
    expect(value('GC1-CH1')).toBeLessThanOrEqual(1.3);
    // AI module: µA → mA (profile) → engineering units (the point's 4-20 mA range, NE 43).
    expect(value('TK201.LT')).toBeCloseTo(55, 0);
    expect(value('PT-201')).toBeCloseTo(6.2, 0);
    // ESD valve open, no SIS bypass (the scenario starts calm).
    expect([value('XV-301.ZSO'), value('XV-301.ZSC'), value('SIS-1.BYP.COUNT')]).toEqual([true, false, 0]);
    expect(p.get('GC1-CH1')?.latest?.quality).toEqual({ level: 'good' });
    // Unwired channels the site skips are not points.
    expect(p.has('ai-1.ai5')).toBe(false);
  });

  it('raises the leak alarm on the gas controller channel', async () => {
    // GC1-CH2 ramps from 10 s and crosses 25 %LEL at about 14 s of the scenario.
    await waitFor(
      async () => ((await (await fetch(`${http}/api/alarms`, { headers: plant.headers })).json()) as { alarms: { conditionId: string }[] }).alarms.some((a) => a.conditionId === 'combustible-gas/GC1-CH2'),
      30_000,
      'the GC1-CH2 level-1 alarm',
      250,
    );
  }, 35_000);

  it('counts requests per device on /metrics', async () => {
    const metrics = await (await fetch(`${http}/metrics`)).text();
    for (const device of ['gc-1', 'ai-1', 'xv-301', 'sis-1']) {
      const m = new RegExp(`hazgate_modbus_requests_total\\{adapter="plant-modbus",device="${device}",outcome="ok"\\} (\\d+)`).exec(metrics);
      expect(Number(m?.[1] ?? 0), device).toBeGreaterThan(0);
    }
    expect(metrics).toMatch(/hazgate_modbus_registers_read_total\{adapter="plant-modbus",device="gc-1"\} [1-9]/);
  });
});
