import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger, systemClock, type HazgateError, type Point, type Sample } from '../../src/core/index.js';
import { InfluxSink, type InfluxSinkOptions } from '../../src/store/index.js';
import { startVictoria, type Victoria } from '../support/victoria.js';
import { waitFor } from '../support/wait.js';

/**
 * The InfluxDB sink against a real VictoriaMetrics (InfluxDB's /api/v2/write): N samples written
 * across an outage, and across a gateway restart in the middle of one, are all there exactly once;
 * a batch the database refuses does not block the rest.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hg-influx-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const POINTS: readonly Point[] = ['GT-101', 'GT-102', 'LT-101'].map((id) => ({ id, kind: id.startsWith('LT') ? 'level' : 'gas', type: 'number', area: 'tank-farm', attrs: {} }));
const T0 = Date.UTC(2026, 10, 1);

function sink(url: string, spoolDir: string, errors: HazgateError[] = [], over: Partial<InfluxSinkOptions> = {}): InfluxSink {
  const s = new InfluxSink({
    url,
    org: '',
    bucket: 'hazgate',
    token: undefined,
    siteId: 'it-site',
    points: new Map(POINTS.map((p) => [p.id, p])),
    spoolDir,
    batchSize: 500,
    flushIntervalMs: 100,
    maxRequestLines: 20_000,
    gzip: true,
    timeoutMs: 2_000,
    retry: { minMs: 100, maxMs: 500, fatalRetryMs: 500 },
    spoolMaxBytes: 1024 ** 3,
    spoolMaxAgeMs: 86_400_000,
    clock: systemClock,
    logger: silentLogger,
    onError: (e) => void errors.push(e),
    ...over,
  });
  cleanups.push(() => s.close());
  return s;
}

/** Sample i of a deterministic stream: point i % 3, one per 10 ms of source time. */
function sample(i: number): Sample {
  const point = POINTS[i % POINTS.length]?.id ?? 'GT-101';
  return { pointId: point, value: i, quality: { level: 'good' }, ts: T0 + i * 10, rts: T0 + i * 10, tsSource: 'device' };
}

async function countIn(vm: Victoria): Promise<{ total: number; distinct: number }> {
  const series = await vm.export('{__name__=~"hazgate_.*_value"}');
  let total = 0;
  let distinct = 0;
  for (const ts of series.values()) {
    total += ts.length;
    distinct += new Set(ts).size;
  }
  return { total, distinct };
}

async function victoria(dir: string): Promise<Victoria> {
  const vm = await startVictoria(dir);
  cleanups.push(() => vm.stop());
  return vm;
}

describe('InfluxDB sink against VictoriaMetrics', () => {
  it('writes every sample exactly once across an outage', async () => {
    const dir = await tempDir();
    const vm = await victoria(dir);
    const errors: HazgateError[] = [];
    const s = sink(vm.url, join(dir, 'spool'), errors);
    const N = 30_000;
    for (let i = 0; i < 10_000; i++) s.write(sample(i));
    await waitFor(() => s.backlog.lines === 0, 10_000, 'the first third written');
    await vm.stop();
    for (let i = 10_000; i < 20_000; i++) s.write(sample(i));
    await waitFor(() => errors.some((e) => e.code === 'HG_ERR_INFLUX_WRITE'), 10_000, 'the outage noticed');
    expect(s.status().state).toBe('degraded');
    expect(s.backlog.lines).toBeGreaterThan(0);
    await vm.start();
    for (let i = 20_000; i < N; i++) s.write(sample(i));
    await waitFor(() => s.backlog.lines === 0 && s.status().state === 'up', 20_000, 'the spool drained');
    await waitFor(async () => (await countIn(vm)).total >= N, 10_000, `${N} samples searchable`);
    expect(await countIn(vm)).toEqual({ total: N, distinct: N });
    expect(s.stats).toMatchObject({ written: N, badLines: 0, discarded: 0 });
  }, 60_000);

  it('loses nothing when the gateway restarts in the middle of an outage', async () => {
    const dir = await tempDir();
    const vm = await victoria(dir);
    const spool = join(dir, 'spool');
    await vm.stop();
    const first = sink(vm.url, spool);
    for (let i = 0; i < 5_000; i++) first.write(sample(i));
    await first.close(); // SIGTERM: what was pending is spooled
    const second = sink(vm.url, spool);
    expect(second.backlog.lines).toBe(5_000);
    for (let i = 5_000; i < 8_000; i++) second.write(sample(i));
    await vm.start();
    await waitFor(() => second.backlog.lines === 0, 20_000, 'the spool drained after the restart');
    await waitFor(async () => (await countIn(vm)).total >= 8_000, 10_000, '8,000 samples searchable');
    expect(await countIn(vm)).toEqual({ total: 8_000, distinct: 8_000 });
  }, 60_000);

  it('drops a line the database refuses (400) and writes the rest; 429 waits for Retry-After', async () => {
    const dir = await tempDir();
    const vm = await victoria(dir);
    // A proxy in front of VictoriaMetrics, as a stricter InfluxDB would be: 400 for any request
    // holding the poisoned point, one 429 with Retry-After: 1 first; the rest goes through.
    let first429 = true;
    let retryAfterAsked = 0;
    let retriedAt = 0;
    const proxy: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (first429) {
          first429 = false;
          retryAfterAsked = Date.now();
          res.writeHead(429, { 'retry-after': '1' }).end('slow down');
          return;
        }
        if (retriedAt === 0) retriedAt = Date.now();
        const text = req.headers['content-encoding'] === 'gzip' ? gunzip(body) : body.toString();
        if (text.includes('point=POISON')) {
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":"invalid","message":"unable to parse POISON"}');
          return;
        }
        void fetch(`${vm.url}${req.url ?? ''}`, { method: 'POST', body: text }).then((r) => res.writeHead(r.status).end());
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
    const address = proxy.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const errors: HazgateError[] = [];
    const s = sink(`http://127.0.0.1:${port}`, join(dir, 'spool'), errors, { batchSize: 100 });
    for (let i = 0; i < 1_000; i++) s.write(i === 437 ? { ...sample(i), pointId: 'POISON' } : sample(i));
    await waitFor(() => s.backlog.lines === 0, 20_000, 'everything sent or dropped');
    expect(retriedAt - retryAfterAsked).toBeGreaterThanOrEqual(1_000);
    expect(s.stats.badLines).toBe(1);
    expect(errors.find((e) => e.code === 'HG_ERR_INFLUX_BAD_LINE')?.message).toContain('point=POISON');
    await waitFor(async () => (await countIn(vm)).total >= 999, 10_000, '999 samples searchable');
    expect(await countIn(vm)).toEqual({ total: 999, distinct: 999 });
  }, 60_000);

  it('backs off a dead database, doubling the pause between tries', async () => {
    const dir = await tempDir();
    // Fake timers for the pauses; the refused connections are real I/O, let through between steps.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    try {
      const s = sink('http://127.0.0.1:9', join(dir, 'spool'), [], { retry: { minMs: 100, maxMs: 10_000, fatalRetryMs: 10_000 } });
      s.write(sample(0));
      await s.flush();
      const tries: number[] = [];
      for (let t = 0; t <= 1_550; t += 10) {
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
        tries.push(s.stats.failedRequests);
        await vi.advanceTimersByTimeAsync(10);
      }
      // Tries at 0, 100, 300, 700 and 1,500 ms: 5, where a fixed 100 ms pause would make 16.
      expect(tries.at(-1)).toBe(5);
      await s.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('past its size limit the spool discards the oldest batches, counted and coded', async () => {
    const dir = await tempDir();
    const errors: HazgateError[] = [];
    // Nothing listens on port 9: every write fails and the spool grows.
    const s = sink('http://127.0.0.1:9', join(dir, 'spool'), errors, { batchSize: 100, spoolMaxBytes: 40_000 });
    for (let i = 0; i < 3_000; i++) s.write(sample(i));
    await s.flush();
    expect(s.backlog.bytes).toBeLessThanOrEqual(40_000);
    expect(s.stats.discarded).toBeGreaterThan(0);
    expect(s.stats.discarded + s.backlog.lines).toBe(3_000);
    expect(errors.filter((e) => e.code === 'HG_ERR_INFLUX_SPOOL_FULL').length).toBeGreaterThan(0);
    expect(s.metrics().find((m) => m.name === 'hazgate_influx_spool_discarded_lines_total')?.values[0]?.value).toBe(s.stats.discarded);
  });
});

function gunzip(b: Buffer): string {
  return gunzipSync(b).toString();
}
