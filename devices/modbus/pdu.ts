import type { ModbusFunctionName } from '../profiles/modbus-profile.js';

/*
 * One request PDU (function code + data, no unit id, no framing) → its response PDU, for a
 * device's register image. Pure. Modbus Application Protocol v1.1b3 §6 (function codes 1-6, 15,
 * 16) and §7 (exceptions): checks run in the spec's order, function → quantity (3) → address (2).
 */

export const EXCEPTION = {
  illegalFunction: 1,
  illegalDataAddress: 2,
  illegalDataValue: 3,
  deviceFailure: 4,
  busy: 6,
  gatewayTargetFailed: 0x0b,
} as const;

/** The device memory a PDU reads and writes; coils and discrete inputs hold 0 or 1. */
export interface PduTarget {
  /** Values at address..address+count-1, or undefined when any of them is not defined. */
  read(fn: ModbusFunctionName, address: number, count: number): readonly number[] | undefined;
  /** Writes all values or none; false when any address is not defined. */
  write(fn: 'coil' | 'holding', address: number, values: readonly number[]): boolean;
}

const READS: Readonly<Record<number, { fn: ModbusFunctionName; max: number }>> = {
  1: { fn: 'coil', max: 2000 },
  2: { fn: 'discrete', max: 2000 },
  3: { fn: 'holding', max: 125 },
  4: { fn: 'input', max: 125 },
};

/** §6.11, §6.12: the most values one write request may carry. */
const MAX_WRITE_COILS = 0x7b0;
const MAX_WRITE_REGISTERS = 0x7b;

export function exceptionPdu(functionCode: number, code: number): Uint8Array {
  return Uint8Array.of((functionCode | 0x80) & 0xff, code);
}

/** True for an exception response; its code is byte 1. */
export function isExceptionPdu(pdu: Uint8Array): boolean {
  return pdu.length === 2 && ((pdu[0] ?? 0) & 0x80) !== 0;
}

/** The response PDU to `request` (at least one byte: the function code). */
export function handleRequestPdu(target: PduTarget, request: Uint8Array): Uint8Array {
  const fc = request[0] ?? 0;
  const read = READS[fc];
  if (read !== undefined) return handleRead(target, request, fc, read.fn, read.max);
  switch (fc) {
    case 5: return writeSingle(target, request, 'coil');
    case 6: return writeSingle(target, request, 'holding');
    case 15: return writeMultipleCoils(target, request);
    case 16: return writeMultipleRegisters(target, request);
    default: return exceptionPdu(fc, EXCEPTION.illegalFunction);
  }
}

const u16 = (pdu: Uint8Array, at: number): number => ((pdu[at] ?? 0) << 8) | (pdu[at + 1] ?? 0);

function handleRead(target: PduTarget, request: Uint8Array, fc: number, fn: ModbusFunctionName, max: number): Uint8Array {
  if (request.length !== 5) return exceptionPdu(fc, EXCEPTION.illegalDataValue);
  const address = u16(request, 1);
  const count = u16(request, 3);
  if (count < 1 || count > max) return exceptionPdu(fc, EXCEPTION.illegalDataValue);
  if (address + count > 0x10000) return exceptionPdu(fc, EXCEPTION.illegalDataAddress);
  const values = target.read(fn, address, count);
  if (values === undefined) return exceptionPdu(fc, EXCEPTION.illegalDataAddress);
  return fn === 'coil' || fn === 'discrete' ? bitsResponse(fc, values) : registersResponse(fc, values);
}

function bitsResponse(fc: number, values: readonly number[]): Uint8Array {
  const bytes = Math.ceil(values.length / 8);
  const pdu = new Uint8Array(2 + bytes);
  pdu[0] = fc;
  pdu[1] = bytes;
  values.forEach((value, i) => {
    // §6.1: the first bit is the least significant bit of the first data byte.
    if (value !== 0) pdu[2 + (i >> 3)] = (pdu[2 + (i >> 3)] ?? 0) | (1 << (i & 7));
  });
  return pdu;
}

function registersResponse(fc: number, values: readonly number[]): Uint8Array {
  const pdu = new Uint8Array(2 + values.length * 2);
  pdu[0] = fc;
  pdu[1] = values.length * 2;
  values.forEach((value, i) => {
    pdu[2 + 2 * i] = (value >> 8) & 0xff;
    pdu[3 + 2 * i] = value & 0xff;
  });
  return pdu;
}

function writeSingle(target: PduTarget, request: Uint8Array, fn: 'coil' | 'holding'): Uint8Array {
  const fc = request[0] ?? 0;
  if (request.length !== 5) return exceptionPdu(fc, EXCEPTION.illegalDataValue);
  const address = u16(request, 1);
  const raw = u16(request, 3);
  // §6.5: a coil is written with FF00 (on) or 0000 (off); anything else is an illegal value.
  if (fn === 'coil' && raw !== 0xff00 && raw !== 0) return exceptionPdu(fc, EXCEPTION.illegalDataValue);
  const value = fn === 'coil' ? (raw === 0xff00 ? 1 : 0) : raw;
  if (!target.write(fn, address, [value])) return exceptionPdu(fc, EXCEPTION.illegalDataAddress);
  return request.slice();
}

function writeMultipleCoils(target: PduTarget, request: Uint8Array): Uint8Array {
  const fc = 15;
  const count = u16(request, 3);
  const byteCount = request[5] ?? -1;
  if (request.length < 6 || count < 1 || count > MAX_WRITE_COILS || byteCount !== Math.ceil(count / 8) || request.length !== 6 + byteCount) {
    return exceptionPdu(fc, EXCEPTION.illegalDataValue);
  }
  const address = u16(request, 1);
  if (address + count > 0x10000) return exceptionPdu(fc, EXCEPTION.illegalDataAddress);
  const values = Array.from({ length: count }, (_, i) => ((request[6 + (i >> 3)] ?? 0) >> (i & 7)) & 1);
  if (!target.write('coil', address, values)) return exceptionPdu(fc, EXCEPTION.illegalDataAddress);
  return request.slice(0, 5);
}

function writeMultipleRegisters(target: PduTarget, request: Uint8Array): Uint8Array {
  const fc = 16;
  const count = u16(request, 3);
  const byteCount = request[5] ?? -1;
  if (request.length < 6 || count < 1 || count > MAX_WRITE_REGISTERS || byteCount !== count * 2 || request.length !== 6 + byteCount) {
    return exceptionPdu(fc, EXCEPTION.illegalDataValue);
  }
  const address = u16(request, 1);
  if (address + count > 0x10000) return exceptionPdu(fc, EXCEPTION.illegalDataAddress);
  const values = Array.from({ length: count }, (_, i) => u16(request, 6 + 2 * i));
  if (!target.write('holding', address, values)) return exceptionPdu(fc, EXCEPTION.illegalDataAddress);
  return request.slice(0, 5);
}
