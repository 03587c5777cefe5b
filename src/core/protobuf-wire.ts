import { HazgateError } from './errors.js';

/**
 * The protobuf wire format (https://protobuf.dev/programming-guides/encoding/), as much as the
 * Sparkplug B payload needs: varints (up to 64 bits, as bigint), fixed32/fixed64, length-delimited
 * fields. Pure, no dependency. The reader never reads past its buffer and never allocates more
 * than a field's bytes: garbage costs at most the message's length and ends in
 * HG_ERR_SPARKPLUG_DECODE, never another exception.
 */

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;
export type WireType = (typeof WIRE)[keyof typeof WIRE];

/** A varint is at most 10 bytes (64 bits, 7 per byte). */
const MAX_VARINT_BYTES = 10;
const MASK_64 = (1n << 64n) - 1n;

export class WireReader {
  private pos: number;
  private readonly view: DataView;

  /** Reads `bytes[start, end)`. */
  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { readonly field: number; readonly wire: number } {
    const key = this.varint();
    const field = Number(key >> 3n);
    if (field === 0 || field > 0x1fffffff) throw this.fail(`field number ${field} is out of range`);
    return { field, wire: Number(key & 7n) };
  }

  /** An unsigned varint of up to 64 bits. */
  varint(): bigint {
    let result = 0n;
    for (let i = 0; i < MAX_VARINT_BYTES; i += 1) {
      const byte = this.byte();
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return result & MASK_64;
    }
    throw this.fail(`a varint is longer than ${MAX_VARINT_BYTES} bytes`);
  }

  /** A uint32 field: the varint's low 32 bits, as protobuf readers do. */
  uint32(): number {
    return Number(this.varint() & 0xffffffffn);
  }

  bool(): boolean {
    return this.varint() !== 0n;
  }

  fixed32Float(): number {
    return this.view.getFloat32(this.take(4), true);
  }

  fixed64Double(): number {
    return this.view.getFloat64(this.take(8), true);
  }

  /** A length-delimited field's bytes (a view, not a copy). */
  bytesField(): Uint8Array {
    const length = this.varint();
    if (length > BigInt(this.end - this.pos)) throw this.fail(`a field of ${length} bytes runs past the message`);
    const start = this.take(Number(length));
    return this.bytes.subarray(start, start + Number(length));
  }

  string(): string {
    return new TextDecoder('utf-8').decode(this.bytesField());
  }

  /** Skips a field of a type we do not read (metadata, properties, datasets, templates…). */
  skip(wire: number): void {
    if (wire === WIRE.varint) this.varint();
    else if (wire === WIRE.fixed64) this.take(8);
    else if (wire === WIRE.bytes) this.bytesField();
    else if (wire === WIRE.fixed32) this.take(4);
    else throw this.fail(`wire type ${wire} is not used by Sparkplug B`);
  }

  /** A reader over a nested message's bytes. */
  nested(): WireReader {
    return new WireReader(this.bytesField());
  }

  private byte(): number {
    return this.bytes[this.take(1)] as number;
  }

  /** Advances by n bytes and returns where they start. */
  private take(n: number): number {
    if (this.pos + n > this.end) throw this.fail('the message ends inside a field');
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private fail(what: string): HazgateError {
    return new HazgateError('HG_ERR_SPARKPLUG_DECODE', `not a valid protobuf message: ${what} (at byte ${this.pos})`, { offset: this.pos });
  }
}

/** Writes a message's fields in order; `finish()` gives the bytes. */
export class WireWriter {
  private chunks: number[] = [];

  varintField(field: number, value: bigint | number): this {
    this.key(field, WIRE.varint);
    this.varint(BigInt(value));
    return this;
  }

  boolField(field: number, value: boolean): this {
    return this.varintField(field, value ? 1 : 0);
  }

  floatField(field: number, value: number): this {
    return this.fixedField(field, WIRE.fixed32, 4, (view) => view.setFloat32(0, value, true));
  }

  doubleField(field: number, value: number): this {
    return this.fixedField(field, WIRE.fixed64, 8, (view) => view.setFloat64(0, value, true));
  }

  bytesField(field: number, value: Uint8Array): this {
    this.key(field, WIRE.bytes);
    this.varint(BigInt(value.length));
    this.raw(value);
    return this;
  }

  stringField(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }

  /** A little-endian fixed-width field, its bytes written by `write`. */
  private fixedField(field: number, wire: WireType, size: number, write: (view: DataView) => void): this {
    this.key(field, wire);
    const view = new DataView(new ArrayBuffer(size));
    write(view);
    this.raw(new Uint8Array(view.buffer));
    return this;
  }

  private key(field: number, wire: WireType): void {
    this.varint((BigInt(field) << 3n) | BigInt(wire));
  }

  /** Negative values are written as their 64-bit two's complement, as protobuf does for int64. */
  private varint(value: bigint): void {
    let v = value & MASK_64;
    while (v >= 0x80n) {
      this.chunks.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.chunks.push(Number(v));
  }

  private raw(bytes: Uint8Array): void {
    for (const b of bytes) this.chunks.push(b);
  }
}
