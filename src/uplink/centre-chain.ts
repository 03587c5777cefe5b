import { GENESIS, headHashAfter, linksTo, type ChainRow, type HeadBody, type JournalBody } from '../core/index.js';

/** Why a journal record (or head) failed the centre's check. */
export type ChainProblem =
  /** The record's hash is not chainHash(previous hash, seq, record): the record, or one before it, was changed. */
  | 'hash-mismatch'
  /** A record without a hash after chained records (unchained records are only the oldest ones). */
  | 'unchained-after-chained'
  /** The gateway's head hash is not the hash of the centre's record at that seq. */
  | 'head-mismatch';

export interface TamperReport {
  readonly seq: number;
  readonly problem: ChainProblem;
}

export type HeadVerdict = 'ok' | 'mismatch' | 'missing' | 'unchecked';

export interface JournalChainReport {
  /** Runs of consecutive journal records held, [from, to]. */
  readonly segments: readonly (readonly [number, number])[];
  /** The first record held is not journal record 1: the chain was checked from its hash on, not from GENESIS. */
  readonly partial: boolean;
  /** Journal records missing between the runs, and after the last run up to the latest head. */
  readonly missing: readonly (readonly [number, number])[];
  readonly tampered: readonly TamperReport[];
  /** Records without a hash (written before the journal was chained). */
  readonly unchained: number;
  readonly duplicates: number;
  readonly head: { readonly seq: number; readonly hash: string; readonly verdict: HeadVerdict } | null;
}

/** A run of consecutive records; `first*` is kept so a record that later fills the gap before it can be linked to it. */
interface Segment {
  from: number;
  to: number;
  headHash: string;
  readonly firstRecord: string;
  readonly firstHash: string | null;
}

/**
 * Checks a site's journal records as the feed delivers them, one at a time: every record against
 * the one before it. Records may arrive after a gap (dropped at the gateway, or filled later):
 * each run is checked within itself and linked to its neighbours when they arrive. Keeps no
 * record text except the first of each run.
 */
export class JournalChainCheck {
  private readonly segments: Segment[] = [];
  private readonly tampered: TamperReport[] = [];
  private unchained = 0;
  private duplicates = 0;
  private head: { seq: number; hash: string; verdict: HeadVerdict } | null = null;

  /** Returns the problems this record shows (empty when it checks out or is a duplicate). */
  add(body: JournalBody): TamperReport[] {
    const found: TamperReport[] = [];
    if (this.segments.some((s) => body.seq >= s.from && body.seq <= s.to)) {
      this.duplicates++;
      return found;
    }
    if (body.hash === null) this.unchained++;
    const prev = this.segments.find((s) => s.to === body.seq - 1);
    let seg: Segment;
    if (prev !== undefined) {
      this.check(prev.headHash, body, found);
      prev.to = body.seq;
      prev.headHash = headHashAfter(prev.headHash, body);
      seg = prev;
    } else {
      // Journal record 1 chains from GENESIS; a run starting later is taken on trust until its predecessor arrives.
      if (body.seq === 1) this.check(GENESIS, body, found);
      seg = { from: body.seq, to: body.seq, headHash: body.hash ?? GENESIS, firstRecord: body.record, firstHash: body.hash };
      this.segments.push(seg);
      this.segments.sort((a, b) => a.from - b.from);
    }
    const nextIndex = this.segments.findIndex((s) => s.from === body.seq + 1);
    const next = this.segments[nextIndex];
    if (next !== undefined) {
      this.check(seg.headHash, { seq: next.from, record: next.firstRecord, hash: next.firstHash }, found);
      seg.to = next.to;
      seg.headHash = next.headHash;
      this.segments.splice(nextIndex, 1);
    }
    this.tampered.push(...found);
    return found;
  }

  /** Compares the gateway's head with the record held at that seq, when it is the end of a run (it is, in order). */
  addHead(head: HeadBody): HeadVerdict {
    let verdict: HeadVerdict;
    if (head.seq === 0) verdict = head.hash === GENESIS ? 'ok' : 'mismatch';
    else {
      const seg = this.segments.find((s) => head.seq >= s.from && head.seq <= s.to);
      if (seg === undefined) verdict = 'missing';
      else if (seg.to !== head.seq) verdict = 'unchecked';
      else verdict = seg.headHash === head.hash ? 'ok' : 'mismatch';
    }
    if (verdict === 'mismatch') this.tampered.push({ seq: head.seq, problem: 'head-mismatch' });
    if (this.head === null || head.seq >= this.head.seq) this.head = { seq: head.seq, hash: head.hash, verdict };
    return verdict;
  }

  report(): JournalChainReport {
    const segments = this.segments.map((s) => [s.from, s.to] as const);
    const missing: (readonly [number, number])[] = [];
    for (let i = 1; i < segments.length; i++) missing.push([(segments[i - 1]?.[1] ?? 0) + 1, (segments[i]?.[0] ?? 1) - 1]);
    const last = segments[segments.length - 1]?.[1] ?? 0;
    if (this.head !== null && this.head.seq > last) missing.push([last + 1, this.head.seq]);
    const head = this.head === null ? null : { ...this.head, verdict: this.currentVerdict(this.head) };
    return { segments, partial: (segments[0]?.[0] ?? 1) > 1, missing, tampered: [...this.tampered], unchained: this.unchained, duplicates: this.duplicates, head };
  }

  /** A head found `missing` may since have been filled in (retransmission). */
  private currentVerdict(head: { seq: number; hash: string; verdict: HeadVerdict }): HeadVerdict {
    if (head.verdict !== 'missing') return head.verdict;
    return this.segments.some((s) => head.seq >= s.from && head.seq <= s.to) ? 'unchecked' : 'missing';
  }

  private check(previous: string, row: ChainRow, found: TamperReport[]): void {
    if (linksTo(previous, row)) return;
    found.push({ seq: row.seq, problem: row.hash === null ? 'unchained-after-chained' : 'hash-mismatch' });
  }
}
