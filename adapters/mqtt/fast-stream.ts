import { createConnection, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { MalformedPacketError, PublishFramer } from './publish-framer.js';

export interface FastStreamOptions {
  readonly host: string;
  readonly port: number;
  /** A QoS 0/1 PUBLISH; false leaves a QoS 1 message unacknowledged (the broker redelivers it). */
  readonly onPublish: (topic: string, payload: Buffer) => boolean;
}

/**
 * The TCP stream MQTT.js talks through: PUBLISH packets are taken off the wire by the framer and
 * delivered at once; everything else reaches MQTT.js as before. PUBACKs are written through the
 * same Duplex as MQTT.js's own writes (which come a few chunks per packet), so they queue behind a
 * packet MQTT.js is in the middle of writing instead of landing inside it.
 */
export function createFastStream(opts: FastStreamOptions): Duplex {
  const socket: Socket = createConnection({ host: opts.host, port: opts.port });
  socket.setNoDelay(true);
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    // All chunks queued so far leave in one socket write, in order.
    writev(chunks, done) {
      socket.write(chunks.length === 1 ? (chunks[0]?.chunk as Buffer) : Buffer.concat(chunks.map((c) => c.chunk as Buffer)), done);
    },
    final(done) {
      socket.end();
      done();
    },
    destroy(err, done) {
      socket.destroy();
      done(err);
    },
  });
  const framer = new PublishFramer({
    publish: opts.onPublish,
    acknowledge: (pubacks) => {
      if (!duplex.destroyed) duplex.write(pubacks);
    },
    passThrough: (bytes) => {
      if (!duplex.push(Buffer.from(bytes))) socket.pause(); // MQTT.js is slow to read: stop the socket
    },
  });
  socket.on('data', (chunk: Buffer) => {
    // Only a framing error drops the connection (MQTT.js reconnects; it reads error.code). A throw
    // from the readings' path is a bug and must surface, not turn into a silent reconnect loop.
    try {
      framer.push(chunk);
    } catch (e) {
      if (!(e instanceof MalformedPacketError)) throw e;
      duplex.destroy(e);
    }
  });
  socket.on('end', () => duplex.push(null));
  socket.on('error', (e) => duplex.destroy(e));
  socket.on('close', () => duplex.destroy());
  return duplex;
}
