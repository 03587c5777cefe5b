import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModbusProfile, parseModbusProfile, PROFILES_DIR, type ModbusProfile, type ProfileRegister } from '../../devices/profiles/modbus-profile.js';

function load(name: string): ModbusProfile {
  const result = loadModbusProfile(name);
  if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.problems)}`);
  return result.profile;
}

function reg(profile: ModbusProfile, name: string): ProfileRegister {
  const found = profile.registers.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no register ${name}`);
  return found;
}

describe('the shipped profiles', () => {
  it('finds devices/profiles from the source tree', () => {
    expect(PROFILES_DIR.replaceAll('\\', '/')).toMatch(/\/devices\/profiles$/);
  });

  it('gas-controller-8ch: 8 concentrations at even addresses, 8 status words after them', () => {
    const p = load('gas-controller-8ch');
    expect(p.registers).toHaveLength(16);
    expect(reg(p, 'ch1.gas')).toMatchObject({ fn: 'input', address: 0, type: 'uint16', order: 'ABCD', multiply: 0.1, offset: 0 });
    expect(reg(p, 'ch8.gas').address).toBe(14);
    expect(reg(p, 'ch8.gas').point).toEqual({ kind: 'gas', type: 'number', unit: '%LEL', range: [0, 100], attrs: { class: 'combustible' }, name: 'gas channel 8' });
    const status = reg(p, 'ch4.status');
    expect(status).toMatchObject({ address: 7, statusOf: 'ch4.gas' });
    expect(status.point).toBeUndefined();
    expect(status.quality?.find((q) => q.values.includes(3))).toEqual({ values: [3], level: 'bad', reason: 'detector-fault' });
    expect(status.quality?.map((q) => q.level)).toEqual(['good', 'uncertain', 'uncertain', 'bad', 'uncertain']);
  });

  it('ai-8ch-4-20ma: µA inputs with current-loop scaling', () => {
    const p = load('ai-8ch-4-20ma');
    expect(p.registers.filter((r) => r.point !== undefined).map((r) => `${r.name}@${r.address}`)).toEqual(['ai1@0', 'ai2@1', 'ai3@2', 'ai4@3', 'ai5@4', 'ai6@5', 'ai7@6', 'ai8@7']);
    expect(reg(p, 'ai3').multiply).toBe(0.001);
    expect(reg(p, 'ai3').point).toMatchObject({ kind: 'analog', unit: '%', range: [0, 100], scaling: { kind: 'current-loop', faultLowMa: 3.6, faultHighMa: 21 } });
  });

  it('esd-valve-io: command coil, two limit switches, stroke time', () => {
    const p = load('esd-valve-io');
    expect(p.registers.map((r) => `${r.fn}:${r.address}:${r.type}:${r.point?.type ?? '-'}`)).toEqual(['coil:0:bit:boolean', 'discrete:0:bit:boolean', 'discrete:1:bit:boolean', 'holding:0:uint16:number']);
    expect(reg(p, 'command').point?.name).toBe('command (read only for hazgate)');
  });

  it('sis-bypass-status: 16 bits of holding 0, a count and a CDAB uint32', () => {
    const p = load('sis-bypass-status');
    const bits = p.registers.filter((r) => r.type === 'bit');
    expect(bits.map((r) => `${r.name}:${r.address}.${String(r.bit)}`)).toEqual(Array.from({ length: 16 }, (_, i) => `il${i + 1}.bypassed:0.${i}`));
    expect(reg(p, 'bypass.count')).toMatchObject({ fn: 'holding', address: 1, type: 'uint16' });
    expect(reg(p, 'bypass.oldest.s')).toMatchObject({ fn: 'holding', address: 2, type: 'uint32', order: 'CDAB' });
  });
});

describe('repeat expansion', () => {
  it('replaces {n} in name, statusOf and point.name, steps address by stride', () => {
    const result = parseModbusProfile(
      `profile: x
modbus:
  byteOrder: DCBA
  registers:
    - name: t{n}.temp
      fn: holding
      address: 100
      type: float32
      repeat: 3
      stride: 4
      point: { kind: temperature, name: 'tank {n}' }
    - name: t{n}.st
      fn: holding
      address: 102
      statusOf: t{n}.temp
      order: ABCD
      repeat: 3
      stride: 4
`,
      'x.yaml',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.profile.registers.map((r) => `${r.name}@${r.address}/${r.order}/${r.statusOf ?? ''}/${r.point?.name ?? ''}`)).toEqual([
      't1.temp@100/DCBA//tank 1', 't2.temp@104/DCBA//tank 2', 't3.temp@108/DCBA//tank 3',
      't1.st@102/ABCD/t1.temp/', 't2.st@106/ABCD/t2.temp/', 't3.st@110/ABCD/t3.temp/',
    ]);
  });

  it('steps the bit with bitStride and keeps the address (stride defaults to 0 then)', () => {
    const result = parseModbusProfile('profile: x\nmodbus:\n  registers:\n    - { name: "f{n}", fn: input, address: 5, type: bit, bit: 4, bitStride: 2, repeat: 3 }\n', 'x.yaml');
    expect(result.ok && result.profile.registers.map((r) => `${r.address}.${String(r.bit)}`)).toEqual(['5.4', '5.6', '5.8']);
  });
});

/** The problems of a profile that must fail, as "path (line): message". */
function problemsOf(registers: string, extra = ''): string[] {
  const result = parseModbusProfile(`profile: bad\n${extra}modbus:\n  registers:\n${registers}`, 'bad.yaml');
  if (result.ok) throw new Error('expected the profile to be refused');
  return result.problems.map((p) => `${p.path} (${String(p.line)}): ${p.message}`);
}

describe('load-time checks, each naming the register and its line', () => {
  it.each([
    {
      what: 'duplicate names',
      yaml: '    - { name: a, fn: holding, address: 0 }\n    - { name: a, fn: holding, address: 1 }\n',
      expected: 'modbus.registers[1].name (5): register a: the name is used twice (also registers[0])',
    },
    {
      what: 'statusOf naming an unknown register',
      yaml: '    - { name: a.st, fn: input, address: 0, statusOf: a }\n',
      expected: 'modbus.registers[0].statusOf (4): register a.st: names no register of this profile: a',
    },
    {
      what: 'overlapping registers of one function',
      yaml: '    - { name: a, fn: holding, address: 0, type: float32 }\n    - { name: b, fn: holding, address: 1 }\n',
      expected: 'modbus.registers[1].address (5): register b: overlaps register a (holding 1)',
    },
    {
      what: 'two bit entries on the same bit',
      yaml: '    - { name: a, fn: holding, address: 0, type: bit, bit: 3 }\n    - { name: b, fn: holding, address: 0, type: bit, bit: 3 }\n',
      expected: 'modbus.registers[1].address (5): register b: overlaps register a (bit 3 of holding 0)',
    },
    {
      what: 'a bit entry on a register a number uses',
      yaml: '    - { name: a, fn: input, address: 0 }\n    - { name: b, fn: input, address: 0, type: bit, bit: 1 }\n',
      expected: 'overlaps register',
    },
    {
      what: 'a span past 65535',
      yaml: '    - { name: a, fn: input, address: 65535, type: uint32 }\n',
      expected: 'modbus.registers[0].address (4): register a: spans 65535..65536, past the last address 65535',
    },
    {
      what: 'a coil that is not a bit',
      yaml: '    - { name: a, fn: coil, address: 0, type: uint16 }\n',
      expected: 'modbus.registers[0].type (4): register a: a coil is a single bit: its type can only be bit',
    },
    {
      what: 'quality without statusOf',
      yaml: '    - name: a\n      fn: input\n      address: 0\n      quality: [{ values: [0], level: good }]\n',
      expected: 'modbus.registers[0].quality (7): register a: quality rules need statusOf (the register whose quality they give)',
    },
    {
      what: 'a string longer than one read',
      yaml: '    - { name: a, fn: holding, address: 0, type: string, length: 126 }\n',
      expected: 'modbus.registers[0].length (4): register a: 126 registers cannot be read in one request (protocol limit 125)',
    },
    {
      what: 'a bit past 15 after bitStride',
      yaml: '    - { name: "b{n}", fn: holding, address: 0, type: bit, bit: 10, bitStride: 2, repeat: 4 }\n',
      expected: 'modbus.registers[0].bit (4): register b4: bit 16 is past bit 15 of a 16-bit register',
    },
    {
      what: 'scaling without a range',
      yaml: '    - name: a\n      fn: input\n      address: 0\n      point: { kind: analog, scaling: { kind: current-loop, faultLowMa: 3.6, faultHighMa: 21 } }\n',
      expected: 'modbus.registers[0].point.scaling (7): register a: scaling needs point.range (the engineering range 4-20 mA maps to)',
    },
    {
      what: 'repeat without {n}',
      yaml: '    - { name: a, fn: input, address: 0, repeat: 2 }\n',
      expected: 'modbus.registers[0].name (4): register a: needs {n} when repeat is more than 1 (names must be unique)',
    },
    {
      what: 'a misspelt key',
      yaml: '    - { name: a, fn: input, adress: 0 }\n',
      expected: 'modbus.registers[0].adress (4): is not a known key (a typo?)',
    },
    {
      what: 'an unknown function',
      yaml: '    - { name: a, fn: inputs, address: 0 }\n',
      expected: 'modbus.registers[0].fn (4)',
    },
    {
      what: 'a boolean point on a number register',
      yaml: '    - { name: a, fn: input, address: 0, point: { kind: x, type: boolean } }\n',
      expected: 'modbus.registers[0].point.type (4): register a: a uint16 register gives a number point',
    },
  ])('$what', ({ yaml, expected }) => {
    const problems = problemsOf(yaml);
    expect(problems.some((p) => p.includes(expected)), problems.join('\n')).toBe(true);
  });

  it('allows bit entries that share a register with different bits', () => {
    const result = parseModbusProfile('profile: x\nmodbus:\n  registers:\n    - { name: a, fn: holding, address: 0, type: bit, bit: 0 }\n    - { name: b, fn: holding, address: 0, type: bit, bit: 1 }\n', 'x.yaml');
    expect(result.ok).toBe(true);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf('    - { name: a, fn: coil, address: 0, type: int16 }\n    - { name: b, fn: input, address: 0, quality: [{ values: [1], level: bad }] }\n');
    expect(problems).toHaveLength(2);
  });

  it('needs a modbus section and a profile name', () => {
    const result = parseModbusProfile('kind: gas\n', 'x.yaml');
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(['profile', 'modbus']);
  });
});

describe('loadModbusProfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hazgate-profile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a path and a name in a given folder, and names a missing profile', () => {
    writeFileSync(join(dir, 'mine.yaml'), 'profile: mine\nmodbus:\n  registers:\n    - { name: a, fn: input, address: 0 }\n');
    expect(loadModbusProfile(join(dir, 'mine.yaml')).ok).toBe(true);
    const byName = loadModbusProfile('mine', dir);
    expect(byName.ok && byName.profile.file).toBe(join(dir, 'mine.yaml'));
    const missing = loadModbusProfile('nope', dir);
    expect(missing.ok ? '' : missing.problems[0]?.message).toMatch(/no profile named nope/);
  });
});
