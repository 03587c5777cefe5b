import { ModbusError } from './errors.js';

/**
 * Decoding register values: pure functions over the 16-bit registers a read returned.
 *
 * Byte order letters name the value's bytes, A the most significant, in the order the device puts
 * them on the wire (each register is sent high byte first, Modbus Application Protocol §4.2):
 * ABCD big-endian; CDAB word-swapped; BADC byte-swapped within each word; DCBA fully
 * little-endian. For 64-bit values the same two rules apply to four words (CDAB reverses the word
 * order, BADC swaps the bytes of each word, DCBA does both). A 16-bit value has one word: ABCD and
 * CDAB read AB, BADC and DCBA read BA.
 */

export type ModbusType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64' | 'string' | 'bit';
export type ByteOrder = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';

export interface DecodeOptions {
  /** Registers a string spans (2 characters each); required for `string`. */
  readonly length?: number;
  /** Bit of the register for `bit`, 0 (least significant) .. 15; 0 when omitted. */
  readonly bit?: number;
}

const WORDS: Readonly<Record<Exclude<ModbusType, 'string'>, number>> = {
  int16: 1, uint16: 1, bit: 1, int32: 2, uint32: 2, float32: 2, float64: 4,
};
const ORDERS: ReadonlySet<string> = new Set<ByteOrder>(['ABCD', 'CDAB', 'BADC', 'DCBA']);

/** Registers a value of this type occupies; `length` is the register count of a string. */
export function registerCount(type: ModbusType, length?: number): number {
  if (type === 'string') {
    if (length === undefined || !Number.isInteger(length) || length < 1 || length > 125) {
      invalid(`a string needs a length of 1..125 registers, got ${String(length)}`, { type, length });
    }
    return length;
  }
  // hasOwn: "toString" or "constructor" is no type either (WORDS[type] would be Object.prototype's).
  const words = Object.hasOwn(WORDS, type) ? WORDS[type] : undefined;
  if (words === undefined) invalid(`unknown Modbus type "${String(type)}"`, { type });
  return words;
}

/**
 * Decodes the value of `type` starting at register `offset`. NaN and ±Infinity floats are returned
 * as they are: the pipeline refuses them with its own error (HG_ERR_INGEST_NOT_FINITE).
 */
export function decodeValue(
  registers: Uint16Array | readonly number[],
  offset: number,
  type: ModbusType,
  order: ByteOrder,
  opts: DecodeOptions = {},
): number | boolean | string {
  if (!ORDERS.has(order)) invalid(`unknown byte order "${String(order)}"`, { order });
  const words = registerCount(type, opts.length);
  if (!Number.isInteger(offset) || offset < 0 || offset + words > registers.length) {
    throw new ModbusError('HG_ERR_MODBUS_DECODE_RANGE', `${type} at offset ${offset} needs ${words} register(s) of ${registers.length}`, { offset, words, available: registers.length });
  }
  if (type === 'string') return decodeString(registers, offset, words, order);
  if (words === 1) {
    // One register (most values on a plant): no buffer, no view.
    const reg = registerAt(registers, offset);
    const v = swapsBytes(order) ? swap16(reg) : reg;
    if (type === 'uint16') return v;
    if (type === 'int16') return v >= 0x8000 ? v - 0x10000 : v;
    return decodeBit(v, opts.bit ?? 0);
  }
  const view = bigEndianView(registers, offset, words, order);
  switch (type) {
    case 'int16': return view.getInt16(0);
    case 'uint16': return view.getUint16(0);
    case 'bit': return decodeBit(view.getUint16(0), opts.bit ?? 0);
    case 'int32': return view.getInt32(0);
    case 'uint32': return view.getUint32(0);
    case 'float32': return view.getFloat32(0);
    case 'float64': return view.getFloat64(0);
  }
}

/** The value's bytes in big-endian (A first) order, undoing the device's word and byte order. */
function bigEndianView(registers: Uint16Array | readonly number[], offset: number, words: number, order: ByteOrder): DataView {
  const swapWords = order === 'CDAB' || order === 'DCBA';
  const swapBytes = swapsBytes(order);
  const view = new DataView(new ArrayBuffer(words * 2));
  for (let i = 0; i < words; i++) {
    const reg = registerAt(registers, offset + (swapWords ? words - 1 - i : i));
    view.setUint16(i * 2, swapBytes ? swap16(reg) : reg);
  }
  return view;
}

function decodeBit(value: number, bit: number): boolean {
  if (!Number.isInteger(bit) || bit < 0 || bit > 15) invalid(`bit must be 0..15, got ${bit}`, { bit });
  return ((value >> bit) & 1) === 1;
}

/**
 * ASCII, two characters per register, high byte first unless the order swaps bytes. Word order does
 * not apply: devices store strings in register order. The string ends at the first NUL (devices pad
 * with NULs, sometimes over stale bytes); trailing spaces are trimmed; non-ASCII bytes become U+FFFD.
 */
function decodeString(registers: Uint16Array | readonly number[], offset: number, words: number, order: ByteOrder): string {
  const swapBytes = swapsBytes(order);
  let text = '';
  for (let i = 0; i < words; i++) {
    const reg = registerAt(registers, offset + i);
    const ordered = swapBytes ? swap16(reg) : reg;
    for (const byte of [ordered >> 8, ordered & 0xff]) {
      if (byte === 0) return text.replace(/ +$/, '');
      text += byte < 0x80 ? String.fromCharCode(byte) : '\uFFFD';
    }
  }
  return text.replace(/ +$/, '');
}

function registerAt(registers: Uint16Array | readonly number[], index: number): number {
  const reg = registers[index];
  if (reg === undefined || !Number.isInteger(reg) || reg < 0 || reg > 0xffff) {
    invalid(`register ${index} is ${String(reg)}, not 0..65535`, { index, value: reg });
  }
  return reg;
}

function swapsBytes(order: ByteOrder): boolean {
  return order === 'BADC' || order === 'DCBA';
}

function swap16(reg: number): number {
  return ((reg & 0xff) << 8) | (reg >> 8);
}

function invalid(message: string, details: Record<string, unknown>): never {
  throw new ModbusError('HG_ERR_MODBUS_DECODE_INVALID', message, details);
}
