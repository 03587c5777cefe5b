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
  close(): Promise<void>;
}

export type OpenModbusClient = (transport: ModbusTransport, timeoutMs: number) => ModbusClientPort;

/** The port on modbus-serial 8 (TCP, and RTU through serialport). */
export const modbusSerialClient: OpenModbusClient = (transport, timeoutMs) => {
  // A CommonJS package: its class is module.exports.default under Node's ESM interop.
  let client = new ModbusSerial.default();
  return {
    get isOpen() {
      return client.isOpen;
    },
    async open() {
      // A fresh client per attempt: one whose socket or port has closed does not reopen cleanly.
      if (client.isOpen) client.close(() => undefined);
      client = new ModbusSerial.default();
      // Port errors (ECONNRESET…) are re-emitted as 'error': unheard they would crash the process.
      // The poller learns of them anyway, as a failed read and isOpen turning false.
      client.on('error', () => undefined);
      if (transport.type === 'tcp') {
        await client.connectTCP(transport.host, { port: transport.port, timeout: timeoutMs });
      } else {
        const { baudRate, parity, dataBits, stopBits } = transport;
        await client.connectRTUBuffered(transport.path, { baudRate, parity, dataBits, stopBits });
      }
      client.setTimeout(timeoutMs);
    },
    async read(unitId, fn, address, count) {
      client.setID(unitId);
      switch (fn) {
        case 'holding': return (await client.readHoldingRegisters(address, count)).data;
        case 'input': return (await client.readInputRegisters(address, count)).data;
        // Bits come back padded to whole bytes.
        case 'coil': return (await client.readCoils(address, count)).data.slice(0, count);
        case 'discrete': return (await client.readDiscreteInputs(address, count)).data.slice(0, count);
      }
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!client.isOpen) {
          resolve();
          return;
        }
        client.close(() => resolve());
      });
    },
  };
};
