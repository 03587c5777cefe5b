import { join } from 'node:path';
import type { MosquittoInstance } from '../../support/mosquitto.js';
import { waitFor } from '../../support/wait.js';
import { startBenchBroker } from '../lib/bench-broker.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { ProbePublisher } from '../lib/mqtt-raw.js';
import { installNodeRed, nodeRedDir, startNodeRed, waitSubscribed, type NodeRedInstance } from '../lib/nodered.js';
import { probeLatencies, ProbeClient } from '../lib/nodered-latency.js';
import { ratioOf } from '../lib/ratio.js';
import type { BenchContext, BenchSection, Figures } from '../lib/section.js';
import { findMaxSustained, waitAccounted, waitQuiet, type Trial, type TrialOutcome } from '../lib/sustained.js';
// The very percentile hazgate's alarm_p99_ms is computed with, so the ratio compares like with like.
import { percentile } from './latency.js';

/**
 * Node-RED 4.1 doing the smaller job (MQTT in → JSON → threshold switch → websocket out) under the
 * same generator (runLoad), broker (startBenchBroker), points, payloads and sustained definition
 * (findMaxSustained) as hazgate in ingest.ts, and the same probe method as latency.ts.
 */
const POINTS = 10_000;
// The prefixes ingest.ts and latency.ts use, so every packet is byte for byte the one hazgate got.
const INGEST_PREFIX = 'bench/ingest';
const LATENCY_PREFIX = 'bench/latency';
const LIMIT = 50;
const HOLD_MS = 4000;
/**
 * Room for up to three 20 s confirms: Node-RED often passes 4 s holds at rates it cannot hold for
 * 20 s, and a search that runs out of confirms reports null. The latency part takes ~35 s more.
 */
const SEARCH_BUDGET_MS = 120_000;
/** Issue 3 measured Node-RED sustaining about 25k msg/s here: start below that. */
const RAMP = { start: 16_000, factor: 1.4, max: 200_000 } as const;
const CLIENTS = 10;
const PROBES = 250;
const BACKGROUND_RPS = 10_000;

const outcome = (load: LoadResult, processed: number, drainMs: number | undefined): TrialOutcome => ({
  sent: load.sentReadings,
  processed,
  achievedRps: load.achievedRps,
  ...(drainMs === undefined ? {} : { drainMs }),
});

function nodeRedTrial(nr: NodeRedInstance, broker: MosquittoInstance): Trial {
  return async (rate, holdMs) => {
    await waitQuiet(() => nr.count());
    const before = await nr.count();
    const load = await runLoad({ host: '127.0.0.1', port: broker.port, mode: 'single', points: POINTS, ratePerSec: rate, durationMs: holdMs, topicPrefix: INGEST_PREFIX });
    const { processed, drainMs } = await waitAccounted(async () => (await nr.count()) - before, load.sentReadings);
    return outcome(load, processed, drainMs);
  };
}

/** Node-RED with the flow subscribed to `<prefix>/+` at QoS 0, ready once a reading got through. */
async function startFlow(ctx: BenchContext, broker: MosquittoInstance, prefix: string, name: string): Promise<NodeRedInstance> {
  const nr = await startNodeRed({
    installDir: nodeRedDir(ctx.root),
    workDir: join(ctx.tmp, `node-red-${name}`),
    brokerHost: '127.0.0.1',
    brokerPort: broker.port,
    topic: `${prefix}/+`,
    qos: 0,
    wsPath: '/ws/alarms',
    valueField: 'value',
    limit: LIMIT,
  });
  const warm = await ProbePublisher.connect('127.0.0.1', broker.port, `hg-bench-nr-warm-${name}`);
  try {
    await waitSubscribed(nr, () => void warm.publish(`${prefix}/B-0`, JSON.stringify({ value: 10, ts: Date.now() })));
  } catch (e) {
    await nr.stop();
    throw e;
  } finally {
    await warm.close();
  }
  return nr;
}

async function measureThroughput(ctx: BenchContext, broker: MosquittoInstance, figures: Figures): Promise<void> {
  const nr = await startFlow(ctx, broker, INGEST_PREFIX, 'ingest');
  try {
    const r = await findMaxSustained({ rates: RAMP, trial: nodeRedTrial(nr, broker), holdMs: HOLD_MS, confirmMs: 20_000, budgetMs: SEARCH_BUDGET_MS, log: (m) => ctx.log(`  node-red: ${m}`) });
    ctx.log(`  node-red: sustained ${r.maxRps ?? 'none'} readings/s (generator ${r.genRps ?? '-'}/s) after ${r.trials.length} trials`);
    if (r.maxRps === null) {
      const last = r.trials[r.trials.length - 1];
      const reason = `no rate passed a 20 s hold; last: ${last?.rate ?? '-'}/s ${last?.reason ?? ''}`;
      ctx.error('nodered_max_rps', reason);
      ctx.error('nodered_gen_rps', reason);
      return;
    }
    figures['nodered_max_rps'] = r.maxRps;
    figures['nodered_gen_rps'] = r.genRps;
  } finally {
    await nr.stop();
  }
}

async function measureLatency(ctx: BenchContext, broker: MosquittoInstance, figures: Figures): Promise<void> {
  const nr = await startFlow(ctx, broker, LATENCY_PREFIX, 'latency');
  const clients: ProbeClient[] = [];
  const stopLoad = new AbortController();
  let load: Promise<LoadResult> | undefined;
  let publisher: ProbePublisher | undefined;
  try {
    for (let i = 0; i < CLIENTS; i++) clients.push(await ProbeClient.connect(nr.wsUrl, LIMIT));
    publisher = await ProbePublisher.connect('127.0.0.1', broker.port, 'hg-bench-nr-probe');
    const before = await nr.count();
    load = runLoad({ host: '127.0.0.1', port: broker.port, mode: 'single', points: POINTS, ratePerSec: BACKGROUND_RPS, durationMs: 120_000, topicPrefix: LATENCY_PREFIX, signal: stopLoad.signal });
    // As latency.ts: probe once the background flows through (and the JIT has warmed up).
    await waitFor(async () => (await nr.count()) - before > BACKGROUND_RPS * 2, 15_000, 'background load to reach Node-RED', 100);
    const plan = { topic: `${LATENCY_PREFIX}/LAT-1`, probes: PROBES, crossing: 90, normal: 10, gapMs: 40, receiptTimeoutMs: 3000 };
    const latencies = (await probeLatencies(publisher, clients, plan)).sort((a, b) => a - b);
    stopLoad.abort();
    const background = await load;
    ctx.log(`  node-red: background generator ${Math.round(background.achievedRps)}/s; Node-RED counted ${(await nr.count()) - before} of ${background.sentReadings + 2 * PROBES} sent`);
    ctx.log(`  node-red latency ms (${latencies.length} receipts): p50 ${percentile(latencies, 0.5).toFixed(2)} p99 ${percentile(latencies, 0.99).toFixed(2)} max ${latencies[latencies.length - 1]?.toFixed(2)}`);
    figures['nodered_p50_ms'] = round2(percentile(latencies, 0.5));
    figures['nodered_p99_ms'] = round2(percentile(latencies, 0.99));
    figures['nodered_latency_background_rps'] = Math.round(background.achievedRps);
  } finally {
    stopLoad.abort();
    await load?.catch(() => undefined);
    for (const c of clients) c.close();
    await publisher?.close();
    await nr.stop();
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Runs one part; a failure nulls only its own keys (as in ingest.ts). */
async function part(ctx: BenchContext, keys: readonly string[], body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    for (const key of keys) ctx.error(key, e instanceof Error ? e.message : String(e));
  }
}

export const noderedSection: BenchSection = {
  name: 'nodered',
  description: `Node-RED (MQTT in → JSON → switch → websocket out): sustained readings/s, and publish → WebSocket latency with ${CLIENTS} clients under ${BACKGROUND_RPS}/s`,
  keys: ['nodered_max_rps', 'nodered_gen_rps', 'nodered_p50_ms', 'nodered_p99_ms', 'nodered_latency_background_rps', 'ratio_rps_vs_nodered', 'ratio_p99_vs_nodered'],
  async run(ctx) {
    const figures: Figures = Object.fromEntries(this.keys.map((k) => [k, null]));
    installNodeRed(nodeRedDir(ctx.root), ctx.log);
    const broker = await startBenchBroker();
    try {
      await part(ctx, ['nodered_max_rps', 'nodered_gen_rps'], () => measureThroughput(ctx, broker, figures));
      await part(ctx, ['nodered_p50_ms', 'nodered_p99_ms', 'nodered_latency_background_rps'], () => measureLatency(ctx, broker, figures));
    } finally {
      await broker.dispose();
    }
    figures['ratio_rps_vs_nodered'] = ratioOf(ctx, 'ratio_rps_vs_nodered', 'single_max_rps', 'nodered_max_rps', figures);
    figures['ratio_p99_vs_nodered'] = ratioOf(ctx, 'ratio_p99_vs_nodered', 'nodered_p99_ms', 'alarm_p99_ms', figures);
    return figures;
  },
};
