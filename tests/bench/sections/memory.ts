import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, GatewayProcess } from '../../support/gateway-process.js';
import { startMosquitto, type MosquittoInstance } from '../../support/mosquitto.js';
import { waitFor } from '../../support/wait.js';
import { writeBenchSite } from '../lib/bench-site.js';
import { runLoad } from '../lib/load.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { collectGarbage } from '../lib/inspector-gc.js';
import { readMetrics, settledRss } from '../lib/process-memory.js';
import type { BenchContext, BenchSection, Figures } from '../lib/section.js';

const POINTS = 100_000;
/** Every point gets this many readings, in batches of 100 through Mosquitto. */
const READINGS_PER_POINT = 3;
const RATE_PER_SEC = 50_000;
const TOPIC = 'bench/memory';
/** After the readings: time for the store's flush and the rules' last timers before the GC. */
const QUIET_MS = 3_000;
/** After the forced GC, before the first RSS reading. */
const SETTLE_MS = 2_000;
const RSS_SAMPLES = 5;
const MiB = 2 ** 20;

const KEYS = ['rss_mb_100k_points', 'rss_mb_idle_baseline', 'bytes_per_point'] as const;

interface Measured {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

/**
 * Issue 3's memory figures: VmRSS of the real gateway process with 100,000 configured points (each
 * with threshold, rate and stale rules) after every point has received readings, against the same
 * gateway with no points. Both get a full GC (through the inspector) and settle before they are
 * sampled; the median of five readings counts.
 */
async function run(ctx: BenchContext): Promise<Figures> {
  const figures: Figures = Object.fromEntries(KEYS.map((k) => [k, null]));
  const broker = await startMosquitto({ persistence: false });
  try {
    const idle = await measureGateway(ctx, broker, 0);
    figures['rss_mb_idle_baseline'] = round(idle.rss / MiB, 1);
    const full = await measureGateway(ctx, broker, POINTS).catch((e: unknown) => {
      for (const k of ['rss_mb_100k_points', 'bytes_per_point']) ctx.error(k, `gateway with ${POINTS} points: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    });
    if (full === null) return figures;
    figures['rss_mb_100k_points'] = round(full.rss / MiB, 1);
    figures['bytes_per_point'] = Math.round((full.rss - idle.rss) / POINTS);
    ctx.log(
      `memory: above idle per point: RSS ${Math.round((full.rss - idle.rss) / POINTS)} B, V8 heap used ${Math.round((full.heapUsed - idle.heapUsed) / POINTS)} B, ` +
        `external ${Math.round((full.external - idle.external) / POINTS)} B`,
    );
  } finally {
    await broker.dispose();
  }
  return figures;
}

async function measureGateway(ctx: BenchContext, broker: MosquittoInstance, points: number): Promise<Measured> {
  const dir = mkdtempSync(join(ctx.tmp, `memory-${points}-`));
  const httpPort = await freePort();
  const file = writeBenchSite(dir, { points, httpPort, mqttUrl: broker.url, dataDir: join(dir, 'data'), topicPrefix: TOPIC, qos: 0 });
  // No points: the same site without points and rules (a rule that selects nothing is a config error).
  if (points === 0) writeFileSync(file, readFileSync(file, 'utf8').replace(/^points:\n[\s\S]*?^adapters:/m, 'points: []\nrules: []\nadapters:'));
  const httpBase = `http://127.0.0.1:${httpPort}`;
  // The inspector only serves the forced GC below; it costs both gateways the same few MB.
  const inspectPort = await freePort();
  const gateway = GatewayProcess.spawn(['start', '--config', file], { HAZGATE_LOG_LEVEL: 'warn', NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}` });
  try {
    const pid = gateway.child.pid;
    if (pid === undefined) throw new Error('the gateway process has no pid');
    const started = Date.now();
    await gateway.waitReady(httpBase, 120_000);
    ctx.log(`memory: gateway with ${points} points ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (points > 0) await feedEveryPoint(ctx, broker, httpBase, points);
    await sleep(QUIET_MS);
    await collectGarbage(inspectPort);
    const rss = await settledRss(pid, SETTLE_MS, RSS_SAMPLES, 1_000);
    const m = await readMetrics(httpBase);
    const heapUsed = m.get('hazgate_process_nodejs_heap_size_used_bytes') ?? NaN;
    const heapTotal = m.get('hazgate_process_nodejs_heap_size_total_bytes') ?? NaN;
    const external = m.get('hazgate_process_nodejs_external_memory_bytes') ?? NaN;
    ctx.log(
      `memory: ${points} points: VmRSS ${rss.readings.map((r) => (r / MiB).toFixed(1)).join(', ')} MiB; V8 heap used ` +
        `${(heapUsed / MiB).toFixed(1)} of ${(heapTotal / MiB).toFixed(1)} MiB committed, external ${(external / MiB).toFixed(1)} MiB`,
    );
    return { rss: rss.median, heapUsed, external };
  } finally {
    await gateway.stop().catch(() => gateway.kill9());
  }
}

/** Publishes READINGS_PER_POINT readings to every point and waits until all are ingested and stored. */
async function feedEveryPoint(ctx: BenchContext, broker: MosquittoInstance, httpBase: string, points: number): Promise<void> {
  const load = await runLoad({
    host: '127.0.0.1',
    port: broker.port,
    mode: 'batched',
    batchSize: 100,
    points,
    ratePerSec: RATE_PER_SEC,
    durationMs: Math.ceil((points * READINGS_PER_POINT * 1000) / RATE_PER_SEC),
    topicPrefix: TOPIC,
  });
  ctx.log(`memory: sent ${load.sentReadings} readings at ${Math.round(load.achievedRps)}/s (generator)`);
  let last = new Map<string, number>();
  const stored = (): boolean => (last.get('hazgate_samples_total') ?? 0) >= load.sentReadings && (last.get('hazgate_store_buffered_samples') ?? 1) === 0;
  await waitFor(
    async () => {
      last = await readMetrics(httpBase);
      return stored();
    },
    60_000,
    'the gateway to ingest and store every reading',
    500,
  ).catch(() => undefined); // QoS 0 may lose a few; the check below says whether every point got readings
  const samples = last.get('hazgate_samples_total') ?? 0;
  ctx.log(`memory: gateway accepted ${samples} of ${load.sentReadings} readings, stored ${last.get('hazgate_store_samples_written_total') ?? 0}`);
  if (samples < points) throw new Error(`only ${samples} readings reached the gateway; ${points} points cannot all have received one`);
}

const round = (v: number, decimals: number): number => Math.round(v * 10 ** decimals) / 10 ** decimals;

export const memorySection: BenchSection = {
  name: 'memory',
  description: `resident memory of the gateway with ${POINTS} points (threshold + rate + stale rules each) receiving readings, vs. idle`,
  keys: KEYS,
  run,
};
