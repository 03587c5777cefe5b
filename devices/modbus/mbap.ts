/*
 * Modbus TCP framing (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3): a 7-byte
 * MBAP header (transaction id, protocol id 0, length of what follows, unit id), then the PDU.
 * Pure: bytes in, frames out; TCP may split a frame or put several in one chunk.
 */

export const MBAP_HEADER_BYTES = 7;

export type MbapItem =
  | { readonly kind: 'frame'; readonly transactionId: number; readonly unitId: number; readonly pdu: Uint8Array }
  /** Not Modbus TCP: the connection must be dropped (nothing after it can be trusted). */
  | { readonly kind: 'bad'; readonly reason: string };

/** Splits a byte stream into MBAP frames. After a `bad` item it yields nothing more. */
export class MbapFramer {
  private buffer: Uint8Array = new Uint8Array(0);
  private broken = false;

  push(chunk: Uint8Array): MbapItem[] {
    if (this.broken) return [];
    this.buffer = concat(this.buffer, chunk);
    const items: MbapItem[] = [];
    while (this.buffer.length >= MBAP_HEADER_BYTES) {
      const protocolId = u16(this.buffer, 2);
      const length = u16(this.buffer, 4);
      // length counts the unit id and the PDU: at least a function code, at most a 253-byte PDU.
      if (protocolId !== 0 || length < 2 || length > 254) {
        this.broken = true;
        items.push({ kind: 'bad', reason: protocolId !== 0 ? `protocol id ${protocolId}, not 0` : `length ${length} outside 2..254` });
        break;
      }
      if (this.buffer.length < 6 + length) break;
      items.push({ kind: 'frame', transactionId: u16(this.buffer, 0), unitId: this.buffer[6] ?? 0, pdu: this.buffer.slice(7, 6 + length) });
      this.buffer = this.buffer.subarray(6 + length);
    }
    return items;
  }
}

/** An MBAP frame carrying `pdu` for `unitId`. */
export function mbapFrame(transactionId: number, unitId: number, pdu: Uint8Array): Uint8Array {
  const frame = new Uint8Array(MBAP_HEADER_BYTES + pdu.length);
  frame[0] = (transactionId >> 8) & 0xff;
  frame[1] = transactionId & 0xff;
  frame[4] = ((pdu.length + 1) >> 8) & 0xff;
  frame[5] = (pdu.length + 1) & 0xff;
  frame[6] = unitId;
  frame.set(pdu, MBAP_HEADER_BYTES);
  return frame;
}

function u16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
