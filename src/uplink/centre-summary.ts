import type { CentreSiteReport } from './centre-apply.js';
import type { HeadVerdict, TamperReport } from './centre-chain.js';

/**
 * What a centre shows of one site's feed and journal chain (GET /api/sites, the WebSocket `site`
 * message), from the pure state's report. Pure.
 */

/** ok: every record links from GENESIS; partial: checked from the first record held (not 1); tampered: a record fails its hash; head-mismatch: records link but a head the gateway sent differs. */
export type CentreChainVerdict = 'ok' | 'partial' | 'tampered' | 'head-mismatch';

/** Lists in a summary are cut to this many entries (the counts say how many there are). */
export const SUMMARY_LIST_LIMIT = 100;

export type SeqRange = readonly [number, number];

export interface CentreGapSummary {
  /** Missing feed messages the gateway may still send: the ack waits below the first. */
  readonly open: readonly SeqRange[];
  /** Missing feed messages the gateway dropped at its bounds: they will never come. */
  readonly lost: readonly SeqRange[];
  readonly openMessages: number;
  readonly lostMessages: number;
}

export interface CentreChainSummary {
  readonly verdict: CentreChainVerdict;
  /** The bad records and heads, by seq (the first SUMMARY_LIST_LIMIT; tamperedCount counts all). */
  readonly tampered: readonly TamperReport[];
  readonly tamperedCount: number;
  /** Journal records held, and the first and last journal seq held. */
  readonly records: number;
  readonly first: number | null;
  readonly last: number | null;
  /** Journal records missing between the runs held, and up to the latest head. */
  readonly missing: readonly SeqRange[];
  readonly head: { readonly seq: number; readonly verdict: HeadVerdict } | null;
}

export interface CentreSiteSummary {
  readonly site: string;
  /** The highest feed seq received. */
  readonly lastSeq: number;
  /** What the centre acknowledges. */
  readonly ackUpto: number;
  readonly gaps: CentreGapSummary;
  readonly chain: CentreChainSummary;
}

const size = (ranges: readonly SeqRange[]): number => ranges.reduce((n, [from, to]) => n + to - from + 1, 0);

export function chainVerdict(report: CentreSiteReport['journal']): CentreChainVerdict {
  if (report.tampered.some((t) => t.problem !== 'head-mismatch')) return 'tampered';
  if (report.tampered.length > 0) return 'head-mismatch';
  return report.partial ? 'partial' : 'ok';
}

export function summariseSite(report: CentreSiteReport): CentreSiteSummary {
  const open = report.gaps.filter((g) => !g.lost).map((g) => [g.from, g.to] as const);
  const lost = report.gaps.filter((g) => g.lost).map((g) => [g.from, g.to] as const);
  const j = report.journal;
  return {
    site: report.site,
    lastSeq: report.highestSeq,
    ackUpto: report.ackUpto,
    gaps: { open: open.slice(0, SUMMARY_LIST_LIMIT), lost: lost.slice(0, SUMMARY_LIST_LIMIT), openMessages: size(open), lostMessages: size(lost) },
    chain: {
      verdict: chainVerdict(j),
      tampered: j.tampered.slice(0, SUMMARY_LIST_LIMIT),
      tamperedCount: j.tampered.length,
      records: size(j.segments),
      first: j.segments[0]?.[0] ?? null,
      last: j.segments[j.segments.length - 1]?.[1] ?? null,
      missing: j.missing.slice(0, SUMMARY_LIST_LIMIT),
      head: j.head === null ? null : { seq: j.head.seq, verdict: j.head.verdict },
    },
  };
}

/** The part of a summary whose change is news (gaps, the chain's verdict and findings): not the seqs that move with every batch. */
function statusKey(s: CentreSiteSummary): string {
  const c = s.chain;
  return JSON.stringify([s.gaps.open, s.gaps.lost, c.verdict, c.tamperedCount, c.missing, c.head?.verdict ?? null]);
}

export function siteStatusChanged(before: CentreSiteSummary, after: CentreSiteSummary): boolean {
  return statusKey(before) !== statusKey(after);
}

/** A site the centre has no messages of yet. */
export function emptySummary(site: string): CentreSiteSummary {
  return {
    site,
    lastSeq: 0,
    ackUpto: 0,
    gaps: { open: [], lost: [], openMessages: 0, lostMessages: 0 },
    chain: { verdict: 'ok', tampered: [], tamperedCount: 0, records: 0, first: null, last: null, missing: [], head: null },
  };
}
