import { createConnection, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { PublishFramer } from './publish-framer.js';

export interface FastStreamOptions {
  readonly host: string;
  readonly port: number;
  /** A QoS 0/1 PUBLISH; false leaves a QoS 1 message unacknowledged (the broker redelivers it). */
  readonly onPublish: (topic: string, payload: Buffer) => boolean;
}

/**
 * The TCP stream MQTT.js talks through: PUBLISH packets are taken off the wire by the framer and
 * delivered at once; everything else reaches MQTT.js as before. Writes go straight to the socket,
 * whole packets at a time, so our PUBACKs never land inside one of MQTT.js's packets.
 */
export function createFastStream(opts: FastStreamOptions): Duplex {
  const socket: Socket = createConnection({ host: opts.host, port: opts.port });
  socket.setNoDelay(true);
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, done) {
      socket.write(chunk, done);
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
    acknowledge: (pubacks) => socket.write(pubacks),
    passThrough: (bytes) => {
      if (!duplex.push(Buffer.from(bytes))) socket.pause(); // MQTT.js is slow to read: stop the socket
    },
  });
  socket.on('data', (chunk: Buffer) => {
    try {
      framer.push(chunk);
    } catch (e) {
      duplex.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  });
  socket.on('end', () => duplex.push(null));
  socket.on('error', (e) => duplex.destroy(e));
  socket.on('close', () => duplex.destroy());
  return duplex;
}
