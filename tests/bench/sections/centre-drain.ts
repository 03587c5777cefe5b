import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MqttTransport, SqliteOutbox, UplinkSender } from '../../../src/uplink/index.js';
import type { MosquittoInstance } from '../../support/mosquitto.js';
import type { BenchContext } from '../lib/section.js';
import { benchKey, JOURNAL_PER_SECOND, SimJournal, snapshotBody } from './centre-sim.js';

/**
 * `outbox_drain_ratio`: one gateway's feed as the gateway runs it (the real SqliteOutbox with
 * `synchronous: full`, UplinkSender at its defaults, MqttTransport over MQTT 5 with signatures)
 * appending what a 500-point site appends each second (a snapshot and its journal records) to a
 * centre through the broker. The broker is stopped (SIGTERM) for `outageMs` while appending goes
 * on, then started again. The backlog is what the outbox held beyond the last ack when the broker
 * came back; it has drained when an ack covers it.
 *
 * - production rate: messages appended during the outage ÷ the outage;
 * - drain rate: the backlog ÷ (its covering ack − the transport's reconnection), so the reconnect
 *   back-off is not counted (it is in `catchupS`, broker back → drained);
 * - ratio: drain ÷ production, both from this run.
 */
export interface DrainMeasure {
  readonly productionPerS: number;
  readonly drainPerS: number;
  readonly ratio: number;
  readonly backlog: number;
  readonly backlogBytes: number;
  readonly catchupS: number;
  readonly reconnectS: number;
  readonly outageS: number;
}

export interface DrainOptions {
  readonly site: string;
  readonly partitions: number;
  readonly outageMs: number;
  /** Steady feeding before the outage. */
  readonly warmMs?: number;
}

export async function measureOutboxDrain(ctx: BenchContext, broker: MosquittoInstance, o: DrainOptions): Promise<DrainMeasure> {
  const outbox = new SqliteOutbox({ dir: mkdtempSync(join(ctx.tmp, 'centre-drain-')), site: o.site });
  // Reconnect back-off capped at 2 s, so the broker's return is seen within 2 s (the default cap is 60 s).
  const transport = new MqttTransport({ url: broker.url, site: o.site, partitions: o.partitions, protocolVersion: 5, signingKey: benchKey(o.site), reconnect: { minMs: 500, maxMs: 2000 } });
  const sender = new UplinkSender({ outbox, transport, onError: () => undefined });
  const acks: { at: number; upto: number }[] = [];
  const ups: number[] = [];
  transport.onAck((a) => acks.push({ at: performance.now(), upto: a.upto }));
  transport.onStatus((s) => {
    if (s.state === 'up') ups.push(performance.now());
  });
  const journal = new SimJournal(o.site);
  let tick = 0;
  const produce = (): void => {
    const now = Date.now();
    outbox.appendJournal(Array.from({ length: JOURNAL_PER_SECOND }, (_, j) => journal.next(now + j)), now);
    outbox.append('snapshot', snapshotBody(now, tick++), now);
    sender.notify();
  };
  await sender.start();
  const producer = setInterval(produce, 1000);
  try {
    await sleep(o.warmMs ?? 5000);
    if (acks.length === 0) throw new Error(`no ack from the centre within ${(o.warmMs ?? 5000) / 1000} s of feeding it`);
    const down = { at: performance.now(), seq: outbox.stats().lastSeq };
    await broker.stop();
    await sleep(o.outageMs);
    await broker.restart();
    const back = { at: performance.now(), ...outbox.stats() };
    const backlog = back.lastSeq - back.ackedSeq;
    const backlogBytes = back.bytes;
    const deadline = performance.now() + 120_000;
    while (outbox.stats().ackedSeq < back.lastSeq) {
      if (performance.now() > deadline) throw new Error(`the backlog of ${backlog} messages was not acknowledged within 120 s of the broker's return`);
      await sleep(10);
    }
    const covered = acks.find((a) => a.upto >= back.lastSeq && a.at >= back.at);
    const up = ups.find((t) => t >= back.at);
    if (covered === undefined || up === undefined) throw new Error('the drain ended without an ack or a reconnection after the broker returned');
    const outageS = (back.at - down.at) / 1000;
    const productionPerS = (back.lastSeq - down.seq) / outageS;
    const drainPerS = backlog / ((covered.at - up) / 1000);
    ctx.log(
      `centre drain: ${backlog} messages (${(backlogBytes / 1e6).toFixed(1)} MB) after ${outageS.toFixed(1)} s down at ${productionPerS.toFixed(2)} messages/s; reconnected ${((up - back.at) / 1000).toFixed(2)} s after the broker's return, drained in ${((covered.at - up) / 1000).toFixed(2)} s: ${Math.round(drainPerS)} messages/s; sender ${JSON.stringify(pick(sender.stats()))}`,
    );
    await sleep(2000);
    return { productionPerS, drainPerS, ratio: drainPerS / productionPerS, backlog, backlogBytes, catchupS: (covered.at - back.at) / 1000, reconnectS: (up - back.at) / 1000, outageS };
  } finally {
    clearInterval(producer);
    await sender.stop();
    await transport.stop();
    outbox.close();
  }
}

function pick(s: ReturnType<UplinkSender['stats']>): Record<string, number> {
  return { batchesSent: s.batchesSent, batchesResent: s.batchesResent, ackTimeouts: s.ackTimeouts, transportErrors: s.transportErrors };
}
