import { statSync } from 'node:fs';
import { messageOf, withinTime, type ProbeOutcome } from '../lib/probe.js';
import { modbusSerialClient, type OpenModbusClient } from './client-port.js';
import { compileLine } from './device-map.js';
import { classifyFailure, EXCEPTION_NAMES, type RequestFailure } from './failure.js';
import type { ModbusAdapterConfig } from './schema.js';

/** What a failed read says about the device, and what to do. */
function failureText(f: RequestFailure, timeoutMs: number): string {
  switch (f.kind) {
    case 'exception':
      return `answered with exception ${f.code} (${EXCEPTION_NAMES[f.code] ?? 'unknown'}): ${f.code === 10 || f.code === 11 ? 'the gateway cannot reach the device: check its wiring and unit id' : 'check the register address and function against the device manual'}`;
    case 'timeout':
      return `no answer within ${timeoutMs} ms (timed out): check the unit id and that the device is powered and wired`;
    case 'frame':
      return `a garbled answer (${f.message}): check the line settings and for two masters on the line`;
    case 'disconnected':
      return `the connection dropped (${f.message}): does the device or gateway accept another connection?`;
  }
}

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
export async function probeModbusLine(config: ModbusAdapterConfig, timeoutMs: number, open: OpenModbusClient = modbusSerialClient, onDevice: (p: DeviceProbe) => void = () => undefined): Promise<DeviceProbe[]> {
  const out: DeviceProbe[] = [];
  const found = (p: DeviceProbe): void => {
    out.push(p);
    onDevice(p);
  };
  await probeDevices(config, timeoutMs, open, found);
  return out;
}

/** Each device's outcome to `found` as soon as it is known. */
async function probeDevices(config: ModbusAdapterConfig, timeoutMs: number, open: OpenModbusClient, found: (p: DeviceProbe) => void): Promise<void> {
  const t = config.transport;
  if (t.type === 'rtu') {
    try {
      statSync(t.path);
      found({ device: t.path, ok: true, detail: `serial device ${t.path} exists (not opened: a running gateway may hold it)` });
    } catch {
      found({ device: t.path, ok: false, detail: `serial device ${t.path} does not exist: check the cable or USB adapter and transport.path` });
    }
    return;
  }
  const where = `${t.host}:${t.port}`;
  const compiled = compileLine(config);
  if (!compiled.ok) {
    found({ device: config.id, ok: false, detail: 'the device map does not compile (see validate)' });
    return;
  }
  const port = open(t, Math.min(timeoutMs, config.timeoutMs));
  try {
    const opened = await withinTime(timeoutMs, port.open().then(() => ({ ok: true, detail: '' }), (e: unknown) => ({ ok: false, detail: `cannot connect to ${where}: ${messageOf(e)}: is the device or gateway on and the address right?` })), where);
    if (!opened.ok) {
      for (const d of compiled.devices) found({ device: d.id, ...opened });
      return;
    }
    for (const d of compiled.devices) {
      const first = d.requests[0];
      if (first === undefined) {
        found({ device: d.id, ok: true, detail: `${where} unit ${d.unitId}: nothing configured to read` });
        continue;
      }
      const what = `${where} unit ${d.unitId} ${first.fn} ${first.address}`;
      try {
        await port.read(d.unitId, first.fn, first.address, 1);
        found({ device: d.id, ok: true, detail: `${what} answered` });
      } catch (e) {
        found({ device: d.id, ok: false, detail: `${what}: ${failureText(classifyFailure(e), timeoutMs)}` });
      }
    }
  } finally {
    await port.close().catch(() => undefined);
  }
}
