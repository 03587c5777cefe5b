import type { ProfileByteOrder, ProfileValueType } from '../profiles/modbus-profile.js';

/*
 * Values → 16-bit registers, as a device stores them: the inverse of the gateway's decoder
 * (adapters/modbus/decode.ts), written again here because devices/ may not import adapters/.
 *
 * Byte order letters name the value's bytes, A the most significant, in the order they go on the
 * wire (each register high byte first): ABCD big-endian; CDAB word-swapped (64-bit: word order
 * reversed); BADC bytes swapped in each word; DCBA both. A 16-bit value: ABCD/CDAB send AB,
 * BADC/DCBA send BA. Strings: two ASCII characters per register, the first in the high byte for
 * ABCD/CDAB and in the low byte for BADC/DCBA, NUL padded; word order does not apply.
 */

const WORDS: Readonly<Record<Exclude<ProfileValueType, 'string'>, number>> = { int16: 1, uint16: 1, bit: 1, int32: 2, uint32: 2, float32: 2, float64: 4 };

const INTEGER_LIMITS: Readonly<Partial<Record<ProfileValueType, readonly [number, number]>>> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x8000_0000, 0x7fff_ffff],
  uint32: [0, 0xffff_ffff],
};

export interface EncodeOptions {
  /** Registers of a string (2 characters each). */
  readonly length?: number;
  /** Bit of the register for `bit` (0 = least significant); 0 when omitted. */
  readonly bit?: number;
}

/**
 * The raw register value for an engineering (or mA) value: raw = (value − offset) / multiply,
 * rounded and clamped to the integer type's range; floats are not rounded.
 */
export function rawFromValue(value: number, type: ProfileValueType, multiply = 1, offset = 0): number {
  const raw = (value - offset) / multiply;
  if (type === 'float32' || type === 'float64') return raw;
  const limits = INTEGER_LIMITS[type];
  if (limits === undefined) return raw === 0 || Number.isNaN(raw) ? 0 : 1;
  if (Number.isNaN(raw)) return 0;
  return Math.min(limits[1], Math.max(limits[0], Math.round(raw)));
}

/**
 * The registers holding `value` as `type` in `order`. A `bit` gives one register with only that bit
 * set (or none); merge it into a status word with setBit.
 */
export function encodeValue(value: number | boolean | string, type: ProfileValueType, order: ProfileByteOrder, opts: EncodeOptions = {}): number[] {
  if (type === 'string') return encodeString(String(value), opts.length ?? 1, order);
  if (type === 'bit') return [setBit(0, wireBit(opts.bit ?? 0, order), value === true || (typeof value === 'number' && value !== 0))];
  const numeric = typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : Number.parseFloat(value);
  const words = WORDS[type];
  const view = new DataView(new ArrayBuffer(words * 2));
  switch (type) {
    case 'int16': view.setInt16(0, rawFromValue(numeric, type)); break;
    case 'uint16': view.setUint16(0, rawFromValue(numeric, type)); break;
    case 'int32': view.setInt32(0, rawFromValue(numeric, type)); break;
    case 'uint32': view.setUint32(0, rawFromValue(numeric, type)); break;
    case 'float32': view.setFloat32(0, numeric); break;
    case 'float64': view.setFloat64(0, numeric); break;
  }
  return placeWords(view, words, order);
}

/** Big-endian words (A first) put in the device's word and byte order. */
function placeWords(view: DataView, words: number, order: ProfileByteOrder): number[] {
  const swapWords = order === 'CDAB' || order === 'DCBA';
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const registers = new Array<number>(words).fill(0);
  for (let i = 0; i < words; i++) {
    const word = view.getUint16(i * 2);
    registers[swapWords ? words - 1 - i : i] = swapBytes ? swap16(word) : word;
  }
  return registers;
}

function encodeString(text: string, length: number, order: ProfileByteOrder): number[] {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  // Non-ASCII characters become '?': a device stores bytes, and the gateway reads ASCII.
  const codes = Array.from(text.slice(0, length * 2), (ch) => (ch.charCodeAt(0) < 0x80 ? ch.charCodeAt(0) : 0x3f));
  return Array.from({ length }, (_, i) => {
    const word = ((codes[2 * i] ?? 0) << 8) | (codes[2 * i + 1] ?? 0);
    return swapBytes ? swap16(word) : word;
  });
}

/**
 * Where bit `bit` of a 16-bit value sits in the register as sent: a bit field is a 16-bit value, so
 * BADC/DCBA (bytes swapped) move it to the other byte.
 */
export function wireBit(bit: number, order: ProfileByteOrder): number {
  return order === 'BADC' || order === 'DCBA' ? (bit + 8) % 16 : bit;
}

/** `word` with bit `bit` (0 = least significant) set or cleared. */
export function setBit(word: number, bit: number, on: boolean): number {
  const mask = 1 << bit;
  return (on ? word | mask : word & ~mask) & 0xffff;
}

function swap16(word: number): number {
  return ((word & 0xff) << 8) | (word >> 8);
}
