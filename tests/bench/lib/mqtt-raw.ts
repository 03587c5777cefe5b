import { connect, type Socket } from 'node:net';

/**
 * Just enough MQTT 3.1.1 to publish QoS 0 from a raw socket: the bench's publishers must not be
 * the bottleneck, and an MQTT client library would allocate and encode per message. Packets are
 * encoded once and written as bytes.
 */

/** §2.2.3 Remaining Length: 7 bits per byte, least significant first, high bit = more follows. */
export function encodeRemainingLength(length: number): Buffer {
  const bytes: number[] = [];
  let n = length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return Buffer.from(bytes);
}

function utf8Field(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length);
  return Buffer.concat([len, body]);
}

/** §3.3 PUBLISH with QoS 0: no packet identifier, so the same bytes can be sent again and again. */
export function encodePublishQos0(topic: string, payload: Buffer): Buffer {
  const topicField = utf8Field(topic);
  const remaining = topicField.length + payload.length;
  return Buffer.concat([Buffer.from([0x30]), encodeRemainingLength(remaining), topicField, payload]);
}

/**
 * §3.1 CONNECT, clean session, keep alive 0: the publishers stay silent between bursts and must
 * not be cut off for missing PINGREQs (§3.1.2.10: 0 turns the keep alive mechanism off).
 */
export function encodeConnect(clientId: string): Buffer {
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x00]);
  const payload = utf8Field(clientId);
  const remaining = variable.length + payload.length;
  return Buffer.concat([Buffer.from([0x10]), encodeRemainingLength(remaining), variable, payload]);
}

/** §3.14 DISCONNECT: a clean goodbye, so the broker does not log a lost client. */
export const DISCONNECT_PACKET: Buffer = Buffer.from([0xe0, 0x00]);

/** Opens a socket and resolves once the broker accepted the CONNECT (CONNACK return code 0). */
export function connectRaw(host: string, port: number, clientId: string, timeoutMs = 5000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    let received = Buffer.alloc(0);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`no CONNACK from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', fail);
      // §3.2: 0x20 0x02 <session present> <return code>
      if (received[0] !== 0x20 || received[3] !== 0) return fail(new Error(`CONNACK refused: ${received.subarray(0, 4).toString('hex')}`));
      // QoS 0 publishers get nothing else worth reading; keep the socket flowing so it never stalls.
      socket.on('data', () => undefined);
      resolve(socket);
    };
    socket.on('data', onData);
    socket.once('error', fail);
    socket.once('connect', () => socket.write(encodeConnect(clientId)));
  });
}

/**
 * One publisher in the bench process itself, for probes whose send time must be read on the same
 * clock as the WebSocket receipt: `publish` encodes, then stamps the time right before the write.
 */
export class ProbePublisher {
  private constructor(private readonly socket: Socket) {}

  static async connect(host: string, port: number, clientId: string): Promise<ProbePublisher> {
    return new ProbePublisher(await connectRaw(host, port, clientId));
  }

  /** Returns the epoch time (ms, sub-ms precision) at which the packet was handed to the socket. */
  publish(topic: string, payload: string): number {
    const packet = encodePublishQos0(topic, Buffer.from(payload, 'utf8'));
    const sentAt = performance.timeOrigin + performance.now();
    this.socket.write(packet);
    return sentAt;
  }

  async close(): Promise<void> {
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => this.socket.end(DISCONNECT_PACKET, () => resolve()));
    this.socket.destroy();
  }
}
