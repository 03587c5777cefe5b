import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileLine, parseModbusAdapterConfig, readingsOfCycle, PollSchedule, type CompiledDevice, type ReadOutcome } from '../../adapters/modbus/index.js';
import type { ModbusAdapterConfigInput } from '../../adapters/modbus/schema.js';
import { loadSite } from '../../src/app/index.js';

function line(devices: ModbusAdapterConfigInput['devices'], extra: Partial<ModbusAdapterConfigInput> = {}) {
  return parseModbusAdapterConfig({ kind: 'modbus', id: 'l', transport: { type: 'tcp', host: 'h' }, devices, ...extra });
}

function problemsOf(devices: ModbusAdapterConfigInput['devices']): string[] {
  const out = compileLine(line(devices));
  return out.ok ? [] : out.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
}

function compiled(devices: ModbusAdapterConfigInput['devices']): CompiledDevice {
  const out = compileLine(line(devices));
  if (!out.ok) throw new Error(out.problems.map((p) => p.message).join('; '));
  const first = out.devices[0];
  if (first === undefined) throw new Error('no device');
  return first;
}

describe('compileLine: a register map is refused at start, naming device and register', () => {
  it.each([
    [
      'overlapping registers',
      [{ id: 'GC', unitId: 1, registers: [{ name: 'a', fn: 'holding', address: 0, type: 'float32', point: 'A' }, { name: 'b', fn: 'holding', address: 1, point: 'B' }] }],
      'devices.0.registers.1.address: GC holding 1 (b) overlaps GC holding 0 (a)',
    ],
    [
      'a status word of an unknown register',
      [{ id: 'GC', unitId: 1, registers: [{ name: 's', fn: 'input', address: 1, statusOf: 'nope', quality: [{ values: [0], level: 'good' }] }] }],
      'devices.0.registers.0.statusOf: GC input 1 (s): statusOf names "nope", which is not a register of GC',
    ],
    [
      'a register without a point',
      [{ id: 'GC', unitId: 1, registers: [{ name: 'a', fn: 'input', address: 1 }] }],
      'devices.0.registers.0.point: GC input 1 (a): names no point (only a status word may have none)',
    ],
    [
      'a coil that is not a bit',
      [{ id: 'V', unitId: 1, registers: [{ name: 'c', fn: 'coil', address: 0, type: 'uint16', point: 'C' }] }],
      'devices.0.registers.0.type: V coil 0 (c): a coil is a single bit: type must be bit, not uint16',
    ],
    [
      'two registers feeding one point',
      [{ id: 'A', unitId: 1, registers: [{ name: 'x', fn: 'input', address: 0, point: 'P' }, { name: 'y', fn: 'input', address: 5, point: 'P' }] }],
      'devices.0.registers.1.point: A input 5 (y): point "P" is already fed by A input 0 (x)',
    ],
    [
      'a value past address 65535',
      [{ id: 'A', unitId: 1, registers: [{ name: 'x', fn: 'input', address: 65535, type: 'float32', point: 'P' }] }],
      'devices.0.registers.0.address: A input 65535 (x): spans 2 registers past address 65535',
    ],
  ] as const)('%s', (_what, devices, problem) => {
    expect(problemsOf(devices as never)).toEqual([problem]);
  });

  it('allows bits of one status word, and plans one read for neighbours', () => {
    const d = compiled([
      {
        id: 'SIS',
        unitId: 4,
        registers: [
          { name: 'b1', fn: 'holding', address: 0, type: 'bit', bit: 0, point: 'B1' },
          { name: 'b2', fn: 'holding', address: 0, type: 'bit', bit: 1, point: 'B2' },
          { name: 'n', fn: 'holding', address: 1, point: 'N' },
        ],
      },
    ]);
    expect(d.requests).toEqual([{ unitId: 4, fn: 'holding', address: 0, count: 2, items: expect.any(Array) }]);
  });

  it('refuses unknown poll groups, a zero timeout, RTU broadcast ids and devices without registers', () => {
    const reg = [{ name: 'x', fn: 'input' as const, address: 0, point: 'P' }];
    expect(() => line([{ id: 'A', unitId: 1, pollGroup: 'fast', registers: reg }])).toThrow(/unknown poll group "fast"/);
    expect(() => line([{ id: 'A', unitId: 1, pollGroup: 'constructor', registers: reg }])).toThrow(/unknown poll group "constructor"/);
    expect(() => line([{ id: 'A', unitId: 1, registers: reg }], { timeoutMs: 0 })).toThrow(/at least 50ms/);
    expect(() => line([{ id: 'A', unitId: 0, registers: reg }], { transport: { type: 'rtu', path: '/dev/ttyS0' } })).toThrow(/1\.\.247/);
    expect(() => line([{ id: 'A', unitId: 1 }])).toThrow(/needs a profile or registers/);
  });
});

describe('readingsOfCycle', () => {
  const device = compiled([
    {
      id: 'GC',
      unitId: 1,
      registers: [
        { name: 'g', fn: 'input', address: 0, multiply: 0.1, point: 'G' },
        { name: 's', fn: 'input', address: 1, statusOf: 'g', quality: [{ values: [0], level: 'good' }, { values: [3], level: 'bad', reason: 'detector-fault' }] },
        { name: 'h', fn: 'holding', address: 0, type: 'float32', order: 'CDAB', point: 'H' },
      ],
    },
  ]);
  // Planned in function-code order: holding (3) before input (4).
  const [holding, input] = device.requests;
  if (input === undefined || holding === undefined) throw new Error('expected two requests');

  it('applies status words: listed codes, unknown codes bad', () => {
    const last = new Map<string, number | boolean>();
    const cycle = (status: number): ReadOutcome[] => [
      { ok: true, request: input, words: [253, status] },
      { ok: true, request: holding, words: [0xe979, 0x42f6] },
    ];
    const good = readingsOfCycle(device, cycle(0), 'src', last).readings;
    expect(good.map((r) => [r.pointId, r.value, r.quality])).toEqual([
      ['G', 25.3, undefined],
      ['H', expect.closeTo(123.456, 3), undefined],
    ]);
    expect(readingsOfCycle(device, cycle(3), 'src', last).readings[0]?.quality).toEqual({ level: 'bad', reason: 'detector-fault' });
    expect(readingsOfCycle(device, cycle(9), 'src', last).readings[0]?.quality).toEqual({ level: 'bad', reason: 'status-unknown' });
  });

  it('flags a NaN float (a device saying its sensor failed) bad, with the last value', () => {
    const last = new Map<string, number | boolean>();
    readingsOfCycle(device, [{ ok: true, request: input, words: [100, 0] }, { ok: true, request: holding, words: [0xe979, 0x42f6] }], 'src', last);
    const nan = readingsOfCycle(device, [{ ok: true, request: input, words: [100, 0] }, { ok: true, request: holding, words: [0x0000, 0x7fc0] }], 'src', last);
    expect(nan.readings[1]).toMatchObject({ pointId: 'H', value: expect.closeTo(123.456, 3), quality: { level: 'bad', reason: 'not-finite' } });
  });

  it('gives a failed read bad quality and the last value, never a made-up one', () => {
    const last = new Map<string, number | boolean>();
    readingsOfCycle(device, [{ ok: true, request: input, words: [100, 0] }, { ok: true, request: holding, words: [0, 0] }], 'src', last);
    const failed = readingsOfCycle(device, [{ ok: false, request: input, quality: { level: 'bad', reason: 'comm-timeout' } }, { ok: true, request: holding, words: [0, 0] }], 'src', last);
    expect(failed.readings[0]).toMatchObject({ pointId: 'G', value: 10, quality: { level: 'bad', reason: 'comm-timeout' } });
  });
});

describe('PollSchedule', () => {
  it('keeps a grid, skips and counts missed cycles, backs off failures up to the cap', () => {
    const s = new PollSchedule([1_000], 0, { initialMs: 2_000, maxMs: 5_000 });
    s.succeeded(0, 10);
    expect(s.next().due).toBe(1_000);
    s.succeeded(0, 3_500); // the line was busy for 2.5 s
    expect(s.next().due).toBe(4_000);
    expect(s.overruns).toBe(2);
    expect([s.failed(0, 4_000), s.failed(0, 6_000), s.failed(0, 10_000), s.failed(0, 15_000)]).toEqual([2_000, 4_000, 5_000, 5_000]);
    s.succeeded(0, 20_000);
    expect(s.next().due).toBe(21_000);
  });
});

describe('site config with a device profile', () => {
  it('expands a gas controller profile into registers and points, renaming via points', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-modbus-site-'));
    writeFileSync(
      join(dir, 'site.yaml'),
      `site: { id: s }
points:
  - { id: GT-101, kind: gas, unit: '%LEL', range: [0, 100], area: tank-farm, attrs: { gas: CH4 } }
adapters:
  - kind: modbus
    id: gc-line
    transport: { type: tcp, host: 127.0.0.1, port: 5020 }
    devices:
      - { id: GC-1, unitId: 1, profile: gas-controller-8ch, points: { ch1.gas: GT-101 } }
`,
    );
    const out = loadSite(join(dir, 'site.yaml'));
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    const ids = out.config.points.map((p) => p.id);
    expect(ids).toEqual(['GT-101', ...[2, 3, 4, 5, 6, 7, 8].map((n) => `GC-1.ch${n}.gas`)]);
    expect(out.config.points[0]?.area).toBe('tank-farm');
    expect(out.config.points[1]).toMatchObject({ kind: 'gas', unit: '%LEL', range: [0, 100], attrs: { class: 'combustible', device: 'GC-1' } });
    const adapter = out.config.adapters[0];
    if (adapter?.kind !== 'modbus') throw new Error('expected a modbus adapter');
    const regs = adapter.devices[0]?.registers ?? [];
    expect(regs).toHaveLength(16);
    expect(regs.find((r) => r.name === 'ch1.gas')).toMatchObject({ fn: 'input', address: 0, point: 'GT-101', multiply: 0.1 });
    expect(regs.find((r) => r.name === 'ch1.status')).toMatchObject({ address: 1, statusOf: 'ch1.gas' });
  });

  it('refuses registers feeding unknown points, the wrong type, one point from two lines, and a status word skipped alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-modbus-site-'));
    writeFileSync(
      join(dir, 'site.yaml'),
      `site: { id: s }
points:
  - { id: N, kind: level }
adapters:
  - kind: modbus
    id: l1
    transport: { type: tcp, host: 127.0.0.1 }
    devices:
      - { id: A, unitId: 1, registers: [{ name: typo, fn: input, address: 0, point: NN }, { name: contact, fn: discrete, address: 0, point: N }] }
      - { id: GC, unitId: 2, profile: gas-controller-8ch, skip: [ch1.status] }
  - kind: modbus
    id: l2
    transport: { type: tcp, host: 127.0.0.2 }
    devices:
      - { id: B, unitId: 1, registers: [{ name: again, fn: input, address: 0, point: GC.ch2.gas }] }
`,
    );
    const out = loadSite(join(dir, 'site.yaml'));
    const text = out.ok ? '' : out.problems.map((p) => p.message).join('\n');
    expect(text).toContain('A input 0 (typo) feeds point "NN", which is not in points');
    expect(text).toContain('A discrete 0 (contact) is a bit but point "N" is type number');
    expect(text).toContain('B input 0 (again): point "GC.ch2.gas" is already fed by GC input 2 (ch2.gas) on another line');
    expect(text).toContain('"ch1.status" is the status word of "ch1.gas", which is still polled');
  });

  it('reports an unknown profile and a register the profile lacks, at the device', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-modbus-site-'));
    writeFileSync(
      join(dir, 'site.yaml'),
      `site: { id: s }
adapters:
  - kind: modbus
    id: l
    transport: { type: tcp, host: 127.0.0.1 }
    devices:
      - { id: A, unitId: 1, profile: no-such-profile }
      - { id: B, unitId: 2, profile: esd-valve-io, points: { nonsense: X } }
`,
    );
    const out = loadSite(join(dir, 'site.yaml'));
    expect(out.ok).toBe(false);
    const text = out.ok ? '' : out.problems.map((p) => `${p.line}: ${p.message}`).join('\n');
    expect(text).toMatch(/^7: device A: profile no-such-profile: .*/m);
    expect(text).toMatch(/^8: device B: profile esd-valve-io has no register "nonsense"/m);
  });
});
