import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../support/gateway-process.js';
import { waitFor } from '../../support/wait.js';
import { cpuSeconds, readModbusCounters, sumSeries, type ModbusCounters } from '../lib/modbus-measure.js';
import { DEVICES, deviceId, naiveRequestsPerDevice, plannedRequestsPerDevice, registersPerDevice, writeModbusBenchPlant } from '../lib/modbus-plant.js';
import { spawnPeer, type PeerProcess } from '../lib/peer-process.js';
import type { BenchContext, BenchSection, Figures } from '../lib/section.js';

/**
 * Issue 4's polling figures: 20 simulated Modbus TCP devices of 500 registers and bits each
 * (10,000 in all) polled every second by `hazgate start`, the devices served by `hazgate simulate`
 * in a process of its own, so the gateway's CPU is measured alone. After a warm-up, registers,
 * requests and readings are read off /metrics and CPU time off /proc at both ends of a window.
 */
const WARMUP_MS = 5_000;
const WINDOW_MS = 20_000;
const REGISTERS_PER_CYCLE = DEVICES * registersPerDevice();

const MEASURED = ['modbus_regs_per_s', 'modbus_requests_planned', 'modbus_cpu_pct', 'modbus_sim_cpu_pct', 'modbus_readings_per_s', 'modbus_timeouts'] as const;
const KEYS = [...MEASURED, 'modbus_requests_naive'] as const;

/** Both ends of the window: the gateway's counters and both processes' CPU seconds. */
interface Snapshot {
  readonly counters: ModbusCounters;
  readonly gatewayCpu: number;
  readonly simCpu: number;
  /** Monotonic seconds when the CPU times were read. */
  readonly cpuAt: number;
}

async function snapshot(httpBase: string, gatewayPid: number, simPid: number): Promise<Snapshot> {
  const cpuAt = performance.now() / 1000;
  const gatewayCpu = cpuSeconds(gatewayPid);
  const simCpu = cpuSeconds(simPid);
  return { counters: await readModbusCounters(httpBase), gatewayCpu, simCpu, cpuAt };
}

/** Ports the OS handed out, all distinct (freePort closes each at once, so a repeat is possible). */
async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `hazgate <command> --config SITE` as its own process; the gateway gets BENCH_GATEWAY_NODE_ARGS (e.g. --cpu-prof). */
function hazgate(ctx: BenchContext, command: 'start' | 'simulate', site: string): PeerProcess {
  const nodeArgs = command === 'start' ? (process.env['BENCH_GATEWAY_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '') : [];
  // warn: the bench wants the CPU of polling, not of info logs (nothing logs per poll at info either).
  return spawnPeer(`hazgate ${command}`, process.execPath, [...nodeArgs, join(ctx.root, 'dist/src/main.js'), command, '--config', site, '--log-level', 'warn'], ctx.root);
}

/** Every device has answered at least once: the simulator serves and every line is connected. */
async function everyDevicePolled(httpBase: string): Promise<boolean> {
  const text = await (await fetch(`${httpBase}/metrics`)).text();
  return Array.from({ length: DEVICES }, (_, d) => deviceId(d)).every((device) => sumSeries(text, 'hazgate_modbus_requests_total', { device, outcome: 'ok' }) > 0);
}

function figuresOf(ctx: BenchContext, a: Snapshot, b: Snapshot, figures: Figures): void {
  const seconds = b.counters.at - a.counters.at;
  const cpuSecondsWall = b.cpuAt - a.cpuAt;
  const registers = b.counters.registersRead - a.counters.registersRead;
  const ok = b.counters.requestsOk - a.counters.requestsOk;
  const failed = b.counters.requestsFailed - a.counters.requestsFailed;
  const overruns = b.counters.overruns - a.counters.overruns;
  figures['modbus_cpu_pct'] = round((100 * (b.gatewayCpu - a.gatewayCpu)) / cpuSecondsWall, 1);
  figures['modbus_sim_cpu_pct'] = round((100 * (b.simCpu - a.simCpu)) / cpuSecondsWall, 1);
  figures['modbus_timeouts'] = b.counters.timeouts - a.counters.timeouts;
  figures['modbus_readings_per_s'] = Math.round((b.counters.readings - a.counters.readings) / seconds);
  if (registers <= 0) {
    for (const k of ['modbus_regs_per_s', 'modbus_requests_planned']) ctx.error(k, `no registers read in the ${WINDOW_MS / 1000} s window (${failed} failed requests)`);
    return;
  }
  figures['modbus_regs_per_s'] = Math.round(registers / seconds);
  // Requests per full cycle of all devices, whatever the pace: requests made per register read.
  const perCycle = Math.round((ok * REGISTERS_PER_CYCLE) / registers);
  figures['modbus_requests_planned'] = perCycle;
  const planned = DEVICES * plannedRequestsPerDevice();
  ctx.log(`  window ${seconds.toFixed(1)} s: ${registers} registers in ${ok} requests (${failed} failed, ${overruns} poll overruns); ${perCycle} requests per cycle, the planner's plan has ${planned}`);
  if (perCycle !== planned) ctx.log(`  warning: the gateway made ${perCycle} requests per cycle where the plan has ${planned} (splits after exception 2?)`);
  if (failed > 0 || overruns > 0) ctx.log(`  warning: ${failed} failed requests and ${overruns} skipped cycles in the window`);
}

async function measure(ctx: BenchContext, figures: Figures): Promise<void> {
  const dir = mkdtempSync(join(ctx.tmp, 'modbus-'));
  const ports = await distinctPorts(DEVICES);
  const httpPort = await freePort();
  const site = writeModbusBenchPlant(dir, { ports, httpPort, dataDir: join(dir, 'data') });
  const httpBase = `http://127.0.0.1:${httpPort}`;
  const sim = hazgate(ctx, 'simulate', site);
  let gateway: PeerProcess | undefined;
  try {
    await sim.waitReady(async () => (await Promise.all(ports.map(listening))).every((up) => up), 30_000);
    gateway = hazgate(ctx, 'start', site);
    const started = Date.now();
    await gateway.waitReady(async () => (await fetch(`${httpBase}/readyz`)).status === 200, 60_000);
    await waitFor(() => everyDevicePolled(httpBase), 15_000, 'every Modbus device to answer', 200);
    ctx.log(`  ${DEVICES} devices × ${registersPerDevice()} registers polling after ${((Date.now() - started) / 1000).toFixed(1)} s; warming up ${WARMUP_MS / 1000} s`);
    await sleep(WARMUP_MS);
    const { pid: gatewayPid } = gateway;
    const { pid: simPid } = sim;
    if (gatewayPid === undefined || simPid === undefined) throw new Error('a hazgate process has no pid');
    const a = await snapshot(httpBase, gatewayPid, simPid);
    await sleep(WINDOW_MS);
    const b = await snapshot(httpBase, gatewayPid, simPid);
    figuresOf(ctx, a, b, figures);
  } finally {
    await gateway?.stop();
    await sim.stop();
  }
}

const round = (v: number, decimals: number): number => Math.round(v * 10 ** decimals) / 10 ** decimals;

export const modbusSection: BenchSection = {
  name: 'modbus',
  description: `${DEVICES} simulated Modbus TCP devices, ${REGISTERS_PER_CYCLE} registers polled every second: registers/s, requests per cycle, gateway CPU`,
  keys: KEYS,
  async run(ctx) {
    const figures: Figures = Object.fromEntries(KEYS.map((k) => [k, null]));
    // What a poller reading each value on its own would send per cycle: no measurement needed.
    figures['modbus_requests_naive'] = DEVICES * naiveRequestsPerDevice();
    try {
      await measure(ctx, figures);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      for (const k of MEASURED) if (figures[k] === null) ctx.error(k, message);
    }
    return figures;
  },
};
