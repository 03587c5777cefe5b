import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  HazgateError,
  isHazgateError,
  type ComponentStatus,
  type HistoryColumns,
  type HistoryQuery,
  type HistoryReader,
  type Sample,
  type SampleSink,
} from '../core/index.js';
import { duckDbFileBytes } from './disk-usage.js';
import { flushBuffered } from './flush.js';
import type { HistorianDb } from './historian-db.js';
import { mergeByTs, readStored, storedRange, toSamples, type StoredRange } from './history-query.js';
import { compactRecent, pruneOlderThan } from './maintenance.js';
import { PointDictionary, type PointEntry } from './point-dictionary.js';
import { NO_REASON, ReasonDictionary } from './reason-dictionary.js';
import { RecentGeneration } from './recent-generation.js';
import { allocColumns, MAX_TS_MS, qualityCode, type SampleColumns } from './sample-batch.js';
import { SampleBuffer } from './sample-buffer.js';
import { SerialQueue } from './serial-queue.js';
import { ensureSchema, loadPoints, loadReasons } from './schema.js';
import { StoreHealth } from './store-health.js';
import { DEFAULTS, type EmbeddedStoreOptions, type StoreStats } from './store-options.js';

const DAY_MS = 86_400_000;
const MAX_TIMER_MS = 2_147_483_647;
export const STORE_FILE = 'samples.duckdb';

/** One point's samples in columns (`queryColumns`): what `query` returns, without an object per sample. */
export type PointHistory = HistoryColumns;

/**
 * The embedded historian: samples of every point in one DuckDB file, `<dir>/samples.duckdb`.
 * `write()` only buffers (it never waits); a timer flushes the buffer in one transaction per
 * flush, another moves flushed samples into sorted, well-compressed runs, a third applies
 * retention. Queries see buffered samples too.
 */
export class EmbeddedStore implements SampleSink, HistoryReader {
  private readonly queue = new SerialQueue();
  private readonly buffer: SampleBuffer;
  private readonly health: StoreHealth;
  private readonly timers: NodeJS.Timeout[] = [];
  private written = 0;
  private refused = 0;
  private lastFlushMs = 0;
  private lastFlushAt: number | null = null;
  private timerFlushQueued = false;
  private closed = false;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly db: HistorianDb,
    private readonly points: PointDictionary,
    private readonly reasons: ReasonDictionary,
    private readonly generation: RecentGeneration,
    private readonly opts: Required<EmbeddedStoreOptions>,
  ) {
    this.health = new StoreHealth(opts.clock, opts.logger);
    this.buffer = new SampleBuffer(Math.max(1, opts.maxBufferedSamples), () => this.health.overflowStarted(opts.maxBufferedSamples));
  }

  /** Opens or creates the store; HG_ERR_STORE_OPEN (naming the file) when it cannot. */
  static async open(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
    const opts = { ...DEFAULTS, ...options };
    const file = join(opts.dir, STORE_FILE);
    const db = await openOrExplain(file, opts.openDb);
    let points: PointDictionary;
    let reasons: ReasonDictionary;
    let generation: RecentGeneration;
    try {
      await ensureSchema(db);
      points = new PointDictionary(await loadPoints(db));
      reasons = new ReasonDictionary(await loadReasons(db));
      generation = await RecentGeneration.load(db);
      await generation.ensureFresh(db); // a crash may have left an already compacted recent file
    } catch (e) {
      await db.close().catch(() => undefined); // the open error is the one to report
      throw openError(file, e);
    }
    const store = new EmbeddedStore(db, points, reasons, generation, opts);
    await store.applyRetention();
    store.startTimers();
    return store;
  }

  /** Buffers a sample; false (and counted as dropped) after close or for an unusable timestamp. */
  write(sample: Sample): boolean {
    if (this.closed || !(Math.abs(sample.ts) <= MAX_TS_MS)) {
      this.refused++;
      return false;
    }
    const v = sample.value;
    const point = this.points.idFor(sample.pointId, v);
    this.buffer.push(point, Math.floor(sample.ts), typeof v === 'boolean' ? Number(v) : v, qualityCode(sample.quality.level), this.reasons.idFor(sample.quality.reason));
    return true;
  }

  /** Writes everything buffered now; HG_ERR_STORE_WRITE if that fails (the samples stay buffered). */
  async flush(): Promise<void> {
    const error = await this.queue.run(() => this.flushNow());
    if (error !== null) throw error;
  }

  /** Flushes, checkpoints and closes. Throws HG_ERR_STORE_WRITE (after closing) if samples were lost. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  async query(q: HistoryQuery): Promise<Sample[]> {
    const point = this.points.get(q.pointId);
    if (point === undefined) return [];
    return toSamples(point, await this.queryStored(point, q), this.reasons);
  }

  /**
   * `query` in columns: for a long range (a day of a 1 Hz point is 86,400 samples) this skips
   * building an object per sample, and lets a caller serialise straight from the arrays.
   */
  async queryColumns(q: HistoryQuery): Promise<PointHistory> {
    const point = this.points.get(q.pointId);
    if (point === undefined) return { pointId: q.pointId, valueType: 'number', ...allocColumns(0), reason: [] };
    const c = await this.queryStored(point, q);
    const reason = new Array<string | null>(c.length).fill(null);
    for (let k = 0; k < c.length; k++) if (c.reason[k] !== NO_REASON) reason[k] = this.reasons.text(c.reason[k] ?? NO_REASON);
    return { pointId: point.pointId, valueType: point.valueType, length: c.length, ts: c.ts, value: c.value, quality: c.quality, reason };
  }

  /** Deletes samples older than now − retentionDays (runs on open and hourly); returns how many. */
  pruneNow(): Promise<number> {
    return this.queue.run(() => pruneOlderThan(this.db, this.generation, this.opts.clock.now() - this.opts.retentionDays * DAY_MS));
  }

  /** Moves flushed samples into sorted runs (runs every compactEveryMs); returns how many. */
  compactNow(): Promise<number> {
    return this.queue.run(() => compactRecent(this.db, this.generation));
  }

  /** Bytes of the store's files on disk (both databases, their WALs, spill files). */
  diskBytes(): number {
    return duckDbFileBytes(this.db.file, this.db.recentFile);
  }

  status(): ComponentStatus {
    return this.health.status;
  }

  get stats(): StoreStats {
    return {
      written: this.written,
      dropped: this.buffer.dropped + this.refused,
      writeErrors: this.health.writeErrors,
      buffered: this.buffer.length,
      lastFlushMs: this.lastFlushMs,
      lastFlushAt: this.lastFlushAt,
      points: this.points.size,
    };
  }

  private queryStored(point: PointEntry, q: HistoryQuery): Promise<SampleColumns> {
    const range = storedRange(q.from, q.to, q.limit);
    if (range === null) return Promise.resolve(allocColumns(0));
    return this.queue.run(async () => {
      const stored = await this.readStoredOrExplain(q.pointId, point.id, range);
      // Inside the queue no flush is in flight, so buffered and stored samples are disjoint.
      return mergeByTs(stored, this.buffer.collect(point.id, range.from, range.to), range.limit);
    });
  }

  private async readStoredOrExplain(pointId: string, point: number, range: StoredRange): Promise<SampleColumns> {
    try {
      await this.generation.ensureFresh(this.db); // a compacted recent file would show its samples twice
      return await readStored(this.db, point, range);
    } catch (e) {
      throw new HazgateError('HG_ERR_STORE_QUERY', `history query for point ${pointId} failed: ${messageOf(e)}`, { pointId, file: this.db.file }, e);
    }
  }

  private async closeOnce(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    const flushError = await this.queue.run(() => this.flushNow());
    const lost = this.buffer.length;
    const closeError = await this.queue.run(() => this.db.close()).then(
      () => null,
      (e: unknown) => e,
    );
    this.health.stopped();
    if (flushError !== null) {
      throw new HazgateError('HG_ERR_STORE_WRITE', `${flushError.message}; ${lost} samples were not saved`, { ...flushError.details, lost }, flushError);
    }
    if (closeError !== null) {
      throw new HazgateError('HG_ERR_STORE_WRITE', `cannot checkpoint and close ${this.db.file}: ${messageOf(closeError)}`, { file: this.db.file }, closeError);
    }
  }

  /** One flush, run inside the queue; returns its error instead of throwing so callers choose log or throw. */
  private async flushNow(): Promise<HazgateError | null> {
    const started = performance.now();
    try {
      this.written += await flushBuffered(this.db, { buffer: this.buffer, points: this.points, reasons: this.reasons, generation: this.generation });
    } catch (e) {
      const error = new HazgateError('HG_ERR_STORE_WRITE', `cannot write samples to ${this.db.file}: ${messageOf(e)}`, { file: this.db.file, buffered: this.buffer.length }, e);
      this.health.flushFailed(error);
      return error;
    }
    this.lastFlushMs = performance.now() - started;
    this.lastFlushAt = this.opts.clock.now();
    this.health.flushSucceeded();
    return null;
  }

  private startTimers(): void {
    const every = (ms: number, task: () => void): void => {
      // Unref'd: the store never keeps the process alive by itself. Node fires longer delays at once.
      this.timers.push(setInterval(task, Math.min(ms, MAX_TIMER_MS)).unref());
    };
    every(this.opts.flushIntervalMs, () => this.onFlushTimer());
    every(this.opts.compactEveryMs, () => void this.maintain('compaction', () => this.compactNow()));
    every(this.opts.retentionCheckMs, () => void this.applyRetention());
  }

  private onFlushTimer(): void {
    if (this.timerFlushQueued) return; // the previous tick's flush is still waiting or running
    this.timerFlushQueued = true;
    void this.queue
      .run(() => this.flushNow())
      .then((error) => {
        this.timerFlushQueued = false;
        if (error !== null) this.health.logFlushFailure(error);
      });
  }

  private applyRetention(): Promise<void> {
    return this.maintain('retention', () => this.pruneNow());
  }

  /** Background upkeep: a failure is logged and the next run tries again. */
  private async maintain(operation: 'retention' | 'compaction', task: () => Promise<number>): Promise<void> {
    try {
      const n = await task();
      if (n > 0) this.opts.logger.debug({ operation, samples: n }, `store ${operation} done`);
    } catch (e) {
      this.opts.logger.error({ code: 'HG_ERR_STORE_WRITE', operation, file: this.db.file, err: messageOf(e) }, `store ${operation} failed; retried on the next run`);
    }
  }
}

async function openOrExplain(file: string, open: (file: string) => Promise<HistorianDb>): Promise<HistorianDb> {
  try {
    return await open(file);
  } catch (e) {
    throw openError(file, e);
  }
}

function openError(file: string, e: unknown): HazgateError {
  if (isHazgateError(e) && e.code === 'HG_ERR_STORE_OPEN') return e;
  return new HazgateError('HG_ERR_STORE_OPEN', `cannot open the embedded store ${file}: ${messageOf(e)}`, { file }, e);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

