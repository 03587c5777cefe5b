import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditRecordOf, readAuditFile, SqliteAlarmJournal, verifyJournalFile } from '../../src/alarms/index.js';
import { parseCli } from '../../src/cli/args.js';
import { runJournalAudit } from '../../src/cli/journal.js';
import type { AuditEvent, AuditRecord } from '../../src/core/audit.js';
import type { AlarmTransition } from '../../src/core/index.js';
import { SHOWN } from './alarms-fixtures.js';

/**
 * Audit records in the alarm journal (issue #11 item 5): rows of the same hash chain, verified
 * with it, invisible to the alarm queries (retained, recent), read back by recentAudit and
 * `hazgate journal audit`.
 */

const T0 = Date.UTC(2026, 10, 28);
let dir = '';
const open: SqliteAlarmJournal[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hg-audit-'));
});

afterEach(() => {
  for (const j of open.splice(0)) j.close();
  rmSync(dir, { recursive: true, force: true });
});

function journal(): SqliteAlarmJournal {
  const j = new SqliteAlarmJournal({ dir, synchronous: 'normal' });
  open.push(j);
  return j;
}

function transition(i: number, state: 'active-unacked' | 'normal'): AlarmTransition {
  const active = state !== 'normal';
  return {
    ...SHOWN,
    eventId: `ev-${i}`, conditionId: 'gas/GT-101', ruleId: 'gas', ruleKind: 'threshold', siteId: 's', pointId: 'GT-101', from: 'normal',
    state, reason: active ? 'activate' : 'return', active, acked: false, level: 'AL1', priority: 2, severity: 800, value: 30 + i,
    time: T0 + i, rts: T0 + i, message: `GT-101 ${i}`,
  };
}

function audit(i: number, e: Partial<AuditEvent> = {}): AuditRecord {
  const event: AuditEvent = { kind: 'login', user: 'wang', address: '10.0.0.7', time: T0 + i, message: 'login from 10.0.0.7 (password)', ...e };
  return auditRecordOf(event, { eventId: `au-${i}`, rts: T0 + i, siteId: 's' });
}

/** seq 1 alarm, 2 login, 3 failed login, 4 alarm return, 5 config, 6 alarm: audit rows between transitions. */
function mixed(j: SqliteAlarmJournal): void {
  j.append(transition(1, 'active-unacked'));
  j.appendAudit(audit(2));
  j.appendAudit(audit(3, { kind: 'login-failed', user: 'li', message: 'login refused: wrong password', details: { method: 'password' } }));
  j.append(transition(4, 'normal'));
  j.appendAudit(audit(5, { kind: 'config', details: { file: 'site.yaml', sha256: 'ab' } }));
  j.append({ ...transition(6, 'active-unacked'), eventId: 'ev-6', conditionId: 'gas/GT-102', pointId: 'GT-102' });
}

function tamper(sql: string): void {
  const db = new Database(join(dir, 'journal.db'));
  db.exec(sql);
  db.close();
}

describe('audit records in the journal', () => {
  it('chains them with the transitions: verify is ok and counts them', () => {
    const j = journal();
    mixed(j);
    expect(j.verify()).toMatchObject({ ok: true, records: 6, audit: 3, unchained: 0 });
    expect(j.rowsAfter(0, 100).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(JSON.parse(j.rowsAfter(1, 1)[0]?.record ?? '')).toEqual({
      type: 'audit', eventId: 'au-2', kind: 'login', siteId: 's', user: 'wang', address: '10.0.0.7', time: T0 + 2, rts: T0 + 2, message: 'login from 10.0.0.7 (password)',
    });
    j.close();
    expect(verifyJournalFile(j.file)).toMatchObject({ ok: true, records: 6, audit: 3 });
  });

  it('keeps them out of the alarm queries: retained and recent see transitions only', () => {
    const j = journal();
    mixed(j);
    expect(j.loadRetained().map((t) => t.eventId)).toEqual(['ev-6']);
    expect(j.recent({ limit: 10 }).map((t) => t.eventId)).toEqual(['ev-6', 'ev-4', 'ev-1']);
    expect(j.recent({ limit: 2, since: T0 + 2 }).map((t) => t.eventId)).toEqual(['ev-6', 'ev-4']);
    expect(j.recent({ limit: 10, conditionId: 'audit:login' })).toEqual([]);
  });

  it('survives a restart: the chain goes on from the last row, whichever kind it was', () => {
    const j = journal();
    mixed(j);
    j.appendAudit(audit(7, { kind: 'stop', user: null, address: null, message: 'gateway stopping' }));
    j.close();
    const again = journal();
    expect(again.loadRetained().map((t) => t.eventId)).toEqual(['ev-6']);
    again.appendAudit(audit(8, { kind: 'start', user: null, address: null, message: 'gateway started' }));
    again.append(transition(9, 'normal'));
    expect(again.verify()).toMatchObject({ ok: true, records: 9, audit: 5 });
    expect(again.recentAudit({ limit: 2 }).map((a) => [a.seq, a.kind])).toEqual([[8, 'start'], [7, 'stop']]);
  });

  it('reads them back newest first, by kind, user, since and limit', () => {
    const j = journal();
    mixed(j);
    expect(j.recentAudit({ limit: 10 }).map((a) => a.seq)).toEqual([5, 3, 2]);
    expect(j.recentAudit({ limit: 1 }).map((a) => a.seq)).toEqual([5]);
    expect(j.recentAudit({ limit: 10, kind: 'login-failed' })).toMatchObject([{ seq: 3, user: 'li', details: { method: 'password' } }]);
    expect(j.recentAudit({ limit: 10, user: 'wang' }).map((a) => a.seq)).toEqual([5, 2]);
    expect(j.recentAudit({ limit: 10, since: T0 + 3 }).map((a) => a.seq)).toEqual([5, 3]);
    expect(j.recentAudit({ limit: 10, kind: 'logout' })).toEqual([]);
  });

  it.each([
    ['an edited audit record', `UPDATE alarm_transitions SET record = replace(record, '"user":"li"', '"user":"zhao"') WHERE seq = 3`, 3, 'does not match its hash'],
    ['a deleted audit record', 'DELETE FROM alarm_transitions WHERE seq = 3', 3, 'record 3 is missing'],
    ['a deleted audit record at the end', 'DELETE FROM alarm_transitions WHERE seq = 6; DELETE FROM alarm_transitions WHERE seq = 5', 5, 'records 5..6 are missing at the end'],
    ['an audit record hidden as an alarm row', `UPDATE alarm_transitions SET state = 'normal' WHERE seq = 3`, 3, 'is an audit record (login-failed) filed as state "normal"'],
    ['an audit record filed under another kind', `UPDATE alarm_transitions SET condition_id = 'audit:login' WHERE seq = 3`, 3, 'condition "audit:login"'],
    ['an alarm row hidden as an audit row', `UPDATE alarm_transitions SET state = 'audit' WHERE seq = 4`, 4, 'is an alarm transition filed as an audit record'],
  ])('finds %s and names its seq', (_what, sql, seq, problem) => {
    const j = journal();
    mixed(j);
    j.close();
    tamper(sql);
    const verdict = verifyJournalFile(j.file);
    expect(verdict).toMatchObject({ ok: false, seq });
    expect(verdict.ok ? '' : verdict.problem).toContain(problem);
  });

  it('leaves a journal without audit records as it was (verify counts none; the index is added at open)', () => {
    const j = journal();
    j.append(transition(1, 'active-unacked'));
    j.close();
    const db = new Database(j.file);
    db.exec('DROP INDEX alarm_transitions_audit');
    db.close();
    expect(verifyJournalFile(j.file)).toMatchObject({ ok: true, records: 1, audit: 0 });
    expect(readAuditFile(j.file, { limit: 10 })).toEqual([]);
    const again = journal();
    expect(again.loadRetained().map((t) => t.eventId)).toEqual(['ev-1']);
    const check = new Database(j.file, { readonly: true });
    const plan = check.prepare<[], { detail: string }>("EXPLAIN QUERY PLAN SELECT seq, record FROM alarm_transitions WHERE state = 'audit' ORDER BY seq DESC LIMIT 10").all();
    check.close();
    expect(plan.map((p) => p.detail).join('; ')).toContain('alarm_transitions_audit');
  });
});

describe('hazgate journal audit', () => {
  it('parses its filters and refuses bad ones (exit 2)', () => {
    expect(parseCli(['journal', 'audit', '--file', 'j.db', '--since', '24h', '--limit', '5', '--kind', 'login-failed', '--user', 'li'], {})).toMatchObject({
      command: 'journal', journalFile: 'j.db', journalAudit: { since: '24h', limit: 5, kind: 'login-failed', user: 'li' },
    });
    expect(parseCli(['journal', 'audit', '-c', 'site.yaml'], {})).toMatchObject({ config: 'site.yaml', journalAudit: { limit: 100 } });
    expect(parseCli(['journal', 'verify', '--file', 'j.db'], {}).journalAudit).toBeUndefined();
    for (const bad of [['--limit', '0'], ['--limit', 'x'], ['--since', 'yesterday'], ['--since', '2026-11-28'], ['--kind', 'hack']]) {
      expect(() => parseCli(['journal', 'audit', '--file', 'j.db', ...bad], {}), bad.join(' ')).toThrow(/HG_ERR_CLI_USAGE|must be/);
    }
    expect(() => parseCli(['journal', 'verify', '--file', 'j.db', '--since', '1h'], {})).toThrow('journal verify takes no --since');
    expect(() => parseCli(['journal', 'audit'], {})).toThrow('journal audit needs --config FILE or --file JOURNAL.db');
  });

  it('prints the newest records as JSON lines, oldest first, each with its journal seq', () => {
    const j = journal();
    mixed(j);
    j.close();
    const lines: string[] = [];
    expect(runJournalAudit(j.file, { limit: 2 }, T0 + 100, (l) => lines.push(l))).toBe(0);
    expect(lines.map((l) => JSON.parse(l) as { seq: number; kind: string })).toMatchObject([{ seq: 3, kind: 'login-failed' }, { seq: 5, kind: 'config' }]);
    expect(lines[0]).toMatch(/^\{"seq":3,"type":"audit","eventId":"au-3",/);
    lines.length = 0;
    expect(runJournalAudit(j.file, { limit: 100, since: '97ms', kind: 'login' }, T0 + 100, (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual([]);
    expect(runJournalAudit(j.file, { limit: 100, since: '98ms', kind: 'login' }, T0 + 100, (l) => lines.push(l))).toBe(0);
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([2]);
    expect(runJournalAudit(join(dir, 'none.db'), { limit: 1 }, T0, () => undefined)).toBe(1);
  });
});
