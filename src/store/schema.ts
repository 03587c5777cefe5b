import { HazgateError } from '../core/index.js';
import { toNumber, type HistorianDb } from './historian-db.js';
import type { PointEntry, ValueType } from './point-dictionary.js';

export const SCHEMA_VERSION = '1';

/** Flushes land here in arrival order; compaction moves them to `samples`, sorted. */
export const RECENT_TABLE = 'samples_recent';
/** Compacted history: runs sorted by (point, ts), which is what lets DuckDB compress it well. */
export const SAMPLES_TABLE = 'samples';

const SAMPLE_COLUMNS = 'point INTEGER NOT NULL, ts BIGINT NOT NULL, value DOUBLE NOT NULL, quality UTINYINT NOT NULL, reason VARCHAR';

const DDL = [
  'CREATE TABLE IF NOT EXISTS meta(key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)',
  // Only id is a key: a second unique column would stop INSERT OR REPLACE from picking a target.
  'CREATE TABLE IF NOT EXISTS points(id INTEGER PRIMARY KEY, point_id VARCHAR NOT NULL, value_type VARCHAR NOT NULL)',
  `CREATE TABLE IF NOT EXISTS ${SAMPLES_TABLE}(${SAMPLE_COLUMNS})`,
  `CREATE TABLE IF NOT EXISTS ${RECENT_TABLE}(${SAMPLE_COLUMNS})`,
  `INSERT OR IGNORE INTO meta VALUES ('schema_version', '${SCHEMA_VERSION}')`,
];

/** Creates the tables of a new file and refuses a file written by a newer schema. */
export async function ensureSchema(db: HistorianDb): Promise<void> {
  for (const sql of DDL) await db.run(sql);
  const rows = await db.read(`SELECT value FROM meta WHERE key = 'schema_version'`);
  const version = rows[0]?.[0];
  if (version !== SCHEMA_VERSION) {
    throw new HazgateError('HG_ERR_STORE_OPEN', `${db.file} has store schema version ${String(version)}; this hazgate reads version ${SCHEMA_VERSION}`, {
      file: db.file,
      schemaVersion: version,
    });
  }
}

export async function loadPoints(db: HistorianDb): Promise<PointEntry[]> {
  const rows = await db.read('SELECT id, point_id, value_type FROM points ORDER BY id');
  return rows.map(([id, pointId, valueType]) => ({
    id: toNumber(id),
    pointId: String(pointId),
    valueType: valueType === 'boolean' ? 'boolean' : 'number',
  }));
}

const POINTS_PER_STATEMENT = 500;

/** Inserts new points and rewrites changed ones, inside the caller's transaction. */
export async function savePoints(db: HistorianDb, entries: readonly PointEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += POINTS_PER_STATEMENT) {
    const part = entries.slice(i, i + POINTS_PER_STATEMENT);
    const rows = part.map((_, k) => `($${3 * k + 1}::INTEGER, $${3 * k + 2}, $${3 * k + 3})`).join(', ');
    await db.run(`INSERT OR REPLACE INTO points VALUES ${rows}`, part.flatMap(pointParams));
  }
}

function pointParams(e: PointEntry): [number, string, ValueType] {
  return [e.id, e.pointId, e.valueType];
}
