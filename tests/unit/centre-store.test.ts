import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, type FeedBatch } from '../../src/core/index.js';
import { CentreFeed, SqliteCentreStore, type CentreSiteSummary, type StoredRecord } from '../../src/uplink/index.js';
import { FixtureSite, tamper } from './centre-fixtures.js';

/** centre.db: each feed message stored once, its effects written once, the site's state rebuilt after a restart. */

const T0 = Date.UTC(2026, 10, 28);
let dir: string;
let site: FixtureSite;
const open: { close(): void }[] = [];

function store(): SqliteCentreStore {
  const s = new SqliteCentreStore({ dir: join(dir, 'centre'), synchronous: 'normal' });
  open.push(s);
  return s;
}

function feed(s: SqliteCentreStore, onRecord?: (r: StoredRecord) => void): CentreFeed {
  return new CentreFeed({ store: s, keys: new Map([['plant-1', 'k'.repeat(32)]]), acceptUnknownSites: false, now: () => T0 + 10_000, logger: silentLogger, ...(onRecord === undefined ? {} : { events: { onRecord } }) });
}

function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`no item ${i}`);
  return x;
}

const summary = (s: SqliteCentreStore, id = 'plant-1'): CentreSiteSummary | null => s.read.sites(id)[0]?.summary ?? null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hg-centre-store-'));
  site = new FixtureSite('plant-1', join(dir, 'gw'));
  open.push(site);
});

afterEach(() => {
  for (const o of open.splice(0)) o.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteCentreStore', () => {
  it('stores a batch once: a duplicate delivery changes nothing but the duplicate count', () => {
    site.journal([{ conditionId: 'gas/GT-1', state: 'active-unacked', priority: 1 }, { conditionId: 'gas/GT-2', state: 'active-unacked', priority: 2 }], T0);
    site.snapshot({ 'GT-1': 42, 'GT-2': null }, T0);
    site.status(T0);
    const s = store();
    const f = feed(s);
    const batch = site.batch();
    expect(f.receiveFromTopic('plant-1', Buffer.from(JSON.stringify(batch)))).toEqual({ v: 1, site: 'plant-1', upto: 4 });
    const before = { alarms: s.read.alarms(), history: s.read.history({ limit: 100 }), values: s.read.values() };
    expect(f.receiveFromTopic('plant-1', Buffer.from(JSON.stringify(batch)))).toEqual({ v: 1, site: 'plant-1', upto: 4 });
    expect({ alarms: s.read.alarms(), history: s.read.history({ limit: 100 }), values: s.read.values() }).toEqual(before);
    expect(s.read.sites()).toMatchObject([{ site: 'plant-1', applied: 4, duplicates: 4, alarms: { total: 2, byPriority: { 1: 1, 2: 1 } } }]);
    expect(before.alarms.map((a) => [a.site, a['conditionId'], a.journalSeq])).toEqual([['plant-1', 'gas/GT-1', 1], ['plant-1', 'gas/GT-2', 2]]);
    expect(before.values).toEqual([
      { site: 'plant-1', pointId: 'GT-1', value: 42, quality: 'good', ts: T0, unit: '%LEL', codes: { indicatorType: 'GAS' }, seq: 3, time: T0 },
      { site: 'plant-1', pointId: 'GT-2', value: null, quality: 'bad', reason: 'no-data', ts: null, seq: 3, time: T0 },
    ]);
    expect(f.stats.applied.get('plant-1')).toBe(4);
    expect(f.stats.duplicates.get('plant-1')).toBe(4);
  });

  it('keeps the latest record of each condition: a late older record (a gap filled) does not bring an alarm back', () => {
    const raised = site.journal([{ conditionId: 'gas/GT-1', state: 'active-unacked', priority: 1 }], T0);
    const cleared = site.journal([{ conditionId: 'gas/GT-1', state: 'normal', priority: 1 }], T0 + 1);
    const s = store();
    const news: [number, boolean][] = [];
    const f = feed(s, (r) => news.push([r.journalSeq, r.current]));
    const r1 = f.receiveFromTopic('plant-1', Buffer.from(JSON.stringify(site.batchOf(cleared))));
    expect(r1.upto).toBe(0); // seq 1 may still come
    expect(s.read.alarms()).toEqual([]);
    expect(summary(s)?.gaps.open).toEqual([[1, 1]]);
    f.receiveFromTopic('plant-1', Buffer.from(JSON.stringify(site.batchOf(raised))));
    expect(s.read.alarms()).toEqual([]);
    expect(s.read.history({ limit: 10, site: 'plant-1' }).map((h) => [h.journalSeq, h['state']])).toEqual([[2, 'normal'], [1, 'active-unacked']]);
    // Both are stored; only the newer one is live news (the older one must not raise the alarm on consoles).
    expect(news).toEqual([[2, true], [1, false]]);
    expect(summary(s)).toMatchObject({ ackUpto: 2, gaps: { open: [], lost: [] }, chain: { verdict: 'ok', records: 2 } });
  });

  it('a record that fails the chain check is stored as evidence, but neither clears the alarm nor goes out live', () => {
    const raised = site.journal([{ conditionId: 'gas/GT-1', state: 'active-unacked', priority: 1 }], T0);
    const cleared = site.journal([{ conditionId: 'gas/GT-1', state: 'normal', priority: 1 }], T0 + 1);
    const s = store();
    const news: [number, boolean][] = [];
    const f = feed(s, (r) => news.push([r.journalSeq, r.current]));
    f.receiveFromTopic('plant-1', Buffer.from(JSON.stringify(site.batchOf(raised))));
    f.receiveFromTopic('plant-1', Buffer.from(JSON.stringify(site.batchOf(cleared.map(tamper)))));
    expect(s.read.alarms().map((a) => [a['conditionId'], a['state']])).toEqual([['gas/GT-1', 'active-unacked']]);
    expect(news).toEqual([[1, true], [2, false]]);
  });

  it('keeps the newest value of each point by feed seq', () => {
    const older = site.snapshot({ 'GT-1': 10 }, T0);
    const newer = site.snapshot({ 'GT-1': 20 }, T0 + 1000);
    const s = store();
    const f = feed(s);
    f.receiveFromTopic('plant-1', Buffer.from(JSON.stringify(site.batchOf([newer]))));
    f.receiveFromTopic('plant-1', Buffer.from(JSON.stringify(site.batchOf([older]))));
    expect(s.read.values('plant-1', 'GT-1')).toMatchObject([{ value: 20, seq: 2 }]);
  });

  it('rebuilds each site after a restart: gaps, lost messages, tampered records and heads as before', () => {
    const msgs = site.journal(
      Array.from({ length: 8 }, (_, i) => ({ conditionId: `gas/GT-${i % 3}`, state: i % 2 ? 'normal' : 'active-unacked', priority: 1 as const })),
      T0,
    );
    const head = site.headMessage(T0 + 5);
    const s1 = store();
    const f1 = feed(s1);
    const deliver = (f: CentreFeed, b: FeedBatch) => f.receiveFromTopic('plant-1', Buffer.from(JSON.stringify(b)));
    deliver(f1, { site: 'plant-1', oldest: 1, messages: msgs.slice(0, 2) });
    deliver(f1, { site: 'plant-1', oldest: 4, messages: [at(msgs, 4), tamper(at(msgs, 5))] }); // 3 lost, 4 open
    deliver(f1, { site: 'plant-1', oldest: 4, messages: [...msgs.slice(6), head] });
    const live = f1.summary('plant-1');
    expect(live).toMatchObject({ lastSeq: 9, ackUpto: 3, gaps: { open: [[4, 4]], lost: [[3, 3]] }, chain: { verdict: 'tampered', tampered: [{ seq: 6, problem: 'hash-mismatch' }], missing: [[3, 4]] } });
    expect(summary(s1)).toEqual(live);
    s1.close();

    const s2 = store();
    const f2 = feed(s2);
    expect(f2.summary('plant-1')).toEqual(live);
    expect(f2.stats.rebuilds).toBe(1);
    // After the restart a retransmission fills the open gap and the ack moves on.
    expect(deliver(f2, { site: 'plant-1', oldest: 4, messages: [at(msgs, 3)] }).upto).toBe(9);
    expect(f2.summary('plant-1').gaps).toEqual({ open: [], lost: [[3, 3]], openMessages: 0, lostMessages: 1 });
  });

  it('two stores on one file (two centre processes) store each message once and their states converge', () => {
    site.journal(Array.from({ length: 6 }, () => ({ conditionId: 'gas/GT-1', state: 'active-unacked', priority: 2 as const })), T0);
    const all = site.batch();
    const first = site.batchOf(all.messages.slice(0, 3));
    const second = site.batchOf(all.messages.slice(3));
    const [a, b] = [store(), store()];
    const [fa, fb] = [feed(a), feed(b)];
    const body = (x: FeedBatch) => Buffer.from(JSON.stringify(x));
    fa.receiveFromTopic('plant-1', body(first));
    // B never saw 1-3 but the store has them: it rebuilds and acknowledges everything.
    expect(fb.receiveFromTopic('plant-1', body(second)).upto).toBe(6);
    // Both deliver everything again: nothing is stored twice.
    fa.receiveFromTopic('plant-1', body(all));
    fb.receiveFromTopic('plant-1', body(all));
    expect(a.read.sites('plant-1')).toMatchObject([{ applied: 6, duplicates: 12 }]);
    expect(a.read.history({ limit: 100 })).toHaveLength(6);
    expect(a.read.alarms()).toHaveLength(1);
    expect((fa.stats.applied.get('plant-1') ?? 0) + (fb.stats.applied.get('plant-1') ?? 0)).toBe(6);
    expect(fa.summary('plant-1')).toEqual(fb.summary('plant-1'));
  });

  it('refuses a batch the store cannot keep: nothing acknowledged, the state rebuilt from the store next time', () => {
    site.journal([{ conditionId: 'gas/GT-1', state: 'active-unacked', priority: 1 }], T0);
    const s = store();
    const f = feed(s);
    s.close();
    expect(() => f.receiveFromTopic('plant-1', Buffer.from(JSON.stringify(site.batch())))).toThrow(expect.objectContaining({ code: 'HG_ERR_CENTRE_STORE' }));
    expect(f.stats.refused.get('store-error')).toBe(1);
    const s2 = store();
    const f2 = feed(s2);
    expect(f2.receiveFromTopic('plant-1', Buffer.from(JSON.stringify(site.batch()))).upto).toBe(1);
  });
});
