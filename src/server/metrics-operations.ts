import type { Registry } from 'prom-client';
import { mirroredHistogram, type BucketCounts } from './metrics-histogram.js';
import { gauge, mirrorCounter } from './metrics-mirror.js';

/** Rule evaluation time by path (`sample`: one sample's conditions, sampled; `tick`: the time-driven conditions). */
export interface EvaluationTimings {
  readonly sample: BucketCounts & { readonly bounds: readonly number[] };
  readonly tick: BucketCounts & { readonly bounds: readonly number[] };
}

/**
 * What operations watch besides the flow of data (issue #13): adapter reconnects and last
 * readings, the alarm journal's backlog, database files, the data folder's free space. Read at
 * scrape time from plain numbers.
 */
export interface OperationsSources {
  readonly adapters: () => ReadonlyArray<{ readonly id: string; readonly kind: string; readonly reconnects: number; readonly lastReadingAt: number }>;
  /** Alarm transitions waiting for the journal (never dropped: they wait in memory and are retried). */
  readonly journalBacklog: () => number;
  /** SQLite databases by name (`journal`, `users`, `uplink`, `uplink-kj`): bytes of the file and its WAL. */
  readonly databases: () => ReadonlyArray<{ readonly database: string; readonly bytes: number }>;
  /** The data folder's file system; null when it cannot be read. */
  readonly dataDir: () => { readonly freeBytes: number; readonly totalBytes: number } | null;
}

export function registerEvaluationTime(reg: Registry, timing: EvaluationTimings): void {
  const help = 'Rule evaluation time: path="sample" one sample through its conditions (one sample in 64 is timed), path="tick" the time-driven conditions, each tick';
  mirroredHistogram(reg, { name: 'hazgate_rule_evaluation_seconds', help, label: 'path', bounds: timing.sample.bounds }, () => [['sample', timing.sample], ['tick', timing.tick]]);
}

export function registerOperationsMetrics(reg: Registry, src: OperationsSources): void {
  mirrorCounter(reg, 'hazgate_adapter_reconnects_total', 'Times an adapter came up again after losing its peer (down or degraded after being up)', ['adapter', 'kind'], (c) => {
    for (const a of src.adapters()) c.inc({ adapter: a.id, kind: a.kind }, a.reconnects);
  });
  gauge(reg, 'hazgate_adapter_last_reading_timestamp_seconds', 'Unix time of the adapter\'s latest reading or observation (absent before the first)', ['adapter', 'kind'], (g) => {
    for (const a of src.adapters()) if (a.lastReadingAt > 0) g.set({ adapter: a.id, kind: a.kind }, a.lastReadingAt / 1000);
  });
  gauge(reg, 'hazgate_alarm_journal_backlog', 'Alarm transitions waiting for the journal (kept in memory and retried, never dropped)', [], (g) => g.set(src.journalBacklog()));
  gauge(reg, 'hazgate_database_bytes', 'Size of each SQLite database with its write-ahead log, by database (journal, users, uplink, uplink-kj)', ['database'], (g) => {
    for (const d of src.databases()) g.set({ database: d.database }, d.bytes);
  });
  const space = [
    ['hazgate_data_dir_free_bytes', 'Free bytes on the file system of the store folder (store.dir)', 'freeBytes'],
    ['hazgate_data_dir_size_bytes', 'Size of the file system of the store folder (store.dir)', 'totalBytes'],
  ] as const;
  for (const [name, help, field] of space) {
    gauge(reg, name, help, [], (g) => {
      const d = src.dataDir();
      if (d !== null) g.set(d[field]);
    });
  }
}
