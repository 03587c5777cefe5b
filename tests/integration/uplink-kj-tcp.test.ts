import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HazgateError } from '../../src/core/index.js';
import { decodeKjBatch, KJ_BATCH_END, KjTcpExporter, SqliteOutbox, type KjDecoded } from '../../src/uplink/index.js';
import { waitFor } from '../support/wait.js';
import { FeedWriter } from './uplink-centre-fixture.js';

/** The KJ exporter against a plain node:net server standing in for a legacy centre. */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A legacy centre: reads the byte stream of each connection, cuts it at the batch end and decodes the batches. */
async function startLegacyCentre(): Promise<{ port: number; batches: KjDecoded[]; connections: Socket[]; partial: () => string[] }> {
  const batches: KjDecoded[] = [];
  const connections: Socket[] = [];
  const rests: string[] = [];
  const server: Server = createServer((socket) => {
    const index = connections.push(socket) - 1;
    rests[index] = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      let rest = (rests[index] ?? '') + text;
      for (let end = rest.indexOf(KJ_BATCH_END); end >= 0; end = rest.indexOf(KJ_BATCH_END)) {
        batches.push(decodeKjBatch(rest.slice(0, end + KJ_BATCH_END.length)));
        rest = rest.slice(end + KJ_BATCH_END.length);
      }
      rests[index] = rest;
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of connections) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, batches, connections, partial: () => rests.filter((r) => r !== '') };
}

function exporterFor(port: number) {
  const dir = mkdtempSync(join(tmpdir(), 'hg-uplink-kj-'));
  const outbox = new SqliteOutbox({ dir, site: 'mine-7', synchronous: 'normal' });
  const errors: HazgateError[] = [];
  const exporter = new KjTcpExporter({ host: '127.0.0.1', port, outbox, maxMessages: 50, reconnect: { minMs: 100, maxMs: 400 }, pollMs: 50, onError: (e) => errors.push(e) });
  cleanups.push(async () => {
    await exporter.stop();
    outbox.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { outbox, exporter, errors, writer: new FeedWriter(outbox) };
}

const records = (batches: readonly KjDecoded[], table: string): (readonly string[])[] => batches.filter((b) => b.table === table).flatMap((b) => b.records);

describe('KJ exporter over TCP', () => {
  it('streams the outbox as KJ batches a legacy centre decodes: every alarm record and snapshot value once, in order', async () => {
    const centre = await startLegacyCentre();
    const k = exporterFor(centre.port);
    k.writer.append(500);
    const t0 = performance.now();
    k.exporter.start();
    await waitFor(() => k.exporter.stats().cursor === 500, 10_000, 'the exporter to write all 500 messages');
    await waitFor(() => records(centre.batches, 'AQBJ').length + records(centre.batches, 'AQSS').length === 500, 5_000, 'the centre to decode 500 records', 1);
    console.info(`uplink kj: 500 messages written and decoded in ${(performance.now() - t0).toFixed(0)} ms (${k.exporter.stats().bytesWritten} bytes in ${k.exporter.stats().writes} writes)`);
    // FeedWriter: 400 journal records (eventId ev-1..ev-400, 3rd field) and 100 snapshots of one value each.
    expect(records(centre.batches, 'AQBJ').map((r) => r[2])).toEqual(Array.from({ length: 400 }, (_, i) => `ev-${i + 1}`));
    expect(records(centre.batches, 'AQSS').map((r) => r[2])).toEqual(Array.from({ length: 100 }, (_, i) => String((i + 1) * 5)));
    expect(centre.batches.every((b) => b.database === 'KJ')).toBe(true);
    expect(k.exporter.stats()).toMatchObject({ state: 'up', connects: 1, messagesExported: 500, writes: 10 });
    expect(centre.partial()).toEqual([]);
  });

  it('reconnects after the centre drops the connection and goes on from its cursor', async () => {
    const centre = await startLegacyCentre();
    const k = exporterFor(centre.port);
    k.writer.append(50);
    k.exporter.start();
    await waitFor(() => k.exporter.stats().cursor === 50 && centre.batches.length > 0, 5_000, 'the first 50 written');
    await waitFor(() => records(centre.batches, 'AQBJ').length === 40, 5_000, 'the first 40 alarm records decoded');
    centre.connections[0]?.destroy();
    await waitFor(() => k.exporter.stats().connectionErrors === 1, 5_000, 'the exporter to notice');
    k.writer.append(50);
    k.exporter.notify();
    await waitFor(() => k.exporter.stats().cursor === 100 && k.exporter.stats().connects === 2, 5_000, 'the next 50 written on a new connection');
    await waitFor(() => records(centre.batches, 'AQBJ').length === 80, 5_000, 'all 80 alarm records decoded');
    expect(records(centre.batches, 'AQBJ').map((r) => r[2])).toEqual(Array.from({ length: 80 }, (_, i) => `ev-${i + 1}`));
    expect(k.errors.map((e) => e.code)).toEqual(['HG_ERR_UPLINK_TRANSPORT']);
  });
});
