import WebSocket from 'ws';
import { waitFor } from '../../support/wait.js';
import { startBenchBroker } from '../lib/bench-broker.js';
import { startBenchGateway, type BenchGateway } from '../lib/bench-gateway.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { ProbePublisher } from '../lib/mqtt-raw.js';
import type { BenchContext, BenchSection, Figures } from '../lib/section.js';

/**
 * Issue 3's alarm latency: from publishing a reading that crosses a limit to a supervisor's
 * WebSocket receiving the `activate` transition, with 10,000 readings/s of background load and 10
 * connected clients. Publisher and clients live in this process, so both ends read one clock
 * (performance.timeOrigin + now()). Every client's receipt counts: the figures are percentiles
 * over probes × clients, the latency a supervisor sees, not only the first to hear.
 */
const POINTS = 10_000;
const PREFIX = 'bench/latency';
const PROBE_POINT = 'LAT-1';
const CONDITION = `lat-threshold/${PROBE_POINT}`;
const CLIENTS = 10;
const PROBES = 250;
const BACKGROUND_RPS = 10_000;
/** Gap after each transition arrived, so the next publish is a distinct, fresh crossing. */
const GAP_MS = 40;
const RECEIPT_TIMEOUT_MS = 3000;

/** Not selected by the bench rules (no `bench` attr); limit 50, no deadband or delay: 90 crosses, 10 returns. */
const EXTRA_POINTS = [`{ id: ${PROBE_POINT}, kind: gas, unit: "%LEL", range: [0, 100] }`];
const EXTRA_RULES = [
  `{ id: lat-threshold, kind: threshold, select: { points: [${PROBE_POINT}] }, levels: [{ name: HH, direction: high, limit: 50, deadband: 0, priority: 1 }] }`,
];

const now = (): number => performance.timeOrigin + performance.now();

/** A supervisor client that stamps each transition of the probe condition the moment it arrives. */
class TimingClient {
  readonly activations: number[] = [];
  returns = 0;
  private snapshotDone = false;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const at = now();
      const msg = JSON.parse(data.toString()) as { type?: unknown; conditionId?: unknown; reason?: unknown };
      if (msg.type === 'snapshot-end') this.snapshotDone = true;
      if (msg.type !== 'transition' || msg.conditionId !== CONDITION) return;
      if (msg.reason === 'activate') this.activations.push(at);
      else if (msg.reason === 'return') this.returns += 1;
    });
  }

  static async connect(url: string, token: string): Promise<TimingClient> {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    const client = new TimingClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await waitFor(() => client.snapshotDone, 10_000, 'the WebSocket snapshot');
    return client;
  }

  close(): void {
    this.socket.terminate();
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Crossing then return, PROBES times; latencies of every client's receipt of each crossing. */
async function probe(ctx: BenchContext, publisher: ProbePublisher, clients: readonly TimingClient[]): Promise<number[]> {
  const latencies: number[] = [];
  const topic = `${PREFIX}/${PROBE_POINT}`;
  for (let k = 0; k < PROBES; k++) {
    const sentAt = publisher.publish(topic, JSON.stringify({ value: 90, ts: Date.now() }));
    // Waiting for every client keeps probe k at index k of each client's receipts.
    await waitFor(() => clients.every((c) => c.activations.length > k), RECEIPT_TIMEOUT_MS, `probe ${k}'s activate on every client`, 1);
    for (const c of clients) {
      const at = c.activations[k];
      if (at !== undefined) latencies.push(at - sentAt);
    }
    await sleep(GAP_MS);
    publisher.publish(topic, JSON.stringify({ value: 10, ts: Date.now() }));
    await waitFor(() => clients.every((c) => c.returns > k), RECEIPT_TIMEOUT_MS, `probe ${k}'s return on every client`, 2);
    await sleep(GAP_MS);
  }
  ctx.log(`  ${PROBES} probes × ${clients.length} clients: ${latencies.length} receipts`);
  return latencies;
}

async function measure(ctx: BenchContext, gw: BenchGateway, brokerPort: number): Promise<Figures> {
  const clients: TimingClient[] = [];
  const publisher = await ProbePublisher.connect('127.0.0.1', brokerPort, 'hg-bench-probe');
  const stopLoad = new AbortController();
  let load: Promise<LoadResult> | undefined;
  try {
    for (let i = 0; i < CLIENTS; i++) clients.push(await TimingClient.connect(gw.wsUrl, gw.token));
    const before = await gw.counters();
    load = runLoad({ host: '127.0.0.1', port: brokerPort, mode: 'single', points: POINTS, ratePerSec: BACKGROUND_RPS, durationMs: 120_000, topicPrefix: PREFIX, signal: stopLoad.signal });
    // Probe only once the background really flows through the gateway (and its JIT has warmed up).
    await waitFor(async () => (await gw.counters()).samples - before.samples > BACKGROUND_RPS * 2, 15_000, 'background load to reach the gateway', 100);
    const latencies = (await probe(ctx, publisher, clients)).sort((a, b) => a - b);
    stopLoad.abort();
    const background = await load;
    const after = await gw.counters();
    ctx.log(`  background: generator ${Math.round(background.achievedRps)}/s, gateway took ${after.samples - before.samples} samples of ${background.sentReadings + 2 * PROBES} sent`);
    ctx.log(`  latency ms: min ${latencies[0]?.toFixed(2)} p50 ${percentile(latencies, 0.5).toFixed(2)} p90 ${percentile(latencies, 0.9).toFixed(2)} p99 ${percentile(latencies, 0.99).toFixed(2)} max ${latencies[latencies.length - 1]?.toFixed(2)}`);
    return {
      alarm_p50_ms: round2(percentile(latencies, 0.5)),
      alarm_p99_ms: round2(percentile(latencies, 0.99)),
      latency_background_rps: Math.round(background.achievedRps),
      latency_samples: latencies.length,
    };
  } finally {
    stopLoad.abort();
    await load?.catch(() => undefined);
    for (const c of clients) c.close();
    await publisher.close();
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export const latencySection: BenchSection = {
  name: 'latency',
  description: `publish → WebSocket alarm transition latency, ${CLIENTS} clients, ${BACKGROUND_RPS} readings/s background on ${POINTS} points`,
  keys: ['alarm_p50_ms', 'alarm_p99_ms', 'latency_background_rps', 'latency_samples'],
  async run(ctx) {
    const broker = await startBenchBroker();
    try {
      const gw = await startBenchGateway(ctx, { mqttUrl: broker.url, points: POINTS, topicPrefix: PREFIX, extraPoints: EXTRA_POINTS, extraRules: EXTRA_RULES });
      try {
        return await measure(ctx, gw, broker.port);
      } finally {
        await gw.stop();
      }
    } finally {
      await broker.dispose();
    }
  },
};
