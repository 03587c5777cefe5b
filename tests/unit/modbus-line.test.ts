import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createModbusAdapter, type ModbusClientPort, type ModbusFunction } from '../../adapters/modbus/index.js';
import type { ModbusAdapterConfigInput } from '../../adapters/modbus/schema.js';
import { silentLogger, type ComponentStatus, type HazgateError, type RawReading } from '../../src/core/index.js';

/**
 * The poller against a fake client port on fake time: what a dead, slow or refusing device does to
 * its points and to its neighbours on the line.
 */

type Behaviour = (fn: ModbusFunction, address: number, count: number) => readonly number[] | readonly boolean[] | 'hang' | { modbusCode: number } | Error;

class FakeLine implements ModbusClientPort {
  isOpen = false;
  opens = 0;
  failOpens = 0;
  readonly requests: { t: number; unit: number; fn: ModbusFunction; address: number; count: number }[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(readonly units: Map<number, Behaviour>, readonly timeoutMs: number) {}

  async open(): Promise<void> {
    this.opens++;
    if (this.failOpens > 0) {
      this.failOpens--;
      throw new Error('connect ECONNREFUSED 127.0.0.1:502');
    }
    this.isOpen = true;
  }

  read(unit: number, fn: ModbusFunction, address: number, count: number): Promise<readonly number[] | readonly boolean[]> {
    this.requests.push({ t: Date.now(), unit, fn, address, count });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const done = <T>(v: T): T => {
      this.inFlight--;
      return v;
    };
    if (!this.isOpen) return Promise.reject(done(Object.assign(new Error('Port Not Open'), { errno: 'ECONNREFUSED' })));
    const answer = (this.units.get(unit) ?? (() => 'hang'))(fn, address, count);
    if (answer === 'hang') {
      return new Promise((_, reject) => setTimeout(() => reject(done(Object.assign(new Error('Timed out'), { errno: 'ETIMEDOUT' }))), this.timeoutMs));
    }
    if (answer instanceof Error) return Promise.reject(done(answer));
    if ('modbusCode' in answer) return Promise.reject(done(Object.assign(new Error(`Modbus exception ${answer.modbusCode}`), answer)));
    // A real line takes a few ms per request.
    return new Promise((resolve) => setTimeout(() => resolve(done(answer)), 5));
  }

  resyncs = 0;
  async resync(): Promise<void> {
    this.resyncs++;
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }
}

const words = (count: number, f: (i: number) => number) => Array.from({ length: count }, (_, i) => f(i));

function device(id: string, unitId: number, registers: ModbusAdapterConfigInput['devices'][number]['registers'], pollGroup = 'default') {
  return { id, unitId, pollGroup, registers };
}

function harness(config: Omit<ModbusAdapterConfigInput, 'kind' | 'id' | 'transport'>, units: Map<number, Behaviour>) {
  const timeoutMs = typeof config.timeoutMs === 'number' ? config.timeoutMs : 1000;
  const fake = new FakeLine(units, timeoutMs);
  const adapter = createModbusAdapter(
    { kind: 'modbus', id: 'line1', transport: { type: 'tcp', host: '127.0.0.1', port: 502 }, ...config } as never,
    { clock: { now: () => Date.now() }, logger: silentLogger, dataDir: '/nonexistent' },
    () => fake,
  );
  const readings: (RawReading & { t: number })[] = [];
  const errors: HazgateError[] = [];
  const statuses: ComponentStatus[] = [];
  const start = () => adapter.start((r) => void readings.push({ ...r, t: Date.now() }), (e) => void errors.push(e), (s) => void statuses.push(s));
  /** stop() waits for a request in flight (at most one timeout): let fake time run meanwhile. */
  const stop = async () => {
    const stopped = adapter.stop();
    await vi.advanceTimersByTimeAsync(timeoutMs);
    await stopped;
  };
  return { fake, adapter, readings, errors, statuses, start, stop };
}

const gas = (name: string, address: number, point: string) => ({ name, fn: 'input' as const, address, multiply: 0.1, point });

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 10, 28, 12) });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Modbus line', () => {
  it('reads a device with one planned request and scales counts', async () => {
    const h = harness(
      { devices: [device('GC-1', 1, [gas('ch1', 0, 'GT-1'), gas('ch2', 1, 'GT-2'), { name: 'ch2.status', fn: 'input', address: 9, statusOf: 'ch2', quality: [{ values: [0], level: 'good' }, { values: [1], level: 'uncertain', reason: 'warm-up' }] }])] },
      new Map<number, Behaviour>([[1, (_fn, address, count) => words(count, (i) => (address + i === 9 ? 1 : 100 * (address + i + 1)))]]),
    );
    await h.start();
    await vi.advanceTimersByTimeAsync(50);
    expect(h.fake.requests.map((r) => `${r.fn} ${r.address}+${r.count}`)).toEqual(['input 0+2', 'input 9+1']);
    expect(h.readings.map((r) => [r.pointId, r.value, r.quality?.reason])).toEqual([
      ['GT-1', 10, undefined],
      ['GT-2', 20, 'warm-up'],
    ]);
    await h.stop();
  });

  it('gives a silent device bad quality within one poll period, backs it off, and keeps its neighbour on time', async () => {
    const h = harness(
      { timeoutMs: 300, pollGroups: { default: '1s' }, backoff: { initial: '2s', max: '8s' }, devices: [device('DEAD', 1, [gas('g', 0, 'P-DEAD')]), device('OK', 2, [gas('g', 0, 'P-OK')])] },
      new Map<number, Behaviour>([[2, (_f, _a, count) => words(count, () => 55)]]),
    );
    const t0 = Date.now();
    await h.start();
    await vi.advanceTimersByTimeAsync(20_000);
    const dead = h.readings.filter((r) => r.pointId === 'P-DEAD');
    expect(dead[0]?.quality).toEqual({ level: 'bad', reason: 'comm-timeout' });
    expect((dead[0]?.t ?? Infinity) - t0).toBeLessThanOrEqual(1_000);
    // Probed at 0, then 2, 4 and 8 s after each timeout (300 ms): 4 attempts in 20 s, not 20.
    const deadRequests = h.fake.requests.filter((r) => r.unit === 1);
    expect(deadRequests.map((r) => r.t - t0)).toEqual([0, 2_300, 6_600, 14_900]);
    // The neighbour still got a reading every second, each at most one timeout late.
    const ok = h.readings.filter((r) => r.pointId === 'P-OK');
    expect(ok.length).toBeGreaterThanOrEqual(19);
    for (let i = 1; i < ok.length; i++) expect((ok[i]?.t ?? 0) - (ok[i - 1]?.t ?? 0)).toBeLessThanOrEqual(1_000 + 300 + 10);
    expect(h.fake.maxInFlight).toBe(1);
    expect(h.errors.filter((e) => e.code === 'HG_ERR_MODBUS_TIMEOUT')).toHaveLength(4);
    expect(h.adapter.stats?.devices['DEAD']?.timeouts).toBe(4);
    expect(h.statuses.at(-1)).toMatchObject({ state: 'degraded', reason: 'not answering: DEAD' });
    await h.stop();
  });

  it('splits a request the device refuses with exception 2 and keeps the good registers', async () => {
    const h = harness(
      { maxGap: 10, devices: [device('D', 1, [gas('a', 0, 'A'), gas('b', 4, 'B'), gas('c', 8, 'C')])] },
      // Address 5..7 do not exist on this device: any read spanning them is refused.
      new Map<number, Behaviour>([[1, (_f, address, count) => (address <= 7 && address + count - 1 >= 5 ? { modbusCode: 2 } : words(count, (i) => address + i))]]),
    );
    await h.start();
    await vi.advanceTimersByTimeAsync(2_500);
    const first = h.fake.requests.map((r) => `${r.address}+${r.count}`);
    // 0+9 refused → 0..4 (two items) and 8+1; 0..4 still ok since it ends at 4.
    expect(first.slice(0, 3)).toEqual(['0+9', '0+5', '8+1']);
    // Later cycles use the split plan directly.
    expect(first.slice(3, 5)).toEqual(['0+5', '8+1']);
    expect(h.readings.slice(0, 3).map((r) => [r.pointId, r.value, r.quality])).toEqual([
      ['A', 0, undefined],
      ['B', 0.4, undefined],
      ['C', 0.8, undefined],
    ]);
    expect(h.adapter.stats?.devices['D']).toMatchObject({ splits: 1, exceptions: { '2': 1 } });
    await h.stop();
  });

  it('counts exceptions per device and code; a busy device stays on its grid (it answered)', async () => {
    let busy = true;
    const h = harness(
      { devices: [device('B', 1, [gas('g', 0, 'P')])] },
      new Map<number, Behaviour>([[1, (_f, _a, count) => (busy ? { modbusCode: 6 } : words(count, () => 7))]]),
    );
    await h.start();
    await vi.advanceTimersByTimeAsync(2_500);
    expect(h.readings.map((r) => r.quality)).toEqual([
      { level: 'bad', reason: 'modbus-exception-server-device-busy' },
      { level: 'bad', reason: 'modbus-exception-server-device-busy' },
      { level: 'bad', reason: 'modbus-exception-server-device-busy' },
    ]);
    busy = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.readings.at(-1)).toMatchObject({ pointId: 'P', value: 0.7 });
    expect(h.readings.at(-1)?.quality).toBeUndefined();
    expect(h.adapter.stats?.devices['B']?.exceptions).toEqual({ '6': 3 });
    const m = h.adapter.metrics().find((f) => f.name === 'hazgate_modbus_exceptions_total');
    expect(m?.values).toEqual([{ labels: { adapter: 'line1', device: 'B', code: '6' }, value: 3 }]);
    await h.stop();
  });

  it('backs off a device its gateway cannot reach (exception 11), like a silent one', async () => {
    const h = harness(
      { backoff: { initial: '4s', max: '4s' }, devices: [device('GONE', 1, [gas('g', 0, 'P')]), device('OK', 2, [gas('g', 0, 'Q')])] },
      new Map<number, Behaviour>([[1, () => ({ modbusCode: 11 })], [2, (_f, _a, c) => words(c, () => 3)]]),
    );
    await h.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.fake.requests.filter((r) => r.unit === 1)).toHaveLength(2);
    expect(h.readings.find((r) => r.pointId === 'P')?.quality).toEqual({ level: 'bad', reason: 'modbus-exception-gateway-target-failed' });
    expect(h.adapter.stats?.devices['GONE']?.exceptions).toEqual({ '11': 2 });
    await h.stop();
  });

  it('reopens a lost connection and marks the points bad meanwhile', async () => {
    const h = harness(
      { reconnectMs: '2s', devices: [device('D', 1, [gas('g', 0, 'P')])] },
      new Map<number, Behaviour>([[1, (_f, _a, count) => words(count, () => 42)]]),
    );
    await h.start();
    await vi.advanceTimersByTimeAsync(1_500);
    expect(h.readings).toHaveLength(2);
    // The peer restarts: the connection is gone and refuses twice.
    h.fake.isOpen = false;
    h.fake.failOpens = 2;
    await vi.advanceTimersByTimeAsync(10_000);
    const qualities = h.readings.slice(2).map((r) => r.quality?.reason ?? 'good');
    expect(qualities[0]).toBe('comm-lost');
    expect(qualities.at(-1)).toBe('good');
    expect(h.fake.opens).toBe(4); // first open, two refused, one that works
    expect(h.errors.some((e) => e.code === 'HG_ERR_MODBUS_CONNECT')).toBe(true);
    expect(h.statuses.some((s) => s.state === 'down')).toBe(true);
    expect(h.statuses.at(-1)?.state).toBe('up');
    await h.stop();
  });

  it('polls each poll group at its own interval', async () => {
    const h = harness(
      { pollGroups: { fast: '250ms', slow: '2s' }, devices: [device('F', 1, [gas('g', 0, 'F1')], 'fast'), device('S', 2, [gas('g', 0, 'S1')], 'slow')] },
      new Map<number, Behaviour>([[1, (_f, _a, c) => words(c, () => 1)], [2, (_f, _a, c) => words(c, () => 2)]]),
    );
    await h.start();
    await vi.advanceTimersByTimeAsync(4_000 - 1);
    expect(h.readings.filter((r) => r.pointId === 'F1')).toHaveLength(16);
    expect(h.readings.filter((r) => r.pointId === 'S1')).toHaveLength(2);
    await h.stop();
  });

  it('emits nothing after stop', async () => {
    const h = harness({ devices: [device('D', 1, [gas('g', 0, 'P')])] }, new Map<number, Behaviour>([[1, (_f, _a, c) => words(c, () => 1)]]));
    await h.start();
    await vi.advanceTimersByTimeAsync(10);
    await h.stop();
    const n = h.readings.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.readings.length).toBe(n);
    expect(h.fake.isOpen).toBe(false);
  });
});
