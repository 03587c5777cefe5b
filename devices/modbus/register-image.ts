import type { ModbusFunctionName, ModbusProfile, ProfileRegister } from '../profiles/modbus-profile.js';
import { spanOf } from '../profiles/modbus-expand.js';
import { encodeValue, rawFromValue, setBit, wireBit } from './encode.js';
import type { PduTarget } from './pdu.js';

/**
 * A device's memory, built from its profile: one table per function, holding a value for each
 * address the profile defines (0/1 for coils and discrete inputs, 0..65535 for registers). An
 * address the profile does not define is absent, and a read that touches one is refused with
 * exception 2, as real devices do. Everything starts at 0.
 */
export class RegisterImage implements PduTarget {
  private readonly tables: Record<ModbusFunctionName, Map<number, number>> = {
    coil: new Map(),
    discrete: new Map(),
    holding: new Map(),
    input: new Map(),
  };

  constructor(profile: ModbusProfile) {
    for (const register of profile.registers) {
      const table = this.tables[register.fn];
      for (let i = 0; i < spanOf(register); i++) table.set(register.address + i, 0);
    }
  }

  read(fn: ModbusFunctionName, address: number, count: number): readonly number[] | undefined {
    const table = this.tables[fn];
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      const value = table.get(address + i);
      if (value === undefined) return undefined;
      values.push(value);
    }
    return values;
  }

  write(fn: 'coil' | 'holding', address: number, values: readonly number[]): boolean {
    const table = this.tables[fn];
    for (let i = 0; i < values.length; i++) if (!table.has(address + i)) return false;
    values.forEach((value, i) => table.set(address + i, value));
    return true;
  }

  /**
   * Stores an engineering (or mA) value into a register of the profile: scaled to counts with
   * multiply/offset, encoded in the register's type and order; a bit changes only its own bit.
   */
  store(register: ProfileRegister, value: number | boolean | string): void {
    const table = this.tables[register.fn];
    const on = value === true || (typeof value === 'number' && value !== 0);
    if (register.fn === 'coil' || register.fn === 'discrete') {
      table.set(register.address, on ? 1 : 0);
      return;
    }
    if (register.type === 'bit') {
      table.set(register.address, setBit(table.get(register.address) ?? 0, wireBit(register.bit ?? 0, register.order), on));
      return;
    }
    const scaled = typeof value === 'string' || register.type === 'string' ? value : rawFromValue(Number(value), register.type, register.multiply, register.offset);
    const words = encodeValue(scaled, register.type, register.order, register.length === undefined ? {} : { length: register.length });
    words.forEach((word, i) => table.set(register.address + i, word));
  }
}
