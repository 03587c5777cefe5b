import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, provisionToken, ROOT } from '../../support/gateway-process.js';
import { waitFor } from '../../support/wait.js';
import { writeBenchSite } from './bench-site.js';
import type { BenchContext } from './section.js';

/**
 * hazgate as the ingest and latency sections run it: the built gateway started exactly as a user
 * starts it (`hazgate start --config`) on a bench site, and its counters read from /metrics.
 * BENCH_GATEWAY_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes on the gateway's
 * node command line, to profile it under the bench's load (Node 20 refuses --cpu-prof in
 * NODE_OPTIONS, hence our own spawn rather than GatewayProcess).
 */
export interface GatewayCounters {
  readonly readings: number;
  readonly samples: number;
  readonly rejected: number;
  readonly storeWritten: number;
  readonly storeDropped: number;
  readonly storeBuffered: number;
}

export interface BenchGateway {
  readonly httpBase: string;
  readonly wsUrl: string;
  /** A viewer's API token: the API and /ws want one. */
  readonly token: string;
  counters(): Promise<GatewayCounters>;
  stop(): Promise<void>;
}

export interface BenchGatewayOptions {
  readonly mqttUrl: string;
  readonly points: number;
  readonly topicPrefix: string;
  readonly extraPoints?: readonly string[];
  readonly extraRules?: readonly string[];
}

/** Sums every series of each metric (labels ignored): the sections need totals only. */
export function parseMetricTotals(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    totals.set(match[1], (totals.get(match[1]) ?? 0) + Number(match[2]));
  }
  return totals;
}

async function readCounters(httpBase: string): Promise<GatewayCounters> {
  const res = await fetch(`${httpBase}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  const m = parseMetricTotals(await res.text());
  const get = (name: string): number => m.get(name) ?? 0;
  return {
    readings: get('hazgate_readings_total'),
    samples: get('hazgate_samples_total'),
    rejected: get('hazgate_readings_rejected_total'),
    storeWritten: get('hazgate_store_samples_written_total'),
    storeDropped: get('hazgate_store_samples_dropped_total'),
    storeBuffered: get('hazgate_store_buffered_samples'),
  };
}

/** The gateway process; keeps the tail of its output for error messages. */
class GatewayChild {
  exitCode: number | null = null;
  private tail = '';
  private readonly exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    const keep = (d: Buffer): void => {
      this.tail = (this.tail + d.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.exitCode = code ?? (signal === null ? -1 : 128);
      resolve();
    }));
  }

  get output(): string {
    return this.tail;
  }

  /** SIGTERM flushes the store (and writes a CPU profile when asked); SIGKILL if it hangs. */
  async stop(): Promise<void> {
    if (this.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(timer);
  }
}

function spawnGateway(file: string): GatewayChild {
  const nodeArgs = (process.env['BENCH_GATEWAY_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  // warn: at info the gateway would log per adapter event; the bench wants its CPU for readings.
  const env = { ...process.env, HAZGATE_LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/src/main.js'), 'start', '--config', file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new GatewayChild(child);
}

/** A gateway that exits fails at once instead of at the timeout. */
async function waitReady(gateway: GatewayChild, httpBase: string): Promise<void> {
  const ready = async (): Promise<boolean> => (await fetch(`${httpBase}/readyz`).catch(() => null))?.status === 200;
  await waitFor(async () => gateway.exitCode !== null || (await ready()), 90_000, 'the gateway to be ready', 100);
  if (gateway.exitCode !== null) throw new Error(`the gateway exited with ${gateway.exitCode}: ${gateway.output.slice(-2000)}`);
}

export async function startBenchGateway(ctx: BenchContext, o: BenchGatewayOptions): Promise<BenchGateway> {
  const dir = mkdtempSync(join(ctx.tmp, 'gateway-'));
  const httpPort = await freePort();
  const file = writeBenchSite(dir, {
    points: o.points,
    httpPort,
    mqttUrl: o.mqttUrl,
    dataDir: join(dir, 'data'),
    topicPrefix: o.topicPrefix,
    qos: 0,
    ...(o.extraPoints === undefined ? {} : { extraPoints: o.extraPoints }),
    ...(o.extraRules === undefined ? {} : { extraRules: o.extraRules }),
  });
  const token = provisionToken(join(dir, 'data', 'auth'), 'bench', 'viewer');
  const gateway = spawnGateway(file);
  const httpBase = `http://127.0.0.1:${httpPort}`;
  try {
    await waitReady(gateway, httpBase);
  } catch (e) {
    await gateway.stop();
    throw e;
  }
  return { httpBase, wsUrl: `ws://127.0.0.1:${httpPort}/ws`, token, counters: () => readCounters(httpBase), stop: () => gateway.stop() };
}
