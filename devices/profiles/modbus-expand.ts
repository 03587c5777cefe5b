import type { ProfileByteOrder, ProfilePointTemplate, ProfileQualityRule, ProfileRegister, ProfileValueType } from './modbus-profile.js';
import type { ModbusProfileFile, RegisterEntry } from './modbus-schema.js';

/** A register after `repeat` expansion, with the index of the YAML entry it came from (for problems). */
export interface ExpandedRegister {
  readonly register: ProfileRegister;
  readonly entry: number;
}

const REPEAT_INDEX = /\{n\}/g;

/** Default type of an entry: coils and discrete inputs are bits, registers uint16. */
export function entryType(entry: RegisterEntry): ProfileValueType {
  return entry.type ?? (entry.fn === 'coil' || entry.fn === 'discrete' ? 'bit' : 'uint16');
}

/**
 * Expands `repeat: N` into N registers: `{n}` (1..N) in name, statusOf and point.name; address
 * steps by `stride` (default 1, or 0 when `bitStride` is given) and bit by `bitStride` (default 0).
 */
export function expandRegisters(file: ModbusProfileFile): ExpandedRegister[] {
  const defaultOrder: ProfileByteOrder = file.modbus.byteOrder ?? 'ABCD';
  return file.modbus.registers.flatMap((entry, index) => {
    const count = entry.repeat ?? 1;
    const stride = entry.stride ?? (entry.bitStride === undefined ? 1 : 0);
    return Array.from({ length: count }, (_, i) => ({ register: expandOne(entry, i + 1, stride, defaultOrder), entry: index }));
  });
}

function expandOne(entry: RegisterEntry, n: number, stride: number, defaultOrder: ProfileByteOrder): ProfileRegister {
  const type = entryType(entry);
  const fill = (text: string): string => text.replace(REPEAT_INDEX, String(n));
  const bitField = entry.fn === 'holding' || entry.fn === 'input';
  const bit = type === 'bit' && bitField ? (entry.bit ?? 0) + (n - 1) * (entry.bitStride ?? 0) : entry.bit;
  return {
    name: fill(entry.name),
    fn: entry.fn,
    address: entry.address + (n - 1) * stride,
    type,
    order: entry.order ?? defaultOrder,
    ...(entry.length === undefined ? {} : { length: entry.length }),
    ...(bit === undefined ? {} : { bit }),
    multiply: entry.multiply ?? 1,
    offset: entry.offset ?? 0,
    ...(entry.statusOf === undefined ? {} : { statusOf: fill(entry.statusOf) }),
    ...(entry.quality === undefined ? {} : { quality: entry.quality.map(qualityRule) }),
    ...(entry.point === undefined ? {} : { point: pointTemplate(entry.point, type, fill) }),
  };
}

function qualityRule(rule: NonNullable<RegisterEntry['quality']>[number]): ProfileQualityRule {
  return { values: rule.values, level: rule.level, ...(rule.reason === undefined ? {} : { reason: rule.reason }) };
}

function pointTemplate(point: NonNullable<RegisterEntry['point']>, type: ProfileValueType, fill: (text: string) => string): ProfilePointTemplate {
  return {
    kind: point.kind,
    type: point.type ?? (type === 'bit' ? 'boolean' : 'number'),
    attrs: point.attrs ?? {},
    ...(point.unit === undefined ? {} : { unit: point.unit }),
    ...(point.range === undefined ? {} : { range: point.range }),
    ...(point.scaling === undefined ? {} : { scaling: point.scaling }),
    ...(point.name === undefined ? {} : { name: fill(point.name) }),
  };
}

/** Registers (holding/input) or bits (coil/discrete) a register spans. */
export function spanOf(register: Pick<ProfileRegister, 'type' | 'fn' | 'length'>): number {
  switch (register.type) {
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'float64':
      return 4;
    case 'string':
      return register.length ?? 1;
    default:
      return 1;
  }
}
