import { HazgateError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/logger.js';
import type { CancelTimer, Timers } from '../simulator/tick-loop.js';
import { executeBroadcast, replyTo, type ModbusSimStats, type SimulatedUnit } from './responder.js';
import { interFrameMs, rtuFrame, RtuRequestFramer } from './rtu-frame.js';
import { openSerialPort, type OpenSerialLine, type SerialLine, type SerialLineOptions } from './serial-line.js';

export interface RtuServerOptions extends SerialLineOptions {
  readonly units: ReadonlyMap<number, SimulatedUnit>;
  readonly stats: ModbusSimStats;
  readonly timers: Timers;
  readonly logger: Logger;
  /** How to open the line; default the `serialport` package (tests may pass a fake). */
  readonly open?: OpenSerialLine;
}

export interface RunningRtuServer {
  close(): Promise<void>;
}

/**
 * A Modbus RTU slave (or several, one per unit id) on a serial line. A frame with a bad CRC is
 * ignored (counted); a request for a unit id not simulated here gets silence, as other slaves on
 * an RS-485 bus stay quiet; broadcasts (unit 0) are executed and never answered.
 *
 * Pty and USB adapters deliver bytes in bursts, so a request ends at the length its function code
 * implies; the 3.5-character silence (at least 10 ms here, for the same reason) ends anything else.
 */
export async function startRtuServer(options: RtuServerOptions): Promise<RunningRtuServer> {
  const { units, stats, timers, logger } = options;
  const framer = new RtuRequestFramer();
  const bitsPerChar = 1 + options.dataBits + (options.parity === 'none' ? 0 : 1) + options.stopBits;
  const silenceMs = Math.max(10, interFrameMs(options.baudRate, bitsPerChar));
  const pending = new Set<CancelTimer>();
  let cancelSilence: CancelTimer | undefined;
  let closed = false;

  let line: SerialLine | undefined;
  const send = (bytes: Uint8Array): void => {
    if (!closed) line?.write(bytes);
  };
  const handle = (items: ReturnType<RtuRequestFramer['push']>): void => {
    for (const item of items) {
      if (item.kind === 'bad') {
        stats.badFrames += 1;
        continue;
      }
      if (item.unitId === 0 && !units.has(0)) {
        executeBroadcast(units, stats, item.pdu);
        continue;
      }
      const reply = replyTo(units, stats, item.unitId, item.pdu);
      // Unknown unit or a silent device: nothing (other slaves on the bus stay quiet too).
      if (reply.kind !== 'answer') continue;
      const frame = rtuFrame(item.unitId, reply.pdu);
      if (reply.corrupt) frame[frame.length - 1] = (frame[frame.length - 1] ?? 0) ^ 0xff;
      if (reply.delayMs <= 0) send(frame);
      else {
        const cancel = timers.schedule(() => {
          pending.delete(cancel);
          send(frame);
        }, reply.delayMs);
        pending.add(cancel);
      }
    }
  };
  const onData = (chunk: Uint8Array): void => {
    cancelSilence?.();
    handle(framer.push(chunk));
    cancelSilence = framer.pending ? timers.schedule(() => handle(framer.silence()), silenceMs) : undefined;
  };

  const open = options.open ?? openSerialPort;
  line = await open(options, onData, (error) => logger.warn({ err: error, path: options.path }, 'Modbus RTU simulator serial error')).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HazgateError('HG_ERR_SIM_LISTEN', `Modbus RTU simulator cannot open ${options.path}: ${reason}`, { path: options.path }, error);
  });
  logger.info({ path: options.path, baudRate: options.baudRate }, 'Modbus RTU simulator on the line');
  return {
    close: async () => {
      closed = true;
      cancelSilence?.();
      for (const cancel of pending) cancel();
      await line?.close();
    },
  };
}
