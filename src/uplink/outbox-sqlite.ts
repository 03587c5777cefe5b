import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  EMPTY_CHAIN,
  FEED_KINDS,
  FEED_VERSION,
  feedMessageId,
  HazgateError,
  type ChainHead,
  type ChainRow,
  type FeedBatch,
  type FeedBodies,
  type FeedKind,
  type FeedMessage,
} from '../core/index.js';
import { OUTBOX_DEFAULTS, zeroByKind, type DropReason, type OutboxStats } from './outbox-bounds.js';

/**
 * `full` syncs every commit (the default: a feed sequence number the centre has seen must never be
 * given again to another message after a power loss); `normal` leaves it to SQLite's checkpoints
 * (survives a process crash, not a power loss).
 */
export type OutboxSyncMode = 'full' | 'normal';

export interface SqliteOutboxOptions {
  /** Folder of `uplink.db`; created when missing. */
  readonly dir: string;
  /** The site the feed belongs to: every message carries it; a db made for another site is refused. */
  readonly site: string;
  /** Bound on the bodies' bytes of unacknowledged messages (default 256 MiB). */
  readonly maxBytes?: number;
  /** Bound on the age of the oldest unacknowledged message (default 7 days). */
  readonly maxAgeMs?: number;
  readonly synchronous?: OutboxSyncMode;
  /** Told of every drop at the bounds, with HG_ERR_UPLINK_OUTBOX_FULL and the counts by kind (log it loudly). */
  readonly onDrop?: (e: HazgateError) => void;
}

/** Kinds `append` takes: journal records go through `appendJournal`, heads through `appendHead`. */
export type AppendKind = 'snapshot' | 'status';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS outbox (
    seq   INTEGER PRIMARY KEY,
    kind  TEXT    NOT NULL,
    time  INTEGER NOT NULL,
    body  TEXT    NOT NULL,
    bytes INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS outbox_time ON outbox (time);
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value NOT NULL);
`;

interface StoredRow {
  readonly seq: number;
  readonly kind: FeedKind;
  readonly time: number;
  readonly body: string;
  readonly bytes: number;
}

type DropRow = Pick<StoredRow, 'seq' | 'kind' | 'bytes'>;

/** The statements every append, batch and ack runs, prepared once. */
function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare<[number, FeedKind, number, string, number]>('INSERT INTO outbox (seq, kind, time, body, bytes) VALUES (?, ?, ?, ?, ?)'),
    setMeta: db.prepare<[string, number | string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    pending: db.prepare<[{ after: number; limit: number }], StoredRow>('SELECT seq, kind, time, body, bytes FROM outbox WHERE seq > @after ORDER BY seq LIMIT @limit'),
    oldest: db.prepare<[], { seq: number; time: number }>('SELECT seq, time FROM outbox ORDER BY seq LIMIT 1'),
    aged: db.prepare<[{ cutoff: number; keep: number }], DropRow>('SELECT seq, kind, bytes FROM outbox WHERE time < @cutoff AND seq < @keep ORDER BY seq'),
    oldestExpendable: db.prepare<[number], DropRow>("SELECT seq, kind, bytes FROM outbox WHERE kind <> 'journal' AND seq < ? ORDER BY seq LIMIT 256"),
    oldestJournal: db.prepare<[number], DropRow>("SELECT seq, kind, bytes FROM outbox WHERE kind = 'journal' AND seq < ? ORDER BY seq LIMIT 256"),
    deleteOne: db.prepare<[number]>('DELETE FROM outbox WHERE seq = ?'),
    ackedTotals: db.prepare<[number], { n: number; b: number | null }>('SELECT COUNT(*) AS n, SUM(bytes) AS b FROM outbox WHERE seq <= ?'),
    deleteUpTo: db.prepare<[number]>('DELETE FROM outbox WHERE seq <= ?'),
  };
}

/** What is counted in memory (all of it also recoverable from the db at open). */
interface Counters {
  lastSeq: number;
  ackedSeq: number;
  journalSeq: number;
  journalHash: string;
  depth: number;
  bytes: number;
  dropped: Record<FeedKind, number>;
}

/**
 * The provincial feed's durable outbox: every message gets the site's next sequence number and is
 * committed before `append` returns; it stays until the centre acknowledges it (`ack`) or the size
 * or age bound drops it (snapshots, status and heads first, journal records last, counted).
 * One process owns the file.
 */
export class SqliteOutbox {
  readonly file: string;
  readonly site: string;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  private readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly onDrop: (e: HazgateError) => void;
  private c: Counters;

  /** @throws HazgateError HG_ERR_UPLINK_OUTBOX naming the file (unwritable, corrupt, another site's). */
  constructor(options: SqliteOutboxOptions) {
    this.file = join(options.dir, 'uplink.db');
    this.site = options.site;
    this.maxBytes = options.maxBytes ?? OUTBOX_DEFAULTS.maxBytes;
    this.maxAgeMs = options.maxAgeMs ?? OUTBOX_DEFAULTS.maxAgeMs;
    this.onDrop = options.onDrop ?? (() => undefined);
    let db: Database.Database | undefined;
    try {
      mkdirSync(options.dir, { recursive: true });
      db = new Database(this.file);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      db.exec(SCHEMA);
      this.c = loadCounters(db, options.site);
      this.sql = prepareStatements(db);
    } catch (cause) {
      db?.close();
      if (cause instanceof HazgateError) throw cause;
      throw new HazgateError('HG_ERR_UPLINK_OUTBOX', `uplink outbox ${this.file} cannot be opened: ${String(cause)}`, { file: this.file }, cause);
    }
    this.db = db;
  }

  /** Queues a snapshot or status message; returns it with its sequence number. */
  append<K extends AppendKind>(kind: K, body: FeedBodies[K], time: number): FeedMessage {
    if (kind !== 'snapshot' && kind !== 'status') {
      throw new HazgateError('HG_ERR_UPLINK_OUTBOX', `outbox ${this.file}: ${String(kind)} messages go through appendJournal or appendHead`, { kind });
    }
    return this.write(`a ${kind} message`, (c) => this.insert(c, kind, body, time), time);
  }

  /**
   * Copies journal rows (in journal order) and advances the copied journal sequence in the same
   * transaction; rows at or below `journalSeq()` are skipped, so copying twice is harmless.
   */
  appendJournal(rows: readonly ChainRow[], time: number): FeedMessage[] {
    return this.write('journal records', (c) => {
      const out: FeedMessage[] = [];
      for (const row of rows) {
        if (row.seq <= c.journalSeq) continue;
        out.push(this.insert(c, 'journal', { seq: row.seq, record: row.record, hash: row.hash }, time));
        c.journalSeq = row.seq;
        c.journalHash = row.hash ?? c.journalHash;
      }
      this.setMeta('journal_seq', c.journalSeq);
      this.setMeta('journal_hash', c.journalHash);
      return out;
    }, time);
  }

  /** Queues the journal's head as far as it has been copied: the centre checks its chain against it. */
  appendHead(time: number): FeedMessage {
    return this.write('a head message', (c) => this.insert(c, 'head', { seq: c.journalSeq, hash: c.journalHash }, time), time);
  }

  /** The highest journal sequence number copied in: at start, copy the journal's rows after it. */
  journalSeq(): number {
    return this.c.journalSeq;
  }

  journalHead(): ChainHead {
    return this.c.journalSeq === 0 ? EMPTY_CHAIN : { seq: this.c.journalSeq, hash: this.c.journalHash };
  }

  /**
   * Unacknowledged messages after `after` (default: the acknowledged sequence), in order: at most
   * `limit`, and no more body bytes than `maxBytes` (but always one, however large, when any is there).
   */
  pending(limit: number, maxBytes: number, after = this.c.ackedSeq): FeedMessage[] {
    const rows = this.sql.pending.all({ after: Math.max(after, this.c.ackedSeq), limit });
    const out: FeedMessage[] = [];
    let bytes = 0;
    for (const row of rows) {
      if (out.length > 0 && bytes + row.bytes > maxBytes) break;
      bytes += row.bytes;
      out.push(this.messageOf(row));
    }
    return out;
  }

  /**
   * The next delivery: `pending(...)` with the lowest sequence number still held, so the centre
   * knows that what it lacks below it was dropped (FeedBatch.oldest).
   */
  batch(limit: number, maxBytes: number, after = this.c.ackedSeq): FeedBatch {
    const messages = this.pending(limit, maxBytes, after);
    const oldest = this.stats().oldestSeq ?? this.c.lastSeq + 1;
    return { site: this.site, oldest, messages };
  }

  /**
   * The centre holds everything up to `upto`: those rows are deleted. Idempotent and monotonic (an
   * older or repeated ack changes nothing); an ack beyond the last sequence given is clamped to it.
   * Returns the acknowledged sequence now.
   */
  ack(upto: number): number {
    const target = Math.min(Math.floor(upto), this.c.lastSeq);
    if (!(target > this.c.ackedSeq)) return this.c.ackedSeq;
    const next = { ...this.c };
    this.transaction('an ack', () => {
      const gone = this.sql.ackedTotals.get(target);
      this.sql.deleteUpTo.run(target);
      this.setMeta('acked_seq', target);
      next.depth -= gone?.n ?? 0;
      next.bytes -= gone?.b ?? 0;
      next.ackedSeq = target;
    });
    this.c = next;
    return target;
  }

  /** Applies the age bound without an append (call it on a timer: an idle outbox ages too). */
  trim(now: number): void {
    this.write('the bounds', () => undefined, now);
  }

  stats(): OutboxStats {
    const oldest = this.sql.oldest.get();
    const { depth, bytes, lastSeq, ackedSeq, journalSeq } = this.c;
    return { depth, bytes, oldestSeq: oldest?.seq ?? null, oldestTime: oldest?.time ?? null, lastSeq, ackedSeq, journalSeq, dropped: { ...this.c.dropped } };
  }

  /** How full the outbox is, 0..1: the larger of its size and its oldest message's age against their bounds. */
  fill(now: number): number {
    const oldest = this.stats().oldestTime;
    const age = oldest === null ? 0 : (now - oldest) / this.maxAgeMs;
    return Math.min(1, Math.max(0, this.c.bytes / this.maxBytes, age));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs `change` and the bounds in one transaction; counters change only when it commits. */
  private write<T>(what: string, change: (c: Counters) => T, now: number): T {
    const next: Counters = { ...this.c, dropped: { ...this.c.dropped } };
    let drops: { reason: DropReason; byKind: Record<FeedKind, number> }[] = [];
    const result = this.transaction(what, () => {
      const r = change(next);
      drops = this.enforceBounds(next, now);
      return r;
    });
    this.c = next;
    for (const d of drops) this.reportDrop(d.reason, d.byKind);
    return result;
  }

  private transaction<T>(what: string, body: () => T): T {
    try {
      return this.db.transaction(body)();
    } catch (cause) {
      if (cause instanceof HazgateError) throw cause;
      throw new HazgateError('HG_ERR_UPLINK_OUTBOX', `${what} could not be written to the uplink outbox ${this.file}: ${String(cause)}`, { file: this.file }, cause);
    }
  }

  private insert(c: Counters, kind: FeedKind, body: FeedBodies[FeedKind], time: number): FeedMessage {
    const seq = c.lastSeq + 1;
    const text = JSON.stringify(body);
    const bytes = Buffer.byteLength(text);
    this.sql.insert.run(seq, kind, time, text, bytes);
    this.setMeta('last_seq', seq);
    c.lastSeq = seq;
    c.depth++;
    c.bytes += bytes;
    return this.messageOf({ seq, kind, time, body: text, bytes });
  }

  /**
   * Age first (everything older than maxAgeMs goes), then size: the oldest snapshot, status and head
   * messages, then, only when they are not enough, the oldest journal records. The newest message
   * always stays (it was just accepted).
   */
  private enforceBounds(c: Counters, now: number): { reason: DropReason; byKind: Record<FeedKind, number> }[] {
    const drops: { reason: DropReason; byKind: Record<FeedKind, number> }[] = [];
    const cutoff = now - this.maxAgeMs;
    const aged = this.sql.aged.all({ cutoff, keep: c.lastSeq });
    if (aged.length > 0) drops.push({ reason: 'age', byKind: this.drop(c, aged) });
    if (c.bytes <= this.maxBytes) return drops;
    const byKind = zeroByKind();
    for (const cls of ['expendable', 'journal'] as const) {
      while (c.bytes > this.maxBytes) {
        const rows = (cls === 'journal' ? this.sql.oldestJournal : this.sql.oldestExpendable).all(c.lastSeq);
        if (rows.length === 0) break;
        const chosen: DropRow[] = [];
        let bytes = c.bytes;
        for (const row of rows) {
          if (bytes <= this.maxBytes) break;
          chosen.push(row);
          bytes -= row.bytes;
        }
        const counted = this.drop(c, chosen);
        for (const k of FEED_KINDS) byKind[k] += counted[k];
      }
    }
    if (FEED_KINDS.some((k) => byKind[k] > 0)) drops.push({ reason: 'size', byKind });
    return drops;
  }

  private drop(c: Counters, rows: readonly DropRow[]): Record<FeedKind, number> {
    const byKind = zeroByKind();
    for (const row of rows) {
      this.sql.deleteOne.run(row.seq);
      c.depth--;
      c.bytes -= row.bytes;
      c.dropped[row.kind]++;
      byKind[row.kind]++;
    }
    for (const k of FEED_KINDS) if (byKind[k] > 0) this.setMeta(`dropped_${k}`, c.dropped[k]);
    return byKind;
  }

  private reportDrop(reason: DropReason, byKind: Record<FeedKind, number>): void {
    const counts = FEED_KINDS.filter((k) => byKind[k] > 0).map((k) => `${byKind[k]} ${k}`).join(', ');
    const bound = reason === 'age' ? `older than ${this.maxAgeMs} ms` : `over ${this.maxBytes} bytes`;
    const journal = byKind.journal > 0 ? ' (journal records among them: the centre misses alarm history until it is resent)' : '';
    const message = `uplink outbox ${this.file} dropped ${counts}: unacknowledged messages ${bound}${journal}`;
    this.onDrop(new HazgateError('HG_ERR_UPLINK_OUTBOX_FULL', message, { file: this.file, site: this.site, reason, dropped: byKind }));
  }

  private setMeta(key: string, value: number | string): void {
    this.sql.setMeta.run(key, value);
  }

  private messageOf(row: StoredRow): FeedMessage {
    // Our own rows: the body was written by insert() from a body of this kind.
    return { v: FEED_VERSION, id: feedMessageId(this.site, row.seq), site: this.site, seq: row.seq, kind: row.kind, time: row.time, body: JSON.parse(row.body) } as FeedMessage;
  }
}

function loadCounters(db: Database.Database, site: string): Counters {
  const meta = new Map(db.prepare<[], { key: string; value: number | string }>('SELECT key, value FROM meta').all().map((r) => [r.key, r.value]));
  const owner = meta.get('site');
  if (owner === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('site', ?)").run(site);
  else if (owner !== site) {
    throw new HazgateError('HG_ERR_UPLINK_OUTBOX', `uplink outbox of site "${String(owner)}" cannot be opened for site "${site}": its sequence numbers belong to that site`, { site, owner });
  }
  const num = (key: string): number => Number(meta.get(key) ?? 0);
  const totals = db.prepare<[], { n: number; b: number | null; last: number | null }>('SELECT COUNT(*) AS n, SUM(bytes) AS b, MAX(seq) AS last FROM outbox').get();
  const dropped = zeroByKind();
  for (const k of FEED_KINDS) dropped[k] = num(`dropped_${k}`);
  return {
    // MAX(seq) too: last_seq is written in the same transaction, this only guards a hand-edited meta.
    lastSeq: Math.max(num('last_seq'), totals?.last ?? 0),
    ackedSeq: num('acked_seq'),
    journalSeq: num('journal_seq'),
    journalHash: String(meta.get('journal_hash') ?? EMPTY_CHAIN.hash),
    depth: totals?.n ?? 0,
    bytes: totals?.b ?? 0,
    dropped,
  };
}
