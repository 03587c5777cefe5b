import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../../../src/core/index.js';
import { EmbeddedStore } from '../../../src/store/index.js';
import { authHeaders, freePort, GatewayProcess, provisionToken } from '../../support/gateway-process.js';
import { median } from './median.js';
import { signalKind } from './store-signals.js';
import { storePointId } from './store-day.js';

export interface TrendQuery {
  readonly pointId: string;
  readonly from: number;
  readonly to: number;
}

/** A site with the recorded points and no adapters or rules: the gateway only serves history. */
function writeTrendSite(dir: string, storeDir: string, points: number, port: number): string {
  const lines = Array.from({ length: points }, (_, i) =>
    signalKind(i) === 'boolean'
      ? `  - { id: ${storePointId(i)}, kind: switch, type: boolean }`
      : `  - { id: ${storePointId(i)}, kind: ${signalKind(i)}, range: [0, 100] }`,
  );
  const file = join(dir, 'store-trend-site.yaml');
  writeFileSync(file, `site: { id: bench-store }\npoints:\n${lines.join('\n')}\nstore: { dir: ${storeDir}, retentionDays: 30 }\nserver: { port: ${port} }\n`);
  return file;
}

/**
 * Median wall time of `GET /api/points/{id}/history?from=&to=` on a real gateway process started
 * on the recorded store, from sending the request to the last byte of the JSON body (not counting
 * the client's own parse), after one warm-up. Checks the answer holds `expected` samples.
 */
export async function timeHistoryEndpoint(dir: string, storeDir: string, points: number, q: TrendQuery, expected: number, runs: number, formats: readonly HistoryFormat[]): Promise<Record<HistoryFormat, number[]>> {
  const port = await freePort();
  const headers = authHeaders(provisionToken(join(storeDir, 'auth'), 'bench', 'viewer'));
  const gateway = GatewayProcess.spawn(['start', '--config', writeTrendSite(dir, storeDir, points, port)], { HAZGATE_LOG_LEVEL: 'warn' });
  try {
    await gateway.waitReady(`http://127.0.0.1:${port}`, 60_000);
    const out: Record<HistoryFormat, number[]> = { samples: [], columns: [] };
    for (const format of formats) {
      const url = `http://127.0.0.1:${port}/api/points/${q.pointId}/history?from=${q.from}&to=${q.to}&format=${format}`;
      out[format] = await timeRequests(url, headers, expected, runs);
    }
    return out;
  } finally {
    await gateway.stop().catch(() => gateway.kill9());
  }
}

export type HistoryFormat = 'samples' | 'columns';

async function timeRequests(url: string, headers: Record<string, string>, expected: number, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let k = 0; k <= runs; k++) {
    const t = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.arrayBuffer();
    if (k > 0) times.push(performance.now() - t); // the first request is the warm-up
    if (!res.ok) throw new Error(`history endpoint answered ${res.status}: ${Buffer.from(body).toString().slice(0, 300)}`);
    const count: unknown = (JSON.parse(Buffer.from(body).toString()) as { count?: unknown }).count;
    if (count !== expected) throw new Error(`history endpoint returned ${String(count)} samples (${url}), expected ${expected}`);
  }
  return times;
}

export interface QueryBreakdown {
  readonly queryColumnsMs: number;
  readonly queryMs: number;
  readonly stringifyMs: number;
  /** JSON.stringify of the same day as two arrays (ts, value): what a columnar answer would cost. */
  readonly columnarStringifyMs: number;
}

/**
 * Where the endpoint's time goes, measured in this process on the same store: the store query
 * in columns, the same as Sample objects, and JSON.stringify of the route's current answer.
 */
export async function profileHistoryQuery(storeDir: string, q: TrendQuery, runs: number): Promise<QueryBreakdown> {
  const store = await EmbeddedStore.open({ dir: storeDir, retentionDays: 30, clock: { now: () => q.to }, logger: silentLogger });
  const colsMs: number[] = [];
  const objs: number[] = [];
  const json: number[] = [];
  const columnar: number[] = [];
  try {
    const query = { ...q, limit: 100_000 };
    for (let k = 0; k <= runs; k++) {
      let t = performance.now();
      const cols = await store.queryColumns(query);
      const c = performance.now() - t;
      t = performance.now();
      JSON.stringify({ pointId: q.pointId, count: cols.length, ts: Array.from(cols.ts), value: Array.from(cols.value) });
      const cj = performance.now() - t;
      t = performance.now();
      const samples = await store.query(query);
      const o = performance.now() - t;
      t = performance.now();
      JSON.stringify({ pointId: q.pointId, from: q.from, to: q.to, count: samples.length, samples });
      const j = performance.now() - t;
      if (k === 0) continue;
      colsMs.push(c);
      objs.push(o);
      json.push(j);
      columnar.push(cj);
    }
  } finally {
    await store.close();
  }
  return { queryColumnsMs: median(colsMs), queryMs: median(objs), stringifyMs: median(json), columnarStringifyMs: median(columnar) };
}
