import { concat } from './mbap.js';

/*
 * Modbus RTU framing (Modbus over Serial Line v1.02 §2.5.1): unit id, PDU, CRC-16/MODBUS (low
 * byte first). Frames are delimited by 3.5 character times of silence; a server that knows the
 * request formats can also tell where a request ends from its function code, which is what makes
 * this robust on ptys and USB adapters that deliver bytes in bursts. Pure.
 */

/** §2.5.1.1: an RTU frame is at most 256 bytes. */
export const MAX_RTU_FRAME = 256;

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF). */
export function crc16Modbus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** unit id + pdu + CRC (low byte first). */
export function rtuFrame(unitId: number, pdu: Uint8Array): Uint8Array {
  const body = concat(Uint8Array.of(unitId), pdu);
  const crc = crc16Modbus(body);
  return concat(body, Uint8Array.of(crc & 0xff, crc >> 8));
}

export function hasValidCrc(frame: Uint8Array): boolean {
  if (frame.length < 4) return false;
  const crc = crc16Modbus(frame.subarray(0, frame.length - 2));
  return frame[frame.length - 2] === (crc & 0xff) && frame[frame.length - 1] === crc >> 8;
}

/**
 * Length of the request frame at the start of `buffer`, from its function code: 8 for 1-6,
 * 9 + byte count for 15/16; undefined while too few bytes are in, `unknown` for other codes
 * (only the silence can end those).
 */
export function requestFrameLength(buffer: Uint8Array): number | 'unknown' | undefined {
  if (buffer.length < 2) return undefined;
  const fc = buffer[1] ?? 0;
  if (fc >= 1 && fc <= 6) return 8;
  if (fc === 15 || fc === 16) return buffer.length < 7 ? undefined : 9 + (buffer[6] ?? 0);
  return 'unknown';
}

export type RtuItem = { readonly kind: 'frame'; readonly unitId: number; readonly pdu: Uint8Array } | { readonly kind: 'bad'; readonly bytes: number };

/** Splits received bytes into request frames; `silence()` is called after 3.5 character times without bytes. */
export class RtuRequestFramer {
  private buffer: Uint8Array = new Uint8Array(0);
  /** After a damaged frame, bytes are dropped until the line goes quiet (the next frame starts after a silence). */
  private discarding = false;

  push(chunk: Uint8Array): RtuItem[] {
    if (this.discarding) return [];
    this.buffer = concat(this.buffer, chunk);
    const items: RtuItem[] = [];
    for (;;) {
      const length = requestFrameLength(this.buffer);
      if (length === undefined || length === 'unknown' || this.buffer.length < length) break;
      items.push(this.take(length));
    }
    if (this.buffer.length > MAX_RTU_FRAME) items.push(this.take(this.buffer.length));
    return items;
  }

  /** The line went quiet: whatever is left is one frame (or noise). */
  silence(): RtuItem[] {
    const items = this.buffer.length === 0 ? [] : [this.take(this.buffer.length)];
    this.discarding = false;
    return items;
  }

  /** True while a frame is partly received or the rest of a damaged burst is being dropped. */
  get pending(): boolean {
    return this.buffer.length > 0 || this.discarding;
  }

  private take(length: number): RtuItem {
    const frame = this.buffer.subarray(0, length);
    this.buffer = this.buffer.slice(length);
    if (!hasValidCrc(frame) || frame.length > MAX_RTU_FRAME) {
      // After a damaged frame the rest of the burst cannot be trusted: wait for the next silence.
      const bytes = frame.length + this.buffer.length;
      this.buffer = new Uint8Array(0);
      this.discarding = true;
      return { kind: 'bad', bytes };
    }
    return { kind: 'frame', unitId: frame[0] ?? 0, pdu: frame.slice(1, frame.length - 2) };
  }
}

/** 3.5 character times at this line setting; §2.5.1.1 fixes 1.75 ms above 19200 baud. */
export function interFrameMs(baudRate: number, bitsPerChar: number): number {
  return baudRate > 19200 ? 1.75 : (3.5 * bitsPerChar * 1000) / baudRate;
}
