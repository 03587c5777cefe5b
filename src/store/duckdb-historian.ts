import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { CHUNK_ROWS, columnsOfChunks, sampleChunk } from './duckdb-chunks.js';
import type { Catalog, DbRow, DbValue, HistorianDb } from './historian-db.js';
import type { PointEntry } from './point-dictionary.js';
import type { SampleBatch, SampleColumns } from './sample-batch.js';

/**
 * Row groups of 1 Mi rows instead of DuckDB's 122,880: each column segment then spans many
 * blocks, so less of each 256 KiB block is left as padding. Measured on 1,000 points at 1 Hz:
 * 4.3 → 3.2-3.8 bytes/sample for hourly sorted runs. Larger row groups need storage format 1.2.
 */
const ROW_GROUP_ROWS = 1_048_576;
const STORAGE_VERSION = 'v1.2.0';
/**
 * DuckDB's default is 80 % of RAM for its buffer pool; on a gateway box the historian must not
 * crowd out the rules engine. Compaction sorts ≤ 1 M rows at a time and spills beyond this.
 */
const MEMORY_LIMIT = '512MB';
/**
 * One DuckDB thread. With two, a compaction's parallel insert writes row groups optimistically
 * and merges them at commit, leaving free blocks behind that vary from run to run (3 h of 1,000
 * points at 1 Hz: 2-62 free blocks of 256 KiB, up to 35 % of the file); with one the file is the
 * same whatever the flush cadence, compaction takes no longer, and the historian never takes
 * more than one core from the rules engine.
 */
const THREADS = '1';
/** One chunk of 2,048 rows (≈ 0.25 ms of appending here) between yields: a flush must not hold an alarm back for milliseconds. */
const CHUNKS_PER_SLICE = 1;

/** `<dir>/samples.duckdb` → `<dir>/samples-recent.duckdb`. */
export function recentFileFor(file: string): string {
  return file.replace(/(\.duckdb)?$/, '-recent.duckdb');
}

/**
 * Opens (or creates) the historian's two files. They are attached to an in-memory DuckDB rather
 * than opened directly because the row-group size is an ATTACH option; spill files go beside them.
 */
export async function openDuckDbHistorian(file: string): Promise<HistorianDb> {
  mkdirSync(dirname(file), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { temp_directory: `${file}.tmp`, memory_limit: MEMORY_LIMIT, threads: THREADS });
  try {
    const connection = await instance.connect();
    const db = new DuckDbHistorian(file, recentFileFor(file), instance, connection);
    await connection.run(attachSql(file, 'hist'));
    await connection.run(attachSql(db.recentFile, 'recent'));
    await connection.run('USE hist');
    return db;
  } catch (e) {
    instance.closeSync();
    throw e;
  }
}

class DuckDbHistorian implements HistorianDb {
  constructor(
    readonly file: string,
    readonly recentFile: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  async run(sql: string, params: readonly DbValue[] = []): Promise<void> {
    await this.connection.run(sql, [...params]);
  }

  async read(sql: string, params: readonly DbValue[] = []): Promise<DbRow[]> {
    const reader = await this.connection.runAndReadAll(sql, [...params]);
    return reader.getRows().map((row) => row.map(toDbValue));
  }

  async readSamples(sql: string, params: readonly DbValue[] = []): Promise<SampleColumns> {
    const result = await this.connection.run(sql, [...params]);
    return columnsOfChunks(await result.fetchAllChunks());
  }

  appendSamples(table: string, batch: SampleBatch): Promise<void> {
    return this.append(table, async (appender) => {
      for (let offset = 0, chunks = 1; offset < batch.length; offset += CHUNK_ROWS, chunks++) {
        appender.appendDataChunk(sampleChunk(batch, offset, Math.min(CHUNK_ROWS, batch.length - offset)));
        if (chunks % CHUNKS_PER_SLICE !== 0) continue;
        // The appender works on the calling thread: hand the event loop back between slices, so
        // a flush of 300,000 samples does not hold back readings and alarms for ~30 ms at once.
        appender.flushSync();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    });
  }

  appendPoints(table: string, entries: readonly PointEntry[]): Promise<void> {
    return this.append(table, async (appender) => {
      for (const e of entries) {
        appender.appendInteger(e.id);
        appender.appendVarchar(e.pointId);
        appender.appendVarchar(e.valueType);
        appender.endRow();
      }
    });
  }

  /** `table` is `catalog.name`. */
  private async append(table: string, fill: (appender: DuckDBAppender) => Promise<void>): Promise<void> {
    const [catalog, name] = table.split('.', 2);
    const appender = await this.connection.createAppender(name ?? table, null, name === undefined ? null : (catalog ?? null));
    try {
      await fill(appender);
      appender.flushSync();
    } finally {
      // After a failure nothing half-appended may reach the table: the caller rolls back.
      releaseQuietly(appender);
    }
  }

  async checkpoint(catalog: Catalog): Promise<void> {
    await this.connection.run(`CHECKPOINT ${catalog}`);
  }

  async resetRecent(): Promise<void> {
    await this.connection.run('DETACH recent');
    // Deleting the file, rather than emptying the table, gives its blocks back to the disk at once.
    for (const f of [this.recentFile, `${this.recentFile}.wal`]) rmSync(f, { force: true });
    await this.connection.run(attachSql(this.recentFile, 'recent'));
  }

  async close(): Promise<void> {
    try {
      for (const catalog of ['recent', 'hist'] as const) await this.checkpoint(catalog);
      // Detach so the files are closed now, not when the instance is garbage-collected.
      await this.connection.run('USE memory');
      for (const catalog of ['recent', 'hist'] as const) await this.connection.run(`DETACH ${catalog}`);
    } finally {
      this.connection.closeSync();
      this.instance.closeSync();
    }
  }
}

function attachSql(file: string, catalog: Catalog): string {
  return `ATTACH ${sqlString(file)} AS ${catalog} (STORAGE_VERSION '${STORAGE_VERSION}', ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`;
}

/** Drops whatever the appender still holds and closes it; its own errors would only hide the first one. */
function releaseQuietly(appender: DuckDBAppender): void {
  try {
    appender.clear();
    appender.closeSync();
  } catch {
    // The error worth reporting, if any, is the one already in flight.
  }
}

function toDbValue(v: DuckDBValue): DbValue {
  if (v === null || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v); // the store selects no other types; a string at least shows what came back
}

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
