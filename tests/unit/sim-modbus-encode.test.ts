import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../adapters/modbus/decode.js';
import { encodeValue, rawFromValue, setBit } from '../../devices/modbus/encode.js';
import type { ProfileByteOrder, ProfileValueType } from '../../devices/profiles/modbus-profile.js';

const ORDERS: readonly ProfileByteOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];

describe('encodeValue: byte and word order (adapters/modbus/README.md)', () => {
  it.each([
    { order: 'ABCD', words: [0x42f6, 0xe979] },
    { order: 'CDAB', words: [0xe979, 0x42f6] },
    { order: 'BADC', words: [0xf642, 0x79e9] },
    { order: 'DCBA', words: [0x79e9, 0xf642] },
  ] as const)('float32 123.456 = 0x42F6E979 as $order', ({ order, words }) => {
    expect(encodeValue(123.456, 'float32', order)).toEqual(words);
  });

  it.each([
    { type: 'int16', value: -2, order: 'ABCD', words: [0xfffe] },
    { type: 'int16', value: 0x1234, order: 'BADC', words: [0x3412] },
    { type: 'uint16', value: 0x1234, order: 'CDAB', words: [0x1234] },
    { type: 'uint16', value: 0x1234, order: 'DCBA', words: [0x3412] },
    { type: 'int32', value: -1, order: 'ABCD', words: [0xffff, 0xffff] },
    { type: 'uint32', value: 0x11223344, order: 'ABCD', words: [0x1122, 0x3344] },
    { type: 'uint32', value: 0x11223344, order: 'CDAB', words: [0x3344, 0x1122] },
    { type: 'uint32', value: 0x11223344, order: 'BADC', words: [0x2211, 0x4433] },
    { type: 'uint32', value: 0x11223344, order: 'DCBA', words: [0x4433, 0x2211] },
    // 1.0 = 0x3FF0000000000000
    { type: 'float64', value: 1, order: 'ABCD', words: [0x3ff0, 0, 0, 0] },
    { type: 'float64', value: 1, order: 'CDAB', words: [0, 0, 0, 0x3ff0] },
    { type: 'float64', value: 1, order: 'BADC', words: [0xf03f, 0, 0, 0] },
    { type: 'float64', value: 1, order: 'DCBA', words: [0, 0, 0, 0xf03f] },
  ] as const)('$type $value in $order', ({ type, value, order, words }) => {
    expect(encodeValue(value, type, order)).toEqual(words);
  });

  it('puts strings two characters a register, NUL padded, bytes swapped for BADC/DCBA only', () => {
    expect(encodeValue('GAS', 'string', 'ABCD', { length: 3 })).toEqual([0x4741, 0x5300, 0]);
    expect(encodeValue('GAS', 'string', 'CDAB', { length: 3 })).toEqual([0x4741, 0x5300, 0]);
    expect(encodeValue('GAS', 'string', 'BADC', { length: 2 })).toEqual([0x4147, 0x0053]);
    expect(encodeValue('GAS-DETECTOR', 'string', 'ABCD', { length: 2 })).toEqual([0x4741, 0x532d]);
    expect(encodeValue('µ', 'string', 'ABCD', { length: 1 })).toEqual([0x3f00]);
  });

  it('sets one bit for type bit', () => {
    expect(encodeValue(true, 'bit', 'ABCD', { bit: 2 })).toEqual([0b100]);
    expect(encodeValue(false, 'bit', 'ABCD', { bit: 2 })).toEqual([0]);
    // A bit field is a 16-bit value: byte-swapped orders move bit 2 into the high byte.
    expect(encodeValue(true, 'bit', 'BADC', { bit: 2 })).toEqual([0b100 << 8]);
    expect(encodeValue(true, 'bit', 'CDAB', { bit: 9 })).toEqual([1 << 9]);
    expect(setBit(0b1010, 1, false)).toBe(0b1000);
    expect(setBit(0, 15, true)).toBe(0x8000);
  });
});

describe('rawFromValue: counts from an engineering or mA value', () => {
  it.each([
    { value: 25.3, type: 'uint16', multiply: 0.1, offset: 0, raw: 253 },
    { value: 3.5, type: 'uint16', multiply: 0.001, offset: 0, raw: 3500 },
    { value: 12.0004, type: 'uint16', multiply: 0.001, offset: 0, raw: 12000 },
    { value: -40, type: 'int16', multiply: 0.1, offset: -50, raw: 100 },
    { value: 70000, type: 'uint16', multiply: 1, offset: 0, raw: 65535 },
    { value: -5, type: 'uint16', multiply: 1, offset: 0, raw: 0 },
    { value: -40000, type: 'int16', multiply: 1, offset: 0, raw: -32768 },
    { value: 1e10, type: 'uint32', multiply: 1, offset: 0, raw: 0xffffffff },
    { value: 1.25, type: 'float32', multiply: 0.5, offset: 0, raw: 2.5 },
  ] as const)('$value as $type (×$multiply +$offset) → $raw', ({ value, type, multiply, offset, raw }) => {
    expect(rawFromValue(value, type, multiply, offset)).toBeCloseTo(raw, 9);
  });
});

describe('round trip against the gateway decoder', () => {
  const samples: Readonly<Record<Exclude<ProfileValueType, 'string' | 'bit'>, readonly number[]>> = {
    int16: [-32768, -1, 0, 1, 12345, 32767],
    uint16: [0, 1, 0x8000, 65535],
    int32: [-0x80000000, -123456, 0, 7, 0x7fffffff],
    uint32: [0, 1, 0x12345678, 0xffffffff],
    float32: [0, -1.5, 123.456, 3.4e38],
    float64: [0, -1.5, Math.PI, 1e300],
  };
  for (const order of ORDERS) {
    for (const [type, values] of Object.entries(samples) as [Exclude<ProfileValueType, 'string' | 'bit'>, number[]][]) {
      it(`${type} in ${order}`, () => {
        for (const value of values) {
          const decoded = decodeValue(encodeValue(value, type, order), 0, type, order);
          expect(decoded).toBe(type === 'float32' ? Math.fround(value) : value);
        }
      });
    }
    it(`string and bit in ${order}`, () => {
      expect(decodeValue(encodeValue('XV-301 ESD', 'string', order, { length: 8 }), 0, 'string', order, { length: 8 })).toBe('XV-301 ESD');
      expect(decodeValue(encodeValue('ABC', 'string', order, { length: 2 }), 0, 'string', order, { length: 2 })).toBe('ABC');
      for (const bit of [0, 7, 8, 15]) {
        expect(decodeValue(encodeValue(true, 'bit', order, { bit }), 0, 'bit', order, { bit })).toBe(true);
        expect(decodeValue(encodeValue(true, 'bit', order, { bit }), 0, 'bit', order, { bit: (bit + 1) % 16 })).toBe(false);
      }
    });
  }
});
