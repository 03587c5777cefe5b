import { startMosquitto, type MosquittoInstance } from '../../support/mosquitto.js';
import { BENCH_BROKER_CONFIG } from '../lib/bench-broker.js';
import { median } from '../lib/median.js';
import { cpuSeconds } from '../lib/modbus-measure.js';
import type { BenchContext, BenchSection, Figures } from '../lib/section.js';
import { findMaxSustained, type Trial, type TrialPhase } from '../lib/sustained.js';
import { measureOutboxDrain } from './centre-drain.js';
import { CentreLoad, MAX_ACK_LATENCY_MS, percentile } from './centre-load.js';
import { mosquittoPid, startBenchCentre, type BenchCentre } from './centre-process.js';
import { benchSite, JOURNAL_PER_SECOND, POINTS_PER_SITE } from './centre-sim.js';

/**
 * Issue 10 item 7, the centre's capacity and the outbox's catch-up, against a real `hazgate
 * centre` process through Mosquitto (set_tcp_nodelay on):
 *
 * - `centre_sites_sustained`: the most sites of 500 points at 1 Hz one centre process keeps up
 *   with. Each simulated site publishes one signed batch a second (its snapshot of 500 values and
 *   2 journal records, centre-sim.ts); a hold passes when every batch is acknowledged, none waited
 *   more than 5 s for its ack, and the last ack came within 1 s (5 % of the hold) of the last
 *   publish: a longer drain is a growing backlog. Searched with the ingest section's
 *   findMaxSustained (5 s holds climbing ×1.6, bisection, a 20 s confirm).
 * - `outbox_drain_ratio`: a gateway's real outbox and sender feeding the same kind of site through
 *   a minute's broker outage: drain rate ÷ production rate (centre-drain.ts).
 *
 * Two brokers, one after the other: the drain needs persistence (the centre's session and
 * subscriptions survive the restart, as in production); the capacity search runs without it and
 * with the bench's raised queue limits, so a hold that overloads the centre costs backlog, not
 * Mosquitto writing its queue to disk every second.
 */
const PARTITIONS = 16;
const MAX_SITES = 1200;
const OUTAGE_MS = 60_000;
const DRAIN_SITE = 'drain-site';

const KEYS = [
  'centre_sites_sustained',
  'centre_sites_gen',
  'centre_values_per_s',
  'centre_messages_per_s',
  'centre_ack_p50_ms',
  'centre_ack_p99_ms',
  'centre_cpu_pct',
  'outbox_drain_ratio',
  'outbox_drain_msgs_per_s',
  'outbox_production_msgs_per_s',
  'outbox_backlog_msgs',
  'outbox_catchup_s',
] as const;

const round = (v: number, decimals: number): number => Math.round(v * 10 ** decimals) / 10 ** decimals;

const brokerLines = ['set_tcp_nodelay true'];

async function withCentre<T>(ctx: BenchContext, broker: MosquittoInstance, sites: readonly string[], body: (centre: BenchCentre) => Promise<T>): Promise<T> {
  const centre = await startBenchCentre(ctx, { brokerUrl: broker.url, partitions: PARTITIONS, sites });
  try {
    return await body(centre);
  } catch (e) {
    ctx.log(`centre output:\n${centre.output()}`);
    throw e;
  } finally {
    await centre.stop();
  }
}

async function drainFigures(ctx: BenchContext): Promise<Figures> {
  const broker = await startMosquitto({ persistence: true, extraConfig: brokerLines });
  try {
    const d = await withCentre(ctx, broker, [DRAIN_SITE], () => measureOutboxDrain(ctx, broker, { site: DRAIN_SITE, partitions: PARTITIONS, outageMs: OUTAGE_MS }));
    return {
      outbox_drain_ratio: round(d.ratio, 1),
      outbox_drain_msgs_per_s: Math.round(d.drainPerS),
      outbox_production_msgs_per_s: round(d.productionPerS, 2),
      outbox_backlog_msgs: d.backlog,
      outbox_catchup_s: round(d.catchupS, 2),
    };
  } finally {
    await broker.dispose();
  }
}

interface TrialNote {
  readonly sites: number;
  readonly phase: TrialPhase;
  readonly p50: number;
  readonly p99: number;
  readonly cpuPct: number;
}

/** The search's trial: settles the last hold's backlog, runs the hold, notes its ack latency and where the two cores went. */
function notedTrials(ctx: BenchContext, load: CentreLoad, centre: BenchCentre, brokerPort: number): { trial: Trial; notes: TrialNote[] } {
  const notes: TrialNote[] = [];
  const brokerPid = mosquittoPid(brokerPort);
  const brokerCpu = (): number => (brokerPid === undefined ? Number.NaN : cpuSeconds(brokerPid));
  const ownCpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const trial: Trial = async (n, holdMs, phase) => {
    const left = await load.settle();
    if (left > 0) ctx.log(`centre: ${left} batches of the last hold never acknowledged`);
    const [cpu0, broker0, own0, t0] = [centre.cpuSeconds(), brokerCpu(), ownCpu(), performance.now()];
    const r = await load.trial(n, holdMs);
    const wallS = (performance.now() - t0) / 1000;
    const pct = (seconds: number): number => (100 * seconds) / wallS;
    const note = { sites: n, phase, p50: median([...r.latencies]), p99: percentile(r.latencies, 99), cpuPct: pct(centre.cpuSeconds() - cpu0) };
    notes.push(note);
    const worst = r.latencies.reduce((m, x) => Math.max(m, x), 0);
    const cores = `centre ${note.cpuPct.toFixed(0)} % of a core, Mosquitto ${pct(brokerCpu() - broker0).toFixed(0)} %, generator ${pct(ownCpu() - own0).toFixed(0)} %`;
    ctx.log(`centre: ${n} sites ${holdMs / 1000} s: ack p50 ${note.p50.toFixed(1)} ms, p99 ${note.p99.toFixed(1)} ms, max ${worst.toFixed(0)} ms; ${cores}; ${r.unacked} unacknowledged`);
    return r;
  };
  return { trial, notes };
}

async function capacityFigures(ctx: BenchContext): Promise<Figures> {
  const broker = await startMosquitto({ persistence: false, extraConfig: [...BENCH_BROKER_CONFIG, ...brokerLines] });
  const sites = Array.from({ length: MAX_SITES }, (_, i) => benchSite(i));
  try {
    return await withCentre(ctx, broker, sites, async (centre) => {
      const load = await CentreLoad.connect(broker.url, PARTITIONS);
      try {
        const { trial, notes } = notedTrials(ctx, load, centre, broker.port);
        const rates = { start: 25, factor: 1.6, max: MAX_SITES };
        const result = await findMaxSustained({ rates, trial, holdMs: 5000, confirmMs: 20_000, budgetMs: 150_000, maxDrainShare: 0.05, drainFloorMs: 1000, log: (m) => ctx.log(`centre: ${m}`) });
        const confirmed = notes.filter((t) => t.phase === 'confirm' && t.sites === result.maxRps).at(-1);
        if (result.maxRps === null || confirmed === undefined) {
          const why = `no site count passed a 20 s hold (every batch acknowledged, none later than ${MAX_ACK_LATENCY_MS} ms, drained within 1 s)`;
          for (const k of KEYS.filter((key) => key.startsWith('centre_'))) ctx.error(k, why);
          return {};
        }
        const n = result.maxRps;
        return {
          centre_sites_sustained: n,
          centre_sites_gen: result.genRps,
          centre_values_per_s: n * POINTS_PER_SITE,
          centre_messages_per_s: n * (JOURNAL_PER_SECOND + 1),
          centre_ack_p50_ms: round(confirmed.p50, 1),
          centre_ack_p99_ms: round(confirmed.p99, 1),
          centre_cpu_pct: Math.round(confirmed.cpuPct),
        };
      } finally {
        await load.close();
      }
    });
  } finally {
    await broker.dispose();
  }
}

async function run(ctx: BenchContext): Promise<Figures> {
  const figures: Figures = Object.fromEntries(KEYS.map((k) => [k, null]));
  const parts: [string, (c: BenchContext) => Promise<Figures>, readonly string[]][] = [
    ['outbox drain', drainFigures, KEYS.filter((k) => k.startsWith('outbox_'))],
    ['centre capacity', capacityFigures, KEYS.filter((k) => k.startsWith('centre_'))],
  ];
  // One part failing leaves the other's figures standing.
  for (const [name, part, keys] of parts) {
    try {
      Object.assign(figures, await part(ctx));
    } catch (e) {
      for (const k of keys) ctx.error(k, `${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return figures;
}

export const centreSection: BenchSection = {
  name: 'centre',
  description: `hazgate centre over MQTT: sites of ${POINTS_PER_SITE} points at 1 Hz one process sustains; a gateway outbox's drain after a ${OUTAGE_MS / 1000} s broker outage`,
  keys: KEYS,
  run,
};
