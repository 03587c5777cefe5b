import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { rawFromValue } from '../../devices/modbus/encode.js';
import { modbusSimServerSchema, type ModbusSimDevice } from '../../devices/modbus/sim-config.js';
import { startModbusSimulator, type RunningModbusSimulator } from '../../devices/modbus/simulator.js';
import { builtinScenarioFile, loadScenario } from '../../devices/simulator/load.js';
import type { Scenario } from '../../devices/simulator/scenario.js';

/*
 * The Modbus simulator against a real master: Debian's mbpoll, over TCP and over RTU on a socat
 * pty pair. The scenario is devices/scenarios/modbus-plant.yaml with the devices its header names;
 * scenario time is moved forward by shifting the simulator's clock (no waiting for the timeline).
 */

const S = 1000;

/** The devices modbus-plant.yaml's header describes. */
const PLANT_DEVICES: readonly ModbusSimDevice[] = [
  { id: 'gc-1', unitId: 1, profile: 'gas-controller-8ch', bind: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`ch${i + 1}.gas`, `GC1-CH${i + 1}`])) },
  { id: 'ai-1', unitId: 2, profile: 'ai-8ch-4-20ma', bind: { ai1: 'TK201.LT', ai2: 'PT-201', ai3: 'FT-201', ai4: 'TT-201' } },
  { id: 'xv-301', unitId: 3, profile: 'esd-valve-io', bind: { command: 'XV-301.CMD', zso: 'XV-301.ZSO', zsc: 'XV-301.ZSC', 'travel.ms': 'XV-301.TRAVEL' } },
  { id: 'sis-1', unitId: 4, profile: 'sis-bypass-status', bind: { 'il3.bypassed': 'SIS-1.IL3.BYP', 'bypass.count': 'SIS-1.BYP.COUNT', 'bypass.oldest.s': 'SIS-1.BYP.AGE' } },
];

interface MbpollResult {
  readonly code: number;
  readonly out: string;
  /** Reference (as mbpoll numbers it) → value. */
  readonly values: ReadonlyMap<number, number>;
}

function mbpoll(args: readonly string[]): Promise<MbpollResult> {
  return new Promise((resolve) => {
    execFile('/usr/bin/mbpoll', [...args], { timeout: 15_000 }, (error, stdout, stderr) => {
      const out = `${stdout}${stderr}`;
      const values = new Map([...out.matchAll(/^\[(\d+)\]:\s+(-?\d+|0x[0-9A-Fa-f]+)\s*$/gm)].map((m) => [Number(m[1]), Number(m[2])] as const));
      resolve({ code: typeof error?.code === 'number' ? error.code : error ? -1 : 0, out, values });
    });
  });
}

const list = (result: MbpollResult): number[] => [...result.values.values()];

/** Counts the encoder makes of every value within `value ± noise`, for a register with this scaling. */
function countsBetween(low: number, high: number, multiply: number): [number, number] {
  return [rawFromValue(low, 'uint16', multiply), rawFromValue(high, 'uint16', multiply)];
}

/** Loop current in mA of PV on range [lrv, urv]: what a 4-20 mA point sends. */
const mA = (pv: number, lrv: number, urv: number): number => 4 + (16 * (pv - lrv)) / (urv - lrv);

/** A clock the test moves forward by whole seconds of scenario time. */
function shiftableClock(): Clock & { shift(ms: number): void } {
  let offset = 0;
  return { now: () => Date.now() + offset, shift: (ms) => { offset += ms; } };
}

let scenario: Scenario;
beforeAll(async () => {
  scenario = await loadScenario(builtinScenarioFile('modbus-plant'));
});

describe('Modbus TCP simulator read by mbpoll (modbus-plant scenario)', () => {
  const clock = shiftableClock();
  let sim: RunningModbusSimulator;
  let tcp: (unit: number, ...args: string[]) => Promise<MbpollResult>;

  /**
   * Jumps scenario time to about `seconds`. Registers are rewritten at the next tick (the scenario's
   * tickMs is 1 s), so this waits a little over one tick; device behaviour changes at once.
   */
  async function jumpTo(seconds: number): Promise<void> {
    clock.shift(seconds * S - (clock.now() - startedAt));
    await new Promise((resolve) => setTimeout(resolve, 1.2 * S));
  }
  let startedAt = 0;

  beforeAll(async () => {
    const server = modbusSimServerSchema.parse({ transport: { type: 'tcp', port: 0 }, devices: PLANT_DEVICES });
    expect(server.transport).toEqual({ type: 'tcp', host: '127.0.0.1', port: 0 });
    startedAt = clock.now();
    sim = await startModbusSimulator({ scenario, logger: silentLogger, clock, servers: [server] });
    const port = sim.ports[0];
    expect(port).toBeGreaterThan(0);
    tcp = (unit, ...args) => mbpoll(['-m', 'tcp', '-a', String(unit), '-1', '-o', '2', '-p', String(port), ...args, '127.0.0.1']);
  });
  afterAll(() => sim?.stop());

  it('t≈0: gas channels near their base, status words normal', async () => {
    const result = await tcp(1, '-t', '3', '-r', '1', '-c', '8');
    expect(result.code, result.out).toBe(0);
    const [ch1, st1, ch2, st2, ch3, st3, ch4, st4] = list(result);
    // GC1-CH1 1.0 ± 0.3 %LEL in 0.1 %LEL counts
    const [low, high] = countsBetween(0.7, 1.3, 0.1);
    for (const [value, base] of [[ch1, 1.0], [ch2, 1.0], [ch3, 0.8], [ch4, 1.2]] as const) {
      const [l, h] = countsBetween(base - 0.3, base + 0.3, 0.1);
      expect(value).toBeGreaterThanOrEqual(l);
      expect(value).toBeLessThanOrEqual(h);
    }
    expect([low, high]).toEqual([7, 13]);
    expect([st1, st2, st3, st4]).toEqual([0, 0, 0, 0]);
  });

  it('t≈0: 4-20 mA inputs in µA, the ESD valve open, no SIS bypass', async () => {
    const ai = list(await tcp(2, '-t', '3', '-r', '1', '-c', '4'));
    const bounds = [
      [mA(55 - 0.2, 0, 100), mA(55 + 0.2, 0, 100)],
      [mA(6.2 - 0.05, 0, 16), mA(6.2 + 0.05, 0, 16)],
      [mA(20 - 0.5, 0, 50), mA(20 + 0.5, 0, 50)],
      [mA(22 - 0.2, -20, 80), mA(22 + 0.2, -20, 80)],
    ];
    expect(ai).toHaveLength(4);
    ai.forEach((value, i) => {
      const [l, h] = countsBetween(bounds[i]?.[0] ?? 0, bounds[i]?.[1] ?? 0, 0.001);
      expect(value, `ai${i + 1}`).toBeGreaterThanOrEqual(l);
      expect(value, `ai${i + 1}`).toBeLessThanOrEqual(h);
    });
    expect(list(await tcp(3, '-t', '0', '-r', '1', '-c', '1'))).toEqual([1]);
    expect(list(await tcp(3, '-t', '1', '-r', '1', '-c', '2'))).toEqual([1, 0]);
    expect(list(await tcp(3, '-t', '4', '-r', '1', '-c', '1'))).toEqual([3200]);
    expect(list(await tcp(4, '-t', '4', '-r', '1', '-c', '4'))).toEqual([0, 0, 0, 0]);
  });

  it('refuses an address the profile does not define, and a unit nobody simulates', async () => {
    const hole = await tcp(1, '-t', '3', '-r', '17', '-c', '1');
    expect(hole.out).toMatch(/Illegal data address/);
    const across = await tcp(2, '-t', '3', '-r', '8', '-c', '2');
    expect(across.out).toMatch(/Illegal data address/);
    const unknown = await tcp(9, '-t', '3', '-r', '1', '-c', '1');
    expect(unknown.out).toMatch(/Target device failed to respond/);
    expect(sim.stats.exceptions['2']).toBeGreaterThanOrEqual(2);
    expect(sim.stats.unknownUnit).toBe(1);
  });

  it('t≈35: ai-1 answers, but only after its 800 ms delay', async () => {
    await jumpTo(35);
    const late = await mbpoll(['-m', 'tcp', '-a', '2', '-1', '-o', '0.3', '-p', String(sim.ports[0]), '-t', '3', '-r', '1', '-c', '1', '127.0.0.1']);
    expect(late.values.size, late.out).toBe(0);
    const patient = await mbpoll(['-m', 'tcp', '-a', '2', '-1', '-o', '5', '-p', String(sim.ports[0]), '-t', '3', '-r', '1', '-c', '1', '127.0.0.1']);
    expect(patient.values.size, patient.out).toBe(1);
  });

  it('t≈46: leak on channel 2, detector fault on channel 4, wire break on ai3, interlock 3 bypassed', async () => {
    await jumpTo(46);
    const gas = list(await tcp(1, '-t', '3', '-r', '1', '-c', '8'));
    const [l, h] = countsBetween(60 - 0.3, 60 + 0.3, 0.1);
    expect(gas[2]).toBeGreaterThanOrEqual(l);
    expect(gas[2]).toBeLessThanOrEqual(h);
    // The controller reports 0 for a faulty channel; the status word (3, detector fault) says why.
    expect([gas[6], gas[7]]).toEqual([0, 3]);
    // 3.5 mA wire break = 3500 µA
    expect(list(await tcp(2, '-t', '3', '-r', '3', '-c', '1'))).toEqual([rawFromValue(3.5, 'uint16', 0.001)]);
    const sis = list(await tcp(4, '-t', '4:hex', '-r', '1', '-c', '4'));
    expect(sis.slice(0, 2)).toEqual([0b100, 1]);
    // uint32 seconds, CDAB: low word first. The bypass started at 20 s: ≈27 s old.
    expect(sis[3]).toBe(0);
    expect(sis[2]).toBeGreaterThanOrEqual(26);
    expect(sis[2]).toBeLessThanOrEqual(29);
    // mbpoll's 32-bit integers are little-endian word order by default, i.e. CDAB.
    const age = list(await tcp(4, '-t', '4:int', '-r', '3', '-c', '1'))[0];
    expect(age).toBe(sis[2]);
  });

  it('t≈87: the ESD valve has closed and its I/O block answers busy (exception 6)', async () => {
    await jumpTo(87);
    const busy = await tcp(3, '-t', '1', '-r', '1', '-c', '2');
    expect(busy.out).toMatch(/Slave device or server is busy/);
    expect(sim.stats.exceptions['6']).toBeGreaterThanOrEqual(1);
  });

  it('t≈93: ai-1 is silent (timeout), the closed valve reads ZSO 0, ZSC 1', async () => {
    await jumpTo(93);
    const silent = await mbpoll(['-m', 'tcp', '-a', '2', '-1', '-o', '0.5', '-p', String(sim.ports[0]), '-t', '3', '-r', '1', '-c', '1', '127.0.0.1']);
    expect(silent.values.size).toBe(0);
    expect(silent.out).toMatch(/timed out/i);
    expect(list(await tcp(3, '-t', '1', '-r', '1', '-c', '2'))).toEqual([0, 1]);
    expect(list(await tcp(3, '-t', '0', '-r', '1', '-c', '1'))).toEqual([0]);
  });
});

describe('Modbus RTU simulator on a socat pty pair, read by mbpoll', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hazgate-rtu-'));
  const simSide = join(dir, 'a');
  const masterSide = join(dir, 'b');
  let socat: ChildProcess | undefined;
  let sim: RunningModbusSimulator | undefined;
  const rtu = (unit: number, ...args: string[]): Promise<MbpollResult> =>
    mbpoll(['-m', 'rtu', '-a', String(unit), '-b', '9600', '-P', 'none', '-1', '-o', '1', ...args, masterSide]);

  beforeAll(async () => {
    socat = spawn('socat', [`pty,raw,echo=0,link=${simSide}`, `pty,raw,echo=0,link=${masterSide}`], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(existsSync(simSide) && existsSync(masterSide)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const server = modbusSimServerSchema.parse({ transport: { type: 'rtu', path: simSide }, devices: PLANT_DEVICES });
    expect(server.transport).toEqual({ type: 'rtu', path: simSide, baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1 });
    sim = await startModbusSimulator({ scenario, logger: silentLogger, servers: [server] });
    expect(sim.ports).toEqual([undefined]);
  });
  afterAll(async () => {
    await sim?.stop();
    socat?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers input, coil and holding reads with the scenario values', async () => {
    const gas = await rtu(1, '-t', '3', '-r', '1', '-c', '2');
    expect(gas.code, gas.out).toBe(0);
    const [ch1, st1] = list(gas);
    expect(ch1).toBeGreaterThanOrEqual(7);
    expect(ch1).toBeLessThanOrEqual(13);
    expect(st1).toBe(0);
    expect(list(await rtu(3, '-t', '1', '-r', '1', '-c', '2'))).toEqual([1, 0]);
    expect(list(await rtu(3, '-t', '4', '-r', '1', '-c', '1'))).toEqual([3200]);
  });

  it('answers exception 2 for an undefined address and stays quiet for another unit', async () => {
    expect((await rtu(2, '-t', '3', '-r', '9', '-c', '1')).out).toMatch(/Illegal data address/);
    const other = await rtu(7, '-t', '3', '-r', '1', '-c', '1');
    expect(other.values.size).toBe(0);
    expect(other.out).toMatch(/timed out/i);
    expect(sim?.stats.unknownUnit).toBe(1);
    expect(sim?.stats.badFrames).toBe(0);
  });
});
