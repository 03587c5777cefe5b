import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHazgateError, type AlarmState, type AlarmTransition } from '../../src/core/index.js';
import { SqliteAlarmJournal } from '../../src/alarms/index.js';
import { T0, SHOWN } from './alarms-fixtures.js';

let dir: string;
let open: SqliteAlarmJournal[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hazgate-journal-'));
  open = [];
});

afterEach(() => {
  for (const j of open) j.close();
  rmSync(dir, { recursive: true, force: true });
});

function journal(sub = ''): SqliteAlarmJournal {
  const j = new SqliteAlarmJournal({ dir: join(dir, sub) });
  open.push(j);
  return j;
}

let seq = 0;
function transition(conditionPoint: string, state: AlarmState, rts: number, extra: Partial<AlarmTransition> = {}): AlarmTransition {
  const active = state === 'active-unacked' || state === 'active-acked';
  return {
    ...SHOWN,
    eventId: `ev-${++seq}`, conditionId: `gas/${conditionPoint}`, ruleId: 'gas', ruleKind: 'threshold', siteId: 'site-1',
    pointId: conditionPoint, from: 'normal', state, reason: 'activate', active, acked: state === 'active-acked',
    level: 'HH', priority: 2, severity: 800, value: 62.5, time: rts - 10, rts, message: `${conditionPoint} HH`, ...extra,
  };
}

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    return isHazgateError(e) ? { code: e.code, message: e.message } : { code: 'uncoded', message: String(e) };
  }
  return { code: 'none', message: '' };
}

describe('SqliteAlarmJournal', () => {
  it('round-trips every field, newest first', () => {
    const j = journal();
    const a = transition('A', 'active-unacked', T0 + 1, { zoneId: 'Z1' });
    const b = transition('A', 'active-acked', T0 + 2, { reason: 'acknowledge', user: 'alice', comment: 'ok', value: true });
    j.append(a);
    j.append(b);
    expect(j.recent({ limit: 10 })).toEqual([b, a]);
  });

  it('loads the retained conditions after closing and reopening the file', () => {
    const j = journal();
    const rows = [
      transition('A', 'active-unacked', T0 + 1),
      transition('A', 'normal', T0 + 2, { reason: 'return' }), // A is over
      transition('B', 'active-unacked', T0 + 3),
      transition('B', 'active-acked', T0 + 4, { reason: 'acknowledge', user: 'bob' }), // B retained, acked
      transition('C', 'active-unacked', T0 + 5),
      transition('C', 'returned-unacked', T0 + 6, { reason: 'return' }), // C retained
      transition('D', 'active-unacked', T0 + 7), // D retained
    ];
    for (const t of rows) j.append(t);
    j.close();
    expect(journal().loadRetained()).toEqual([rows[3], rows[5], rows[6]]);
  });

  it('filters recent by condition, point and since, with a limit', () => {
    const j = journal();
    const rows = [
      transition('A', 'active-unacked', T0 + 100),
      transition('B', 'active-unacked', T0 + 200),
      transition('A', 'returned-unacked', T0 + 300),
      transition('A', 'normal', T0 + 400, { pointId: null }),
    ];
    for (const t of rows) j.append(t);
    const events = (ts: AlarmTransition[]): string[] => ts.map((t) => t.eventId);
    const [e1, e2, e3, e4] = events(rows);
    expect(events(j.recent({ limit: 2 }))).toEqual([e4, e3]);
    expect(events(j.recent({ limit: 10, conditionId: 'gas/A' }))).toEqual([e4, e3, e1]);
    expect(events(j.recent({ limit: 10, pointId: 'A' }))).toEqual([e3, e1]);
    expect(events(j.recent({ limit: 10, since: T0 + 200 }))).toEqual([e4, e3, e2]);
    expect(events(j.recent({ limit: 10, conditionId: 'gas/A', since: T0 + 200 }))).toEqual([e4, e3]);
    expect(events(j.recent({ limit: 10, conditionId: 'gas/B', pointId: 'A' }))).toEqual([]);
  });

  it('refuses a duplicate eventId with HG_ERR_JOURNAL_WRITE', () => {
    const j = journal();
    const t = transition('A', 'active-unacked', T0);
    j.append(t);
    expect(codeOf(() => j.append(t)).code).toBe('HG_ERR_JOURNAL_WRITE');
    expect(j.recent({ limit: 10 })).toHaveLength(1);
  });

  it('creates journal.db in WAL mode, with the table and indexes', () => {
    journal('nested/dir');
    const db = new Database(join(dir, 'nested/dir', 'journal.db'), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const names = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE tbl_name = 'alarm_transitions' ORDER BY name").all();
      expect(names.map((r) => r.name)).toEqual(
        expect.arrayContaining(['alarm_transitions', 'alarm_transitions_condition', 'alarm_transitions_rts']),
      );
    } finally {
      db.close();
    }
  });

  it('works with synchronous normal too', () => {
    const j = new SqliteAlarmJournal({ dir, synchronous: 'normal' });
    open.push(j);
    j.append(transition('A', 'active-unacked', T0));
    expect(j.loadRetained()).toHaveLength(1);
  });

  it('throws HG_ERR_STORE_OPEN naming the file when it is not a database', () => {
    const file = join(dir, 'journal.db');
    writeFileSync(file, 'this is not an SQLite database, just some text '.repeat(100));
    const { code, message } = codeOf(() => journal());
    expect(code).toBe('HG_ERR_STORE_OPEN');
    expect(message).toContain(file);
  });

  it('throws HG_ERR_STORE_OPEN when the folder cannot be created', () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const { code, message } = codeOf(() => journal('a-file'));
    expect(code).toBe('HG_ERR_STORE_OPEN');
    expect(message).toContain(join(blocker, 'journal.db'));
  });

  it('closes twice without complaint', () => {
    const j = journal();
    j.close();
    expect(() => j.close()).not.toThrow();
  });
});
