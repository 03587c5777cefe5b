import type { HistorianDb } from './historian-db.js';
import { inTransaction } from './maintenance.js';
import { REASONS_TABLE, RUN_ORDER, SAMPLE_COLUMNS } from './tables.js';

/**
 * Version 1 kept the recent samples in the store file and the reason as text in every row. The
 * upgrade (once, one transaction) numbers the distinct reasons, and rewrites both tables into
 * one compacted `samples` table with reason ids.
 */
export async function upgradeFromVersion1(db: HistorianDb, version: string): Promise<void> {
  const v1 = '(SELECT * FROM hist.samples UNION ALL SELECT * FROM hist.samples_recent)';
  await inTransaction(db, async () => {
    await db.run(`INSERT INTO ${REASONS_TABLE}
      SELECT (row_number() OVER (ORDER BY reason))::INTEGER, reason FROM (SELECT DISTINCT reason FROM ${v1} WHERE reason IS NOT NULL)`);
    await db.run(`CREATE TABLE hist.samples_v2(${SAMPLE_COLUMNS})`);
    await db.run(`INSERT INTO hist.samples_v2
      SELECT s.point, s.ts, s.value, s.quality, coalesce(r.id, 0)::INTEGER
      FROM ${v1} s LEFT JOIN ${REASONS_TABLE} r ON r.reason = s.reason ORDER BY ${RUN_ORDER}`);
    await db.run('DROP TABLE hist.samples');
    await db.run('DROP TABLE hist.samples_recent');
    await db.run('ALTER TABLE hist.samples_v2 RENAME TO samples');
    await db.run(`UPDATE hist.meta SET value = '${version}' WHERE key = 'schema_version'`);
  });
}
