import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MosquittoInstance } from '../../support/mosquitto.js';
import { waitFor } from '../../support/wait.js';
import { startBenchBroker } from '../lib/bench-broker.js';
import { now, SinkPoller, startInfluxGateway, type InfluxGateway } from '../lib/influx-gateway.js';
import { cpuPct, drainAfter, peakSpoolLines, StoredCount, writeWindow, type SinkPoll } from '../lib/influx-measure.js';
import { sinkSettings, type InfluxSinkSettings } from '../lib/influx-site.js';
import { startInfluxVictoria, type InfluxVictoria } from '../lib/influx-victoria.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { cpuSeconds } from '../lib/modbus-measure.js';
import type { BenchContext, BenchSection, Figures } from '../lib/section.js';
import { findMaxSustained, waitAccounted, waitQuiet, type RampPolicy, type Trial, type TrialOutcome } from '../lib/sustained.js';
import { ensureVictoriaMetrics } from '../lib/victoria.js';

/**
 * Issue 6's InfluxDB figures: hazgate (10,000 points, threshold + rate + stale rules, embedded
 * store) with its InfluxDB sink writing into a VictoriaMetrics the section starts, fed by the
 * bench's MQTT generator through Mosquitto. Three parts on one gateway and one database:
 *  1. outage: 10,000 samples/s; VictoriaMetrics stopped for 60 s and started again (same port and
 *     data); the drain rate of the spool divided by the live rate → spool_drain_ratio;
 *  2. sustained: the ingest section's search (sustained.ts) for the highest MQTT rate at which
 *     every reading sent is written to the database and the spool does not grow → influx_write_rps;
 *  3. count: after the spool is empty, every accepted sample must be in the database once.
 */
const POINTS = 10_000;
const PREFIX = 'bench/influx';
const LIVE_RATE = 10_000;
const OUTAGE_MS = 60_000;
/** Steady live flow before the outage: the gateway's CPU at 10,000 samples/s with the sink on. */
const STEADY_MS = 10_000;
const POLL_MS = 200;
/** Drained: the spool is back to at most one second of live data. */
const DRAINED_BELOW = LIVE_RATE;
/** Polls while the spool drains (a second or two here): 200 ms would blur it by up to 30 %. */
const DRAIN_POLL_MS = 50;
/**
 * The ingest section's batched ramp (it sustained ~350,000 readings/s without the sink); the
 * search shares the section's ~3 minutes with the outage.
 */
const RAMP: RampPolicy = { start: 60_000, factor: 1.6, max: 2_000_000 };
const SEARCH_BUDGET_MS = 65_000;
/**
 * The tail of a hold (under one batch) waits for the sink's flushInterval (1 s) before it is
 * spooled and sent: a drain up to this long after the publishers stop is not a backlog.
 */
const DRAIN_FLOOR_MS = 1_500;
/**
 * Keeping up means the spool never holds more than this much of the offered load during a hold
 * (polled every 200 ms). The drain after a hold alone is no test: with the publishers stopped the
 * sink empties 700,000 lines in a second, which would pass a sink that fell 5 % behind all along.
 */
const BEHIND_MAX_S = 1;

const OUTAGE_KEYS = ['spool_drain_ratio', 'influx_drain_rps', 'influx_spool_peak_lines', 'influx_catchup_s', 'influx_cpu_pct_live', 'influx_cpu_pct_drain'] as const;
const SUSTAINED_KEYS = ['influx_write_rps', 'influx_write_gen_rps'] as const;
const COUNT_KEYS = ['influx_lost', 'influx_duplicated', 'influx_resent_lines'] as const;
const KEYS = [...SUSTAINED_KEYS, ...OUTAGE_KEYS, ...COUNT_KEYS];

interface Peers {
  readonly vm: InfluxVictoria;
  readonly broker: MosquittoInstance;
  readonly gw: InfluxGateway;
  readonly poller: SinkPoller;
  readonly sink: InfluxSinkSettings;
}

const round = (v: number, decimals: number): number => Math.round(v * 10 ** decimals) / 10 ** decimals;

function load(p: Peers, rate: number, durationMs: number, signal?: AbortSignal): Promise<LoadResult> {
  return runLoad({ host: '127.0.0.1', port: p.broker.port, mode: 'batched', batchSize: 100, points: POINTS, ratePerSec: rate, durationMs, topicPrefix: PREFIX, ...(signal === undefined ? {} : { signal }) });
}

/**
 * Everything accepted is in the database: the spool is empty and neither the accepted nor the
 * written count moved over 2.5 s, longer than the sink's flushInterval (1 s), so no line is still
 * pending in memory and no sample still on its way from the broker.
 */
async function settled(p: Peers, what: string, timeoutMs: number): Promise<SinkPoll> {
  let last = await p.poller.fresh();
  await waitFor(async () => {
    const prev = last;
    await sleep(2_500);
    last = await p.poller.fresh();
    return prev.spoolLines === 0 && last.spoolLines === 0 && last.samples === prev.samples && last.written === prev.written;
  }, timeoutMs, what, 0);
  return last;
}

async function outage(ctx: BenchContext, p: Peers, figures: Figures): Promise<void> {
  const stop = new AbortController();
  const flowing = load(p, LIVE_RATE, OUTAGE_MS + 200_000, stop.signal);
  flowing.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
  try {
    await waitFor(async () => (await p.poller.fresh()).written > 0, 20_000, 'the sink to write its first lines', 0);
    await sleep(2_000);
    const steadyFrom = await p.poller.fresh();
    await sleep(STEADY_MS);
    const steadyTo = await p.poller.fresh();
    figures['influx_cpu_pct_live'] = round(cpuPct(steadyFrom, steadyTo), 1);
    const steady = writeWindow(p.poller.polls, steadyFrom.t, steadyTo.t);
    ctx.log(`  live: ${Math.round(steady?.acceptedPerS ?? 0)} samples/s accepted, ${Math.round(steady?.writtenPerS ?? 0)} lines/s written, spool ${steadyTo.spoolLines} lines, gateway CPU ${figures['influx_cpu_pct_live']} %`);
    await p.vm.stop();
    const down = await p.poller.fresh();
    ctx.log(`  VictoriaMetrics stopped for ${OUTAGE_MS / 1000} s`);
    await sleep(OUTAGE_MS);
    const beforeBack = await p.poller.fresh();
    const outageInflow = (beforeBack.samples - down.samples) / (beforeBack.t - down.t);
    p.poller.every(DRAIN_POLL_MS);
    await p.vm.start();
    const backAt = now();
    const vmCpuBack = vmCpuSeconds(p.vm);
    ctx.log(`  VictoriaMetrics back; spool ${beforeBack.spoolLines} lines (${Math.round(outageInflow)} samples/s accepted during the outage)`);
    await waitFor(async () => (await p.poller.fresh()).spoolLines <= DRAINED_BELOW, 180_000, `the spool to drain below ${DRAINED_BELOW} lines`, 0);
    const vmCatchUpCpu = (100 * (vmCpuSeconds(p.vm) - vmCpuBack)) / (now() - backAt);
    p.poller.every(POLL_MS);
    await sleep(3_000);
    stop.abort();
    const sent = await flowing;
    ctx.log(`  generator: ${sent.sentReadings} readings at ${Math.round(sent.achievedRps)}/s`);
    const during = p.poller.polls.filter((x) => x.t >= down.t);
    figures['influx_spool_peak_lines'] = peakSpoolLines(during);
    const drain = drainAfter(p.poller.polls, backAt, DRAINED_BELOW);
    if (typeof drain === 'string') {
      for (const k of ['spool_drain_ratio', 'influx_drain_rps', 'influx_catchup_s', 'influx_cpu_pct_drain']) ctx.error(k, drain);
      return;
    }
    figures['spool_drain_ratio'] = round(drain.writtenPerS / outageInflow, 2);
    figures['influx_drain_rps'] = Math.round(drain.writtenPerS);
    figures['influx_catchup_s'] = round(drain.catchUpS, 1);
    figures['influx_cpu_pct_drain'] = round(drain.cpuPct, 1);
    ctx.log(
      `  drain: ${drain.spoolAtStart} lines in the spool, first write ${drain.firstWriteS.toFixed(2)} s after VictoriaMetrics was back, drained in ${drain.seconds.toFixed(2)} s: ` +
        `${Math.round(drain.writtenPerS)} lines/s written (spool decrease + inflow: ${Math.round(drain.spoolPerS)}/s; inflow ${Math.round(drain.inflowPerS)}/s), ` +
        `÷ live ${Math.round(outageInflow)}/s = ${figures['spool_drain_ratio']}; CPU gateway ${figures['influx_cpu_pct_drain']} %, VictoriaMetrics ${vmCatchUpCpu.toFixed(0)} % (back → drained)`,
    );
  } finally {
    stop.abort();
    await flowing.catch(() => undefined);
  }
}

function vmCpuSeconds(vm: InfluxVictoria): number {
  const pid = vm.pid();
  return pid === undefined ? NaN : cpuSeconds(pid);
}

/** exactOptionalPropertyTypes: absent fields stay absent rather than undefined. */
function outcome(sent: LoadResult, processed: number, drainMs: number | undefined, failure: string | undefined): TrialOutcome {
  return { sent: sent.sentReadings, processed, achievedRps: sent.achievedRps, ...(drainMs === undefined ? {} : { drainMs }), ...(failure === undefined ? {} : { failure }) };
}

/**
 * One hold: "processed" is lines the database acknowledged since the hold began, so a reading
 * counts only once it is in VictoriaMetrics; a spool that grows shows as a drain that is too long.
 */
function sinkTrial(ctx: BenchContext, p: Peers): Trial {
  return async (rate, holdMs) => {
    // Quiet for longer than the flushInterval: the last hold's tail is written, not pending.
    await waitQuiet(async () => {
      const q = await p.gw.poll();
      return q.written + q.samples;
    }, 1_500, 120_000, 100);
    const before = await p.gw.poll();
    const vmCpu0 = vmCpuSeconds(p.vm);
    const sent = await load(p, rate, holdMs);
    // Where the backlog is when the publishers stop: in front of the gateway or in its spool.
    const atStop = await p.gw.poll();
    const vmCpu = (100 * (vmCpuSeconds(p.vm) - vmCpu0)) / (atStop.t - before.t);
    ctx.log(
      `    at the stop: ${sent.sentReadings - (atStop.samples - before.samples)} readings not yet accepted, ${atStop.samples - atStop.written} accepted not yet written ` +
        `(spool ${atStop.spoolLines}); CPU gateway ${cpuPct(before, atStop).toFixed(0)} %, VictoriaMetrics ${vmCpu.toFixed(0)} %`,
    );
    const { processed, drainMs } = await waitAccounted(async () => (await p.gw.poll()).written - before.written, sent.sentReadings, 10_000, 3_000, 50);
    const after = await p.gw.poll();
    const lostOnTheWay = after.discarded - before.discarded + (after.badLines - before.badLines);
    const peak = peakSpoolLines([...p.poller.polls.filter((x) => x.t >= before.t && x.t <= atStop.t), atStop]);
    const allowed = Math.round(rate * BEHIND_MAX_S);
    let failure = lostOnTheWay > 0 ? `${lostOnTheWay} lines discarded or refused` : undefined;
    failure ??= peak > allowed ? `the spool reached ${peak} lines, more than ${BEHIND_MAX_S} s of the offered rate` : undefined;
    return outcome(sent, processed, drainMs, failure);
  };
}

async function sustained(ctx: BenchContext, p: Peers, figures: Figures): Promise<void> {
  const r = await findMaxSustained({ rates: RAMP, trial: sinkTrial(ctx, p), holdMs: 5_000, confirmMs: 20_000, budgetMs: SEARCH_BUDGET_MS, drainFloorMs: DRAIN_FLOOR_MS, log: (m) => ctx.log(`  sustained: ${m}`) });
  if (r.maxRps === null) {
    const last = r.trials.at(-1);
    const reason = `no rate passed a 20 s hold; last: ${last?.rate ?? '-'}/s ${last?.reason ?? ''}`;
    for (const k of SUSTAINED_KEYS) ctx.error(k, reason);
    return;
  }
  figures['influx_write_rps'] = r.maxRps;
  figures['influx_write_gen_rps'] = r.genRps;
  const confirm = r.trials.findLast((t) => t.passed);
  ctx.log(`  sustained: ${r.maxRps} lines/s into VictoriaMetrics (generator ${r.genRps ?? '-'}/s) after ${r.trials.length} trials${confirm === undefined ? '' : `; ${confirm.reason}`}`);
}

async function count(ctx: BenchContext, p: Peers, figures: Figures): Promise<void> {
  const last = await settled(p, 'the spool to empty before counting', 120_000);
  ctx.log(`  gateway: ${last.samples} samples accepted, ${last.written} lines written in ${last.requests} requests (${last.failedRequests} failed), ${last.badLines} bad, ${last.discarded} discarded`);
  // Written rows become searchable after VictoriaMetrics' ~1 s in-memory flush: count until two counts agree.
  await sleep(2_000);
  let previous = -1;
  for (let attempt = 0; attempt < 10; attempt++) {
    const samples = new StoredCount();
    let otherRows = 0;
    await p.vm.exportRows('{__name__=~"hazgate_.+"}', (row) => {
      if (row.metric['__name__'] === 'hazgate_gas_value') samples.add(row.metric['point'] ?? '', row.timestamps);
      else otherRows += row.timestamps.length;
    });
    const c = samples.result();
    if (c.stored === previous || c.distinct >= last.samples) {
      figures['influx_lost'] = last.samples - c.distinct;
      figures['influx_duplicated'] = c.stored - c.distinct;
      const received = await p.vm.rowsReceived();
      const resent = received - c.stored - otherRows;
      if (resent >= 0) figures['influx_resent_lines'] = resent;
      else ctx.error('influx_resent_lines', `VictoriaMetrics counted ${received} rows received, fewer than the ${c.stored + otherRows} it holds: a request arrived between its counter read and its stop`);
      ctx.log(`  VictoriaMetrics: ${c.stored} samples of ${c.points} points, ${c.distinct} distinct (point, timestamp), ${otherRows} other rows; ${received} rows received`);
      return;
    }
    previous = c.stored;
    await sleep(1_000);
  }
  for (const k of COUNT_KEYS) ctx.error(k, 'the database count did not settle within 12 s');
}

/** Runs one part; a failure nulls only its own keys. */
async function part(ctx: BenchContext, keys: readonly string[], figures: Figures, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    for (const key of keys) if (figures[key] === null) ctx.error(key, e instanceof Error ? e.message : String(e));
  }
}

async function withPeers(ctx: BenchContext, body: (p: Peers) => Promise<void>): Promise<void> {
  ensureVictoriaMetrics(ctx.root, ctx.log);
  const sink = sinkSettings(process.env['BENCH_INFLUX_SINK']);
  const vm = await startInfluxVictoria(mkdtempSync(join(ctx.tmp, 'influx-vm-')));
  let broker: MosquittoInstance | undefined;
  let gw: InfluxGateway | undefined;
  let poller: SinkPoller | undefined;
  try {
    broker = await startBenchBroker();
    ctx.log(`  starting hazgate with ${POINTS} points and an influx sink (${JSON.stringify(sink)})`);
    gw = await startInfluxGateway(ctx, { points: POINTS, mqttUrl: broker.url, topicPrefix: PREFIX, influxUrl: vm.url, sink });
    poller = new SinkPoller(gw, POLL_MS);
    await body({ vm, broker, gw, poller, sink });
  } finally {
    await poller?.stop();
    await gw?.stop();
    await broker?.dispose();
    await vm.stop();
  }
}

export const influxSection: BenchSection = {
  name: 'influx',
  description: `InfluxDB sink into VictoriaMetrics (${POINTS} points via MQTT): sustained lines/s, drain after a ${OUTAGE_MS / 1000} s outage at ${LIVE_RATE} samples/s, lost and duplicated samples`,
  keys: KEYS,
  async run(ctx) {
    const figures: Figures = Object.fromEntries(KEYS.map((k) => [k, null]));
    await withPeers(ctx, async (p) => {
      await part(ctx, OUTAGE_KEYS, figures, () => outage(ctx, p, figures));
      await part(ctx, SUSTAINED_KEYS, figures, () => sustained(ctx, p, figures));
      await part(ctx, COUNT_KEYS, figures, () => count(ctx, p, figures));
    });
    return figures;
  },
};
