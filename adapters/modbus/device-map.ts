import { type ByteOrder, type ModbusType, registerCount } from './decode.js';
import { isModbusError } from './errors.js';
import { planRegisterReads, type ModbusFunction, type ReadRequest, type RegisterItem } from './plan.js';
import type { ModbusAdapterConfig, ModbusDeviceConfig, ModbusRegisterConfig, StatusQualityRule } from './schema.js';

/**
 * A line's config compiled for polling: every register resolved to what the decoder needs, every
 * device's reads planned. Pure. Problems (overlapping registers, a status word of an unknown
 * register…) come back with the YAML path and a message naming device and register, so a bad
 * register map is refused at start, never found at 3 a.m.
 */

export interface CompiledRegister {
  /** Unique in the line: `<device>/<register name>`. */
  readonly key: string;
  readonly name: string;
  readonly fn: ModbusFunction;
  readonly address: number;
  readonly type: ModbusType;
  readonly order: ByteOrder;
  readonly length: number | undefined;
  readonly bit: number | undefined;
  /** Registers (or bits) spanned. */
  readonly count: number;
  readonly multiply: number;
  readonly offset: number;
  /** The point fed, or undefined for a status word that is not a point. */
  readonly pointId: string | undefined;
  /** For a status word: the key of the register whose quality it gives, and how. */
  readonly statusOf: string | undefined;
  readonly quality: readonly StatusQualityRule[] | undefined;
  /** Human address for messages: `GC-1 input 3 (ch2.gas)`. */
  readonly where: string;
}

export interface CompiledDevice {
  readonly id: string;
  readonly unitId: number;
  readonly intervalMs: number;
  readonly registers: ReadonlyMap<string, CompiledRegister>;
  /** Reads planned for the device; the poller may split one that the device refuses. */
  readonly requests: readonly ReadRequest[];
  /** Key of a point register → key of its status word. */
  readonly statusFor: ReadonlyMap<string, string>;
}

export interface DeviceMapProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export type CompileResult =
  | { readonly ok: true; readonly devices: readonly CompiledDevice[] }
  | { readonly ok: false; readonly problems: readonly DeviceMapProblem[] };

const BITS: ReadonlySet<ModbusFunction> = new Set(['coil', 'discrete']);

export function compileLine(config: ModbusAdapterConfig): CompileResult {
  const problems: DeviceMapProblem[] = [];
  const devices: CompiledDevice[] = [];
  const pointOwners = new Map<string, string>();
  config.devices.forEach((device, d) => {
    const compiled = compileDevice(config, device, ['devices', d], problems, pointOwners);
    if (compiled !== undefined) devices.push(compiled);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, devices };
}

function compileDevice(
  config: ModbusAdapterConfig,
  device: ModbusDeviceConfig,
  path: readonly (string | number)[],
  problems: DeviceMapProblem[],
  pointOwners: Map<string, string>,
): CompiledDevice | undefined {
  const before = problems.length;
  const registers = new Map<string, CompiledRegister>();
  device.registers.forEach((reg, r) => {
    const at = [...path, 'registers', r];
    const compiled = compileRegister(device, reg, at, problems);
    if (compiled === undefined) return;
    if (registers.has(compiled.key)) problems.push({ path: [...at, 'name'], message: `${compiled.where}: register name "${reg.name}" is used twice in device ${device.id}` });
    registers.set(compiled.key, compiled);
    if (compiled.pointId !== undefined) {
      const owner = pointOwners.get(compiled.pointId);
      if (owner !== undefined) problems.push({ path: [...at, 'point'], message: `${compiled.where}: point "${compiled.pointId}" is already fed by ${owner}` });
      pointOwners.set(compiled.pointId, compiled.where);
    }
  });
  const statusFor = linkStatusWords(device, registers, path, problems);
  checkOverlaps(device, [...registers.values()], path, problems);
  if (problems.length > before) return undefined;
  let requests: ReadRequest[];
  try {
    requests = planRegisterReads([...registers.values()].map((r) => itemOf(device, r)), {
      maxGap: config.maxGap,
      maxRegisters: config.maxRegisters,
      maxBits: config.maxBits,
    });
  } catch (e) {
    if (!isModbusError(e)) throw e;
    problems.push({ path, message: `device ${device.id}: ${e.message}` });
    return undefined;
  }
  const intervalMs = config.pollGroups[device.pollGroup] ?? 1_000;
  return { id: device.id, unitId: device.unitId, intervalMs, registers, requests, statusFor };
}

function compileRegister(
  device: ModbusDeviceConfig,
  reg: ModbusRegisterConfig,
  at: readonly (string | number)[],
  problems: DeviceMapProblem[],
): CompiledRegister | undefined {
  const where = `${device.id} ${reg.fn} ${reg.address} (${reg.name})`;
  const isBitFn = BITS.has(reg.fn);
  const type: ModbusType = reg.type ?? (isBitFn ? 'bit' : 'uint16');
  const fail = (key: string, message: string): undefined => {
    problems.push({ path: [...at, key], message: `${where}: ${message}` });
    return undefined;
  };
  if (isBitFn && type !== 'bit') return fail('type', `a ${reg.fn} is a single bit: type must be bit, not ${type}`);
  if (isBitFn && reg.bit !== undefined) return fail('bit', `a ${reg.fn} is a single bit: bit applies to registers only`);
  if (type === 'string' && reg.length === undefined) return fail('length', 'a string needs length (registers)');
  if (type !== 'string' && reg.length !== undefined) return fail('length', 'length applies to strings only');
  if (type !== 'bit' && reg.bit !== undefined) return fail('bit', 'bit applies to type bit only');
  if (type === 'string') return fail('type', 'string registers cannot feed a point (points are numbers or booleans)');
  if (reg.quality !== undefined && reg.statusOf === undefined) return fail('quality', 'quality rules need statusOf (the register whose quality this status word gives)');
  if (reg.statusOf !== undefined && reg.quality === undefined) return fail('statusOf', 'a status word needs quality rules (value → good/uncertain/bad)');
  const pointId = reg.point ?? device.points[reg.name];
  if (pointId === undefined && reg.statusOf === undefined) return fail('point', 'names no point (only a status word may have none)');
  const count = isBitFn ? 1 : registerCount(type, reg.length);
  if (reg.address + count - 1 > 0xffff) return fail('address', `spans ${count} registers past address 65535`);
  return {
    key: `${device.id}/${reg.name}`,
    name: reg.name,
    fn: reg.fn,
    address: reg.address,
    type,
    order: reg.order ?? device.order,
    length: reg.length,
    bit: reg.bit,
    count,
    multiply: reg.multiply,
    offset: reg.offset,
    pointId,
    statusOf: reg.statusOf === undefined ? undefined : `${device.id}/${reg.statusOf}`,
    quality: reg.quality,
    where,
  };
}

function linkStatusWords(
  device: ModbusDeviceConfig,
  registers: ReadonlyMap<string, CompiledRegister>,
  path: readonly (string | number)[],
  problems: DeviceMapProblem[],
): Map<string, string> {
  const statusFor = new Map<string, string>();
  device.registers.forEach((reg, r) => {
    if (reg.statusOf === undefined) return;
    const target = registers.get(`${device.id}/${reg.statusOf}`);
    const where = `${device.id} ${reg.fn} ${reg.address} (${reg.name})`;
    if (target === undefined) {
      problems.push({ path: [...path, 'registers', r, 'statusOf'], message: `${where}: statusOf names "${reg.statusOf}", which is not a register of ${device.id}` });
    } else if (target.pointId === undefined) {
      problems.push({ path: [...path, 'registers', r, 'statusOf'], message: `${where}: statusOf names "${reg.statusOf}", which feeds no point` });
    } else if (statusFor.has(target.key)) {
      problems.push({ path: [...path, 'registers', r, 'statusOf'], message: `${where}: "${reg.statusOf}" already has a status word` });
    } else {
      statusFor.set(target.key, `${device.id}/${reg.name}`);
    }
  });
  return statusFor;
}

/**
 * Two registers of one function may not share an address, unless both are `bit`s of one register
 * word taking different bits (a status word read bit by bit).
 */
function checkOverlaps(device: ModbusDeviceConfig, regs: readonly CompiledRegister[], path: readonly (string | number)[], problems: DeviceMapProblem[]): void {
  const sorted = [...regs].sort((a, b) => a.fn.localeCompare(b.fn) || a.address - b.address);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    if (a === undefined) continue;
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j];
      if (b === undefined || b.fn !== a.fn || b.address >= a.address + a.count) break;
      const bitsOfOneWord = !BITS.has(a.fn) && a.type === 'bit' && b.type === 'bit' && (a.bit ?? 0) !== (b.bit ?? 0);
      if (bitsOfOneWord) continue;
      const index = device.registers.findIndex((r) => r.name === b.name);
      problems.push({ path: [...path, 'registers', Math.max(index, 0), 'address'], message: `${b.where} overlaps ${a.where}` });
    }
  }
}

function itemOf(device: ModbusDeviceConfig, r: CompiledRegister): RegisterItem {
  return { id: r.key, unitId: device.unitId, fn: r.fn, address: r.address, count: r.count };
}
