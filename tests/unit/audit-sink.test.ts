import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_LIMITS, auditRecordOf, JournalAuditSink, SqliteAlarmJournal, type ScheduleRetry } from '../../src/alarms/index.js';
import { journalAuditSink } from '../../src/app/audit-wiring.js';
import { readAuditRecord, type AuditEvent, type AuditRecord } from '../../src/core/audit.js';
import { HazgateError, type Logger } from '../../src/core/index.js';

/** The gateway's AuditSink: never throws into a request, keeps order, retries a failed journal, bounds what it waits for. */

const T0 = Date.UTC(2026, 10, 28);

interface Logged {
  readonly level: string;
  readonly obj: Record<string, unknown>;
  readonly msg: string | undefined;
}

function recordingLogger(into: Logged[]): Logger {
  const at = (level: string) => (obj: object, msg?: string) => void into.push({ level, obj: obj as Record<string, unknown>, msg });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

/** A journal that fails while `down` (as SQLite does on a full disk), with the cause code given. */
class FlakyJournal {
  down = false;
  causeCode = 'SQLITE_FULL';
  readonly written: AuditRecord[] = [];
  appendAudit(r: AuditRecord): void {
    if (this.down) {
      const cause = Object.assign(new Error('database or disk is full'), { code: this.causeCode });
      throw new HazgateError('HG_ERR_JOURNAL_WRITE', `audit record ${r.eventId} could not be written`, {}, cause);
    }
    this.written.push(r);
  }
}

/** Fake time for the retry timer: run() fires what is due. */
class FakeTimers {
  readonly due: (() => void)[] = [];
  readonly schedule: ScheduleRetry = (callback) => {
    this.due.push(callback);
    return () => {
      const i = this.due.indexOf(callback);
      if (i >= 0) this.due.splice(i, 1);
    };
  };
  run(): void {
    for (const cb of this.due.splice(0)) cb();
  }
}

const login = (user: string, i = 0): AuditEvent => ({ kind: 'login-failed', user, address: '10.0.0.9', time: T0 + i, message: `login refused for ${user}` });

function sinkOver(journal: FlakyJournal, extra: { maxPending?: number; log?: Logged[]; onJournaled?: (rts: number) => void } = {}) {
  const timers = new FakeTimers();
  let id = 0;
  const sink = new JournalAuditSink({
    journal,
    logger: recordingLogger(extra.log ?? []),
    clock: { now: () => T0 + 1000 },
    newEventId: () => `au-${++id}`,
    schedule: timers.schedule,
    siteId: 'plant-1',
    onJournaled: extra.onJournaled,
    ...(extra.maxPending === undefined ? {} : { maxPending: extra.maxPending }),
  });
  return { sink, timers };
}

let dir = '';
afterEach(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('JournalAuditSink', () => {
  it('journals each event at once, stamped with an event id, journal time and the site', () => {
    const journal = new FlakyJournal();
    const rts: number[] = [];
    const { sink } = sinkOver(journal, { onJournaled: (t) => rts.push(t) });
    sink.record(login('li', 1));
    expect(journal.written).toEqual([
      { type: 'audit', eventId: 'au-1', kind: 'login-failed', siteId: 'plant-1', user: 'li', address: '10.0.0.9', time: T0 + 1, rts: T0 + 1000, message: 'login refused for li' },
    ]);
    expect(rts).toEqual([T0 + 1000]);
    expect(sink.stats).toEqual({ recorded: 1, failures: 0, dropped: 0, pending: 0 });
  });

  it('never throws while the journal fails; keeps the records in order and writes them when it is back', () => {
    const journal = new FlakyJournal();
    const log: Logged[] = [];
    const { sink, timers } = sinkOver(journal, { log });
    journal.down = true;
    for (const u of ['a', 'b', 'c']) expect(() => sink.record(login(u))).not.toThrow();
    expect(journal.written).toEqual([]);
    expect(sink.stats).toMatchObject({ recorded: 0, failures: 3, pending: 3, dropped: 0 });
    // Logged with its code at the 1st failure (then the 10th, 100th…), not once per event.
    expect(log.filter((l) => l.obj['code'] === 'HG_ERR_JOURNAL_WRITE')).toHaveLength(1);
    expect(timers.due).toHaveLength(1);
    timers.run(); // still down: retried again later
    expect(timers.due).toHaveLength(1);
    journal.down = false;
    timers.run();
    expect(journal.written.map((r) => r.user)).toEqual(['a', 'b', 'c']);
    expect(sink.stats).toMatchObject({ recorded: 3, pending: 0 });
    expect(timers.due).toEqual([]);
    expect(log.at(-1)).toMatchObject({ level: 'info', msg: 'audit records are written to the journal again' });
  });

  it('writes waiting records before a new one, so the journal keeps the order they happened in', () => {
    const journal = new FlakyJournal();
    const { sink } = sinkOver(journal);
    journal.down = true;
    sink.record(login('first'));
    journal.down = false;
    sink.record(login('second'));
    expect(journal.written.map((r) => r.user)).toEqual(['first', 'second']);
  });

  it('bounds the waiting records: the oldest is dropped, counted and logged whole', () => {
    const journal = new FlakyJournal();
    const log: Logged[] = [];
    const { sink } = sinkOver(journal, { maxPending: 2, log });
    journal.down = true;
    for (const u of ['a', 'b', 'c', 'd']) sink.record(login(u));
    expect(sink.stats).toMatchObject({ pending: 2, dropped: 2 });
    const dropped = log.filter((l) => l.obj['audit'] !== undefined).map((l) => (l.obj['audit'] as AuditRecord).user);
    expect(dropped).toEqual(['a', 'b']);
    journal.down = false;
    sink.flush();
    expect(journal.written.map((r) => r.user)).toEqual(['c', 'd']);
  });

  it('gives up a record the database refuses for good (a constraint) instead of blocking the ones behind it', () => {
    const journal = new FlakyJournal();
    const log: Logged[] = [];
    const { sink } = sinkOver(journal, { log });
    journal.down = true;
    journal.causeCode = 'SQLITE_CONSTRAINT_UNIQUE';
    sink.record(login('dup'));
    expect(sink.stats).toMatchObject({ pending: 0, dropped: 1 });
    expect(log[0]?.obj).toMatchObject({ code: 'HG_ERR_JOURNAL_WRITE', audit: { user: 'dup' } });
  });

  it('at close makes a last attempt and logs whole what it could not write; later events are not lost silently', () => {
    const journal = new FlakyJournal();
    const log: Logged[] = [];
    const { sink, timers } = sinkOver(journal, { log });
    journal.down = true;
    sink.record(login('a'));
    sink.close();
    expect(timers.due).toEqual([]);
    sink.record(login('late'));
    expect(log.filter((l) => l.obj['audit'] !== undefined).map((l) => (l.obj['audit'] as AuditRecord).user)).toEqual(['a', 'late']);
    expect(sink.stats).toMatchObject({ pending: 0, dropped: 2 });
  });

  it('over the real journal: journalAuditSink writes into the chain; a closed journal does not throw into the caller', () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-audit-sink-'));
    const j = new SqliteAlarmJournal({ dir, synchronous: 'normal' });
    const sink = journalAuditSink(j, recordingLogger([]), { siteId: 'plant-1', clock: { now: () => T0 } });
    sink.record({ kind: 'login', user: 'wang', address: '10.0.0.7', time: T0, message: 'login from 10.0.0.7 (password)' });
    expect(j.recentAudit({ limit: 5 })).toMatchObject([{ seq: 1, kind: 'login', user: 'wang', siteId: 'plant-1' }]);
    expect(j.verify()).toMatchObject({ ok: true, records: 1, audit: 1 });
    sink.close();
    j.close();
    expect(() => sink.record(login('after'))).not.toThrow();
    expect(sink.stats).toMatchObject({ recorded: 1, dropped: 1 });
  });
});

describe('auditRecordOf', () => {
  it('bounds what a client chooses: user, address, message, details', () => {
    const huge = 'x'.repeat(1_000_000);
    const details: Record<string, string | number> = { route: huge, [huge]: 1, n: Number.NaN };
    for (let i = 0; i < 100; i++) details[`k${i}`] = i;
    const r = auditRecordOf({ kind: 'login-failed', user: huge, address: huge, time: T0, message: huge, details }, { eventId: 'e', rts: T0 });
    const text = JSON.stringify(r);
    expect(text.length).toBeLessThan(12_000);
    expect(r.user?.startsWith('x'.repeat(AUDIT_LIMITS.user))).toBe(true);
    expect(r.user).toContain('(1000000 chars)');
    expect(Object.keys(r.details ?? {})).toHaveLength(AUDIT_LIMITS.detailKeys + 1);
    expect(r.details).toMatchObject({ n: null, omittedDetails: 103 - AUDIT_LIMITS.detailKeys });
    expect(readAuditRecord(text)).toEqual(r);
    expect(text.startsWith('{"type":"audit"')).toBe(true);
  });

  it('reads back only audit records', () => {
    expect(readAuditRecord('{"eventId":"e","conditionId":"gas/GT-1","state":"normal"}')).toBeNull();
    expect(readAuditRecord('{"type":"audit","eventId":"e","kind":"hack","time":1,"rts":1}')).toBeNull();
    expect(readAuditRecord('{"type":"audit",')).toBeNull();
    expect(readAuditRecord('{"type":"audit","eventId":"e","kind":"stop","time":1,"rts":2}')).toEqual({ type: 'audit', eventId: 'e', kind: 'stop', user: null, address: null, time: 1, rts: 2, message: '' });
  });
});
