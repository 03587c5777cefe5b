import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createModbusAdapter, type ModbusAdapter } from '../../adapters/modbus/index.js';
import type { ModbusAdapterConfigInput } from '../../adapters/modbus/schema.js';
import { normalizeReading } from '../../src/pipeline/normalize.js';
import { silentLogger, systemClock, type Point } from '../../src/core/index.js';
import { runAdapter, type AdapterRun } from '../support/adapter-run.js';
import { freePort } from '../support/gateway-process.js';
import { serialPair, startPymodbus, type ChildPeer, type SerialPair } from '../support/modbus-peers.js';
import { waitFor } from '../support/wait.js';

/**
 * The Modbus adapter on modbus-serial against an independent server: Debian's pymodbus 3.0
 * (tests/support/pymodbus_server.py documents its register map), over TCP and over RTU on a socat
 * pty pair. Unit 1 answers; any other unit id is a dead device that never answers.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Run = AdapterRun<ModbusAdapter>;

function run(config: Omit<ModbusAdapterConfigInput, 'kind' | 'id'>): Promise<Run> {
  const adapter = createModbusAdapter({ kind: 'modbus', id: 'line', ...config } as never, { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' });
  return runAdapter(adapter, (stop) => cleanups.push(stop));
}

async function pymodbus(mode: 'tcp', port: number): Promise<ChildPeer>;
async function pymodbus(mode: 'rtu', device: string): Promise<ChildPeer>;
async function pymodbus(mode: 'tcp' | 'rtu', where: number | string): Promise<ChildPeer> {
  const peer = mode === 'tcp' ? await startPymodbus('tcp', where as number) : await startPymodbus('rtu', where as string);
  cleanups.push(() => peer.stop());
  return peer;
}

const UNIT1_REGISTERS = [
  { name: 'u16', fn: 'holding', address: 0, point: 'U16' },
  { name: 'i16', fn: 'holding', address: 1, type: 'int16', point: 'I16' },
  { name: 'f32', fn: 'holding', address: 2, type: 'float32', order: 'CDAB', point: 'F32' },
  { name: 'i32', fn: 'holding', address: 4, type: 'int32', point: 'I32' },
  { name: 'ai1', fn: 'input', address: 0, multiply: 0.001, point: 'AI1' },
  { name: 'ai6', fn: 'input', address: 5, multiply: 0.001, point: 'AI6' },
  { name: 'c0', fn: 'coil', address: 0, point: 'C0' },
  { name: 'c1', fn: 'coil', address: 1, point: 'C1' },
  { name: 'd1', fn: 'discrete', address: 1, point: 'D1' },
] as const;

describe('Modbus adapter against pymodbus', () => {
  it('reads every type over TCP, with a planned request per function', async () => {
    const port = await freePort();
    await pymodbus('tcp', port);
    const r = await run({ transport: { type: 'tcp', host: '127.0.0.1', port }, pollGroups: { default: '200ms' }, devices: [{ id: 'D1', unitId: 1, registers: [...UNIT1_REGISTERS] }] });
    await waitFor(() => r.readings.length >= 18, 10_000, 'two poll cycles');
    const value = (id: string) => r.latest(id)?.value;
    expect(value('U16')).toBe(1234);
    expect(value('I16')).toBe(-5);
    expect(value('F32')).toBeCloseTo(123.456, 3);
    expect(value('I32')).toBe(-100_000);
    expect(value('AI1')).toBe(4);
    expect(value('AI6')).toBe(3.5);
    expect([value('C0'), value('C1'), value('D1')]).toEqual([true, false, true]);
    expect(r.readings.every((x) => x.quality === undefined)).toBe(true);
    // Holding 0-5 in one read, input 0 and 5 apart (maxGap 0), coils 0-1 in one, discrete 1.
    const stats = r.adapter.stats?.devices['D1'];
    expect(stats?.requests).toBeGreaterThanOrEqual(5 * 2);
    expect((stats?.requests ?? 0) % 5).toBe(0);
    expect(stats?.timeouts).toBe(0);
  });

  it('splits a read over a missing register, flags that one, and counts the exception', async () => {
    const port = await freePort();
    await pymodbus('tcp', port);
    const r = await run({
      transport: { type: 'tcp', host: '127.0.0.1', port },
      pollGroups: { default: '200ms' },
      maxGap: 10,
      devices: [{ id: 'D1', unitId: 1, registers: [{ name: 'a', fn: 'holding', address: 18, point: 'A' }, { name: 'missing', fn: 'holding', address: 22, point: 'MISSING' }] }],
    });
    await waitFor(() => (r.readings.filter((x) => x.pointId === 'A').length ?? 0) >= 3, 10_000, 'three cycles');
    expect(r.latest('A')).toMatchObject({ value: 0 });
    expect(r.latest('A')?.quality).toBeUndefined();
    expect(r.latest('MISSING')?.quality).toEqual({ level: 'bad', reason: 'modbus-exception-illegal-data-address' });
    const stats = r.adapter.stats?.devices['D1'];
    expect(stats?.splits).toBe(1);
    expect(stats?.exceptions['2']).toBeGreaterThanOrEqual(3);
    expect(r.errors.find((e) => e.code === 'HG_ERR_MODBUS_EXCEPTION')?.details).toMatchObject({ device: 'D1', exception: 2 });
  });

  it('times out a dead unit, backs it off and keeps polling its neighbour on time', async () => {
    const port = await freePort();
    await pymodbus('tcp', port);
    const r = await run({
      transport: { type: 'tcp', host: '127.0.0.1', port },
      timeoutMs: '300ms',
      pollGroups: { default: '500ms' },
      backoff: { initial: '1s', max: '4s' },
      devices: [
        { id: 'DEAD', unitId: 7, registers: [{ name: 'x', fn: 'holding', address: 0, point: 'DEAD.X' }] },
        { id: 'LIVE', unitId: 1, registers: [{ name: 'x', fn: 'holding', address: 0, point: 'LIVE.X' }] },
      ],
    });
    const t0 = Date.now();
    await waitFor(() => Date.now() - t0 > 6_000, 8_000, '6 s of polling', 100);
    const dead = r.readings.filter((x) => x.pointId === 'DEAD.X');
    expect(dead[0]?.quality).toEqual({ level: 'bad', reason: 'comm-timeout' });
    expect((dead[0]?.t ?? Infinity) - t0).toBeLessThan(500 + 300 + 200);
    // Back-off 1, 2, 4, 4 s after 300 ms timeouts: at most 5 probes in 6 s instead of 12.
    expect(r.adapter.stats?.devices['DEAD']?.timeouts).toBeLessThanOrEqual(5);
    expect(r.adapter.stats?.devices['DEAD']?.timeouts).toBeGreaterThanOrEqual(3);
    const live = r.readings.filter((x) => x.pointId === 'LIVE.X');
    expect(live.length).toBeGreaterThanOrEqual(10);
    expect(live.every((x) => x.quality === undefined && x.value === 1234)).toBe(true);
    const gaps = live.slice(1).map((x, i) => x.t - (live[i]?.t ?? 0));
    // Each neighbour poll is at most one timeout late.
    expect(Math.max(...gaps)).toBeLessThan(500 + 300 + 250);
    expect(r.statuses.at(-1)).toMatchObject({ state: 'degraded' });
  });

  it('reconnects after the TCP peer restarts; points are bad meanwhile', async () => {
    const port = await freePort();
    const first = await pymodbus('tcp', port);
    const r = await run({ transport: { type: 'tcp', host: '127.0.0.1', port }, pollGroups: { default: '200ms' }, reconnectMs: '300ms', backoff: { initial: '300ms', max: '1s' }, devices: [{ id: 'D1', unitId: 1, registers: [{ name: 'x', fn: 'holding', address: 0, point: 'X' }] }] });
    await waitFor(() => r.readings.length >= 2, 5_000, 'first readings');
    await first.stop();
    await waitFor(() => r.latest('X')?.quality?.level === 'bad', 5_000, 'bad quality after the peer went away');
    expect(['comm-lost', 'comm-timeout']).toContain(r.latest('X')?.quality?.reason);
    expect(r.statuses.some((s) => s.state === 'down' || s.state === 'degraded')).toBe(true);
    await pymodbus('tcp', port);
    await waitFor(() => r.latest('X')?.quality === undefined && r.latest('X')?.value === 1234, 10_000, 'good readings after the restart');
    expect(r.adapter.stats?.connects).toBeGreaterThanOrEqual(2);
    expect(r.statuses.at(-1)?.state).toBe('up');
  });

  it('reads over RTU on a socat pty pair, and a dead unit on the same bus does not stall it', async () => {
    const pair: SerialPair = await serialPair();
    cleanups.push(() => pair.close());
    await pymodbus('rtu', pair.a);
    const r = await run({
      transport: { type: 'rtu', path: pair.b, baudRate: 9600 },
      timeoutMs: '300ms',
      pollGroups: { default: '500ms' },
      devices: [
        { id: 'D1', unitId: 1, registers: [...UNIT1_REGISTERS] },
        { id: 'GONE', unitId: 9, registers: [{ name: 'x', fn: 'holding', address: 0, point: 'GONE.X' }] },
      ],
    });
    await waitFor(() => r.readings.filter((x) => x.pointId === 'F32').length >= 4, 15_000, 'four RTU cycles');
    expect(r.latest('F32')?.value).toBeCloseTo(123.456, 3);
    expect(r.latest('I32')?.value).toBe(-100_000);
    expect(r.latest('C0')?.value).toBe(true);
    expect(r.latest('GONE.X')?.quality).toEqual({ level: 'bad', reason: 'comm-timeout' });
    expect(r.adapter.stats?.devices['D1']?.timeouts).toBe(0);
    expect(r.adapter.stats?.devices['D1']?.frameErrors).toBe(0);
  });

  it('turns loop currents into quality through the pipeline: NE 43 fault and saturation bands', async () => {
    const port = await freePort();
    await pymodbus('tcp', port);
    const r = await run({
      transport: { type: 'tcp', host: '127.0.0.1', port },
      pollGroups: { default: '200ms' },
      devices: [{ id: 'AI', unitId: 1, registers: [0, 2, 5, 6, 7].map((address) => ({ name: `ai${address + 1}`, fn: 'input' as const, address, multiply: 0.001, point: `GT-${address + 1}` })) }],
    });
    await waitFor(() => r.readings.length >= 5, 5_000, 'one cycle');
    const points = new Map<string, Point>(
      [1, 3, 6, 7, 8].map((n) => [`GT-${n}`, { id: `GT-${n}`, kind: 'gas', type: 'number', range: [0, 100], scaling: { kind: 'current-loop', faultLowMa: 3.6, faultHighMa: 21 }, attrs: {} }]),
    );
    const sample = (id: string) => {
      const reading = r.latest(id);
      if (reading === undefined) throw new Error(`no reading of ${id}`);
      const s = normalizeReading(reading, { points, now: Date.now(), maxFutureMs: 0 });
      if (!('quality' in s)) throw s;
      return { value: s.value, quality: s.quality };
    };
    expect(sample('GT-1')).toEqual({ value: 0, quality: { level: 'good' } });
    expect(sample('GT-3')).toEqual({ value: 50, quality: { level: 'good' } });
    // 3.5 mA is a broken wire: it must never look like a calm 0 %LEL.
    expect(sample('GT-6').quality).toEqual({ level: 'bad', reason: 'signal-fault-low' });
    expect(sample('GT-7')).toEqual({ value: 100, quality: { level: 'uncertain', reason: 'over-range' } });
    expect(sample('GT-8').quality).toEqual({ level: 'bad', reason: 'signal-fault-high' });
  });
});
