import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainHash, GENESIS, HazgateError, type ChainRow, type SnapshotBody } from '../../src/core/index.js';
import { decodeKjBatch, KJ_BATCH_END, KjTcpExporter, SqliteOutbox, type KjConnect, type KjSocketEvents, type KjTcpExporterOptions } from '../../src/uplink/index.js';
import { FakeTime, settle } from './uplink-sender-fakes.js';

/** The KJ TCP exporter on fake time and a fake connection: cursor, reconnects, what is written. */

const T0 = Date.UTC(2026, 10, 28, 1, 2, 3);
const SITE = 'mine-7';
let dir = '';
let outbox: SqliteOutbox;
const exporters: KjTcpExporter[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hg-kj-tcp-'));
  outbox = new SqliteOutbox({ dir, site: SITE, synchronous: 'normal' });
});
afterEach(async () => {
  for (const e of exporters.splice(0)) await e.stop();
  outbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const snapshot = (v: number): SnapshotBody => ({ values: [{ pointId: 'CH4-T1', value: v, quality: 'good', ts: T0, unit: '%', codes: { enterpriseCode: '140000001' } }] });

function journalRows(from: number, to: number, record: (seq: number) => string = (seq) => JSON.stringify({ pointId: 'CH4-T1', eventId: `ev-${seq}`, level: 'AL1', priority: 1, state: 'active-unacked', value: 1.2, time: T0, message: `CH4 ${seq}`, codes: { enterpriseCode: '140000001' } })): ChainRow[] {
  let previous = GENESIS;
  const out: ChainRow[] = [];
  for (let seq = from; seq <= to; seq++) {
    const text = record(seq);
    previous = chainHash(previous, seq, text);
    out.push({ seq, record: text, hash: previous });
  }
  return out;
}

/** One connection attempt: the test decides when it connects, closes, and when writes are taken. */
class FakeConnection {
  readonly writes: Buffer[] = [];
  private waiting: { data: Buffer; resolve: () => void; reject: (e: Error) => void }[] = [];
  destroyed: string | undefined;
  /** Take writes at once (default), or hold them until take(). */
  holdWrites = false;

  constructor(
    readonly at: number,
    private readonly events: KjSocketEvents,
  ) {}

  accept(): void {
    this.events.connected();
  }

  close(reason = 'reset by peer'): void {
    for (const w of this.waiting.splice(0)) w.reject(new Error(reason));
    this.events.closed(reason);
  }

  take(): void {
    for (const w of this.waiting.splice(0)) {
      this.writes.push(w.data);
      w.resolve();
    }
  }

  readonly socket = {
    write: (data: Buffer): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        this.waiting.push({ data, resolve, reject });
        if (!this.holdWrites) this.take();
      }),
    destroy: (reason: string): void => {
      this.destroyed = reason;
      this.close(reason);
    },
  };

  text(): string {
    return Buffer.concat(this.writes).toString('utf8');
  }
}

function setup(options: Partial<KjTcpExporterOptions> = {}): { time: FakeTime; connections: FakeConnection[]; exporter: KjTcpExporter; errors: HazgateError[]; net: { refuse: boolean } } {
  const time = new FakeTime(T0);
  const connections: FakeConnection[] = [];
  const errors: HazgateError[] = [];
  const net = { refuse: false };
  const connect: KjConnect = (_host, _port, _timeout, events) => {
    const c = new FakeConnection(time.now(), events);
    connections.push(c);
    if (net.refuse) queueMicrotask(() => c.close('ECONNREFUSED'));
    return c.socket;
  };
  const exporter = new KjTcpExporter({ host: 'centre.invalid', port: 9000, outbox, clock: time, timers: time, connect, onError: (e) => errors.push(e), ...options });
  exporters.push(exporter);
  return { time, connections, exporter, errors, net };
}

const batchesOf = (text: string): string[] => text.split(KJ_BATCH_END).filter((t) => t !== '').map((t) => t + KJ_BATCH_END);

describe('KjTcpExporter', () => {
  it('writes snapshots and runs of journal records as KJ batches and moves its cursor past what was written', async () => {
    outbox.append('snapshot', snapshot(0.42), T0);
    outbox.appendJournal(journalRows(1, 3), T0);
    outbox.append('status', { version: '1', startedAt: T0, adapters: [], outbox: { depth: 0, oldestAgeMs: 0, dropped: { journal: 0, snapshot: 0, status: 0, head: 0 } } }, T0);
    outbox.appendHead(T0);
    const { time, connections, exporter } = setup();
    exporter.start();
    connections[0]?.accept();
    await time.advance(0);
    const batches = batchesOf(connections[0]?.text() ?? '').map(decodeKjBatch);
    expect(batches.map((b) => [b.database, b.table, b.records.length])).toEqual([['KJ', 'AQSS', 1], ['KJ', 'AQBJ', 3]]);
    expect(batches[0]?.records[0]).toEqual(['140000001', 'CH4-T1', '0.42', '%', '0', '2026-11-28 09:02:03']);
    expect(exporter.stats()).toMatchObject({ state: 'up', writes: 1, messagesExported: 4, messagesWithoutTable: 2, cursor: 6, connects: 1 });
    expect(outbox.stats().depth).toBe(0);
  });

  it('moves the cursor only when the OS has taken the write, and repeats an unfinished write on the next connection', async () => {
    outbox.append('snapshot', snapshot(1), T0);
    const { time, connections, exporter, errors } = setup();
    exporter.start();
    const first = connections[0];
    if (first === undefined) throw new Error('no connection');
    first.holdWrites = true;
    first.accept();
    await time.advance(0);
    expect(exporter.stats().cursor).toBe(0);
    first.close('connection reset');
    await time.advance(1_000);
    const second = connections[1];
    second?.accept();
    await time.advance(0);
    expect(batchesOf(second?.text() ?? '')).toHaveLength(1);
    expect(exporter.stats()).toMatchObject({ cursor: 1, connectionErrors: 1, connects: 2 });
    expect(errors.map((e) => e.code)).toEqual(['HG_ERR_UPLINK_TRANSPORT']);
    expect(errors[0]?.message).toMatch(/lost the connection to centre.invalid:9000: connection reset \(from seq 1 on/);
  });

  it('reconnects after 1 s doubling to 60 s, reports an outage once, and starts again at 1 s after a connection', async () => {
    const { time, connections, exporter, errors, net } = setup();
    net.refuse = true;
    exporter.start();
    await time.advance(200_000);
    expect(connections.map((c) => c.at - T0)).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 63_000, 123_000, 183_000]);
    expect(exporter.stats()).toMatchObject({ state: 'down', connectionErrors: 9, connects: 0, reason: 'ECONNREFUSED' });
    net.refuse = false;
    await time.advance(43_000);
    connections.at(-1)?.accept();
    expect(exporter.stats().state).toBe('up');
    connections.at(-1)?.close();
    await time.advance(1_000);
    expect(connections.map((c) => c.at - T0).slice(-2)).toEqual([243_000, 244_000]);
    expect(errors).toHaveLength(2);
    expect(errors[0]?.message).toMatch(/cannot connect to centre.invalid:9000: ECONNREFUSED/);
    expect(errors[1]?.message).toMatch(/lost the connection/);
  });

  it('drops a link whose writes the OS no longer takes after writeTimeoutMs', async () => {
    outbox.append('snapshot', snapshot(1), T0);
    const { time, connections, exporter } = setup({ writeTimeoutMs: 30_000 });
    exporter.start();
    const first = connections[0];
    if (first === undefined) throw new Error('no connection');
    first.holdWrites = true;
    first.accept();
    await time.advance(29_999);
    expect(first.destroyed).toBeUndefined();
    await time.advance(1);
    expect(first.destroyed).toMatch(/not taken within 30000 ms/);
    await time.advance(1_000);
    connections[1]?.accept();
    await time.advance(0);
    expect(exporter.stats().cursor).toBe(1);
  });

  it('keeps its cursor in the outbox across a restart and picks up new messages at notify() or the next poll', async () => {
    outbox.append('snapshot', snapshot(1), T0);
    const a = setup();
    a.exporter.start();
    a.connections[0]?.accept();
    await a.time.advance(0);
    await a.exporter.stop();
    outbox.close();
    outbox = new SqliteOutbox({ dir, site: SITE, synchronous: 'normal' });
    outbox.append('snapshot', snapshot(2), T0);
    const b = setup({ pollMs: 1_000 });
    b.exporter.start();
    b.connections[0]?.accept();
    await b.time.advance(0);
    expect(batchesOf(b.connections[0]?.text() ?? '').map((t) => decodeKjBatch(t).records[0]?.[2])).toEqual(['2']);
    outbox.append('snapshot', snapshot(3), T0);
    await b.time.advance(999);
    expect(b.exporter.stats().cursor).toBe(2);
    await b.time.advance(1);
    expect(b.exporter.stats().cursor).toBe(3);
    outbox.append('snapshot', snapshot(4), T0);
    b.exporter.notify();
    await settle();
    expect(b.exporter.stats()).toMatchObject({ cursor: 4, writes: 3 });
  });

  it('passes over a journal record it cannot encode, reports and counts it, and exports the rest', async () => {
    outbox.appendJournal(journalRows(1, 3, (seq) => (seq === 2 ? 'not json' : JSON.stringify({ pointId: 'P', eventId: `e${seq}` }))), T0);
    const { time, connections, exporter, errors } = setup();
    exporter.start();
    connections[0]?.accept();
    await time.advance(0);
    expect(batchesOf(connections[0]?.text() ?? '').flatMap((t) => decodeKjBatch(t).records.map((r) => r[2]))).toEqual(['e1', 'e3']);
    expect(exporter.stats()).toMatchObject({ messagesExported: 2, messagesUnencodable: 1, cursor: 3 });
    expect(errors.map((e) => e.code)).toEqual(['HG_ERR_UPLINK_BAD_MESSAGE']);
  });

  it('refuses a bad layout or address when it is made', () => {
    expect(() => setup({ layouts: { realtime: { table: 'A;B', fields: [] }, alarm: null } })).toThrow(expect.objectContaining({ code: 'HG_ERR_UPLINK_KJ_LAYOUT' }));
    expect(() => setup({ port: 0 })).toThrow(expect.objectContaining({ code: 'HG_ERR_UPLINK_CONFIG' }));
  });
});
