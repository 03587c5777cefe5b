import { chainHash, GENESIS, type ChainRow, type FeedBatch, type FeedMessage, type Priority, type SnapshotBody, type StatusBody } from '../../src/core/index.js';
import { SqliteOutbox } from '../../src/uplink/index.js';

/**
 * A gateway's side of the feed for centre tests: the real outbox, fed with journal records
 * chained exactly as the journal chains them (src/core/chain.ts). Used by the unit and the
 * integration tests of the centre.
 */
export const COLOURS: Record<Priority, string> = { 1: 'red', 2: 'orange', 3: 'yellow', 4: 'blue' };

/** An AlarmTransition's JSON text, as the journal stores it (the fields the centre reads, and the usual others). */
export function transitionRecord(site: string, n: number, conditionId: string, state: string, priority: Priority, rts: number): string {
  const active = state.startsWith('active');
  return JSON.stringify({
    eventId: `${site}-ev-${n}`,
    conditionId,
    ruleId: conditionId.split('/')[0] ?? conditionId,
    ruleKind: 'threshold',
    siteId: site,
    pointId: conditionId.split('/')[1] ?? null,
    from: 'normal',
    state,
    reason: active ? 'activate' : 'return',
    active,
    activeSince: active ? rts : null,
    acked: state === 'active-acked' || state === 'normal',
    confirmed: true,
    latched: false,
    shelved: null,
    suppressed: null,
    outOfService: null,
    annunciated: true,
    level: active ? 'H' : null,
    priority,
    colour: COLOURS[priority],
    value: active ? 42 : 3,
    time: rts,
    rts,
    message: `${conditionId} ${state}`,
  });
}

export interface FixtureTransition {
  readonly conditionId: string;
  readonly state: string;
  readonly priority: Priority;
}

/** One site's gateway: its outbox and its journal's chain. */
export class FixtureSite {
  readonly outbox: SqliteOutbox;
  readonly rows: ChainRow[] = [];
  private head = GENESIS;

  constructor(
    readonly site: string,
    dir: string,
  ) {
    this.outbox = new SqliteOutbox({ dir, site, synchronous: 'normal' });
  }

  /** Journal records for these transitions, chained, copied into the outbox; returns the feed messages. */
  journal(transitions: readonly FixtureTransition[], time: number): FeedMessage[] {
    const rows: ChainRow[] = transitions.map((t) => {
      const seq = this.rows.length + 1;
      const record = transitionRecord(this.site, seq, t.conditionId, t.state, t.priority, time + seq);
      this.head = chainHash(this.head, seq, record);
      const row = { seq, record, hash: this.head };
      this.rows.push(row);
      return row;
    });
    return this.outbox.appendJournal(rows, time);
  }

  snapshot(values: Record<string, number | null>, time: number): FeedMessage {
    const body: SnapshotBody = {
      values: Object.entries(values).map(([pointId, value]) =>
        value === null ? { pointId, value: null, quality: 'bad', reason: 'no-data', ts: null } : { pointId, value, quality: 'good', ts: time, unit: '%LEL', codes: { indicatorType: 'GAS' } },
      ),
    };
    return this.outbox.append('snapshot', body, time);
  }

  status(time: number): FeedMessage {
    const body: StatusBody = { version: 'test', startedAt: time - 1000, adapters: [{ id: 'plc', status: 'up' }], outbox: { depth: 0, oldestAgeMs: 0, dropped: { journal: 0, snapshot: 0, status: 0, head: 0 } } };
    return this.outbox.append('status', body, time);
  }

  headMessage(time: number): FeedMessage {
    return this.outbox.appendHead(time);
  }

  /** Everything unacknowledged after `after` (default: the acked seq). */
  batch(after?: number, limit = 1000): FeedBatch {
    return this.outbox.batch(limit, 64 * 1024 * 1024, after);
  }

  /** A batch of just these messages (a pipelined delivery), with the outbox's oldest. */
  batchOf(messages: readonly FeedMessage[]): FeedBatch {
    return { site: this.site, oldest: this.outbox.stats().oldestSeq ?? 1, messages };
  }

  close(): void {
    this.outbox.close();
  }
}

/** A copy of a journal message whose record was edited after hashing (the hash no longer matches). */
export function tamper(msg: FeedMessage): FeedMessage {
  if (msg.kind !== 'journal') throw new Error('only journal messages can be tampered with');
  return { ...msg, body: { ...msg.body, record: msg.body.record.replace('"priority":1', '"priority":4').replace('active-unacked', 'normal') } };
}
