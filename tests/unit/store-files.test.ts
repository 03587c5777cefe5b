import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { GOOD, isHazgateError, silentLogger, type Quality, type Sample } from '../../src/core/index.js';
import { useTempStores } from './store-fixtures.js';
import { openDuckDbHistorian, recentFileFor, STORE_FILE, type HistorianDb } from '../../src/store/index.js';

const T0 = Date.UTC(2025, 0, 1);
const all = { from: 0, to: T0 + 1e12, limit: 1_000_000 };
const { tempDir, openStore, closeStore } = useTempStores('hazgate-store-files-', {
  retentionDays: 36_500,
  flushIntervalMs: 3_600_000,
  clock: { now: () => T0 },
  logger: silentLogger,
});

function sample(pointId: string, ts: number, value: number | boolean, quality: Quality = GOOD): Sample {
  return { pointId, ts, rts: ts, value, quality, tsSource: 'device' };
}

/** The real database, with a resetRecent that fails while the test says so (a crash between copy and reset). */
function failingReset(control: { fail: boolean }) {
  return async (file: string): Promise<HistorianDb> => {
    const db = await openDuckDbHistorian(file);
    return Object.assign(Object.create(db) as HistorianDb, {
      resetRecent: async () => {
        if (control.fail) throw new Error('cannot delete the recent file (injected)');
        await db.resetRecent();
      },
    });
  };
}

describe('EmbeddedStore: queryColumns', () => {
  it('returns what query returns, in columns, with reasons and the value type', async () => {
    const store = await openStore({ dir: tempDir() });
    store.write(sample('P', T0 + 2000, 2.5, { level: 'bad', reason: 'wire-break' }));
    store.write(sample('P', T0, 1.25));
    store.write(sample('V', T0, true));
    await store.flush();
    store.write(sample('P', T0 + 1000, 3, { level: 'uncertain' })); // buffered, merged in order

    const cols = await store.queryColumns({ pointId: 'P', ...all });
    expect(cols).toMatchObject({ pointId: 'P', valueType: 'number', length: 3, reason: [null, null, 'wire-break'] });
    expect([...cols.ts]).toEqual([T0, T0 + 1000, T0 + 2000]);
    expect([...cols.value]).toEqual([1.25, 3, 2.5]);
    expect([...cols.quality]).toEqual([0, 1, 2]);
    const samples = await store.query({ pointId: 'P', ...all });
    expect(samples.map((s) => [s.ts, s.value, s.quality])).toEqual([
      [T0, 1.25, GOOD],
      [T0 + 1000, 3, { level: 'uncertain' }],
      [T0 + 2000, 2.5, { level: 'bad', reason: 'wire-break' }],
    ]);
    expect(await store.queryColumns({ pointId: 'V', ...all })).toMatchObject({ valueType: 'boolean', length: 1 });
    expect(await store.queryColumns({ pointId: 'nope', ...all })).toMatchObject({ length: 0, reason: [] });
  });

  it('keeps quality reasons across compaction and reopen', async () => {
    const dir = tempDir();
    const first = await openStore({ dir });
    first.write(sample('P', T0, 1, { level: 'bad', reason: 'comm-lost' }));
    first.write(sample('Q', T0, 1, { level: 'uncertain', reason: 'saturated-high' }));
    await first.flush();
    await first.compactNow();
    await closeStore(first);
    const second = await openStore({ dir });
    second.write(sample('P', T0 + 1, 2, { level: 'bad', reason: 'saturated-high' })); // a known reason keeps its id
    expect((await second.query({ pointId: 'P', ...all })).map((s) => s.quality.reason)).toEqual(['comm-lost', 'saturated-high']);
    expect((await second.query({ pointId: 'Q', ...all })).map((s) => s.quality.reason)).toEqual(['saturated-high']);
  });
});

describe('EmbeddedStore: the recent file', () => {
  it('is replaced by an empty file after each compaction; every sample stays, once', async () => {
    const dir = tempDir();
    const store = await openStore({ dir });
    for (let t = 0; t < 20_000; t++) store.write(sample(`P${t % 10}`, T0 + t * 100, t));
    await store.flush();
    const recent = recentFileFor(join(dir, STORE_FILE));
    const recentBytes = (): number => statSync(recent).size + (existsSync(`${recent}.wal`) ? statSync(`${recent}.wal`).size : 0);
    const before = recentBytes();
    expect(await store.compactNow()).toBe(20_000);
    expect(recentBytes()).toBeLessThan(before);
    expect(existsSync(`${recent}.wal`) ? statSync(`${recent}.wal`).size : 0).toBeLessThan(64 * 1024);
    expect((await store.query({ pointId: 'P3', ...all })).length).toBe(2_000);
    expect(store.diskBytes()).toBeGreaterThan(statSync(join(dir, STORE_FILE)).size - 1);
  });

  it('never shows or stores a sample twice when the reset after a compaction fails', async () => {
    const dir = tempDir();
    const control = { fail: true };
    const store = await openStore({ dir, openDb: failingReset(control) });
    for (let t = 0; t < 5; t++) store.write(sample('P', T0 + t, t));
    await store.flush();
    await expect(store.compactNow()).rejects.toThrow('injected'); // copied, but the recent file stays

    const query: unknown = await store.query({ pointId: 'P', ...all }).catch((e: unknown) => e);
    expect(isHazgateError(query) && query.code).toBe('HG_ERR_STORE_QUERY'); // rather than each sample twice
    store.write(sample('P', T0 + 5, 5));
    await expect(store.flush()).rejects.toThrow('injected'); // kept buffered, not written into a copied file
    expect(store.stats.buffered).toBe(1);

    control.fail = false;
    await store.flush();
    expect((await store.query({ pointId: 'P', ...all })).map((s) => s.value)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('recovers on open from a crash between the copy and the reset', async () => {
    const dir = tempDir();
    const crashed = await openStore({ dir, openDb: failingReset({ fail: true }) });
    for (let t = 0; t < 5; t++) crashed.write(sample('P', T0 + t, t));
    await crashed.flush();
    await expect(crashed.compactNow()).rejects.toThrow('injected');
    await closeStore(crashed);

    const reopened = await openStore({ dir });
    expect((await reopened.query({ pointId: 'P', ...all })).map((s) => s.value)).toEqual([0, 1, 2, 3, 4]);
    expect(await reopened.compactNow()).toBe(0);
  });
});

describe('EmbeddedStore: schema version 1 files', () => {
  it('upgrades them in place: reasons numbered, recent samples compacted, nothing lost', async () => {
    const dir = tempDir();
    const file = join(dir, STORE_FILE);
    const instance = await DuckDBInstance.create(file);
    const c = await instance.connect();
    const cols = 'point INTEGER NOT NULL, ts BIGINT NOT NULL, value DOUBLE NOT NULL, quality UTINYINT NOT NULL, reason VARCHAR';
    for (const sql of [
      'CREATE TABLE meta(key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)',
      `INSERT INTO meta VALUES ('schema_version', '1')`,
      'CREATE TABLE points(id INTEGER PRIMARY KEY, point_id VARCHAR NOT NULL, value_type VARCHAR NOT NULL)',
      `INSERT INTO points VALUES (0, 'P', 'number'), (1, 'V', 'boolean')`,
      `CREATE TABLE samples(${cols})`,
      `CREATE TABLE samples_recent(${cols})`,
      `INSERT INTO samples VALUES (0, ${T0}, 1.5, 0, NULL), (1, ${T0}, 1, 0, NULL), (0, ${T0 + 1000}, 2.5, 2, 'wire-break')`,
      `INSERT INTO samples_recent VALUES (0, ${T0 + 2000}, 3.5, 1, 'saturated-high'), (1, ${T0 + 1000}, 0, 0, NULL)`,
    ]) {
      await c.run(sql);
    }
    c.closeSync();
    instance.closeSync();

    const store = await openStore({ dir });
    expect((await store.query({ pointId: 'P', ...all })).map((s) => [s.value, s.quality])).toEqual([
      [1.5, GOOD],
      [2.5, { level: 'bad', reason: 'wire-break' }],
      [3.5, { level: 'uncertain', reason: 'saturated-high' }],
    ]);
    expect((await store.query({ pointId: 'V', ...all })).map((s) => s.value)).toEqual([true, false]);
    store.write(sample('N', T0, 7, { level: 'bad', reason: 'wire-break' }));
    await closeStore(store);
    const again = await openStore({ dir });
    expect((await again.query({ pointId: 'N', ...all }))[0]?.quality).toEqual({ level: 'bad', reason: 'wire-break' });
  });
});
