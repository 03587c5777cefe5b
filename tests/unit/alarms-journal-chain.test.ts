import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteAlarmJournal, verifyJournalFile } from '../../src/alarms/index.js';
import type { AlarmTransition } from '../../src/core/index.js';
import { ROOT } from '../support/gateway-process.js';
import { SHOWN } from './alarms-fixtures.js';

/** The journal's hash chain: any edit, deletion, insertion or reordering is found and named. */

const T0 = Date.UTC(2026, 10, 28);
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function transition(i: number): AlarmTransition {
  return {
    ...SHOWN,
    eventId: `ev-${i}`, conditionId: 'gas/GT-101', ruleId: 'gas', ruleKind: 'threshold', siteId: 's', pointId: 'GT-101', from: 'normal',
    state: i % 2 === 0 ? 'active-unacked' : 'normal', reason: i % 2 === 0 ? 'activate' : 'return', active: i % 2 === 0, acked: false,
    level: 'AL1', priority: 2, severity: 800, value: 30 + i, time: T0 + i, rts: T0 + i, message: `GT-101 ${i}`,
  };
}

/** A journal of 10 records, closed; returns its file. */
function journalOf10(): string {
  dir = mkdtempSync(join(tmpdir(), 'hg-chain-'));
  const j = new SqliteAlarmJournal({ dir, synchronous: 'normal' });
  for (let i = 1; i <= 10; i++) j.append(transition(i));
  j.close();
  return j.file;
}

function tamper(file: string, sql: string): void {
  const db = new Database(file);
  db.exec(sql);
  db.close();
}

describe('journal hash chain', () => {
  it('verifies an intact journal, across reopening', () => {
    const file = journalOf10();
    const j = new SqliteAlarmJournal({ dir, synchronous: 'normal' });
    j.append(transition(11));
    j.close();
    expect(verifyJournalFile(file)).toMatchObject({ ok: true, records: 11, unchained: 0, head: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it.each([
    ['an edited record', `UPDATE alarm_transitions SET record = replace(record, '"value":34', '"value":3') WHERE seq = 4`, 4, 'does not match its hash'],
    ['an edited record whose hash was changed too', `UPDATE alarm_transitions SET record = replace(record, 'GT-101 5', 'GT-101 X'), hash = 'ab' WHERE seq = 5`, 5, 'does not match its hash'],
    ['a deleted record', 'DELETE FROM alarm_transitions WHERE seq = 6', 6, 'record 6 is missing'],
    ['deleted records at the end', 'DELETE FROM alarm_transitions WHERE seq >= 9', 9, 'records 9..10 are missing at the end'],
    ['an inserted record', `INSERT INTO alarm_transitions (seq, event_id, condition_id, point_id, rts, state, record, hash) SELECT 11, 'x', condition_id, point_id, rts, state, record, hash FROM alarm_transitions WHERE seq = 3`, 11, 'does not match its hash'],
  ])('finds %s', (_what, sql, seq, problem) => {
    const file = journalOf10();
    tamper(file, sql);
    const verdict = verifyJournalFile(file);
    expect(verdict).toMatchObject({ ok: false, seq });
    expect(verdict.ok ? '' : verdict.problem).toContain(problem);
  });

  it('chains a journal written before the chain from its next record on', () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-chain-'));
    const file = join(dir, 'journal.db');
    const old = new Database(file);
    old.exec(`CREATE TABLE alarm_transitions (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, condition_id TEXT NOT NULL,
      point_id TEXT, rts INTEGER NOT NULL, state TEXT NOT NULL, record TEXT NOT NULL)`);
    const insert = old.prepare('INSERT INTO alarm_transitions (event_id, condition_id, point_id, rts, state, record) VALUES (?, ?, ?, ?, ?, ?)');
    for (const i of [1, 2, 3]) insert.run(`ev-${i}`, 'gas/GT-101', 'GT-101', T0 + i, 'normal', JSON.stringify(transition(i)));
    old.close();
    const j = new SqliteAlarmJournal({ dir, synchronous: 'normal' });
    j.append(transition(4));
    j.append(transition(5));
    expect(j.loadRetained().map((t) => t.eventId)).toEqual([]);
    j.close();
    expect(verifyJournalFile(file)).toMatchObject({ ok: true, records: 5, unchained: 3 });
  });

  it('hazgate journal verify names the first broken record and exits 1; 0 when intact', () => {
    const file = journalOf10();
    const run = () => spawnSync(process.execPath, [`${ROOT}dist/src/main.js`, 'journal', 'verify', '--file', file], { encoding: 'utf8' });
    const ok = run();
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/ok, 10 records; head [0-9a-f]{64}/);
    tamper(file, 'DELETE FROM alarm_transitions WHERE seq = 2');
    const broken = run();
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('BROKEN at record 2: record 2 is missing (deleted?)');
  });
});
