import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteAlarmJournal } from '../../src/alarms/index.js';
import { chainHash, GENESIS, HazgateError, type AlarmTransition, type ChainRow, type JournalFeedSource, type SnapshotBody } from '../../src/core/index.js';
import { catchUpJournal, FillWatch, SqliteOutbox } from '../../src/uplink/index.js';
import { SHOWN } from './alarms-fixtures.js';

/** The feed's durable outbox: order, seqs, acks, bounds and the journal copy survive restarts. */

const T0 = Date.UTC(2026, 10, 28);
const SITE = 'site-1';
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hg-outbox-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const snapshot = (v: number): SnapshotBody => ({ values: [{ pointId: 'GT-101', value: v, quality: 'good', ts: T0, unit: '%LEL', codes: { enterpriseCode: 'E1' } }] });

/** Journal rows chained like the journal chains them. */
function rows(from: number, to: number, previous = GENESIS): ChainRow[] {
  const out: ChainRow[] = [];
  for (let seq = from; seq <= to; seq++) {
    const record = JSON.stringify({ eventId: `ev-${seq}`, conditionId: 'gas/GT-101' });
    previous = chainHash(previous, seq, record);
    out.push({ seq, record, hash: previous });
  }
  return out;
}

function transition(i: number): AlarmTransition {
  return {
    ...SHOWN,
    eventId: `ev-${i}`, conditionId: 'gas/GT-101', ruleId: 'gas', ruleKind: 'threshold', siteId: SITE, pointId: 'GT-101', from: 'normal',
    state: 'active-unacked', reason: 'activate', active: true, acked: false, level: 'AL1', priority: 2, severity: 800, value: 30 + i, time: T0 + i, rts: T0 + i,
    message: `GT-101 ${i}`, codes: { enterpriseCode: 'E1', hazardSourceCode: 'H1' },
  };
}

/** A JournalFeedSource over a journal file, as the journal will offer it. */
function journalSource(file: string): JournalFeedSource & { close(): void } {
  const db = new Database(file, { readonly: true });
  const stmt = db.prepare<[number, number], ChainRow>('SELECT seq, record, hash FROM alarm_transitions WHERE seq > ? ORDER BY seq LIMIT ?');
  return { rowsAfter: (after, limit) => stmt.all(after, limit), close: () => db.close() };
}

describe('SqliteOutbox', () => {
  it('keeps order, seqs and ids across close and reopen, and continues the sequence', () => {
    const a = new SqliteOutbox({ dir, site: SITE });
    a.append('snapshot', snapshot(1), T0);
    a.appendJournal(rows(1, 2), T0 + 1);
    a.appendHead(T0 + 2);
    a.close();
    const b = new SqliteOutbox({ dir, site: SITE });
    const pending = b.pending(100, 1e9);
    expect(pending.map((m) => [m.seq, m.id, m.kind])).toEqual([
      [1, 'site-1:1', 'snapshot'],
      [2, 'site-1:2', 'journal'],
      [3, 'site-1:3', 'journal'],
      [4, 'site-1:4', 'head'],
    ]);
    expect(pending[0]).toEqual({ v: 1, id: 'site-1:1', site: SITE, seq: 1, kind: 'snapshot', time: T0, body: snapshot(1) });
    expect(pending[3]?.body).toEqual({ seq: 2, hash: rows(1, 2)[1]?.hash });
    expect(b.append('snapshot', snapshot(2), T0 + 3).seq).toBe(5);
    expect(b.journalSeq()).toBe(2);
    b.close();
  });

  it('acknowledges idempotently and monotonically, deletes acked rows and never reuses a seq', () => {
    const o = new SqliteOutbox({ dir, site: SITE });
    for (let i = 1; i <= 5; i++) o.append('snapshot', snapshot(i), T0 + i);
    expect(o.ack(3)).toBe(3);
    expect(o.ack(3)).toBe(3);
    expect(o.ack(1)).toBe(3);
    expect(o.pending(10, 1e9).map((m) => m.seq)).toEqual([4, 5]);
    expect(o.ack(99)).toBe(5); // clamped: an ack of what was never given cannot swallow future messages
    expect(o.stats()).toMatchObject({ depth: 0, bytes: 0, oldestSeq: null, lastSeq: 5, ackedSeq: 5 });
    o.close();
    const again = new SqliteOutbox({ dir, site: SITE });
    expect(again.append('snapshot', snapshot(6), T0 + 6).seq).toBe(6);
    expect(again.stats().ackedSeq).toBe(5);
    again.close();
  });

  it('hands out batches by count and bytes, always at least one, and after a given seq', () => {
    const o = new SqliteOutbox({ dir, site: SITE });
    for (let i = 1; i <= 5; i++) o.append('snapshot', snapshot(i), T0 + i);
    const one = o.stats().bytes / 5;
    expect(o.pending(3, 1e9).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(o.pending(10, one * 2).map((m) => m.seq)).toEqual([1, 2]);
    expect(o.pending(10, 1).map((m) => m.seq)).toEqual([1]);
    expect(o.pending(10, 1e9, 3).map((m) => m.seq)).toEqual([4, 5]);
    o.ack(2);
    expect(o.batch(2, 1e9)).toMatchObject({ site: SITE, oldest: 3, messages: [{ seq: 3 }, { seq: 4 }] });
    o.close();
  });

  it('drops the oldest snapshots and status first at the size bound, journal records last, and counts them by kind', () => {
    const drops: HazgateError[] = [];
    const probe = new SqliteOutbox({ dir: join(dir, 'probe'), site: SITE });
    probe.appendJournal(rows(1, 1), T0);
    const journalBytes = probe.stats().bytes;
    probe.append('snapshot', snapshot(10), T0);
    const size = probe.stats().bytes - journalBytes;
    probe.close();
    // Room for the journal record and five snapshots.
    const maxBytes = journalBytes + size * 5;
    const o = new SqliteOutbox({ dir, site: SITE, maxBytes, onDrop: (e) => drops.push(e) });
    o.appendJournal(rows(1, 1), T0);
    for (let i = 10; i < 15; i++) o.append('snapshot', snapshot(i), T0 + i);
    expect(drops).toEqual([]);
    o.append('snapshot', snapshot(20), T0 + 20);
    o.append('snapshot', snapshot(21), T0 + 21);
    expect(drops.map((e) => e.code)).toEqual(['HG_ERR_UPLINK_OUTBOX_FULL', 'HG_ERR_UPLINK_OUTBOX_FULL']);
    expect(drops[0]?.details).toMatchObject({ reason: 'size', dropped: { snapshot: 1, journal: 0 } });
    const left = o.pending(100, 1e9);
    expect(left[0]?.kind).toBe('journal'); // older than every snapshot, kept
    expect(left.map((m) => m.seq)).toEqual([1, 4, 5, 6, 7, 8]);
    expect(o.stats().dropped).toEqual({ journal: 0, snapshot: 2, status: 0, head: 0 });
    o.close();
    // The counters are durable: the status message reports them after a restart.
    const again = new SqliteOutbox({ dir, site: SITE, maxBytes });
    expect(again.stats().dropped.snapshot).toBe(2);
    again.close();
  });

  it('drops journal records only when the other messages are not enough, and says so', () => {
    const drops: HazgateError[] = [];
    const o = new SqliteOutbox({ dir, site: SITE, maxBytes: 400, onDrop: (e) => drops.push(e) });
    o.appendJournal(rows(1, 10), T0);
    expect(o.stats().bytes).toBeLessThanOrEqual(400);
    expect(o.stats().dropped.journal).toBeGreaterThan(0);
    expect(drops.at(-1)?.message).toContain('journal records among them');
    expect(o.pending(100, 1e9).at(-1)?.seq).toBe(10); // the newest stays
    o.close();
  });

  it('drops everything older than maxAgeMs, on append or on trim, and reports its fill', () => {
    const o = new SqliteOutbox({ dir, site: SITE, maxAgeMs: 1000, maxBytes: 1e9 });
    o.append('snapshot', snapshot(1), T0);
    o.appendJournal(rows(1, 1), T0 + 100);
    expect(o.fill(T0 + 500)).toBeCloseTo(0.5);
    expect(o.fill(T0 + 900)).toBeCloseTo(0.9);
    o.append('status', { version: 'v', startedAt: T0, adapters: [], outbox: { depth: 0, oldestAgeMs: 0, dropped: { journal: 0, snapshot: 0, status: 0, head: 0 } } }, T0 + 1050);
    expect(o.pending(10, 1e9).map((m) => m.kind)).toEqual(['journal', 'status']);
    o.trim(T0 + 1200);
    expect(o.pending(10, 1e9).map((m) => m.kind)).toEqual(['status']);
    expect(o.stats().dropped).toEqual({ journal: 1, snapshot: 1, status: 0, head: 0 });
    o.close();
  });

  it('warns once per crossing of 50 %, 80 % and the bound', () => {
    const w = new FillWatch();
    expect([0.1, 0.49, 0.5, 0.6, 0.81, 0.85, 1, 0.3, 0.2].map((f) => w.update(f)).filter((c) => c !== null).map((c) => [c.from, c.to])).toEqual([
      [0, 50],
      [50, 80],
      [80, 100],
      [100, 0],
    ]);
  });

  it('refuses journal and head kinds through append, and a db made for another site', () => {
    const o = new SqliteOutbox({ dir, site: SITE });
    // @ts-expect-error journal records go through appendJournal
    expect(() => o.append('journal', { seq: 1, record: '{}', hash: null }, T0)).toThrow(HazgateError);
    o.close();
    expect(() => new SqliteOutbox({ dir, site: 'other' })).toThrow(/site "site-1"/);
  });
});

describe('journal copy', () => {
  it('copies each journal row once, in one transaction with the journal seq', () => {
    const o = new SqliteOutbox({ dir, site: SITE });
    const r = rows(1, 3);
    expect(o.appendJournal(r.slice(0, 2), T0)).toHaveLength(2);
    expect(o.appendJournal(r, T0)).toHaveLength(1); // 1 and 2 are there already
    expect(o.journalHead()).toEqual({ seq: 3, hash: r[2]?.hash });
    o.close();
  });

  it('repairs a crash between the journal commit and the outbox copy at start', () => {
    const journalDir = join(dir, 'journal');
    const journal = new SqliteAlarmJournal({ dir: journalDir, synchronous: 'normal' });
    const outbox = new SqliteOutbox({ dir, site: SITE });
    for (let i = 1; i <= 3; i++) journal.append(transition(i));
    let source = journalSource(journal.file);
    expect(catchUpJournal(outbox, source, T0)).toBe(3);
    source.close();
    // The process dies after the journal committed 4..6 and before the outbox copied them.
    for (let i = 4; i <= 6; i++) journal.append(transition(i));
    outbox.close();
    journal.close();

    const reopened = new SqliteOutbox({ dir, site: SITE });
    expect(reopened.journalSeq()).toBe(3);
    source = journalSource(join(journalDir, 'journal.db'));
    expect(catchUpJournal(reopened, source, T0 + 10, 2)).toBe(3); // in batches of 2
    expect(catchUpJournal(reopened, source, T0 + 11)).toBe(0);
    const copied = reopened.pending(100, 1e9).filter((m) => m.kind === 'journal').map((m) => m.body);
    expect(copied.map((b) => ('seq' in b ? b.seq : 0))).toEqual([1, 2, 3, 4, 5, 6]);
    // Exactly the journal's rows: the centre re-hashes them.
    expect(copied).toEqual(source.rowsAfter(0, 100).map((row) => ({ ...row })));
    source.close();
    reopened.close();
  });
});
