import { HazgateError } from '../core/index.js';
import { toNumber, type HistorianDb } from './historian-db.js';
import type { DirtyPoints, PointEntry, ValueType } from './point-dictionary.js';
import type { ReasonEntry } from './reason-dictionary.js';
import { upgradeFromVersion1 } from './schema-upgrade.js';
import { POINTS_TABLE, REASONS_TABLE, RECENT_COLUMNS, RECENT_TABLE, SAMPLE_COLUMNS, SAMPLES_TABLE } from './tables.js';

/**
 * 2: recent samples in a file of their own (`samples-recent.duckdb`); quality reasons as ids
 * into `reasons` instead of a VARCHAR per sample.
 */
export const SCHEMA_VERSION = '2';

const HIST_DDL = [
  'CREATE TABLE IF NOT EXISTS hist.meta(key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)',
  // Only id is a key: a second unique column would stop INSERT OR REPLACE from picking a target.
  `CREATE TABLE IF NOT EXISTS ${POINTS_TABLE}(id INTEGER PRIMARY KEY, point_id VARCHAR NOT NULL, value_type VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${REASONS_TABLE}(id INTEGER PRIMARY KEY, reason VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${SAMPLES_TABLE}(${SAMPLE_COLUMNS})`,
  `INSERT OR IGNORE INTO hist.meta VALUES ('schema_version', '${SCHEMA_VERSION}')`,
];

export const RECENT_DDL = [
  'CREATE TABLE IF NOT EXISTS recent.meta(key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)',
  `CREATE TABLE IF NOT EXISTS ${RECENT_TABLE}(${RECENT_COLUMNS})`,
];

/** Creates the tables of a new store file, upgrades a version-1 file and refuses a newer one. */
export async function ensureSchema(db: HistorianDb): Promise<void> {
  for (const sql of HIST_DDL) await db.run(sql);
  for (const sql of RECENT_DDL) await db.run(sql);
  const rows = await db.read(`SELECT value FROM hist.meta WHERE key = 'schema_version'`);
  const version = rows[0]?.[0];
  if (version === '1') await upgradeFromVersion1(db, SCHEMA_VERSION);
  else if (version !== SCHEMA_VERSION) {
    throw new HazgateError('HG_ERR_STORE_OPEN', `${db.file} has store schema version ${String(version)}; this hazgate reads version ${SCHEMA_VERSION}`, {
      file: db.file,
      schemaVersion: version,
    });
  }
}

export async function loadPoints(db: HistorianDb): Promise<PointEntry[]> {
  const rows = await db.read(`SELECT id, point_id, value_type FROM ${POINTS_TABLE} ORDER BY id`);
  return rows.map(([id, pointId, valueType]) => ({
    id: toNumber(id),
    pointId: String(pointId),
    valueType: valueType === 'boolean' ? 'boolean' : 'number',
  }));
}

export async function loadReasons(db: HistorianDb): Promise<ReasonEntry[]> {
  const rows = await db.read(`SELECT id, reason FROM ${REASONS_TABLE} ORDER BY id`);
  return rows.map(([id, reason]) => ({ id: toNumber(id), reason: String(reason) }));
}

const POINTS_PER_STATEMENT = 500;

/**
 * Writes the dictionaries' changes, inside the caller's transaction. New points go through the
 * appender: 100,000 of them as INSERT statements cost DuckDB ≈ 90 MB of resident memory that it
 * keeps, through the appender ≈ 15 MB. Type changes and new reasons (both rare) by statement.
 */
export async function saveDictionaries(db: HistorianDb, d: DirtyPoints, reasons: readonly ReasonEntry[]): Promise<void> {
  for (const r of reasons) await db.run(`INSERT INTO ${REASONS_TABLE} VALUES ($1::INTEGER, $2)`, [r.id, r.reason]);
  if (d.added.length > 0) await db.appendPoints(POINTS_TABLE, d.added);
  for (let i = 0; i < d.changed.length; i += POINTS_PER_STATEMENT) {
    const part = d.changed.slice(i, i + POINTS_PER_STATEMENT);
    const rows = part.map((_, k) => `($${3 * k + 1}::INTEGER, $${3 * k + 2}, $${3 * k + 3})`).join(', ');
    await db.run(`INSERT OR REPLACE INTO ${POINTS_TABLE} VALUES ${rows}`, part.flatMap(pointParams));
  }
}

function pointParams(e: PointEntry): [number, string, ValueType] {
  return [e.id, e.pointId, e.valueType];
}
