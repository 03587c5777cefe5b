import { statSync } from 'node:fs';
import { messageOf, withinTime, type ProbeOutcome } from '../lib/probe.js';
import { modbusSerialClient, type OpenModbusClient } from './client-port.js';
import { compileLine } from './device-map.js';
import type { ModbusAdapterConfig } from './schema.js';

/** A probe outcome for one device of the line. */
export interface DeviceProbe extends ProbeOutcome {
  readonly device: string;
}

/**
 * Modbus TCP: connects and reads ONE register (the first the device's plan reads) from each
 * device, one after the other as the line would; reading is all hazgate ever does. Modbus RTU:
 * only checks that the serial device exists, since opening it would take the bus from a running
 * gateway.
 */
export async function probeModbusLine(config: ModbusAdapterConfig, timeoutMs: number, open: OpenModbusClient = modbusSerialClient): Promise<DeviceProbe[]> {
  const t = config.transport;
  if (t.type === 'rtu') {
    try {
      statSync(t.path);
      return [{ device: t.path, ok: true, detail: `serial device ${t.path} exists (not opened: a running gateway may hold it)` }];
    } catch {
      return [{ device: t.path, ok: false, detail: `serial device ${t.path} does not exist: check the cable or USB adapter and transport.path` }];
    }
  }
  const where = `${t.host}:${t.port}`;
  const compiled = compileLine(config);
  if (!compiled.ok) return [{ device: config.id, ok: false, detail: 'the device map does not compile (see validate)' }];
  const port = open(t, Math.min(timeoutMs, config.timeoutMs));
  try {
    const opened = await withinTime(timeoutMs, port.open().then(() => ({ ok: true, detail: '' }), (e: unknown) => ({ ok: false, detail: `cannot connect to ${where}: ${messageOf(e)}: is the device or gateway on and the address right?` })), where);
    if (!opened.ok) return compiled.devices.map((d) => ({ device: d.id, ...opened }));
    const out: DeviceProbe[] = [];
    for (const d of compiled.devices) {
      const first = d.requests[0];
      if (first === undefined) {
        out.push({ device: d.id, ok: true, detail: `${where} unit ${d.unitId}: nothing configured to read` });
        continue;
      }
      const what = `${where} unit ${d.unitId} ${first.fn} ${first.address}`;
      try {
        await port.read(d.unitId, first.fn, first.address, 1);
        out.push({ device: d.id, ok: true, detail: `${what} answered` });
      } catch (e) {
        out.push({ device: d.id, ok: false, detail: `${what}: ${messageOf(e)}: check the unit id, the register address and that the device is powered and wired` });
      }
    }
    return out;
  } finally {
    await port.close().catch(() => undefined);
  }
}
