import ModbusSerial from 'modbus-serial';
import type { ModbusFunction } from './plan.js';
import type { ModbusTransport } from './schema.js';

/**
 * The few Modbus client calls the poller uses, so unit tests drive it with a small fake on fake
 * time and integration tests use modbus-serial against real servers (pymodbus, our simulators).
 */
export interface ModbusClientPort {
  /** Opens the TCP connection or serial port; rejects when it cannot. */
  open(): Promise<void>;
  /** False after the peer closed the connection (or the port went away). */
  readonly isOpen: boolean;
  /** One read: registers as 0..65535 words, coils and discrete inputs as booleans (exactly `count`). */
  read(unitId: number, fn: ModbusFunction, address: number, count: number): Promise<readonly number[] | readonly boolean[]>;
  /**
   * After a timeout or a bad frame: make sure the next request does not read the rest of a broken
   * answer. TCP drops the connection (the next request reopens it); a serial line needs nothing,
   * as its framing restarts at the next silence.
   */
  resync(): Promise<void>;
  close(): Promise<void>;
}

export type OpenModbusClient = (transport: ModbusTransport, timeoutMs: number) => ModbusClientPort;

type ModbusSerialClient = InstanceType<typeof ModbusSerial.default>;

/** The port on modbus-serial 8 (TCP, and RTU through serialport). */
export const modbusSerialClient: OpenModbusClient = (transport, timeoutMs) => {
  /** undefined while closed: modbus-serial reports a destroyed TCP port open until its socket event fires. */
  let client: ModbusSerialClient | undefined;
  const drop = async (): Promise<void> => {
    const old = client;
    client = undefined;
    if (old !== undefined) await closeClient(old, transport);
  };
  return {
    get isOpen() {
      return client?.isOpen ?? false;
    },
    async open() {
      // A fresh client per attempt: one whose socket or port has closed does not reopen cleanly.
      await drop();
      // A CommonJS package: its class is module.exports.default under Node's ESM interop.
      const next = new ModbusSerial.default();
      // Port errors (ECONNRESET…) are re-emitted as 'error': unheard they would crash the process.
      // The poller learns of them anyway, as a failed read and isOpen turning false.
      next.on('error', () => undefined);
      if (transport.type === 'tcp') {
        await next.connectTCP(transport.host, { port: transport.port, timeout: timeoutMs });
      } else {
        const { baudRate, parity, dataBits, stopBits } = transport;
        await next.connectRTUBuffered(transport.path, { baudRate, parity, dataBits, stopBits });
      }
      next.setTimeout(timeoutMs);
      client = next;
    },
    async read(unitId, fn, address, count) {
      const c = client;
      if (c === undefined) throw Object.assign(new Error('Port Not Open'), { errno: 'ECONNREFUSED' });
      c.setID(unitId);
      switch (fn) {
        case 'holding': return (await c.readHoldingRegisters(address, count)).data;
        case 'input': return (await c.readInputRegisters(address, count)).data;
        // Bits come back padded to whole bytes.
        case 'coil': return (await c.readCoils(address, count)).data.slice(0, count);
        case 'discrete': return (await c.readDiscreteInputs(address, count)).data.slice(0, count);
      }
    },
    async resync() {
      // modbus-serial's TCP port keeps a half-received frame and glues the next answer to it:
      // after a truncated frame every later answer would be misread. A new connection starts clean.
      if (transport.type === 'tcp') await drop();
    },
    close: drop,
  };
};

/**
 * TCP: destroy, not close. modbus-serial's close() only half-closes (end()) and waits for the peer,
 * and a request written meanwhile is lost. A serial port is closed and released.
 */
function closeClient(client: ModbusSerialClient, transport: ModbusTransport): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!client.isOpen) {
      resolve();
      return;
    }
    if (transport.type === 'tcp') client.destroy(() => resolve());
    else client.close(() => resolve());
  });
}
