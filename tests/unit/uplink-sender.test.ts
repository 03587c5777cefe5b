import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HazgateError, type FeedAck, type FeedBatch, type SnapshotBody } from '../../src/core/index.js';
import { SqliteOutbox, UplinkSender, type UplinkSenderOptions } from '../../src/uplink/index.js';
import { FakeTime, FakeTransport, seeded } from './uplink-sender-fakes.js';

/** The sender on fake time, against a fake transport with a real centre state behind it. */

const T0 = Date.UTC(2026, 10, 28);
const SITE = 'site-1';
let dir = '';
let outbox: SqliteOutbox;
const running: UplinkSender[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hg-sender-'));
  outbox = new SqliteOutbox({ dir, site: SITE, synchronous: 'normal' });
});
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  outbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const snapshot = (v: number): SnapshotBody => ({ values: [{ pointId: 'GT-101', value: v, quality: 'good', ts: T0, unit: '%LEL' }] });

function fill(n: number, time = T0): void {
  for (let i = 0; i < n; i++) outbox.append('snapshot', snapshot(i), time);
}

function setup(options: Partial<UplinkSenderOptions> = {}): { time: FakeTime; transport: FakeTransport; sender: UplinkSender; errors: HazgateError[] } {
  const time = new FakeTime(T0);
  const transport = new FakeTransport(SITE);
  const errors: HazgateError[] = [];
  const sender = new UplinkSender({ outbox, transport, clock: time, timers: time, onError: (e) => errors.push(e), ...options });
  running.push(sender);
  return { time, transport, sender, errors };
}

const seqsOf = (b: FeedBatch): number[] => b.messages.map((m) => m.seq);
const firstLast = (b: FeedBatch): [number, number] => [b.messages[0]?.seq ?? 0, b.messages.at(-1)?.seq ?? 0];

describe('UplinkSender', () => {
  it('drains the outbox in seq order in batches of maxMessages, each message applied once', async () => {
    fill(250);
    const { time, transport, sender } = setup({ maxMessages: 20 });
    await sender.start();
    await time.advance(10);
    expect(outbox.stats()).toMatchObject({ ackedSeq: 250, depth: 0 });
    expect(transport.sent.map(firstLast)).toEqual(Array.from({ length: 13 }, (_, i) => [i * 20 + 1, Math.min(250, i * 20 + 20)]));
    expect(transport.centre.report()).toMatchObject({ applied: 250, duplicates: 0, gaps: [], ackUpto: 250 });
    expect(sender.stats()).toMatchObject({ batchesSent: 13, batchesResent: 0, messagesSent: 250, acks: 13, ackTimeouts: 0, transportErrors: 0, ackedSeq: 250, sentSeq: 250, inFlight: 0, lastAckTime: T0 });
  });

  it('keeps a batch under maxBytes, but sends a single larger message alone', async () => {
    fill(10);
    outbox.append('snapshot', { values: Array.from({ length: 50 }, (_, i) => ({ pointId: `P${i}`, value: i, quality: 'good' as const, ts: T0 })) }, T0);
    fill(2);
    const { time, transport, sender } = setup({ maxBytes: 300 });
    await sender.start();
    await time.advance(10);
    const bytes = (b: FeedBatch): number => b.messages.reduce((n, m) => n + JSON.stringify(m.body).length, 0);
    expect(transport.sent.every((b) => b.messages.length === 1 || bytes(b) <= 300)).toBe(true);
    expect(transport.sent.find((b) => b.messages.some((m) => m.seq === 11))?.messages).toHaveLength(1);
    expect(outbox.stats().ackedSeq).toBe(13);
  });

  it('hands over at most `window` batches beyond the last ack and sends more as acks come', async () => {
    fill(100);
    const { time, transport, sender } = setup({ maxMessages: 10, window: 4 });
    transport.autoAck = false;
    const inFlightSeen: number[] = [];
    transport.observe = () => inFlightSeen.push(sender.stats().inFlight);
    await sender.start();
    await time.advance(100);
    expect(transport.sent.map(firstLast)).toEqual([[1, 10], [11, 20], [21, 30], [31, 40]]);
    transport.releaseAcks((q) => q.slice(0, 1));
    await time.advance(1);
    expect(transport.sent).toHaveLength(5);
    expect(outbox.stats().ackedSeq).toBe(10);
    expect(Math.max(...inFlightSeen)).toBeLessThan(4);
  });

  it('goes back to the oldest unacknowledged seq after ackTimeoutMs when a batch is lost in transit', async () => {
    fill(50);
    const { time, transport, sender, errors } = setup({ maxMessages: 10, ackTimeoutMs: 10_000 });
    transport.fate = (_b, i) => (i === 1 ? 'lose' : 'deliver');
    await sender.start();
    await time.advance(10);
    // Batch 11-20 never arrived: the centre acks 10 and holds 21-50 behind the gap.
    expect(outbox.stats().ackedSeq).toBe(10);
    expect(transport.centre.report().gaps).toEqual([{ from: 11, to: 20, lost: false }]);
    await time.advance(9_000);
    expect(transport.sent).toHaveLength(5);
    await time.advance(1_000);
    expect(transport.sent.slice(5).map(firstLast)[0]).toEqual([11, 20]);
    expect(outbox.stats().ackedSeq).toBe(50);
    expect(transport.centre.report()).toMatchObject({ applied: 50, gaps: [] });
    expect(sender.stats()).toMatchObject({ ackTimeouts: 1, batchesResent: 1 });
    expect(errors.map((e) => e.code)).toEqual(['HG_ERR_UPLINK_NO_ACK']);
  });

  it('does not count a hand-over overtaken by a go-back as in flight, and resends from the oldest unacknowledged after it', async () => {
    fill(20);
    const { time, transport, sender } = setup({ maxMessages: 10, ackTimeoutMs: 10_000 });
    transport.fate = (_b, i) => (i === 0 ? 'lose' : i === 1 ? 'hold' : 'deliver');
    await sender.start();
    await time.advance(10_000);
    // The timeout went back to 1 while 11-20 was still on its way: nothing more is sent until it settles.
    expect(transport.sent).toHaveLength(2);
    expect(sender.stats()).toMatchObject({ ackTimeouts: 1, inFlight: 0 });
    transport.releaseHeld();
    await time.advance(10);
    // 11-20 arrived late, behind the gap; the resent 1-10 fills it and the centre acks both.
    expect(transport.sent.map(firstLast)).toEqual([[1, 10], [11, 20], [1, 10]]);
    expect(outbox.stats().ackedSeq).toBe(20);
    expect(transport.centre.report()).toMatchObject({ applied: 20, duplicates: 0, gaps: [] });
  });

  it('resends after a lost ack; the centre counts the copies as duplicates', async () => {
    fill(20);
    const { time, transport, sender } = setup({ maxMessages: 10, ackTimeoutMs: 5_000 });
    transport.autoAck = false;
    await sender.start();
    await time.advance(10);
    transport.releaseAcks(() => []);
    await time.advance(5_000);
    transport.releaseAcks();
    await time.advance(10);
    expect(outbox.stats().ackedSeq).toBe(20);
    expect(transport.centre.report()).toMatchObject({ applied: 20, duplicates: 20 });
    expect(sender.stats()).toMatchObject({ batchesSent: 4, batchesResent: 2, ackTimeouts: 1 });
  });

  it('takes duplicated and reordered acks: the ack only moves forward, stale ones are counted', async () => {
    fill(40);
    const { time, transport, sender } = setup({ maxMessages: 10 });
    transport.autoAck = false;
    const ackedAfterEach: number[] = [];
    transport.onAck(() => ackedAfterEach.push(outbox.stats().ackedSeq));
    await sender.start();
    await time.advance(10);
    // Acks 10, 20, 30, 40 arrive as 40, 40, 30, 30, 20, 20, 10, 10, then 20 and 40 again.
    transport.releaseAcks((q) => [...q].reverse().flatMap((a) => [a, a]));
    transport.ack(20);
    transport.ack(40);
    await time.advance(10);
    expect(ackedAfterEach).toEqual(Array(10).fill(40));
    expect(sender.stats()).toMatchObject({ acks: 1, staleAcks: 9, ackedSeq: 40, inFlight: 0 });
    expect(transport.sent).toHaveLength(4);
  });

  it('moves forward ack by ack when they come in order', async () => {
    fill(40);
    const { time, transport, sender } = setup({ maxMessages: 10 });
    transport.autoAck = false;
    const ackedAfterEach: number[] = [];
    transport.onAck(() => ackedAfterEach.push(outbox.stats().ackedSeq));
    await sender.start();
    await time.advance(10);
    transport.releaseAcks();
    expect(ackedAfterEach).toEqual([10, 20, 30, 40]);
    expect(sender.stats()).toMatchObject({ acks: 4, staleAcks: 0 });
  });

  it('never lets an ack delete what it has not handed over', async () => {
    fill(100);
    const { time, transport, sender } = setup({ maxMessages: 10, window: 1 });
    transport.autoAck = false;
    await sender.start();
    await time.advance(10);
    transport.ack(100);
    await time.advance(0);
    expect(outbox.stats().ackedSeq).toBe(10);
    expect(outbox.stats().depth).toBe(90);
    expect(sender.stats().sentSeq).toBe(20);
  });

  it('backs off 1 s doubling to 60 s on transport errors, reports the run once, and resets after a success', async () => {
    fill(5);
    const { time, transport, sender, errors } = setup();
    let failing = true;
    transport.fate = () => (failing ? 'fail' : 'deliver');
    await sender.start();
    const attemptsAt: number[] = [];
    transport.observe = () => attemptsAt.push(time.now() - T0);
    await time.advance(130_000);
    expect(attemptsAt).toEqual([1_000, 3_000, 7_000, 15_000, 31_000, 63_000, 123_000]);
    expect(sender.stats().retryAt).not.toBeNull();
    failing = false;
    await time.advance(60_000);
    expect(outbox.stats().ackedSeq).toBe(5);
    expect(errors.map((e) => e.code)).toEqual(['HG_ERR_UPLINK_TRANSPORT']);
    expect(sender.stats()).toMatchObject({ transportErrors: 8, refused: 0, retryAt: null });
    // After a success the next failure waits 1 s again.
    fill(1);
    failing = true;
    attemptsAt.length = 0;
    sender.notify();
    await time.advance(1_000);
    expect(attemptsAt).toEqual([190_000, 191_000]);
  });

  it('retries at once when the transport reports its connection back, instead of waiting out the back-off (but not after a refusal)', async () => {
    fill(5);
    const { time, transport, sender } = setup();
    let failing = true;
    transport.fate = () => (failing ? 'fail' : 'deliver');
    await sender.start();
    await time.advance(20_000);
    expect(sender.stats().retryAt).toBe(T0 + 31_000);
    transport.setState('down');
    failing = false;
    transport.setState('up');
    await time.advance(0);
    expect(outbox.stats().ackedSeq).toBe(5);
    expect(sender.stats().retryAt).toBeNull();
    fill(1);
    transport.fate = () => 'refuse';
    sender.notify();
    await time.advance(0);
    transport.setState('down');
    transport.setState('up');
    await time.advance(0);
    expect(transport.sent.filter((b) => b.messages[0]?.seq === 6)).toHaveLength(1);
  });

  it('retries a refused batch only every refusedRetryMs and counts each refusal', async () => {
    fill(3);
    const { time, transport, sender, errors } = setup({ refusedRetryMs: 60_000 });
    transport.fate = () => 'refuse';
    await sender.start();
    await time.advance(59_000);
    expect(transport.sent).toHaveLength(1);
    await time.advance(1_000);
    expect(transport.sent).toHaveLength(2);
    expect(sender.stats()).toMatchObject({ refused: 2, transportErrors: 0, ackedSeq: 0 });
    expect(outbox.stats().depth).toBe(3);
    expect(errors.map((e) => e.code)).toEqual(['HG_ERR_UPLINK_REFUSED']);
  });

  it('waits twice as long after each ack timeout in a row, up to 60 s, and back to ackTimeoutMs after an ack', async () => {
    fill(10);
    const { time, transport, sender } = setup({ ackTimeoutMs: 10_000 });
    transport.fate = () => 'lose';
    await sender.start();
    const at: number[] = [];
    transport.observe = () => at.push(time.now() - T0);
    await time.advance(300_000);
    expect(at.slice(0, 6)).toEqual([10_000, 30_000, 70_000, 130_000, 190_000, 250_000]);
    transport.fate = () => 'deliver';
    await time.advance(60_000);
    expect(outbox.stats().ackedSeq).toBe(10);
    fill(1);
    transport.fate = () => 'lose';
    at.length = 0;
    sender.notify();
    await time.advance(10_000);
    expect(at).toEqual([at[0], (at[0] ?? 0) + 10_000]);
  });

  it('picks up new messages at notify() or at the next poll, and starts again from the last ack after a stop', async () => {
    const { time, transport, sender } = setup({ pollMs: 1_000 });
    await sender.start();
    fill(3);
    await time.advance(999);
    expect(transport.sent).toHaveLength(0);
    await time.advance(1);
    expect(outbox.stats().ackedSeq).toBe(3);
    fill(2);
    sender.notify();
    await time.advance(0);
    expect(outbox.stats().ackedSeq).toBe(5);
    transport.autoAck = false;
    fill(2);
    sender.notify();
    await time.advance(0);
    await sender.stop();
    transport.autoAck = true;
    await sender.start();
    await time.advance(0);
    expect(transport.sent.map(seqsOf).slice(-2)).toEqual([[6, 7], [6, 7]]);
    expect(outbox.stats().ackedSeq).toBe(7);
  });

  it('survives an outbox that fails to read or to ack (disk full): reported, counted, retried, never thrown into a timer', async () => {
    fill(10);
    let failBatch = 1;
    let failAck = 1;
    const flaky = {
      site: outbox.site,
      batch: (limit: number, maxBytes: number, after?: number) => {
        if (failBatch-- > 0) throw new HazgateError('HG_ERR_UPLINK_OUTBOX', 'disk I/O error', {});
        return outbox.batch(limit, maxBytes, after);
      },
      ack: (upto: number) => {
        if (failAck-- > 0) throw new HazgateError('HG_ERR_UPLINK_OUTBOX', 'database or disk is full', {});
        return outbox.ack(upto);
      },
      stats: () => outbox.stats(),
    };
    const { time, transport, sender, errors } = setup({ outbox: flaky, maxMessages: 5 });
    await sender.start();
    expect(transport.sent).toHaveLength(0);
    await time.advance(1_000);
    // The first ack (5) failed to commit; the second (10) covers it.
    expect(transport.sent.map(firstLast)).toEqual([[1, 5], [6, 10]]);
    expect(outbox.stats().ackedSeq).toBe(10);
    expect(sender.stats()).toMatchObject({ outboxErrors: 2, transportErrors: 0 });
    expect(errors.map((e) => e.code)).toEqual(['HG_ERR_UPLINK_OUTBOX', 'HG_ERR_UPLINK_OUTBOX']);
  });

  it('refuses bad options with every problem named', () => {
    expect(() => setup({ window: 0, maxMessages: 1.5, backoff: { minMs: 5_000, maxMs: 1_000 } })).toThrow(/window must be a positive integer.*maxMessages|maxMessages.*window/);
    try {
      setup({ window: 0 });
    } catch (e) {
      expect((e as HazgateError).code).toBe('HG_ERR_UPLINK_CONFIG');
    }
  });

  it('survives a chaotic network: lost batches, failed sends, lost, repeated and reordered acks; every message applied exactly once, never skipping ahead', async () => {
    const random = seeded(10);
    const { time, transport, sender } = setup({ maxMessages: 17, window: 4, ackTimeoutMs: 3_000, backoff: { minMs: 100, maxMs: 2_000 }, pollMs: 500 });
    transport.autoAck = false;
    transport.fate = () => {
      const r = random();
      return r < 0.1 ? 'lose' : r < 0.2 ? 'fail' : 'deliver';
    };
    const shuffleAcks = (q: readonly FeedAck[]): FeedAck[] => {
      const out = q.filter(() => random() > 0.15).flatMap((a) => (random() < 0.2 ? [a, a] : [a]));
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j] as FeedAck, out[i] as FeedAck];
      }
      return out;
    };
    await sender.start();
    for (let round = 0; round < 400; round++) {
      if (round < 300) fill(Math.floor(random() * 8), time.now());
      if (random() < 0.5) transport.releaseAcks(shuffleAcks);
      await time.advance(Math.floor(random() * 400));
    }
    for (let i = 0; i < 200 && outbox.stats().ackedSeq < outbox.stats().lastSeq; i++) {
      transport.releaseAcks();
      await time.advance(500);
    }
    const last = outbox.stats().lastSeq;
    expect(last).toBeGreaterThan(800);
    expect(outbox.stats()).toMatchObject({ ackedSeq: last, depth: 0 });
    const report = transport.centre.report();
    expect(report).toMatchObject({ applied: last, highestSeq: last, gaps: [] });
    // Each batch starts right after the one before it, or goes back: never past a seq not yet handed over.
    let highest = 0;
    for (const b of transport.sent) {
      const [first, end] = firstLast(b);
      expect(first).toBeLessThanOrEqual(highest + 1);
      expect(seqsOf(b)).toEqual(Array.from({ length: b.messages.length }, (_, i) => first + i));
      highest = Math.max(highest, end);
    }
    const s = sender.stats();
    expect(s.ackTimeouts).toBeGreaterThan(0);
    expect(s.transportErrors).toBeGreaterThan(0);
    expect(s.staleAcks).toBeGreaterThan(0);
    expect(s.batchesResent).toBeGreaterThan(0);
  });
});
