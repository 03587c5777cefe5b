import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchSection, Figures } from '../lib/section.js';
import { recordStoreDay, storePointId } from '../lib/store-day.js';
import { median } from '../lib/median.js';
import { profileHistoryQuery, timeHistoryEndpoint } from '../lib/trend-query.js';

const POINTS = 1_000;
const HOURS = 24;
const DAY_MS = 86_400_000;
const QUERY_RUNS = 7;
/** A random walk: 2-decimal values, the most common kind of the day. */
const TREND_POINT = 0;

const KEYS = ['store_bytes_per_sample', 'store_samples', 'store_append_rps', 'trend_query_24h_ms', 'trend_query_24h_samples_ms'] as const;

function flushEveryS(): number {
  const env = Number(process.env['BENCH_STORE_FLUSH_EVERY_S'] ?? 100);
  return Number.isInteger(env) && env >= 1 && env <= 3_600 ? env : 100;
}

/**
 * Issue 3's store figures: a simulated plant day written through EmbeddedStore's own API (disk
 * bytes per sample, append rate), then one point's whole day read back through the history
 * endpoint of a real gateway process started on that store.
 */
async function run(ctx: BenchContext): Promise<Figures> {
  const figures: Figures = Object.fromEntries(KEYS.map((k) => [k, null]));
  const work = mkdtempSync(join(ctx.tmp, 'store-'));
  const storeDir = join(work, 'data');
  mkdirSync(storeDir);
  // Yesterday (UTC): inside the gateway's 30-day retention, wholly in the past.
  const startMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS;
  const every = flushEveryS();
  ctx.log(`store: ${POINTS} points × ${HOURS} h at 1 Hz, flushed every ${every} simulated s, compacted hourly`);
  const day = await recordStoreDay({ dir: storeDir, points: POINTS, startMs, hours: HOURS, flushEveryS: every, log: ctx.log });
  const expected = POINTS * HOURS * 3_600;
  ctx.log(`store: ${day.samples} samples, ${day.diskBytes} bytes, store time ${(day.storeMs / 1000).toFixed(1)} s (compaction ${(day.compactMs / 1000).toFixed(1)} s)`);
  if (day.samples !== expected || day.dropped > 0) {
    for (const k of ['store_bytes_per_sample', 'store_append_rps']) ctx.error(k, `the store kept ${day.samples} of ${expected} samples (${day.dropped} dropped)`);
  } else {
    figures['store_bytes_per_sample'] = round(day.diskBytes / day.samples, 3);
    figures['store_append_rps'] = Math.round(day.samples / (day.storeMs / 1000));
  }
  figures['store_samples'] = day.samples;

  try {
    Object.assign(figures, await trendQuery(ctx, work, storeDir, startMs));
  } catch (e) {
    for (const k of ['trend_query_24h_ms', 'trend_query_24h_samples_ms']) ctx.error(k, e instanceof Error ? e.message : String(e));
  }
  return figures;
}

/**
 * `trend_query_24h_ms` is the answer a trend chart asks for (`format=columns`);
 * `trend_query_24h_samples_ms` the same day as an array of sample objects (the default format).
 */
async function trendQuery(ctx: BenchContext, work: string, storeDir: string, startMs: number): Promise<Record<string, number>> {
  const q = { pointId: storePointId(TREND_POINT), from: startMs, to: startMs + DAY_MS - 1 };
  const parts = await profileHistoryQuery(storeDir, q, 5);
  ctx.log(
    `store: in-process breakdown for ${q.pointId}: queryColumns ${parts.queryColumnsMs.toFixed(1)} ms, query() ${parts.queryMs.toFixed(1)} ms, ` +
      `JSON.stringify of the route's answer ${parts.stringifyMs.toFixed(1)} ms (as ts and value arrays: ${parts.columnarStringifyMs.toFixed(1)} ms)`,
  );
  const times = await timeHistoryEndpoint(work, storeDir, POINTS, q, HOURS * 3_600, QUERY_RUNS, ['columns', 'samples']);
  for (const [format, t] of Object.entries(times)) ctx.log(`store: history endpoint (${format}), ${QUERY_RUNS} runs after a warm-up: ${t.map((x) => x.toFixed(0)).join(', ')} ms`);
  return { trend_query_24h_ms: round(median(times.columns), 1), trend_query_24h_samples_ms: round(median(times.samples), 1) };
}

const round = (v: number, decimals: number): number => Math.round(v * 10 ** decimals) / 10 ** decimals;

export const storeSection: BenchSection = {
  name: 'store',
  description: `embedded store: ${POINTS} points at 1 Hz for a simulated day; bytes/sample, append rate, 24 h trend query over HTTP`,
  keys: KEYS,
  run,
};
