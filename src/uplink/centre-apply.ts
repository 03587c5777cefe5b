import { HazgateError, type FeedBatch, type FeedMessage, type SnapshotBody, type StatusBody } from '../core/index.js';
import { JournalChainCheck, type JournalChainReport, type TamperReport } from './centre-chain.js';

/** What applying one message did: nothing (a duplicate or replay), applied it, or applied it and found messages missing before it. */
export type ApplyResult = 'applied' | 'duplicate' | { readonly gap: readonly [number, number] };

/** A range of feed sequence numbers the centre has not got. `lost`: below a batch's `oldest`, so the gateway no longer holds them. */
export interface FeedGap {
  readonly from: number;
  readonly to: number;
  readonly lost: boolean;
}

export interface CentreSiteReport {
  readonly site: string;
  /** The highest feed sequence number received. */
  readonly highestSeq: number;
  /** What the centre acknowledges: everything up to here is held, or lost at the gateway. */
  readonly ackUpto: number;
  /** Gaps, listed until filled; lost ones never will be. */
  readonly gaps: readonly FeedGap[];
  readonly applied: number;
  readonly duplicates: number;
  readonly journal: JournalChainReport;
  readonly status: { readonly seq: number; readonly time: number; readonly body: StatusBody } | null;
  readonly snapshot: { readonly seq: number; readonly time: number; readonly body: SnapshotBody } | null;
}

export interface BatchResult {
  readonly results: readonly ApplyResult[];
  /** Journal records (and heads) that failed the chain check in this batch. */
  readonly tampered: readonly TamperReport[];
  /** The ack to send back. */
  readonly ackUpto: number;
}

/**
 * A monitoring centre's state for one site, pure: applies the site's feed messages at least once
 * and in any order, each exactly once (by feed seq), records gaps until they are filled and checks
 * the journal's hash chain record by record. Persisting it is the centre process's business.
 */
export class CentreSiteState {
  private highest = 0;
  private gaps: { from: number; to: number; lost: boolean }[] = [];
  private applied = 0;
  private duplicates = 0;
  private readonly chain = new JournalChainCheck();
  private status: CentreSiteReport['status'] = null;
  private snapshot: CentreSiteReport['snapshot'] = null;
  private lastTampered: TamperReport[] = [];

  constructor(readonly site: string) {}

  /** @throws HazgateError HG_ERR_UPLINK_BAD_MESSAGE for a message of another site. */
  apply(msg: FeedMessage): ApplyResult {
    if (msg.site !== this.site) {
      throw new HazgateError('HG_ERR_UPLINK_BAD_MESSAGE', `feed message ${msg.id} of site "${msg.site}" sent to the state of site "${this.site}"`, { site: this.site, id: msg.id });
    }
    let result: ApplyResult = 'applied';
    if (msg.seq <= this.highest) {
      if (!this.fillGap(msg.seq)) {
        this.duplicates++;
        return 'duplicate';
      }
    } else {
      if (msg.seq > this.highest + 1) {
        const gap = [this.highest + 1, msg.seq - 1] as const;
        this.gaps.push({ from: gap[0], to: gap[1], lost: false });
        result = { gap };
      }
      this.highest = msg.seq;
    }
    this.applied++;
    this.applyBody(msg);
    return result;
  }

  /** Applies a parsed batch (see parseFeedBatch) and marks what is below its `oldest` as lost. */
  applyBatch(batch: FeedBatch): BatchResult {
    this.lastTampered = [];
    const results = batch.messages.map((m) => this.apply(m));
    this.markLost(batch.oldest);
    return { results, tampered: this.lastTampered, ackUpto: this.ackUpto() };
  }

  /** The gateway no longer holds anything below `oldest`: gaps there are lost (they stay listed). */
  markLost(oldest: number): void {
    const next: { from: number; to: number; lost: boolean }[] = [];
    for (const g of this.gaps) {
      if (g.lost || g.from >= oldest) next.push(g);
      else if (g.to < oldest) next.push({ ...g, lost: true });
      else next.push({ from: g.from, to: oldest - 1, lost: true }, { from: oldest, to: g.to, lost: false });
    }
    this.gaps = next;
  }

  /** Everything up to the first gap that may still come. */
  ackUpto(): number {
    const open = this.gaps.find((g) => !g.lost);
    return open === undefined ? this.highest : open.from - 1;
  }

  report(): CentreSiteReport {
    return {
      site: this.site,
      highestSeq: this.highest,
      ackUpto: this.ackUpto(),
      gaps: this.gaps.map((g) => ({ ...g })),
      applied: this.applied,
      duplicates: this.duplicates,
      journal: this.chain.report(),
      status: this.status,
      snapshot: this.snapshot,
    };
  }

  /** Takes `seq` out of the gap holding it; false when it is in none (a duplicate). */
  private fillGap(seq: number): boolean {
    const i = this.gaps.findIndex((g) => seq >= g.from && seq <= g.to);
    const g = this.gaps[i];
    if (g === undefined) return false;
    const parts = [
      { ...g, to: seq - 1 },
      { ...g, from: seq + 1 },
    ].filter((p) => p.from <= p.to);
    this.gaps.splice(i, 1, ...parts);
    return true;
  }

  private applyBody(msg: FeedMessage): void {
    switch (msg.kind) {
      case 'journal':
        this.lastTampered.push(...this.chain.add(msg.body));
        return;
      case 'head':
        if (this.chain.addHead(msg.body) === 'mismatch') this.lastTampered.push({ seq: msg.body.seq, problem: 'head-mismatch' });
        return;
      case 'status':
        // A late message filling a gap must not replace a newer one.
        if (this.status === null || msg.seq > this.status.seq) this.status = { seq: msg.seq, time: msg.time, body: msg.body };
        return;
      case 'snapshot':
        if (this.snapshot === null || msg.seq > this.snapshot.seq) this.snapshot = { seq: msg.seq, time: msg.time, body: msg.body };
        return;
    }
  }
}
