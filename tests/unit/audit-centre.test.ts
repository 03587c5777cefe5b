import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditRecordOf, SqliteAlarmJournal } from '../../src/alarms/index.js';
import { silentLogger, type AlarmTransition, type FeedBatch } from '../../src/core/index.js';
import { catchUpJournal, CentreFeed, CentreSiteState, kjBatchesOf, readJournalFacts, SqliteCentreStore, SqliteOutbox } from '../../src/uplink/index.js';
import { SHOWN } from './alarms-fixtures.js';

/**
 * Audit records travel the provincial feed as journal messages (the centre needs every record to
 * check the chain), and the centre keeps and verifies them without ever taking one for an alarm.
 */

const T0 = Date.UTC(2026, 10, 28);
const SITE = 'plant-1';
let dir = '';
const open: { close(): void }[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hg-audit-centre-'));
});

afterEach(() => {
  for (const o of open.splice(0).reverse()) o.close();
  rmSync(dir, { recursive: true, force: true });
});

function transition(i: number, conditionId: string, state: 'active-unacked' | 'normal'): AlarmTransition {
  const active = state !== 'normal';
  return {
    ...SHOWN,
    eventId: `ev-${i}`, conditionId, ruleId: 'gas', ruleKind: 'threshold', siteId: SITE, pointId: conditionId.split('/')[1] ?? null, from: 'normal',
    state, reason: active ? 'activate' : 'return', active, acked: false, level: 'AL1', priority: 1, severity: 1000, value: 30,
    time: T0 + i, rts: T0 + i, message: `${conditionId} ${state}`,
  };
}

/** A gateway's journal with audit records between transitions, copied into its outbox: the feed batch it sends. */
function gatewayBatch(): FeedBatch {
  const journal = new SqliteAlarmJournal({ dir: join(dir, 'gw'), synchronous: 'normal' });
  const outbox = new SqliteOutbox({ dir: join(dir, 'gw', 'uplink'), site: SITE, synchronous: 'normal' });
  open.push(journal, outbox);
  const stamp = (i: number) => ({ eventId: `au-${i}`, rts: T0 + i, siteId: SITE });
  journal.appendAudit(auditRecordOf({ kind: 'login', user: 'wang', address: '10.0.0.7', time: T0 + 1, message: 'login from 10.0.0.7 (password)' }, stamp(1)));
  journal.append(transition(2, 'gas/GT-1', 'active-unacked'));
  journal.appendAudit(auditRecordOf({ kind: 'login-failed', user: 'li', address: '10.0.0.8', time: T0 + 3, message: 'login refused: wrong password' }, stamp(3)));
  journal.appendAudit(auditRecordOf({ kind: 'config', user: 'admin', address: null, time: T0 + 4, message: 'site file changed', details: { sha256: 'ab' } }, stamp(4)));
  journal.append(transition(5, 'gas/GT-2', 'active-unacked'));
  catchUpJournal(outbox, journal, T0 + 10);
  outbox.appendHead(T0 + 10);
  return outbox.batch(1000, 64 * 1024 * 1024);
}

function centreStore(): SqliteCentreStore {
  const s = new SqliteCentreStore({ dir: join(dir, 'centre'), synchronous: 'normal' });
  open.push(s);
  return s;
}

const feedOf = (s: SqliteCentreStore) => new CentreFeed({ store: s, keys: new Map([[SITE, 'k'.repeat(32)]]), acceptUnknownSites: false, now: () => T0 + 1000, logger: silentLogger });

describe('audit records at the centre', () => {
  it('CentreSiteState: the chain checks through them, head included', () => {
    const batch = gatewayBatch();
    expect(batch.messages.map((m) => m.kind)).toEqual(['journal', 'journal', 'journal', 'journal', 'journal', 'head']);
    const state = new CentreSiteState(SITE);
    expect(state.applyBatch(batch).tampered).toEqual([]);
    expect(state.report().journal).toMatchObject({ segments: [[1, 5]], tampered: [], partial: false, head: { seq: 5, verdict: 'ok' } });
    expect(batch.messages.flatMap((m) => (m.kind === 'journal' ? [readJournalFacts(m.body.record)?.conditionId ?? null] : []))).toEqual([null, 'gas/GT-1', null, null, 'gas/GT-2']);
  });

  it('the centre store keeps them, verifiable, retrievable, never as alarms or alarm history', () => {
    const s = centreStore();
    const seen: number[] = [];
    const withEvents = new CentreFeed({ store: s, keys: new Map([[SITE, 'k'.repeat(32)]]), acceptUnknownSites: false, now: () => T0 + 1000, logger: silentLogger, events: { onRecord: (r) => seen.push(r.journalSeq) } });
    expect(withEvents.receiveFromTopic(SITE, Buffer.from(JSON.stringify(gatewayBatch())))).toMatchObject({ upto: 6 });
    const summary = s.read.sites(SITE)[0]?.summary;
    expect(summary?.chain).toMatchObject({ verdict: 'ok', records: 5, tamperedCount: 0, head: { seq: 5, verdict: 'ok' } });
    expect(s.read.alarms().map((a) => a['conditionId'])).toEqual(['gas/GT-2', 'gas/GT-1']);
    expect(s.read.sites(SITE)[0]?.alarms.total).toBe(2);
    expect(s.read.history({ site: SITE, limit: 100 }).map((h) => h.journalSeq)).toEqual([5, 2]);
    expect(s.read.history({ limit: 100 }).map((h) => h.journalSeq)).toEqual([5, 2]);
    // Only transitions go to the live feed (WebSocket `transition`).
    expect(seen).toEqual([2, 5]);
    const audit = s.read.audit({ site: SITE, limit: 100 });
    expect(audit.map((a) => [a.journalSeq, a['kind'], a['user']])).toEqual([[4, 'config', 'admin'], [3, 'login-failed', 'li'], [1, 'login', 'wang']]);
    expect(audit[0]).toMatchObject({ site: SITE, type: 'audit', chainHash: expect.stringMatching(/^[0-9a-f]{64}$/), details: { sha256: 'ab' } });
    expect(s.read.audit({ limit: 100, kind: 'login-failed' }).map((a) => a.journalSeq)).toEqual([3]);
    expect(s.read.audit({ limit: 100, since: T0 + 2 }).map((a) => a.journalSeq)).toEqual([4, 3]);
  });

  it('a restarted centre rebuilds the chain from the stored records, audit ones included', () => {
    const s = centreStore();
    feedOf(s).receiveFromTopic(SITE, Buffer.from(JSON.stringify(gatewayBatch())));
    const state = new CentreSiteState(SITE);
    for (const m of s.replay(SITE)) state.apply(m);
    expect(state.report().journal).toMatchObject({ segments: [[1, 5]], tampered: [], head: { seq: 5, verdict: 'ok' } });
  });

  it('an edited audit record is named by the chain check and kept as evidence', () => {
    const batch = gatewayBatch();
    const messages = batch.messages.map((m) => (m.kind === 'journal' && m.body.seq === 3 ? { ...m, body: { ...m.body, record: m.body.record.replace('"li"', '"zhao"') } } : m));
    const s = centreStore();
    feedOf(s).receiveFromTopic(SITE, Buffer.from(JSON.stringify({ ...batch, messages })));
    expect(s.read.sites(SITE)[0]?.summary?.chain).toMatchObject({ verdict: 'tampered', tampered: [{ seq: 3, problem: 'hash-mismatch' }] });
    expect(s.read.audit({ site: SITE, limit: 10, kind: 'login-failed' })).toMatchObject([{ journalSeq: 3, user: 'zhao' }]);
    expect(s.read.alarms()).toHaveLength(2);
  });

  it('files the audit records an older centre stored (before the audit_kind column) when it opens', () => {
    const s = centreStore();
    feedOf(s).receiveFromTopic(SITE, Buffer.from(JSON.stringify(gatewayBatch())));
    s.close();
    const db = new Database(join(dir, 'centre', 'centre.db'));
    // As an older centre left it: no column, audit records stored as unreadable transitions (condition_id null).
    db.exec('DROP INDEX journal_audit; ALTER TABLE journal DROP COLUMN audit_kind');
    db.close();
    const again = centreStore();
    expect(again.read.audit({ site: SITE, limit: 10 }).map((a) => [a.journalSeq, a['kind']])).toEqual([[4, 'config'], [3, 'login-failed'], [1, 'login']]);
    expect(again.read.history({ site: SITE, limit: 10 }).map((h) => h.journalSeq)).toEqual([5, 2]);
  });

  it('the KJ exporter leaves them out of its alarm tables', () => {
    const batch = gatewayBatch();
    const [alarmBatch, ...rest] = kjBatchesOf(batch.messages);
    expect(rest).toEqual([]);
    expect(alarmBatch).toContain('GT-1');
    expect(alarmBatch).not.toContain('wang');
    expect(alarmBatch).not.toContain('login');
  });
});
