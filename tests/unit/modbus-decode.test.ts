import { describe, expect, it } from 'vitest';
import { decodeValue, registerCount, type ByteOrder, type ModbusType } from '../../adapters/modbus/decode.js';
import type { ModbusErrorCode } from '../../adapters/modbus/errors.js';
import { codeOf } from './modbus-fixtures.js';

describe('decodeValue: known vectors in every order', () => {
  // [type, order, registers as they arrive, value]
  it.each<[ModbusType, ByteOrder, number[], number]>([
    // float32 123.456 = 0x42F6E979
    ['float32', 'ABCD', [0x42f6, 0xe979], Math.fround(123.456)],
    ['float32', 'CDAB', [0xe979, 0x42f6], Math.fround(123.456)],
    ['float32', 'BADC', [0xf642, 0x79e9], Math.fround(123.456)],
    ['float32', 'DCBA', [0x79e9, 0xf642], Math.fround(123.456)],
    // int32 -2 = 0xFFFFFFFE
    ['int32', 'ABCD', [0xffff, 0xfffe], -2],
    ['int32', 'CDAB', [0xfffe, 0xffff], -2],
    ['int32', 'BADC', [0xffff, 0xfeff], -2],
    ['int32', 'DCBA', [0xfeff, 0xffff], -2],
    // uint32 0xDEADBEEF = 3735928559
    ['uint32', 'ABCD', [0xdead, 0xbeef], 0xdeadbeef],
    ['uint32', 'CDAB', [0xbeef, 0xdead], 0xdeadbeef],
    ['uint32', 'BADC', [0xadde, 0xefbe], 0xdeadbeef],
    ['uint32', 'DCBA', [0xefbe, 0xadde], 0xdeadbeef],
    // float64 π = 0x400921FB54442D18
    ['float64', 'ABCD', [0x4009, 0x21fb, 0x5444, 0x2d18], Math.PI],
    ['float64', 'CDAB', [0x2d18, 0x5444, 0x21fb, 0x4009], Math.PI],
    ['float64', 'BADC', [0x0940, 0xfb21, 0x4454, 0x182d], Math.PI],
    ['float64', 'DCBA', [0x182d, 0x4454, 0xfb21, 0x0940], Math.PI],
    // 16-bit: ABCD/CDAB read AB, BADC/DCBA read BA
    ['int16', 'ABCD', [0xffff], -1],
    ['int16', 'DCBA', [0xffff], -1],
    ['int16', 'ABCD', [0xfffe], -2],
    ['int16', 'CDAB', [0xfffe], -2],
    ['int16', 'BADC', [0xfeff], -2],
    ['int16', 'DCBA', [0xfeff], -2],
    ['int16', 'ABCD', [0x8000], -32768],
    ['uint16', 'ABCD', [0x1234], 0x1234],
    ['uint16', 'CDAB', [0x1234], 0x1234],
    ['uint16', 'BADC', [0x1234], 0x3412],
    ['uint16', 'DCBA', [0x1234], 0x3412],
    ['uint16', 'ABCD', [0xffff], 65535],
  ])('%s %s %j → %d', (type, order, registers, value) => {
    expect(decodeValue(registers, 0, type, order)).toBe(value);
    expect(decodeValue(Uint16Array.from(registers), 0, type, order)).toBe(value);
  });

  it('decodes 123.456 as float32 to within float precision', () => {
    expect(decodeValue([0x42f6, 0xe979], 0, 'float32', 'ABCD')).toBeCloseTo(123.456, 4);
  });

  it('reads from the offset, not from the start', () => {
    const block = [0x0001, 0xdead, 0xbeef, 0x0002];
    expect(decodeValue(block, 1, 'uint32', 'ABCD')).toBe(0xdeadbeef);
    expect(decodeValue(block, 3, 'uint16', 'ABCD')).toBe(2);
  });

  it('returns NaN and Infinity floats as they are', () => {
    expect(decodeValue([0x7fc0, 0x0000], 0, 'float32', 'ABCD')).toBeNaN();
    expect(decodeValue([0xff80, 0x0000], 0, 'float32', 'ABCD')).toBe(-Infinity);
  });
});

describe('decodeValue: agrees with Node Buffer for the letters of each order', () => {
  /** Lays a value's big-endian bytes out as the order's letters say (A = byte 0) and packs registers. */
  function layout(be: Buffer, order: ByteOrder): number[] {
    const wire = [...order].map((letter) => be[letter.charCodeAt(0) - 65] ?? -1);
    return [(wire[0] ?? 0) * 256 + (wire[1] ?? 0), (wire[2] ?? 0) * 256 + (wire[3] ?? 0)];
  }
  const orders: ByteOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];

  it.each(orders)('float32, int32, uint32 in %s', (order) => {
    for (const v of [0, 1, -1, 4.0, 20.0, -273.15, 1e-7, 3.4e38]) {
      const be = Buffer.alloc(4);
      be.writeFloatBE(v);
      expect(decodeValue(layout(be, order), 0, 'float32', order)).toBe(Math.fround(v));
    }
    for (const v of [0, 1, -1, 2147483647, -2147483648, 123456789]) {
      const be = Buffer.alloc(4);
      be.writeInt32BE(v);
      expect(decodeValue(layout(be, order), 0, 'int32', order)).toBe(v);
      expect(decodeValue(layout(be, order), 0, 'uint32', order)).toBe(v >>> 0);
    }
  });

  it('DCBA float64 is the little-endian double', () => {
    const le = Buffer.alloc(8);
    le.writeDoubleLE(-1234.5678e-9);
    const registers = [0, 2, 4, 6].map((i) => (le[i] ?? 0) * 256 + (le[i + 1] ?? 0));
    expect(decodeValue(registers, 0, 'float64', 'DCBA')).toBe(-1234.5678e-9);
  });
});

describe('decodeValue: strings', () => {
  // [case, registers, order, length, text]
  it.each<[string, number[], ByteOrder, number, string]>([
    ['HAZGATE, NUL padded', [0x4841, 0x5a47, 0x4154, 0x4500], 'ABCD', 4, 'HAZGATE'],
    ['word order does not apply to strings', [0x4841, 0x5a47, 0x4154, 0x4500], 'CDAB', 4, 'HAZGATE'],
    ['HAZGATE byte-swapped', [0x4148, 0x475a, 0x5441, 0x0045], 'BADC', 4, 'HAZGATE'],
    ['HAZGATE little-endian registers', [0x4148, 0x475a, 0x5441, 0x0045], 'DCBA', 4, 'HAZGATE'],
    ['trailing spaces trimmed', [0x4142, 0x2020, 0x2020], 'ABCD', 3, 'AB'],
    ['inner spaces kept', [0x4120, 0x4220], 'ABCD', 2, 'A B'],
    ['ends at the first NUL, stale bytes after it ignored', [0x4f4b, 0x0058, 0x5959], 'ABCD', 3, 'OK'],
    ['spaces before the NUL trimmed', [0x4120, 0x2000], 'ABCD', 2, 'A'],
    ['all NULs is empty', [0, 0], 'ABCD', 2, ''],
    ['length limits the registers read', [0x4142, 0x4344], 'ABCD', 1, 'AB'],
    ['non-ASCII bytes become U+FFFD', [0x41e9], 'ABCD', 1, 'A\uFFFD'],
  ])('%s', (_case, registers, order, length, text) => {
    expect(decodeValue(registers, 0, 'string', order, { length })).toBe(text);
  });
});

describe('decodeValue: bits', () => {
  // [register, order, bit, value]
  it.each<[number, ByteOrder, number, boolean]>([
    [0x0008, 'ABCD', 3, true],
    [0x0008, 'ABCD', 2, false],
    [0x8000, 'ABCD', 15, true],
    [0x8000, 'ABCD', 0, false],
    [0x0001, 'CDAB', 0, true],
    // BADC/DCBA: the register is byte-swapped first, so the device's bit 3 arrives in the high byte
    [0x0800, 'BADC', 3, true],
    [0x0800, 'DCBA', 11, false],
    [0x0008, 'DCBA', 3, false],
  ])('register %d, %s, bit %d → %s', (register, order, bit, value) => {
    expect(decodeValue([register], 0, 'bit', order, { bit })).toBe(value);
  });

  it('reads bit 0 when none is given (a coil held as 0/1)', () => {
    expect(decodeValue([1], 0, 'bit', 'ABCD')).toBe(true);
    expect(decodeValue([0], 0, 'bit', 'ABCD')).toBe(false);
  });
});

describe('registerCount', () => {
  it.each<[ModbusType, number | undefined, number]>([
    ['bit', undefined, 1],
    ['int16', undefined, 1],
    ['uint16', undefined, 1],
    ['int32', undefined, 2],
    ['uint32', undefined, 2],
    ['float32', undefined, 2],
    ['float64', undefined, 4],
    ['string', 8, 8],
  ])('%s (length %s) spans %d', (type, length, count) => {
    expect(registerCount(type, length)).toBe(count);
  });

  it.each([undefined, 0, 1.5, 126])('refuses a string of length %s', (length) => {
    expect(codeOf(() => registerCount('string', length))).toBe('HG_ERR_MODBUS_DECODE_INVALID');
  });
});

describe('decodeValue: refusals', () => {
  it.each<[string, () => unknown, ModbusErrorCode]>([
    ['a float32 past the end', () => decodeValue([0x42f6], 0, 'float32', 'ABCD'), 'HG_ERR_MODBUS_DECODE_RANGE'],
    ['a float64 one register short', () => decodeValue([1, 2, 3, 4], 1, 'float64', 'ABCD'), 'HG_ERR_MODBUS_DECODE_RANGE'],
    ['a negative offset', () => decodeValue([1, 2], -1, 'uint16', 'ABCD'), 'HG_ERR_MODBUS_DECODE_RANGE'],
    ['a string longer than the block', () => decodeValue([0x4142], 0, 'string', 'ABCD', { length: 2 }), 'HG_ERR_MODBUS_DECODE_RANGE'],
    ['bit 16', () => decodeValue([1], 0, 'bit', 'ABCD', { bit: 16 }), 'HG_ERR_MODBUS_DECODE_INVALID'],
    ['a register over 65535', () => decodeValue([70000], 0, 'uint16', 'ABCD'), 'HG_ERR_MODBUS_DECODE_INVALID'],
    ['a negative register', () => decodeValue([-1], 0, 'int16', 'ABCD'), 'HG_ERR_MODBUS_DECODE_INVALID'],
    ['an unknown order', () => decodeValue([1], 0, 'uint16', 'ADCB' as ByteOrder), 'HG_ERR_MODBUS_DECODE_INVALID'],
    ['an unknown type', () => decodeValue([1], 0, 'int8' as ModbusType, 'ABCD'), 'HG_ERR_MODBUS_DECODE_INVALID'],
  ])('refuses %s', (_case, decode, code) => {
    expect(codeOf(decode)).toBe(code);
  });
});
