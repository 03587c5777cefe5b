import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOOD, isHazgateError, silentLogger, type Logger, type Quality, type Sample } from '../../src/core/index.js';
import { EmbeddedStore, openDuckDbHistorian, STORE_FILE, type EmbeddedStoreOptions, type HistorianDb } from '../../src/store/index.js';
import { planSlices } from '../../src/store/maintenance.js';
import { useTempStores } from './store-fixtures.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

function fakeClock(start = T0) {
  let t = start;
  return { now: () => t, set: (ms: number) => void (t = ms) };
}

interface LogLine {
  readonly level: string;
  readonly obj: Record<string, unknown>;
}

function recordingLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (obj: object): void => {
      lines.push({ level, obj: { ...obj } });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

const temp = useTempStores('hazgate-store-', { retentionDays: 30, flushIntervalMs: 3_600_000, clock: fakeClock(), logger: silentLogger });
const { tempDir, closeStore } = temp;

/** A fresh fake clock for every store unless the test gives one; tests flush by hand unless they test the timer. */
function openStore(opts: Partial<EmbeddedStoreOptions> & { dir: string }): Promise<EmbeddedStore> {
  return temp.openStore({ clock: fakeClock(), ...opts });
}

function sample(pointId: string, ts: number, value: number | boolean, quality: Quality = GOOD): Sample {
  return { pointId, ts, rts: ts, value, quality, tsSource: 'device' };
}

const all = { from: 0, to: T0 + 1000 * DAY, limit: 1_000_000 };

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('EmbeddedStore: write and query', () => {
  it('round-trips numbers, booleans and quality with reasons', async () => {
    const store = await openStore({ dir: tempDir() });
    store.write(sample('TK101.LT', T0, 42.25));
    store.write(sample('TK101.LT', T0 + 1000, 3.9, { level: 'bad', reason: 'wire-break' }));
    store.write(sample('TK101.LT', T0 + 2000, 4.1, { level: 'uncertain', reason: 'saturated-high' }));
    store.write(sample('XV-1.ZSC', T0, true));
    store.write(sample('XV-1.ZSC', T0 + 1000, false, { level: 'uncertain' }));
    await store.flush();

    const level = await store.query({ pointId: 'TK101.LT', ...all });
    expect(level.map((s) => [s.ts, s.value, s.quality])).toEqual([
      [T0, 42.25, { level: 'good' }],
      [T0 + 1000, 3.9, { level: 'bad', reason: 'wire-break' }],
      [T0 + 2000, 4.1, { level: 'uncertain', reason: 'saturated-high' }],
    ]);
    expect(level[0]).toMatchObject({ pointId: 'TK101.LT', rts: T0, tsSource: 'device' });
    const valve = await store.query({ pointId: 'XV-1.ZSC', ...all });
    expect(valve.map((s) => s.value)).toEqual([true, false]);
    expect(valve[1]?.quality).toEqual({ level: 'uncertain' });
    expect(store.stats).toMatchObject({ written: 5, buffered: 0, dropped: 0, points: 2 });
  });

  it('returns booleans of a point that later sent a number as numbers (nothing lost)', async () => {
    const store = await openStore({ dir: tempDir() });
    store.write(sample('V', T0, true));
    await store.flush();
    store.write(sample('V', T0 + 1, 2.5));
    expect((await store.query({ pointId: 'V', ...all })).map((s) => s.value)).toEqual([1, 2.5]);
  });

  it('answers a range, oldest first, at most limit samples; unknown points are empty', async () => {
    const store = await openStore({ dir: tempDir() });
    for (let i = 9; i >= 0; i--) store.write(sample('P', T0 + i * 1000, i)); // written newest first
    store.write(sample('Q', T0 + 5000, 99));
    await store.flush();

    const range = await store.query({ pointId: 'P', from: T0 + 3000, to: T0 + 7000, limit: 100 });
    expect(range.map((s) => s.value)).toEqual([3, 4, 5, 6, 7]);
    const limited = await store.query({ pointId: 'P', from: T0 + 3000, to: T0 + 7000, limit: 2 });
    expect(limited.map((s) => s.value)).toEqual([3, 4]);
    expect(await store.query({ pointId: 'P', from: T0 + 7000, to: T0 + 3000, limit: 100 })).toEqual([]);
    expect(await store.query({ pointId: 'nope', ...all })).toEqual([]);
  });

  it('shows buffered samples before any flush, merged in time order with flushed ones', async () => {
    const store = await openStore({ dir: tempDir() });
    store.write(sample('P', T0 + 1000, 1));
    store.write(sample('P', T0 + 3000, 3));
    await store.flush();
    store.write(sample('P', T0 + 2000, 2)); // late sample, still buffered
    store.write(sample('P', T0 + 4000, 4));
    expect(store.stats).toMatchObject({ written: 2, buffered: 2 });

    const got = await store.query({ pointId: 'P', ...all });
    expect(got.map((s) => s.value)).toEqual([1, 2, 3, 4]);
    expect((await store.query({ pointId: 'P', ...all, limit: 3 })).map((s) => s.value)).toEqual([1, 2, 3]);
  });

  it('flushes on its timer', async () => {
    const store = await openStore({ dir: tempDir(), flushIntervalMs: 20 });
    store.write(sample('P', T0, 1));
    await waitFor(() => store.stats.written === 1);
    expect(store.stats.buffered).toBe(0);
    expect(store.stats.lastFlushAt).toBe(T0);
  });

  it('keeps samples, points and their ids across close and reopen', async () => {
    const dir = tempDir();
    const first = await openStore({ dir });
    first.write(sample('A', T0, 1.5));
    first.write(sample('B', T0, true)); // buffered only: close must flush it
    await closeStore(first);
    expect(first.write(sample('A', T0 + 1, 2))).toBe(false);

    const second = await openStore({ dir });
    expect(second.stats.points).toBe(2);
    second.write(sample('C', T0 + 5, 7)); // a new point must not reuse A's or B's id
    await second.flush();
    expect((await second.query({ pointId: 'A', ...all })).map((s) => s.value)).toEqual([1.5]);
    expect((await second.query({ pointId: 'B', ...all })).map((s) => s.value)).toEqual([true]);
    expect((await second.query({ pointId: 'C', ...all })).map((s) => s.value)).toEqual([7]);
  });

  it('keeps every sample exactly once through compaction into sorted runs', async () => {
    const store = await openStore({ dir: tempDir() });
    for (let t = 0; t < 50; t++) for (const p of ['P', 'Q', 'R']) store.write(sample(p, T0 + t * 1000, t));
    await store.flush();
    expect(await store.compactNow()).toBe(150);
    store.write(sample('Q', T0 + 50_000, 50));
    await store.flush();
    store.write(sample('Q', T0 + 51_000, 51));

    const q = await store.query({ pointId: 'Q', ...all });
    expect(q.map((s) => s.value)).toEqual(Array.from({ length: 52 }, (_, i) => i));
    expect(await store.compactNow()).toBe(1);
  });
});

describe('EmbeddedStore: retention', () => {
  it('deletes samples older than retentionDays by the injected clock, now and on open', async () => {
    const dir = tempDir();
    const clock = fakeClock(T0);
    const store = await openStore({ dir, clock, retentionDays: 30 });
    store.write(sample('P', T0 - 40 * DAY, 1));
    store.write(sample('P', T0 - 31 * DAY, 2));
    store.write(sample('P', T0 - 1 * DAY, 3));
    await store.flush();
    await store.compactNow(); // old samples in the compacted table …
    store.write(sample('P', T0 - 35 * DAY, 4)); // … and in the recent one
    await store.flush();

    expect(await store.pruneNow()).toBe(3);
    expect((await store.query({ pointId: 'P', ...all })).map((s) => s.value)).toEqual([3]);
    await closeStore(store);

    clock.set(T0 + 30 * DAY); // the last sample is now 31 days old
    const reopened = await openStore({ dir, clock, retentionDays: 30 });
    expect(await reopened.query({ pointId: 'P', ...all })).toEqual([]);
  });
});

describe('EmbeddedStore: overflow', () => {
  it('drops the oldest buffered samples, counts them and warns once per episode', async () => {
    const lines: LogLine[] = [];
    const store = await openStore({ dir: tempDir(), maxBufferedSamples: 5, logger: recordingLogger(lines) });
    for (let i = 1; i <= 12; i++) expect(store.write(sample('P', T0 + i, i))).toBe(true);
    expect(store.stats).toMatchObject({ dropped: 7, buffered: 5 });
    const overflowWarnings = () => lines.filter((l) => l.level === 'warn' && l.obj['code'] === 'HG_ERR_STORE_OVERFLOW').length;
    expect(overflowWarnings()).toBe(1);

    await store.flush();
    expect((await store.query({ pointId: 'P', ...all })).map((s) => s.value)).toEqual([8, 9, 10, 11, 12]);
    for (let i = 13; i <= 19; i++) store.write(sample('P', T0 + i, i));
    expect(overflowWarnings()).toBe(2); // a new episode after the flush made room
    expect(store.stats.dropped).toBe(9);
  });
});

/** The real DuckDB database with appends that fail, or wait, while the test says so. */
function faultyDb(control: { fail: boolean; gate?: Promise<void> }) {
  return async (file: string): Promise<HistorianDb> => {
    const db = await openDuckDbHistorian(file);
    return {
      file: db.file,
      recentFile: db.recentFile,
      run: (sql, params) => db.run(sql, params),
      read: (sql, params) => db.read(sql, params),
      readSamples: (sql, params) => db.readSamples(sql, params),
      appendPoints: (table, entries) => db.appendPoints(table, entries),
      checkpoint: (catalog) => db.checkpoint(catalog),
      resetRecent: () => db.resetRecent(),
      close: () => db.close(),
      appendSamples: async (table, batch) => {
        await control.gate;
        if (control.fail) throw new Error('disk I/O error (injected)');
        await db.appendSamples(table, batch);
      },
    };
  };
}

describe('EmbeddedStore: failed flushes', () => {
  it('keeps samples buffered and visible, counts the error, degrades, then recovers', async () => {
    const control = { fail: true };
    const dir = tempDir();
    const store = await openStore({ dir, openDb: faultyDb(control) });
    store.write(sample('P', T0, 1));
    store.write(sample('P', T0 + 1000, 2));

    const error: unknown = await store.flush().catch((e: unknown) => e);
    expect(isHazgateError(error) && error.code).toBe('HG_ERR_STORE_WRITE');
    expect(store.stats).toMatchObject({ writeErrors: 1, buffered: 2, written: 0 });
    expect(store.status()).toMatchObject({ state: 'degraded', reason: expect.stringContaining('injected') });
    expect((await store.query({ pointId: 'P', ...all })).map((s) => s.value)).toEqual([1, 2]);

    control.fail = false;
    await store.flush();
    expect(store.stats).toMatchObject({ writeErrors: 1, buffered: 0, written: 2 });
    expect(store.status().state).toBe('up');
    expect((await store.query({ pointId: 'P', ...all })).map((s) => s.value)).toEqual([1, 2]); // once each

    await closeStore(store); // the point registered by the failed flush was saved by the retry
    const reopened = await openStore({ dir });
    expect((await reopened.query({ pointId: 'P', ...all })).map((s) => s.value)).toEqual([1, 2]);
  });

  it('logs a failing timer flush once per episode, not once per retry', async () => {
    const lines: LogLine[] = [];
    const control = { fail: true };
    const store = await openStore({ dir: tempDir(), flushIntervalMs: 5, openDb: faultyDb(control), logger: recordingLogger(lines) });
    store.write(sample('P', T0, 1));
    await waitFor(() => store.stats.writeErrors >= 3);
    expect(lines.filter((l) => l.level === 'error' && l.obj['code'] === 'HG_ERR_STORE_WRITE')).toHaveLength(1);
    control.fail = false;
    await waitFor(() => store.stats.written === 1);
    expect(lines.some((l) => l.level === 'info' && l.obj['failedFlushes'] !== undefined)).toBe(true);
  });

  it('counts samples dropped during a flush only when that flush fails', async () => {
    let release = (): void => undefined;
    const control = { fail: false, gate: new Promise<void>((r) => (release = r)) };
    const store = await openStore({ dir: tempDir(), maxBufferedSamples: 4, openDb: faultyDb(control) });
    for (let i = 1; i <= 4; i++) store.write(sample('P', T0 + i, i));
    const flushing = store.flush();
    await new Promise((r) => setTimeout(r, 0)); // let the flush take its batch
    store.write(sample('P', T0 + 5, 5)); // pushes out 1 and 2, which the flush is writing
    store.write(sample('P', T0 + 6, 6));
    release();
    await flushing;
    expect(store.stats).toMatchObject({ written: 4, dropped: 0, buffered: 2 });
    expect((await store.query({ pointId: 'P', ...all })).map((s) => s.value)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('EmbeddedStore: open errors and disk use', () => {
  it('reports a corrupt file as HG_ERR_STORE_OPEN naming the file', async () => {
    const dir = tempDir();
    const file = join(dir, STORE_FILE);
    writeFileSync(file, Buffer.alloc(64 * 1024, 7));
    const error: unknown = await openStore({ dir }).catch((e: unknown) => e);
    expect(isHazgateError(error) && error.code).toBe('HG_ERR_STORE_OPEN');
    expect((error as Error).message).toContain(file);
    expect(isHazgateError(error) && error.details['file']).toBe(file);
  });

  it('reports a folder that cannot be created as HG_ERR_STORE_OPEN', async () => {
    const blocker = join(tempDir(), 'not-a-dir');
    writeFileSync(blocker, 'x');
    const error: unknown = await openStore({ dir: join(blocker, 'store') }).catch((e: unknown) => e);
    expect(isHazgateError(error) && error.code).toBe('HG_ERR_STORE_OPEN');
    expect((error as Error).message).toContain(join(blocker, 'store', STORE_FILE));
  });

  it('counts only its own files as disk use', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'alarms.db'), Buffer.alloc(4 * 1024 * 1024)); // another component's file
    const store = await openStore({ dir });
    for (let i = 0; i < 1000; i++) store.write(sample('P', T0 + i * 1000, i));
    await store.flush();
    const bytes = store.diskBytes();
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(4 * 1024 * 1024);
  });
});

describe('planSlices', () => {
  it('groups consecutive points up to the row budget; a big point gets its own slice', () => {
    const counts: [number, number][] = [
      [0, 4],
      [1, 4],
      [2, 4],
      [5, 20],
      [6, 1],
    ];
    expect(planSlices(counts, 10)).toEqual([
      { first: 0, last: 1 },
      { first: 2, last: 2 },
      { first: 5, last: 5 },
      { first: 6, last: 6 },
    ]);
    expect(planSlices([], 10)).toEqual([]);
  });
});
