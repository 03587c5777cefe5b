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
   * After a timeout or a bad frame: make sure the next request cannot read the rest of a broken
   * or late answer. See the implementation for what each transport needs.
   */
  resync(after: 'timeout' | 'frame'): Promise<void>;
  close(): Promise<void>;
}

export type OpenModbusClient = (transport: ModbusTransport, timeoutMs: number) => ModbusClientPort;

type ModbusSerialClient = InstanceType<typeof ModbusSerial.default>;

/** modbus-serial keeps received bytes in its port object; the poller must clear them (see resync). */
interface PortBuffers {
  _buffer?: Buffer;
  _clientRcvData?: Buffer;
}

/** After a timeout on a serial bus, let a late answer finish before the next request (RS-485: no collision). */
const RTU_QUIET_MS = 100;

/** The port on modbus-serial 8 (TCP, and RTU through serialport). */
export const modbusSerialClient: OpenModbusClient = (transport, timeoutMs) => {
  /** undefined while closed: modbus-serial reports a destroyed TCP port open until its socket event fires. */
  let client: ModbusSerialClient | undefined;
  const buffers = (): PortBuffers | undefined => (client as unknown as { _port?: PortBuffers } | undefined)?._port;
  const drop = async (): Promise<void> => {
    const old = client;
    client = undefined;
    if (old !== undefined) await closeClient(old, transport);
  };
  const open = async (): Promise<void> => {
    // A fresh client per attempt: one whose socket or port has closed does not reopen cleanly.
    await drop();
    // A CommonJS package: its class is module.exports.default under Node's ESM interop.
    const next = new ModbusSerial.default();
    // Port errors (ECONNRESET…) are re-emitted as 'error': unheard they would crash the process.
    // The poller learns of them anyway, as a failed read and isOpen turning false.
    next.on('error', () => undefined);
    try {
      if (transport.type === 'tcp') {
        await next.connectTCP(transport.host, { port: transport.port, timeout: timeoutMs });
      } else {
        const { baudRate, parity, dataBits, stopBits } = transport;
        await next.connectRTUBuffered(transport.path, { baudRate, parity, dataBits, stopBits });
      }
    } catch (e) {
      // A connect that timed out leaves its socket connecting: it would open later and hold one of
      // the few connections a Modbus gateway allows.
      next.destroy(() => undefined);
      throw e;
    }
    next.setTimeout(timeoutMs);
    client = next;
  };
  return {
    get isOpen() {
      return client?.isOpen ?? false;
    },
    open,
    async read(unitId, fn, address, count) {
      const c = client;
      if (c === undefined) throw Object.assign(new Error('Port Not Open'), { errno: 'ECONNREFUSED' });
      // RTU has no transaction ids: modbus-serial takes the first frame in its buffer that matches
      // unit and function. A late answer left there would be taken as the answer to this request,
      // and every later answer shifted by one, with good quality. Start from an empty buffer.
      const b = buffers();
      if (transport.type === 'rtu' && b?._buffer !== undefined) b._buffer = Buffer.alloc(0);
      c.setID(unitId);
      const data = await readFn(c, fn, address, count);
      // modbus-serial trusts the answer's byte count: a short answer must not read as zeros/false.
      if (data.length < count || (fn !== 'coil' && fn !== 'discrete' && data.length !== count)) {
        throw new Error(`Data length error: ${fn} ${address}+${count} answered ${data.length} values`);
      }
      return fn === 'coil' || fn === 'discrete' ? data.slice(0, count) : data;
    },
    async resync(after) {
      if (transport.type === 'rtu') {
        await new Promise((resolve) => setTimeout(resolve, RTU_QUIET_MS));
        const b = buffers();
        if (b?._buffer !== undefined) b._buffer = Buffer.alloc(0);
        return;
      }
      // TCP: a late answer is ignored by its transaction id, so a timeout alone needs nothing. But
      // modbus-serial keeps a half-received frame and glues the next answer to it, misreading every
      // later one: after a bad frame, or with bytes left over, a new connection starts clean.
      const leftover = (buffers()?._clientRcvData?.length ?? 0) > 0;
      if (after === 'frame' || leftover) {
        await drop();
        await open().catch(() => undefined); // a failure shows as a closed line at the next request
      }
    },
    close: drop,
  };
};

async function readFn(c: ModbusSerialClient, fn: ModbusFunction, address: number, count: number): Promise<readonly number[] | readonly boolean[]> {
  switch (fn) {
    case 'holding': return (await c.readHoldingRegisters(address, count)).data;
    case 'input': return (await c.readInputRegisters(address, count)).data;
    // Bits come back padded to whole bytes.
    case 'coil': return (await c.readCoils(address, count)).data;
    case 'discrete': return (await c.readDiscreteInputs(address, count)).data;
  }
}

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
