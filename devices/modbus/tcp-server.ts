import { createServer, type Server, type Socket } from 'node:net';
import { HazgateError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/logger.js';
import type { CancelTimer, Timers } from '../simulator/tick-loop.js';
import { MbapFramer, mbapFrame, MBAP_HEADER_BYTES } from './mbap.js';
import { EXCEPTION, exceptionPdu } from './pdu.js';
import { countException, replyTo, type ModbusSimStats, type SimulatedUnit } from './responder.js';

export interface TcpServerOptions {
  readonly host: string;
  /** 0: an ephemeral port (see `port` of the result). */
  readonly port: number;
  readonly units: ReadonlyMap<number, SimulatedUnit>;
  readonly stats: ModbusSimStats;
  readonly timers: Timers;
  readonly logger: Logger;
}

export interface RunningTcpServer {
  /** The bound port. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A Modbus TCP server in front of simulated devices, as a TCP-to-RTU gateway is: a unit id with
 * no device behind it gets exception 0x0B (gateway target device failed to respond). A frame that
 * is not Modbus TCP (protocol id ≠ 0, length outside 2..254) drops the connection.
 */
export async function startTcpServer(options: TcpServerOptions): Promise<RunningTcpServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => serveConnection(socket, sockets, options));
  await listen(server, options.host, options.port);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  options.logger.info({ host: options.host, port }, 'Modbus TCP simulator listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => {
      reject(new HazgateError('HG_ERR_SIM_LISTEN', `Modbus TCP simulator cannot listen on ${host}:${port}: ${error.message}`, { host, port }, error));
    });
    server.listen(port, host, () => resolve());
  });
}

function serveConnection(socket: Socket, sockets: Set<Socket>, options: TcpServerOptions): void {
  const { units, stats, timers } = options;
  const framer = new MbapFramer();
  const pending = new Set<CancelTimer>();
  sockets.add(socket);
  socket.setNoDelay(true);
  socket.on('close', () => {
    sockets.delete(socket);
    for (const cancel of pending) cancel();
  });
  socket.on('error', () => undefined);
  const send = (bytes: Uint8Array): void => {
    if (!socket.destroyed) socket.write(bytes);
  };
  socket.on('data', (chunk: Buffer) => {
    for (const item of framer.push(chunk)) {
      if (item.kind === 'bad') {
        stats.badFrames += 1;
        options.logger.debug({ remote: socket.remoteAddress, reason: item.reason }, 'not Modbus TCP, dropping the connection');
        socket.destroy();
        return;
      }
      const reply = replyTo(units, stats, item.unitId, item.pdu);
      if (reply.kind === 'none') continue;
      if (reply.kind === 'unknown-unit') {
        countException(stats, EXCEPTION.gatewayTargetFailed);
        send(mbapFrame(item.transactionId, item.unitId, exceptionPdu(item.pdu[0] ?? 0, EXCEPTION.gatewayTargetFailed)));
        continue;
      }
      const frame = mbapFrame(item.transactionId, item.unitId, reply.pdu);
      // A truncated frame: the header promises more PDU bytes than arrive.
      const bytes = reply.corrupt ? frame.subarray(0, MBAP_HEADER_BYTES + Math.floor(reply.pdu.length / 2)) : frame;
      if (reply.delayMs <= 0) send(bytes);
      else {
        const cancel = timers.schedule(() => {
          pending.delete(cancel);
          send(bytes);
        }, reply.delayMs);
        pending.add(cancel);
      }
    }
  });
}
