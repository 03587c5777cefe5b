import { chainHash, GENESIS, type SnapshotBody } from '../../../src/core/index.js';
import { signBody } from '../../../src/uplink/index.js';

/**
 * Simulated sites for the centre section: what a gateway's sender would put on the feed topic
 * each second for a site of 500 indicator points reporting at 1 Hz — a snapshot of the 500 values
 * and the journal records of that second (chained exactly as the journal chains them), in one
 * batch, signed with the site's key. The batches are written as text (the same JSON the outbox
 * would make, checked by the centre's schema on arrival), so hundreds of sites cost the generator
 * little next to the centre.
 */
export const POINTS_PER_SITE = 500;
/** Journal records per site and second: an alarm flood on every site at once (EEMUA 191 calls 10 in 10 minutes a flood). */
export const JOURNAL_PER_SECOND = 2;

/** The regulatory codes of point i (as `regulatoryCodesOf` gives them for a configured point). */
function codesOf(i: number): string {
  return `{"hazardSourceCode":"HS-${Math.floor(i / 50)}","equipmentCode":"EQ-${i}","indicatorType":"${i % 5 === 0 ? 'PRESSURE' : 'GAS'}"}`;
}

/** One second's 500 values as the JSON of a snapshot's `values` (the same plant layout on every site). */
export function snapshotValuesJson(time: number, tick: number): string {
  const parts = new Array<string>(POINTS_PER_SITE);
  for (let i = 0; i < POINTS_PER_SITE; i++) {
    const value = Math.round((20 + 10 * Math.sin((tick + i) / 7)) * 100) / 100;
    parts[i] = `{"pointId":"P-${i}","value":${value},"quality":"good","ts":${time},"unit":"%LEL","codes":${codesOf(i)}}`;
  }
  return `[${parts.join(',')}]`;
}

/** The same second as a SnapshotBody, for the real outbox. */
export function snapshotBody(time: number, tick: number): SnapshotBody {
  return JSON.parse(`{"values":${snapshotValuesJson(time, tick)}}`) as SnapshotBody;
}

/** An AlarmTransition's JSON text as the journal stores it (~600 bytes), raising and clearing conditions in turn. */
export function transitionText(site: string, jseq: number, rts: number): string {
  const pointId = `P-${jseq % 50}`;
  const active = Math.floor(jseq / 50) % 2 === 0;
  return JSON.stringify({
    eventId: `${site}-${jseq}-0f6c2d1e-8b7a-4c59-9e3d-${String(jseq).padStart(12, '0')}`,
    conditionId: `gas/${pointId}`,
    ruleId: 'gas',
    ruleKind: 'threshold',
    siteId: site,
    pointId,
    from: active ? 'normal' : 'active-unacked',
    state: active ? 'active-unacked' : 'returned-unacked',
    reason: active ? 'activate' : 'return',
    active,
    activeSince: active ? rts : null,
    acked: false,
    confirmed: true,
    latched: false,
    shelved: null,
    suppressed: null,
    outOfService: null,
    annunciated: true,
    level: active ? 'AL1' : null,
    priority: 2,
    colour: 'orange',
    value: active ? 31.5 : 8.2,
    limit: 25,
    unit: '%LEL',
    time: rts,
    rts,
    message: active ? `${pointId} AL1 31.5 %LEL (limit 25)` : `${pointId} back to normal (8.2 %LEL)`,
  });
}

/** A chained journal row, as the journal hands it to the outbox. */
export interface SimRow {
  readonly seq: number;
  readonly record: string;
  readonly hash: string;
}

/** A site's journal: chained records, numbered from 1. */
export class SimJournal {
  private jseq = 0;
  private head = GENESIS;

  constructor(readonly site: string) {}

  next(rts: number): SimRow {
    const seq = ++this.jseq;
    const record = transitionText(this.site, seq, rts);
    this.head = chainHash(this.head, seq, record);
    return { seq, record, hash: this.head };
  }
}

export interface SimBatch {
  readonly payload: string;
  readonly signature: string;
  readonly lastSeq: number;
}

/** One simulated gateway on the feed: its seqs, its journal's chain, the centre's last ack. */
export class SimSite {
  private seq = 0;
  acked = 0;
  private readonly journal: SimJournal;

  constructor(
    readonly site: string,
    private readonly key: string,
  ) {
    this.journal = new SimJournal(site);
  }

  /** The batch of one second: its journal records, then the snapshot; `oldest` is the lowest seq not yet acknowledged. */
  batch(time: number, valuesJson: string): SimBatch {
    const first = this.seq + 1;
    const messages: string[] = [];
    for (let j = 0; j < JOURNAL_PER_SECOND; j++) {
      const seq = ++this.seq;
      const body = this.journal.next(time + j);
      messages.push(JSON.stringify({ v: 1, id: `${this.site}:${seq}`, site: this.site, seq, kind: 'journal', time, body }));
    }
    const seq = ++this.seq;
    messages.push(`{"v":1,"id":"${this.site}:${seq}","site":"${this.site}","seq":${seq},"kind":"snapshot","time":${time},"body":{"values":${valuesJson}}}`);
    const payload = `{"site":"${this.site}","oldest":${Math.min(first, this.acked + 1)},"messages":[${messages.join(',')}]}`;
    return { payload, signature: signBody(payload, this.key), lastSeq: seq };
  }
}

/** The key a bench site signs with (the centre's config lists the same). */
export const benchKey = (site: string): string => `${site}-bench-feed-key-0123456789`;

export const benchSite = (i: number): string => `site-${String(i).padStart(4, '0')}`;
