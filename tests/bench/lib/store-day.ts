import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GOOD, silentLogger } from '../../../src/core/index.js';
import { EmbeddedStore } from '../../../src/store/index.js';
import { PlantDay, signalKind } from './store-signals.js';

const HOUR_S = 3_600;
const NEVER_MS = 2_147_483_647;

export interface StoreDayOptions {
  readonly dir: string;
  readonly points: number;
  readonly startMs: number;
  readonly hours: number;
  /**
   * Simulated seconds per flush. The gateway flushes every second; flushing 100 s at a time keeps
   * the bench short and stores the same day, byte for byte: flushes only append to the recent
   * file, which each hourly compaction copies into the store file and then replaces. Checked with
   * BENCH_STORE_FLUSH_EVERY_S=1 (real operation; 3 simulated hours: 30,695,424 bytes at 1, 7 and
   * 100 s per flush), which takes about three times as long.
   */
  readonly flushEveryS: number;
  readonly log: (message: string) => void;
}

export interface StoreDayResult {
  readonly samples: number;
  readonly dropped: number;
  readonly diskBytes: number;
  /** Wall time the store spent in write(), flushes and compactions (signal generation excluded). */
  readonly storeMs: number;
  readonly compactMs: number;
}

export const storePointId = (i: number): string => `S-${i}`;

/**
 * Records a simulated plant day through the store's own API, with a fake clock: samples written
 * as the pipeline writes them, flushed, compacted every simulated hour as the store's timer does,
 * then closed (flush + checkpoint) as the gateway does on SIGTERM.
 */
export async function recordStoreDay(o: StoreDayOptions): Promise<StoreDayResult> {
  let now = o.startMs;
  const store = await EmbeddedStore.open({
    dir: o.dir,
    retentionDays: 30,
    clock: { now: () => now },
    logger: silentLogger,
    // The bench drives flushes and compactions itself, on simulated time.
    flushIntervalMs: NEVER_MS,
    compactEveryMs: NEVER_MS,
    retentionCheckMs: NEVER_MS,
  });
  const day = new PlantDay(o.points, o.startMs);
  const ids = Array.from({ length: o.points }, (_, i) => storePointId(i));
  const booleans = ids.map((_, i) => signalKind(i) === 'boolean');
  let storeMs = 0;
  let compactMs = 0;
  try {
    for (let s = 1; s <= o.hours * HOUR_S; s++) {
      day.next();
      const t = performance.now();
      for (let i = 0; i < o.points; i++) {
        const ts = day.ts[i] ?? 0;
        const v = day.value[i] ?? 0;
        store.write({ pointId: ids[i] ?? '', value: booleans[i] ? v !== 0 : v, quality: GOOD, ts, rts: ts, tsSource: 'device' });
      }
      now = o.startMs + s * 1000;
      if (s % o.flushEveryS === 0 || s % HOUR_S === 0) await store.flush();
      const c = performance.now();
      if (s % HOUR_S === 0) {
        await store.compactNow();
        compactMs += performance.now() - c;
        o.log(`store: ${s / HOUR_S} h simulated, ${fmtMiB(store.diskBytes())} on disk`);
      }
      storeMs += performance.now() - t;
    }
  } finally {
    const t = performance.now();
    await store.close();
    storeMs += performance.now() - t;
  }
  return { samples: store.stats.written, dropped: store.stats.dropped, diskBytes: folderBytes(o.dir), storeMs, compactMs };
}

/** Every file under the store's folder: the issue counts all of the store's disk use. */
export function folderBytes(dir: string): number {
  let sum = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    sum += e.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return sum;
}

const fmtMiB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
