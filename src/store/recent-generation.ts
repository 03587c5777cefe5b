import { toNumber, type HistorianDb } from './historian-db.js';
import { RECENT_DDL } from './schema.js';

/**
 * Which recent file has been compacted. Each recent file carries a generation number
 * (`recent.meta`); the compaction that copies it into the store file records that number in
 * `hist.meta` in the same transaction. A recent file whose generation is already recorded holds
 * only copies and is replaced by an empty one before anything else touches it, so a crash or a
 * failed reset between "copied" and "replaced" neither loses nor doubles a sample.
 */
export class RecentGeneration {
  private constructor(
    private compacted: number,
    private current: number,
  ) {}

  /** Reads both numbers; a recent file without one (new, or reset before it got one) gets the next. */
  static async load(db: HistorianDb): Promise<RecentGeneration> {
    const compacted = await readNumber(db, 'hist.meta', 'compacted_generation');
    const current = await readNumber(db, 'recent.meta', 'generation');
    const gen = new RecentGeneration(compacted ?? 0, current ?? 0);
    if (current === null) await gen.initRecent(db);
    return gen;
  }

  /** The number compaction records for the recent file it copies. */
  get recent(): number {
    return this.current;
  }

  markCompacted(): void {
    this.compacted = this.current;
  }

  /** Replaces a compacted recent file with an empty one; a no-op while it still holds new samples. */
  async ensureFresh(db: HistorianDb): Promise<void> {
    if (this.current > this.compacted) return;
    await db.resetRecent();
    await this.initRecent(db);
  }

  private async initRecent(db: HistorianDb): Promise<void> {
    for (const sql of RECENT_DDL) await db.run(sql);
    const next = this.compacted + 1;
    await db.run(`INSERT OR REPLACE INTO recent.meta VALUES ('generation', '${next}')`);
    this.current = next;
  }
}

/** The SQL that records, inside the compaction's transaction, which recent file it copied. */
export function recordCompactedSql(generation: number): string {
  return `INSERT OR REPLACE INTO hist.meta VALUES ('compacted_generation', '${Math.floor(generation)}')`;
}

async function readNumber(db: HistorianDb, table: string, key: string): Promise<number | null> {
  const rows = await db.read(`SELECT value FROM ${table} WHERE key = $1`, [key]);
  const v = rows[0]?.[0];
  return v === undefined || v === null ? null : toNumber(Number(v));
}
