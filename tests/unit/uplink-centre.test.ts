import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainHash, GENESIS, type FeedMessage, type JournalBody } from '../../src/core/index.js';
import { CentreSiteState, SqliteOutbox } from '../../src/uplink/index.js';

/** The centre's per-site state: each message applied once, gaps shown until filled, the journal chain checked record by record. */

const SITE = 'site-1';
const T0 = Date.UTC(2026, 10, 28);

/** Journal bodies 1..n chained as the journal chains them. */
function journal(n: number): JournalBody[] {
  const out: JournalBody[] = [];
  let previous = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const record = JSON.stringify({ eventId: `ev-${seq}`, conditionId: 'gas/GT-101', state: seq % 2 ? 'active-unacked' : 'normal' });
    previous = chainHash(previous, seq, record);
    out.push({ seq, record, hash: previous });
  }
  return out;
}

/** Feed messages: journal body i at feed seq i. */
function feed(bodies: readonly JournalBody[]): FeedMessage[] {
  return bodies.map((body, i) => ({ v: 1, id: `${SITE}:${i + 1}`, site: SITE, seq: i + 1, kind: 'journal', time: T0 + i, body }));
}

function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`no item ${i}`);
  return x;
}

describe('CentreSiteState', () => {
  it('applies each message once: duplicates and replays change nothing', () => {
    const c = new CentreSiteState(SITE);
    const msgs = feed(journal(3));
    expect(msgs.map((m) => c.apply(m))).toEqual(['applied', 'applied', 'applied']);
    const before = c.report();
    expect(msgs.map((m) => c.apply(m))).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(c.report()).toEqual({ ...before, duplicates: 3 });
    expect(before).toMatchObject({ highestSeq: 3, ackUpto: 3, gaps: [], applied: 3, journal: { segments: [[1, 3]], partial: false, missing: [], tampered: [] } });
  });

  it('records a gap, applies what comes after it, and keeps the gap listed until it is filled', () => {
    const c = new CentreSiteState(SITE);
    const msgs = feed(journal(6));
    c.apply(at(msgs, 0));
    expect(c.apply(at(msgs, 3))).toEqual({ gap: [2, 3] });
    expect(c.apply(at(msgs, 4))).toBe('applied');
    expect(c.report()).toMatchObject({ highestSeq: 5, ackUpto: 1, gaps: [{ from: 2, to: 3, lost: false }], journal: { segments: [[1, 1], [4, 5]], missing: [[2, 3]] } });
    expect(c.apply(at(msgs, 2))).toBe('applied'); // a retransmission fills part of it
    expect(c.report().gaps).toEqual([{ from: 2, to: 2, lost: false }]);
    expect(c.apply(at(msgs, 2))).toBe('duplicate');
    expect(c.apply(at(msgs, 1))).toBe('applied');
    // The runs were linked when the gap closed: the whole chain is checked, nothing tampered.
    expect(c.report()).toMatchObject({ ackUpto: 5, gaps: [], journal: { segments: [[1, 5]], missing: [], tampered: [] } });
  });

  it('marks gaps below a batch\'s oldest as lost and acknowledges past them', () => {
    const c = new CentreSiteState(SITE);
    const msgs = feed(journal(6));
    c.applyBatch({ site: SITE, oldest: 1, messages: msgs.slice(0, 2) });
    const r = c.applyBatch({ site: SITE, oldest: 5, messages: msgs.slice(4, 6) });
    expect(r).toEqual({ results: [{ gap: [3, 4] }, 'applied'], tampered: [], ackUpto: 6 });
    expect(c.report().gaps).toEqual([{ from: 3, to: 4, lost: true }]);
    expect(c.report().journal.missing).toEqual([[3, 4]]);
  });

  it('keeps acknowledging only up to a gap the gateway may still send (a batch lost in transit)', () => {
    const c = new CentreSiteState(SITE);
    const msgs = feed(journal(6));
    c.applyBatch({ site: SITE, oldest: 1, messages: msgs.slice(0, 2) });
    expect(c.applyBatch({ site: SITE, oldest: 3, messages: msgs.slice(4, 6) }).ackUpto).toBe(2);
    expect(c.applyBatch({ site: SITE, oldest: 3, messages: msgs.slice(2, 4) }).ackUpto).toBe(6);
  });

  it('reports a tampered record with its seq and checks on from its stored hash', () => {
    const bodies = journal(5);
    const edited = at(bodies, 2);
    bodies[2] = { ...edited, record: edited.record.replace('active-unacked', 'normal') };
    const c = new CentreSiteState(SITE);
    const r = c.applyBatch({ site: SITE, oldest: 1, messages: feed(bodies) });
    expect(r.tampered).toEqual([{ seq: 3, problem: 'hash-mismatch' }]);
    expect(c.report().journal.tampered).toEqual([{ seq: 3, problem: 'hash-mismatch' }]);
  });

  it('finds a tampered record that arrives out of order, when its neighbours link', () => {
    const bodies = journal(4);
    const edited = at(bodies, 1);
    bodies[1] = { ...edited, record: `${edited.record} ` };
    const msgs = feed(bodies);
    const c = new CentreSiteState(SITE);
    for (const i of [0, 2, 3]) c.apply(at(msgs, i));
    expect(c.report().journal.tampered).toEqual([]);
    c.apply(at(msgs, 1));
    expect(c.report().journal.tampered).toEqual([{ seq: 2, problem: 'hash-mismatch' }]);
  });

  it('starts a site whose first journal record is not 1 from that record\'s hash, noted as partial', () => {
    const bodies = journal(8).slice(4);
    const c = new CentreSiteState(SITE);
    const msgs = bodies.map((body, i): FeedMessage => ({ v: 1, id: `${SITE}:${i + 1}`, site: SITE, seq: i + 1, kind: 'journal', time: T0, body }));
    msgs.forEach((m) => c.apply(m));
    expect(c.report().journal).toMatchObject({ segments: [[5, 8]], partial: true, tampered: [], missing: [] });
  });

  it('checks the gateway\'s head against its own chain and names missing journal records', () => {
    const bodies = journal(4);
    const c = new CentreSiteState(SITE);
    const msgs = feed(bodies.slice(0, 3));
    msgs.forEach((m) => c.apply(m));
    const head = (seq: number, hashSeq: number, journalSeq: number): FeedMessage => ({
      v: 1, id: `${SITE}:${seq}`, site: SITE, seq, kind: 'head', time: T0, body: { seq: journalSeq, hash: at(bodies, hashSeq - 1).hash ?? '' },
    });
    c.apply(head(4, 3, 3));
    expect(c.report().journal.head).toEqual({ seq: 3, hash: at(bodies, 2).hash, verdict: 'ok' });
    c.apply(head(5, 2, 3));
    expect(c.report().journal.tampered).toEqual([{ seq: 3, problem: 'head-mismatch' }]);
    c.apply(head(6, 4, 4));
    expect(c.report().journal).toMatchObject({ missing: [[4, 4]], head: { seq: 4, verdict: 'missing' } });
  });

  it('keeps the newest status and snapshot when an older one fills a gap', () => {
    const c = new CentreSiteState(SITE);
    const snap = (seq: number, v: number): FeedMessage => ({ v: 1, id: `${SITE}:${seq}`, site: SITE, seq, kind: 'snapshot', time: T0 + seq, body: { values: [{ pointId: 'GT-101', value: v, quality: 'good', ts: T0 }] } });
    c.apply(snap(2, 20));
    c.apply(snap(1, 10));
    expect(c.report().snapshot?.body.values[0]?.value).toBe(20);
  });

  it('refuses a message of another site', () => {
    const c = new CentreSiteState('other');
    expect(() => c.apply(at(feed(journal(1)), 0))).toThrow(expect.objectContaining({ code: 'HG_ERR_UPLINK_BAD_MESSAGE' }));
  });

  it('verifies what a real outbox sends, through drops and redelivery', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-centre-'));
    try {
      const outbox = new SqliteOutbox({ dir, site: SITE });
      const c = new CentreSiteState(SITE);
      const bodies = journal(6);
      outbox.appendJournal(bodies.slice(0, 3), T0);
      outbox.append('snapshot', { values: [] }, T0);
      // First delivery lost in transit: the gateway resends from its ack.
      outbox.batch(10, 1e9);
      let b = outbox.batch(10, 1e9);
      expect(outbox.ack(c.applyBatch(b).ackUpto)).toBe(4);
      outbox.appendJournal(bodies.slice(3), T0 + 1);
      outbox.appendHead(T0 + 2);
      b = outbox.batch(2, 1e9);
      c.applyBatch(b);
      c.applyBatch(b); // a redelivery before the ack arrived
      b = outbox.batch(10, 1e9, 6);
      outbox.ack(c.applyBatch(b).ackUpto);
      expect(c.report()).toMatchObject({ ackUpto: 8, duplicates: 2, gaps: [], journal: { segments: [[1, 6]], tampered: [], missing: [], head: { seq: 6, verdict: 'ok' } } });
      expect(outbox.stats()).toMatchObject({ depth: 0, ackedSeq: 8 });
      outbox.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
