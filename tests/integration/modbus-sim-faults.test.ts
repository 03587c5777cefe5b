import { createServer, type Socket } from 'node:net';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { startModbusSimulator, type ModbusSimServer } from '../../devices/index.js';
import { parseScenario } from '../../devices/simulator/parse.js';
import { createModbusAdapter, type ModbusAdapter } from '../../adapters/modbus/index.js';
import type { ModbusAdapterConfigInput } from '../../adapters/modbus/schema.js';
import { silentLogger, systemClock, type HazgateError, type RawReading } from '../../src/core/index.js';
import { freePort } from '../support/gateway-process.js';
import { serialPair } from '../support/modbus-peers.js';
import { waitFor } from '../support/wait.js';

/**
 * Bad input on the wire, from hazgate's own simulator (devices/modbus): corrupted frames (RTU CRC
 * errors, truncated TCP frames), exception answers and slow devices. Every fault is coded and
 * counted, the points go bad while it lasts, no wrong value is ever passed as good, and the line
 * recovers on its own.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Gas controller unit 1: channel 1 reads a steady 12.3 %LEL; faults come from device events. */
function scenario(events: string) {
  return parseScenario(
    `scenario: faults
tickMs: 100
durationS: 60
points:
  CH1: { base: 12.3 }
events:
${events}
`,
    'faults.yaml',
  );
}

interface Run {
  readonly adapter: ModbusAdapter;
  readonly readings: (RawReading & { t: number })[];
  readonly errors: HazgateError[];
}

async function run(events: string, transport: 'tcp' | 'rtu', adapterExtra: Partial<ModbusAdapterConfigInput> = {}): Promise<Run> {
  const port = await freePort();
  const pair = transport === 'rtu' ? await serialPair() : undefined;
  if (pair !== undefined) cleanups.push(() => pair.close());
  const server: ModbusSimServer = {
    transport: pair === undefined ? { type: 'tcp', host: '127.0.0.1', port } : { type: 'rtu', path: pair.a, baudRate: 19200, parity: 'none', dataBits: 8, stopBits: 1 },
    devices: [{ id: 'gc', unitId: 1, profile: 'gas-controller-8ch', bind: { 'ch1.gas': 'CH1' } }],
  };
  const sim = await startModbusSimulator({ scenario: scenario(events), servers: [server], logger: silentLogger });
  cleanups.push(() => sim.stop());
  const adapter = createModbusAdapter(
    {
      kind: 'modbus',
      id: 'line',
      transport: pair === undefined ? { type: 'tcp', host: '127.0.0.1', port } : { type: 'rtu', path: pair.b, baudRate: 19200 },
      timeoutMs: '300ms',
      pollGroups: { default: '200ms' },
      backoff: { initial: '200ms', max: '400ms' },
      reconnectMs: '200ms',
      devices: [
        {
          id: 'gc',
          unitId: 1,
          registers: [
            { name: 'ch1', fn: 'input', address: 0, multiply: 0.1, point: 'CH1' },
            { name: 'ch1.status', fn: 'input', address: 1, statusOf: 'ch1', quality: [{ values: [0], level: 'good' }, { values: [3], level: 'bad', reason: 'detector-fault' }] },
          ],
        },
      ],
      ...adapterExtra,
    } as never,
    { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' },
  );
  const readings: Run['readings'] = [];
  const errors: HazgateError[] = [];
  await adapter.start((r) => void readings.push({ ...r, t: Date.now() }), (e) => void errors.push(e), () => undefined);
  cleanups.push(() => adapter.stop());
  return { adapter, readings, errors };
}

/** No reading may carry a wrong value as good: good ones are 12.3, the rest are flagged. */
function expectNoWrongGoodValue(readings: readonly RawReading[]): void {
  const wrong = readings.filter((r) => r.quality === undefined && r.value !== 12.3);
  expect(wrong).toEqual([]);
}

describe('Modbus faults on the wire', () => {
  it.each(['rtu', 'tcp'] as const)('%s: corrupted frames are coded, counted, flagged bad, and the line recovers', async (transport) => {
    const r = await run('  - { at: 1s, device: gc, corrupt: { for: 2s } }', transport);
    await waitFor(() => r.errors.some((e) => e.code === 'HG_ERR_MODBUS_FRAME' || e.code === 'HG_ERR_MODBUS_TIMEOUT'), 10_000, 'a coded frame error');
    const faultAt = Date.now();
    await waitFor(() => Date.now() - faultAt > 2_500 && r.readings.at(-1)?.quality === undefined, 15_000, 'good readings after the window');
    const bad = r.readings.filter((x) => x.quality !== undefined);
    expect(bad.length).toBeGreaterThan(0);
    for (const x of bad) expect(['comm-frame-error', 'comm-timeout', 'comm-lost']).toContain(x.quality?.reason);
    expectNoWrongGoodValue(r.readings);
    const stats = r.adapter.stats?.devices['gc'];
    expect((stats?.frameErrors ?? 0) + (stats?.timeouts ?? 0)).toBeGreaterThan(0);
    expect(r.readings.at(-1)).toMatchObject({ pointId: 'CH1', value: 12.3 });
  });

  it('counts exception answers per code and flags the points with the exception', async () => {
    const r = await run('  - { at: 0s, device: gc, exception: { for: 1500ms, code: 4 } }', 'tcp');
    await waitFor(() => (r.adapter.stats?.devices['gc']?.exceptions['4'] ?? 0) >= 3, 10_000, 'three exception answers');
    expect(r.readings[0]?.quality).toEqual({ level: 'bad', reason: 'modbus-exception-server-device-failure' });
    await waitFor(() => r.readings.at(-1)?.quality === undefined, 10_000, 'good readings after the window');
    expectNoWrongGoodValue(r.readings);
    expect(r.errors.filter((e) => e.code === 'HG_ERR_MODBUS_EXCEPTION').every((e) => e.details['exception'] === 4)).toBe(true);
  });

  it('a slow device within the timeout is fine; beyond it, it times out and comes back', async () => {
    const r = await run('  - { at: 0s, device: gc, slow: { for: 1s, delay: 100ms } }\n  - { at: 2s, device: gc, slow: { for: 1s, delay: 800ms } }', 'tcp');
    await waitFor(() => (r.adapter.stats?.devices['gc']?.timeouts ?? 0) >= 1, 10_000, 'a timeout');
    const firstTimeout = r.readings.findIndex((x) => x.quality?.reason === 'comm-timeout');
    // Before the 800 ms window every reading was good, though 100 ms late.
    expect(r.readings.slice(0, firstTimeout).every((x) => x.quality === undefined)).toBe(true);
    expect(firstTimeout).toBeGreaterThan(2);
    await waitFor(() => r.readings.at(-1)?.quality === undefined && r.readings.length > firstTimeout + 3, 15_000, 'recovery');
    expectNoWrongGoodValue(r.readings);
  });

  it('an answer from the wrong unit id is a coded frame error, not a value', async () => {
    // A broken gateway: answers every read with 2 registers of 0x1111, but from unit id + 1.
    const port = await brokenTcpDevice((req) => Buffer.from([req[0] ?? 0, req[1] ?? 0, 0, 0, 0, 7, ((req[6] ?? 0) + 1) & 0xff, req[7] ?? 0, 4, 0x11, 0x11, 0x11, 0x11]));
    const adapter = createModbusAdapter(
      { kind: 'modbus', id: 'line', transport: { type: 'tcp', host: '127.0.0.1', port }, timeoutMs: '300ms', pollGroups: { default: '200ms' }, devices: [{ id: 'd', unitId: 1, registers: [{ name: 'x', fn: 'holding', address: 0, point: 'X' }] }] } as never,
      { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' },
    );
    const readings: RawReading[] = [];
    const errors: HazgateError[] = [];
    await adapter.start((r) => void readings.push(r), (e) => void errors.push(e), () => undefined);
    cleanups.push(() => adapter.stop());
    await waitFor(() => readings.length >= 3, 10_000, 'three cycles');
    expect(readings.every((r) => r.quality?.level === 'bad')).toBe(true);
    expect(readings.some((r) => r.value === 0x1111)).toBe(false);
    expect(errors.some((e) => e.code === 'HG_ERR_MODBUS_FRAME' || e.code === 'HG_ERR_MODBUS_TIMEOUT')).toBe(true);
  });

  it('rtu: a late answer is never taken for the next request (no transaction ids on a serial bus)', async () => {
    const pair = await serialPair();
    cleanups.push(() => pair.close());
    // Units 1 and 2, every register reads 1000 + its address; unit 1's first answer comes 450 ms
    // late, while the line is busy with unit 2.
    const line = new SerialPort({ path: pair.a, baudRate: 19200 });
    cleanups.push(() => new Promise<void>((resolve) => (line.isOpen ? line.close(() => resolve()) : resolve())));
    let answered = 0;
    let pending = Buffer.alloc(0);
    line.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 8) {
        const req = pending.subarray(0, 8);
        pending = pending.subarray(8);
        const unit = req[0] ?? 0;
        if ((unit !== 1 && unit !== 2) || req[1] !== 4) continue;
        const address = req.readUInt16BE(2);
        const count = req.readUInt16BE(4);
        const body = Buffer.alloc(3 + count * 2);
        body[0] = unit;
        body[1] = 4;
        body[2] = count * 2;
        for (let i = 0; i < count; i++) body.writeUInt16BE(1000 + address + i, 3 + i * 2);
        const frame = Buffer.concat([body, crc(body)]);
        setTimeout(() => line.write(frame), unit === 1 && answered++ === 0 ? 450 : 0);
      }
    });
    const adapter = createModbusAdapter(
      {
        kind: 'modbus',
        id: 'line',
        transport: { type: 'rtu', path: pair.b, baudRate: 19200 },
        timeoutMs: '300ms',
        pollGroups: { default: '200ms' },
        backoff: { initial: '200ms', max: '200ms' },
        // Two requests of one unit and function (maxGap 0): a stale answer to one fits the other.
        devices: [
          { id: 'd', unitId: 1, registers: [{ name: 'a', fn: 'input', address: 0, point: 'A' }, { name: 'b', fn: 'input', address: 10, point: 'B' }] },
          { id: 'n', unitId: 2, registers: [{ name: 'a', fn: 'input', address: 0, point: 'N' }] },
        ],
      } as never,
      { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' },
    );
    const readings: RawReading[] = [];
    await adapter.start((r) => void readings.push(r), () => undefined, () => undefined);
    cleanups.push(() => adapter.stop());
    await waitFor(() => readings.filter((r) => r.pointId === 'B' && r.quality === undefined).length >= 5, 10_000, 'good readings after the late one');
    expect(readings[0]).toMatchObject({ pointId: 'A', quality: { level: 'bad', reason: 'comm-timeout' } });
    const wrong = readings.filter((r) => r.quality === undefined && r.value !== (r.pointId === 'B' ? 1010 : 1000));
    expect(wrong).toEqual([]);
  });

  it('a coil answer with too few bits is a frame error, not false contacts', async () => {
    // A broken device: answers a read of 16 coils with one byte of data.
    const port = await brokenTcpDevice((req) => Buffer.from([req[0] ?? 0, req[1] ?? 0, 0, 0, 0, 4, req[6] ?? 0, req[7] ?? 0, 1, 0xff]));
    const coils = Array.from({ length: 16 }, (_, i) => ({ name: `c${i}`, fn: 'coil' as const, address: i, point: `C${i}` }));
    const adapter = createModbusAdapter(
      { kind: 'modbus', id: 'line', transport: { type: 'tcp', host: '127.0.0.1', port }, timeoutMs: '300ms', pollGroups: { default: '200ms' }, devices: [{ id: 'd', unitId: 1, registers: coils }] } as never,
      { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' },
    );
    const readings: RawReading[] = [];
    const errors: HazgateError[] = [];
    await adapter.start((r) => void readings.push(r), (e) => void errors.push(e), () => undefined);
    cleanups.push(() => adapter.stop());
    await waitFor(() => readings.length >= 32, 10_000, 'two cycles');
    expect(readings.filter((r) => r.quality === undefined)).toEqual([]);
    expect(errors.some((e) => e.code === 'HG_ERR_MODBUS_FRAME')).toBe(true);
  });
});

/** A Modbus TCP device that answers every request with `answer(request)`; returns its port. */
async function brokenTcpDevice(answer: (req: Buffer) => Buffer): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (req: Buffer) => {
      if (req.length >= 12) socket.write(answer(req));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** CRC-16/MODBUS, low byte first on the wire. */
function crc(bytes: Buffer): Buffer {
  let c = 0xffff;
  for (const b of bytes) {
    c ^= b;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  }
  return Buffer.from([c & 0xff, c >>> 8]);
}
