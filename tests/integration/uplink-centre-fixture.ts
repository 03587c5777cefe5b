import { chainHash, GENESIS, type ChainRow, type FeedBatch, type SnapshotBody } from '../../src/core/index.js';
import { CentreSiteState, type SqliteOutbox } from '../../src/uplink/index.js';

/** What the integration tests' small centres share: one CentreSiteState per site and what they saw. */
export class CentreLedger {
  readonly states = new Map<string, CentreSiteState>();
  /** Every message received, by seq, in arrival order (duplicates included). */
  readonly received: number[] = [];
  /** Seqs applied (not duplicates), in the order applied. */
  readonly applied: number[] = [];
  batches = 0;

  /** Applies a parsed batch; returns the ack to send back. */
  apply(batch: FeedBatch): number {
    let state = this.states.get(batch.site);
    if (state === undefined) {
      state = new CentreSiteState(batch.site);
      this.states.set(batch.site, state);
    }
    this.batches++;
    const result = state.applyBatch(batch);
    batch.messages.forEach((m, i) => {
      this.received.push(m.seq);
      if (result.results[i] !== 'duplicate') this.applied.push(m.seq);
    });
    return result.ackUpto;
  }

  report(site: string) {
    const state = this.states.get(site);
    if (state === undefined) throw new Error(`the centre has heard nothing of site ${site}`);
    return state.report();
  }
}

const snapshot = (v: number, ts: number): SnapshotBody => ({ values: [{ pointId: 'GT-101', value: v, quality: 'good', ts, unit: '%LEL', codes: { enterpriseCode: 'E1' } }] });

/** Appends feed messages: four chained journal records, then a snapshot, over and over. */
export class FeedWriter {
  private journalSeq = 0;
  private previous = GENESIS;
  private n = 0;

  constructor(private readonly outbox: SqliteOutbox) {}

  append(count: number, time = Date.now()): void {
    for (let i = 0; i < count; i++) {
      this.n++;
      if (this.n % 5 === 0) {
        this.outbox.append('snapshot', snapshot(this.n, time), time);
        continue;
      }
      const seq = ++this.journalSeq;
      const record = JSON.stringify({ eventId: `ev-${seq}`, conditionId: 'gas/GT-101', pointId: 'GT-101', state: 'active-unacked', value: seq, time });
      this.previous = chainHash(this.previous, seq, record);
      const row: ChainRow = { seq, record, hash: this.previous };
      this.outbox.appendJournal([row], time);
    }
  }
}

/** True when `seqs` is 1..n, each once, in order. */
export function isOneToN(seqs: readonly number[], n: number): boolean {
  return seqs.length === n && seqs.every((s, i) => s === i + 1);
}
