import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModbusProfile } from '../../devices/profiles/modbus-profile.js';
import { loadSite } from '../../src/app/index.js';
import { sumSeries } from '../bench/lib/modbus-measure.js';
import { DEVICES, naiveRequestsPerDevice, plannedRequestsPerDevice, profileYaml, registersPerDevice, writeModbusBenchPlant } from '../bench/lib/modbus-plant.js';

describe('the modbus bench plant', () => {
  it('reads 10,000 registers and bits per cycle in 100 planned requests, against 9,000 one per value', () => {
    expect(DEVICES * registersPerDevice()).toBe(10_000);
    // Input 300 uint16 → 125 + 125 + 50; holding 50 float32 → 100; discrete 100 bits → 100.
    expect(DEVICES * plannedRequestsPerDevice()).toBe(100);
    expect(DEVICES * naiveRequestsPerDevice()).toBe(9_000);
  });

  it('writes a profile the profile loader accepts', () => {
    const out = parseModbusProfile(profileYaml(), 'bench-500.yaml');
    expect(out.ok ? out.profile.registers.length : out.problems).toBe(450);
  });

  it('writes a site hazgate loads: one line per device, every value a point, the simulator beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-bench-modbus-'));
    try {
      const ports = Array.from({ length: DEVICES }, (_, d) => 15_020 + d);
      const out = loadSite(writeModbusBenchPlant(dir, { ports, httpPort: 18_080, dataDir: join(dir, 'data') }));
      expect(out.ok ? null : out.problems).toBeNull();
      if (!out.ok) return;
      expect(out.config.adapters.filter((a) => a.kind === 'modbus')).toHaveLength(DEVICES);
      expect(out.config.points).toHaveLength(DEVICES * naiveRequestsPerDevice());
      expect(out.config.simulator?.modbus?.map((s) => (s.transport.type === 'tcp' ? s.transport.port : 0))).toEqual(ports);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sumSeries', () => {
  const text = [
    '# TYPE hazgate_modbus_requests_total counter',
    'hazgate_modbus_requests_total{adapter="a",device="gc01",outcome="ok"} 40',
    'hazgate_modbus_requests_total{adapter="a",device="gc01",outcome="timeout"} 2',
    'hazgate_modbus_requests_total{adapter="b",device="gc02",outcome="ok"} 5',
    'hazgate_modbus_requests_total_other{outcome="ok"} 1000',
    'hazgate_readings_total 9',
  ].join('\n');

  it('sums the series whose labels match', () => {
    expect(sumSeries(text, 'hazgate_modbus_requests_total')).toBe(47);
    expect(sumSeries(text, 'hazgate_modbus_requests_total', { outcome: 'ok' })).toBe(45);
    expect(sumSeries(text, 'hazgate_modbus_requests_total', { device: 'gc01', outcome: 'ok' })).toBe(40);
    expect(sumSeries(text, 'hazgate_readings_total')).toBe(9);
    expect(sumSeries(text, 'hazgate_missing_total')).toBe(0);
  });
});
