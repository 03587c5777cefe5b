import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FEED_VERSION, feedMessageId, HazgateError, whileBusy, type FeedBatch, type FeedMessage } from '../core/index.js';
import { readAuditFacts, readJournalFacts, type JournalFacts } from './centre-records.js';
import { CentreStoreReader } from './centre-store-read.js';
import { CENTRE_SCHEMA, CENTRE_SCHEMA_VERSION, migrateCentreSchema } from './centre-store-schema.js';
import type { CentreSiteSummary } from './centre-summary.js';

export interface SqliteCentreStoreOptions {
  /** Folder of `centre.db`; created when missing. */
  readonly dir: string;
  /** `full` (default) syncs every commit: an ack goes out only for what a power loss cannot take back. */
  readonly synchronous?: 'full' | 'normal';
  /** How long a write waits for another process holding the file (default 5 s). */
  readonly busyTimeoutMs?: number;
}

/** A journal record stored by this batch (not a duplicate): what the live feed (WebSocket) passes on. */
export interface StoredRecord {
  readonly site: string;
  readonly journalSeq: number;
  /** null when the record's text is not a readable transition (stored and chain-checked all the same). */
  readonly facts: JournalFacts | null;
  /**
   * The record is now its condition's current state: trusted (it passed the chain check) and newer
   * than the one held. A gap filled late brings older records, and a tampered one must not move the
   * alarm: both are stored as history but are not news for the live feed.
   */
  readonly current: boolean;
}

export interface StoredBatch {
  /** Per message: stored now, or already stored (by this process or another). */
  readonly results: readonly ('applied' | 'duplicate')[];
  readonly records: readonly StoredRecord[];
}

interface ReplayRow {
  readonly seq: number;
  readonly kind: FeedMessage['kind'];
  readonly time: number;
  readonly jseq: number | null;
  readonly hash: string | null;
  readonly record: string | null;
  readonly jhash: string | null;
}

function prepare(db: Database.Database) {
  return {
    applied: db.prepare('INSERT INTO applied (site, seq, kind, time, received, jseq, hash) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    journal: db.prepare('INSERT INTO journal (site, jseq, fseq, record, hash, condition_id, rts, audit_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    alarm: db.prepare(`INSERT INTO alarms (site, condition_id, jseq, state, priority, record) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (site, condition_id) DO UPDATE SET jseq = excluded.jseq, state = excluded.state, priority = excluded.priority, record = excluded.record
      WHERE excluded.jseq > alarms.jseq`),
    value: db.prepare(`INSERT INTO point_values (site, point_id, seq, time, value, quality, reason, ts, unit, codes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (site, point_id) DO UPDATE SET seq = excluded.seq, time = excluded.time, value = excluded.value, quality = excluded.quality,
        reason = excluded.reason, ts = excluded.ts, unit = excluded.unit, codes = excluded.codes
      WHERE excluded.seq > point_values.seq`),
    latest: db.prepare(`INSERT INTO latest (site, kind, seq, time, body) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (site, kind) DO UPDATE SET seq = excluded.seq, time = excluded.time, body = excluded.body WHERE excluded.seq > latest.seq`),
    site: db.prepare<[{ site: string; oldest: number; applied: number; duplicates: number; now: number; summary: string }]>(`
      INSERT INTO sites (site, oldest, applied, duplicates, first_received, last_received, summary) VALUES (@site, @oldest, @applied, @duplicates, @now, @now, @summary)
      ON CONFLICT (site) DO UPDATE SET oldest = max(oldest, excluded.oldest), applied = applied + excluded.applied,
        duplicates = duplicates + excluded.duplicates, last_received = excluded.last_received, summary = excluded.summary`),
    appliedCount: db.prepare<[string], { applied: number }>('SELECT applied FROM sites WHERE site = ?'),
    oldest: db.prepare<[string], { oldest: number }>('SELECT oldest FROM sites WHERE site = ?'),
    replay: db.prepare<[string], ReplayRow>(`SELECT a.seq, a.kind, a.time, a.jseq, a.hash, j.record, j.hash AS jhash FROM applied a
      LEFT JOIN journal j ON a.kind = 'journal' AND j.site = a.site AND j.jseq = a.jseq WHERE a.site = ? ORDER BY a.seq`),
    latestBodies: db.prepare<[string], { kind: string; body: string }>('SELECT kind, body FROM latest WHERE site = ?'),
  };
}

/**
 * The centre's durable record of every site's feed (centre.db). `applyBatch` stores a batch in
 * one transaction: each message once by (site, seq), and only the insert that stored it writes
 * its effects (journal record, current alarm, point values, latest status), so duplicates,
 * replays and a second centre process applying the same message change nothing.
 */
export class SqliteCentreStore {
  readonly file: string;
  readonly read: CentreStoreReader;
  private readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepare>;

  /** @throws HazgateError HG_ERR_CENTRE_STORE naming the file. */
  constructor(options: SqliteCentreStoreOptions) {
    this.file = join(options.dir, 'centre.db');
    let db: Database.Database | undefined;
    try {
      mkdirSync(options.dir, { recursive: true });
      db = new Database(this.file);
      const busyMs = options.busyTimeoutMs ?? 5_000;
      const open = db;
      open.pragma(`busy_timeout = ${busyMs}`);
      // Centre processes starting together on one new file race for WAL and the tables (whileBusy).
      whileBusy(() => open.pragma('journal_mode = WAL'), busyMs);
      open.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      whileBusy(() => open.transaction(() => open.exec(CENTRE_SCHEMA)).immediate(), busyMs);
      migrateCentreSchema(db);
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?) ON CONFLICT DO NOTHING").run(CENTRE_SCHEMA_VERSION);
      this.sql = prepare(db);
      this.read = new CentreStoreReader(db, this.file);
    } catch (cause) {
      db?.close();
      throw this.failure('cannot be opened', cause);
    }
    this.db = db;
  }

  /**
   * Stores a parsed batch received at `now` with the site's summary after it (computed by the
   * caller from the state that applied it). Journal records in `distrusted` (they failed the chain
   * check) are stored as evidence but do not change the site's current alarms: an edited record
   * must not clear an alarm. @throws HazgateError HG_ERR_CENTRE_STORE: nothing stored.
   */
  applyBatch(batch: FeedBatch, now: number, summary: CentreSiteSummary, distrusted: ReadonlySet<number> = new Set()): StoredBatch {
    const run = this.db.transaction(() => {
      const results: ('applied' | 'duplicate')[] = [];
      const records: StoredRecord[] = [];
      for (const msg of batch.messages) {
        const stored = this.insertApplied(msg, now);
        results.push(stored ? 'applied' : 'duplicate');
        if (!stored) continue;
        const record = this.writeEffects(msg, distrusted);
        if (record !== null) records.push(record);
      }
      const applied = results.filter((r) => r === 'applied').length;
      this.sql.site.run({ site: batch.site, oldest: batch.oldest, applied, duplicates: results.length - applied, now, summary: JSON.stringify(summary) });
      return { results, records };
    });
    try {
      // IMMEDIATE: take the write lock first, so two processes never both read then fail to upgrade.
      return run.immediate();
    } catch (cause) {
      throw this.failure(`could not store a batch of site "${batch.site}"`, cause);
    }
  }

  /** How many messages of the site are stored (by any process): a state that applied fewer is stale. */
  appliedCount(site: string): number {
    return this.guard(() => this.sql.appliedCount.get(site)?.applied ?? 0);
  }

  /** The highest batch `oldest` seen for the site: gaps below it are lost. */
  oldest(site: string): number {
    return this.guard(() => this.sql.oldest.get(site)?.oldest ?? 0);
  }

  /**
   * The site's messages in feed order, for rebuilding its state after a restart. Older status and
   * snapshot messages are not kept whole: each comes back with the newest body of its kind, which
   * is the only one the state keeps (the newest by seq wins).
   */
  *replay(site: string): Generator<FeedMessage> {
    const bodies = new Map(this.guard(() => this.sql.latestBodies.all(site)).map((r) => [r.kind, JSON.parse(r.body) as unknown]));
    const rows = this.guard(() => this.sql.replay.iterate(site));
    for (;;) {
      const next = this.guard(() => rows.next());
      if (next.done === true) return;
      yield this.replayed(site, next.value, bodies);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private insertApplied(msg: FeedMessage, now: number): boolean {
    const jseq = msg.kind === 'journal' || msg.kind === 'head' ? msg.body.seq : null;
    const hash = msg.kind === 'head' ? msg.body.hash : null;
    return this.sql.applied.run(msg.site, msg.seq, msg.kind, msg.time, now, jseq, hash).changes === 1;
  }

  private writeEffects(msg: FeedMessage, distrusted: ReadonlySet<number>): StoredRecord | null {
    switch (msg.kind) {
      case 'journal': {
        const { seq, record, hash } = msg.body;
        const audit = readAuditFacts(record);
        if (audit !== null) {
          // Kept and chain-checked like any record, served by read.audit; never an alarm, nor news for the live feed.
          this.sql.journal.run(msg.site, seq, msg.seq, record, hash, null, audit.rts, audit.kind);
          return null;
        }
        const facts = readJournalFacts(record);
        const fresh = this.sql.journal.run(msg.site, seq, msg.seq, record, hash, facts?.conditionId ?? null, facts?.rts ?? null, null).changes === 1;
        // The same journal record under a second feed seq (an outbox rebuilt at the gateway) is not news.
        if (!fresh) return null;
        const current = facts !== null && !distrusted.has(seq) && this.sql.alarm.run(msg.site, facts.conditionId, seq, facts.state, facts.priority, record).changes === 1;
        return { site: msg.site, journalSeq: seq, facts, current };
      }
      case 'snapshot':
        for (const v of msg.body.values) {
          const codes = v.codes === undefined ? null : JSON.stringify(v.codes);
          this.sql.value.run(msg.site, v.pointId, msg.seq, msg.time, JSON.stringify(v.value), v.quality, v.reason ?? null, v.ts, v.unit ?? null, codes);
        }
        this.sql.latest.run(msg.site, msg.kind, msg.seq, msg.time, JSON.stringify(msg.body));
        return null;
      case 'status':
        this.sql.latest.run(msg.site, msg.kind, msg.seq, msg.time, JSON.stringify(msg.body));
        return null;
      case 'head':
        return null;
    }
  }

  private replayed(site: string, row: ReplayRow, bodies: ReadonlyMap<string, unknown>): FeedMessage {
    const base = { v: FEED_VERSION as typeof FEED_VERSION, id: feedMessageId(site, row.seq), site, seq: row.seq, time: row.time };
    const corrupt = (): HazgateError => this.failure(`holds feed message ${base.id} (${row.kind}) without its body`, undefined);
    switch (row.kind) {
      case 'journal':
        if (row.jseq === null || row.record === null) throw corrupt();
        return { ...base, kind: 'journal', body: { seq: row.jseq, record: row.record, hash: row.jhash } };
      case 'head':
        if (row.jseq === null || row.hash === null) throw corrupt();
        return { ...base, kind: 'head', body: { seq: row.jseq, hash: row.hash } };
      case 'status':
      case 'snapshot': {
        const body = bodies.get(row.kind);
        if (body === undefined) throw corrupt();
        // Our own rows: written by writeEffects from a parsed body of this kind.
        return { ...base, kind: row.kind, body } as FeedMessage;
      }
    }
  }

  private guard<T>(read: () => T): T {
    try {
      return read();
    } catch (cause) {
      throw cause instanceof HazgateError ? cause : this.failure('cannot be read', cause);
    }
  }

  private failure(what: string, cause: unknown): HazgateError {
    const reason = cause === undefined ? '' : `: ${String(cause)}`;
    return new HazgateError('HG_ERR_CENTRE_STORE', `centre store ${this.file} ${what}${reason}`, { file: this.file }, cause);
  }
}

