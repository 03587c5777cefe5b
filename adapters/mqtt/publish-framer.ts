/**
 * A lean path for the one packet that carries the load: MQTT 3.1.1 PUBLISH at QoS 0 and 1.
 * MQTT.js parses every packet through a generic parser and a nextTick per packet, which caps a
 * Node.js subscriber near 40k messages/s on this class of machine. Here PUBLISH packets are framed
 * straight from the socket's bytes and handed over synchronously; every other packet (CONNACK,
 * SUBACK, PINGRESP, QoS 2 flows) passes through unchanged to MQTT.js, which keeps the session.
 * Pure: bytes in, calls out, no I/O.
 */

const PUBLISH = 3;

export interface FramerSinks {
  /** A PUBLISH at QoS 0 or 1. Return false to leave a QoS 1 message unacknowledged (while stopping). */
  publish(topic: string, payload: Buffer): boolean;
  /** PUBACKs for the QoS 1 messages of one chunk, in order, as one buffer. */
  acknowledge(pubacks: Buffer): void;
  /** Bytes of every other packet, whole packets only, in order. */
  passThrough(bytes: Buffer): void;
}

export class PublishFramer {
  private rest: Buffer | null = null;
  /**
   * Chunks after `rest` while the packet they belong to is incomplete, joined once it is: joining
   * every chunk on arrival copied a 32 MB PUBLISH 500 times (10 s with the event loop held; a
   * 256 MB one, the most MQTT allows, minutes).
   */
  private waiting: Buffer[] = [];
  private waitingBytes = 0;
  /** Bytes `rest` and `waiting` must hold for the packet at the start of `rest` to be whole; 0 when its length is not read yet. */
  private needed = 0;
  private readonly acks: number[] = [];

  constructor(private readonly sinks: FramerSinks) {}

  /** Feeds the next bytes from the socket; a packet split across chunks waits for its end. */
  push(chunk: Buffer): void {
    if (this.rest !== null && this.rest.length + this.waitingBytes + chunk.length < this.needed) {
      this.waiting.push(Buffer.from(chunk)); // copy: the socket may reuse its buffer
      this.waitingBytes += chunk.length;
      return;
    }
    const buf = this.rest === null ? chunk : Buffer.concat([this.rest, ...this.waiting, chunk]);
    this.rest = null;
    this.waiting = [];
    this.waitingBytes = 0;
    this.needed = 0;
    let offset = 0;
    let passFrom = -1; // start of a run of non-PUBLISH packets, passed through as one slice
    while (offset < buf.length) {
      const frame = frameAt(buf, offset);
      if (frame === null) break;
      const qos = (buf[offset]! >> 1) & 3;
      if (buf[offset]! >> 4 === PUBLISH && qos < 2) {
        if (passFrom >= 0) this.sinks.passThrough(buf.subarray(passFrom, offset));
        passFrom = -1;
        this.publish(buf, frame.body, frame.end, qos);
      } else if (passFrom < 0) {
        passFrom = offset;
      }
      offset = frame.end;
    }
    if (passFrom >= 0) this.sinks.passThrough(buf.subarray(passFrom, offset));
    if (offset < buf.length) {
      this.rest = Buffer.from(buf.subarray(offset)); // copy: the socket may reuse its buffer
      this.needed = frameEnd(this.rest, 0) ?? 0;
    }
    this.flushAcks();
  }

  private publish(buf: Buffer, body: number, end: number, qos: number): void {
    if (end - body < 2) throw new MalformedPacketError('PUBLISH shorter than its topic length');
    const topicLength = buf.readUInt16BE(body);
    const topicEnd = body + 2 + topicLength;
    const payloadStart = qos === 0 ? topicEnd : topicEnd + 2;
    // Checked before the sink hears of it: a short frame must not borrow the next packet's bytes.
    if (payloadStart > end) throw new MalformedPacketError('PUBLISH topic or packet id runs past the packet');
    const packetId = qos === 1 ? buf.readUInt16BE(topicEnd) : 0;
    const topic = buf.toString('utf8', body + 2, topicEnd);
    const handled = this.sinks.publish(topic, buf.subarray(payloadStart, end));
    if (qos === 1 && handled) this.acks.push(packetId);
  }

  private flushAcks(): void {
    if (this.acks.length === 0) return;
    const out = Buffer.allocUnsafe(this.acks.length * 4);
    this.acks.forEach((id, i) => {
      out[i * 4] = 0x40; // PUBACK
      out[i * 4 + 1] = 2;
      out.writeUInt16BE(id, i * 4 + 2);
    });
    this.acks.length = 0;
    this.sinks.acknowledge(out);
  }
}

/** Where the packet at `offset` has its body and ends, or null when it is not complete yet. */
export function frameAt(buf: Buffer, offset: number): { body: number; end: number } | null {
  const header = headerAt(buf, offset);
  return header !== null && header.end <= buf.length ? header : null;
}

/** Where the packet at `offset` ends, once its length is in `buf` (its body may not be yet); else null. */
function frameEnd(buf: Buffer, offset: number): number | null {
  return headerAt(buf, offset)?.end ?? null;
}

function headerAt(buf: Buffer, offset: number): { body: number; end: number } | null {
  let length = 0;
  let multiplier = 1;
  let pos = offset + 1;
  // Remaining Length: up to 4 bytes, 7 bits each, least significant first (MQTT 3.1.1 §2.2.3).
  for (let i = 0; i < 4; i++) {
    if (pos >= buf.length) return null;
    const byte = buf[pos++]!;
    length += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { body: pos, end: pos + length };
    multiplier *= 128;
  }
  throw new MalformedPacketError('remaining length longer than 4 bytes');
}

/** The broker sent bytes that are not MQTT: the connection is dropped and MQTT.js reconnects. */
export class MalformedPacketError extends Error {
  readonly code = 'HG_ERR_MQTT_MALFORMED_PACKET';
  constructor(what: string) {
    super(`malformed MQTT packet from the broker: ${what}`);
  }
}
