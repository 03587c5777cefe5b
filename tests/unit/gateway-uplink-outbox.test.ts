import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteAlarmJournal } from '../../src/alarms/index.js';
import { UplinkOutbox, type UplinkOutboxSettings } from '../../src/app/uplink-outbox.js';
import { chainHash, GENESIS, type AlarmTransition, type Logger, type Point } from '../../src/core/index.js';
import { SHOWN } from './alarms-fixtures.js';

/** The gateway's side of the feed: journal records copied as journaled, snapshots and status on their periods. */

const T0 = Date.UTC(2026, 10, 29);
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function transition(i: number): AlarmTransition {
  return {
    ...SHOWN,
    eventId: `ev-${i}`, conditionId: 'gas/GT-1', ruleId: 'gas', ruleKind: 'threshold', siteId: 's', pointId: 'GT-1', from: 'normal',
    state: 'active-unacked', reason: 'activate', active: true, acked: false, level: 'AL1', priority: 2, severity: 800, value: 30 + i, time: T0 + i, rts: T0 + i, message: `GT-1 ${i}`,
  };
}

const POINTS: Point[] = [{ id: 'GT-1', kind: 'gas', unit: '%LEL', attrs: { enterpriseCode: 'E1', indicatorType: 'LEL' } } as unknown as Point];

function logger(lines: string[]): Logger {
  const log = (o: object, msg?: string) => void lines.push(`${(o as { code?: string }).code ?? ''} ${msg ?? ''}`);
  const l: Logger = { debug: log, info: log, warn: log, error: log, child: () => l };
  return l;
}

function setup(lines: string[] = [], over: Partial<UplinkOutboxSettings> = {}) {
  const journal = new SqliteAlarmJournal({ dir: join(dir, 'j'), synchronous: 'normal' });
  const settings: UplinkOutboxSettings = { site: 's', dir: join(dir, 'uplink'), maxBytes: 1 << 20, maxAgeMs: 86_400_000, sync: 'normal', snapshotMs: 10_000, statusMs: 60_000, points: POINTS, ...over };
  const facts = () => ({ version: 't', startedAt: T0, adapters: [] });
  const up = new UplinkOutbox(settings, { journal, latest: () => ({ pointId: 'GT-1', value: 12, quality: { level: 'good' }, ts: T0, rts: T0, tsSource: 'device' }) as never, facts, logger: lines === undefined ? logger([]) : logger(lines) }, T0);
  return { journal, up };
}

describe('the uplink outbox in the gateway', () => {
  it('copies every journal record, with its exact text and chain hash, in journal order; a restart copies what a crash left behind', () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-uplink-gw-'));
    let { journal, up } = setup();
    journal.append(transition(1));
    up.copyJournal(T0 + 1);
    journal.append(transition(2));
    // Crash before the copy: the outbox is closed without copying record 2.
    up.close();
    journal.append(transition(3));
    journal.close();
    ({ journal, up } = setup());
    const msgs = up.outbox.pending(100, 1 << 20);
    expect(msgs.map((m) => [m.seq, m.kind, m.kind === 'journal' ? (m.body as { seq: number }).seq : null])).toEqual([
      [1, 'journal', 1],
      [2, 'journal', 2],
      [3, 'journal', 3],
    ]);
    let previous = GENESIS;
    for (const m of msgs) {
      const body = m.body as { seq: number; record: string; hash: string };
      expect(body.hash).toBe(chainHash(previous, body.seq, body.record));
      previous = body.hash;
    }
    up.close();
    journal.close();
  });

  it('sends snapshots with the points’ codes every snapshot period, status and head every status period', () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-uplink-gw-'));
    const { journal, up } = setup();
    for (let t = 0; t <= 60_000; t += 1000) up.tick(T0 + t);
    const kinds = up.outbox.pending(100, 1 << 20).map((m) => m.kind);
    expect(kinds.filter((k) => k === 'snapshot')).toHaveLength(7);
    expect(kinds.filter((k) => k === 'status')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'head')).toHaveLength(2);
    const snap = up.outbox.pending(1, 1 << 20).find((m) => m.kind === 'snapshot');
    expect(snap?.body).toEqual({ values: [{ pointId: 'GT-1', value: 12, quality: 'good', ts: T0, unit: '%LEL', codes: { enterpriseCode: 'E1', indicatorType: 'LEL' } }] });
    const names = up.metrics(T0 + 60_000).map((m) => m.name);
    expect(names).toContain('hazgate_uplink_outbox_fill_ratio');
    up.close();
    journal.close();
  });

  it('warns loudly at 50 % and 80 % full, long before the bound drops anything', () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-uplink-gw-'));
    const lines: string[] = [];
    const { journal, up } = setup(lines, { maxBytes: 40_000, snapshotMs: 1000 });
    for (let t = 0; t < 400_000; t += 1000) up.tick(T0 + t);
    const warnings = lines.filter((l) => l.startsWith('HG_ERR_UPLINK_OUTBOX_FULL') && l.includes('% full'));
    expect(warnings[0]).toMatch(/uplink outbox 5\d % full/);
    expect(warnings[1]).toMatch(/uplink outbox 8\d % full/);
    const drops = lines.filter((l) => l.includes('dropped'));
    expect(drops[0]).toMatch(/dropped 1 snapshot: unacknowledged messages over 40000 bytes \(1 drops since start\)/);
    expect(drops.length).toBeLessThan(5);
    expect(up.outbox.stats().dropped.snapshot).toBeGreaterThan(0);
    up.close();
    journal.close();
  });
});
