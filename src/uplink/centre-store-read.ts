import type Database from 'better-sqlite3';
import { HazgateError, type StatusBody } from '../core/index.js';
import type { CentreSiteSummary } from './centre-summary.js';

/** One site as the centre's store holds it: what GET /api/sites shows (with the summary of its gaps and chain). */
export interface CentreSiteRecord {
  readonly site: string;
  /** Messages stored, and deliveries of messages already stored. */
  readonly applied: number;
  readonly duplicates: number;
  /** Centre time of the first and the latest batch received from the site. */
  readonly firstReceivedAt: number;
  readonly lastReceivedAt: number;
  readonly summary: CentreSiteSummary | null;
  readonly status: { readonly seq: number; readonly time: number; readonly body: StatusBody } | null;
  /** Current alarms (latest record of each condition not normal), by priority. */
  readonly alarms: { readonly total: number; readonly byPriority: Readonly<Record<string, number>> };
}

/** A journal record as the API serves it: the site, its journal seq, and the transition's fields (or the raw text when it does not read). */
export type CentreJournalEntry = { readonly site: string; readonly journalSeq: number } & Readonly<Record<string, unknown>>;

export interface CentrePointValue {
  readonly site: string;
  readonly pointId: string;
  readonly value: number | boolean | null;
  readonly quality: string;
  readonly reason?: string;
  readonly ts: number | null;
  readonly unit?: string;
  readonly codes?: Readonly<Record<string, string>>;
  /** The feed seq and gateway time of the snapshot that carried it. */
  readonly seq: number;
  readonly time: number;
}

export interface HistoryQuery {
  readonly site?: string | undefined;
  readonly limit: number;
  readonly conditionId?: string | undefined;
  /** Records the gateway recorded at or after this epoch ms. */
  readonly since?: number | undefined;
}

export interface CentreAuditQuery {
  readonly site?: string | undefined;
  readonly limit: number;
  readonly kind?: string | undefined;
  /** Records the gateway journaled at or after this epoch ms. */
  readonly since?: number | undefined;
}

interface SiteRow {
  site: string;
  applied: number;
  duplicates: number;
  first_received: number;
  last_received: number;
  summary: string | null;
  status_seq: number | null;
  status_time: number | null;
  status_body: string | null;
}

interface ValueRow {
  site: string;
  point_id: string;
  seq: number;
  time: number;
  value: string;
  quality: string;
  reason: string | null;
  ts: number | null;
  unit: string | null;
  codes: string | null;
}

const SITES = `SELECT s.site, s.applied, s.duplicates, s.first_received, s.last_received, s.summary,
  l.seq AS status_seq, l.time AS status_time, l.body AS status_body
  FROM sites s LEFT JOIN latest l ON l.site = s.site AND l.kind = 'status'`;

function entry(site: string, journalSeq: number, record: string, extra: Record<string, unknown> = {}): CentreJournalEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record);
  } catch {
    parsed = undefined;
  }
  const fields = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { record, unreadable: true };
  return { ...fields, ...extra, site, journalSeq };
}

/** Read queries of centre.db for the API; every one may see what another centre process stored. */
export class CentreStoreReader {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {}

  sites(site?: string): CentreSiteRecord[] {
    const rows = this.all<SiteRow>(site === undefined ? `${SITES} ORDER BY s.site` : `${SITES} WHERE s.site = ?`, site === undefined ? [] : [site]);
    const counts = this.all<{ site: string; priority: number | null; n: number }>(
      `SELECT site, priority, COUNT(*) AS n FROM alarms WHERE state <> 'normal'${site === undefined ? '' : ' AND site = ?'} GROUP BY site, priority`,
      site === undefined ? [] : [site],
    );
    return rows.map((r) => {
      const byPriority: Record<string, number> = {};
      let total = 0;
      for (const c of counts.filter((x) => x.site === r.site)) {
        byPriority[String(c.priority ?? 'unknown')] = c.n;
        total += c.n;
      }
      const status = r.status_body === null ? null : { seq: r.status_seq ?? 0, time: r.status_time ?? 0, body: JSON.parse(r.status_body) as StatusBody };
      const summary = r.summary === null ? null : (JSON.parse(r.summary) as CentreSiteSummary);
      return { site: r.site, applied: r.applied, duplicates: r.duplicates, firstReceivedAt: r.first_received, lastReceivedAt: r.last_received, summary, status, alarms: { total, byPriority } };
    });
  }

  /** Current alarms of every site (or one), most urgent first. */
  alarms(site?: string): CentreJournalEntry[] {
    const where = site === undefined ? '' : 'AND site = ?';
    const rows = this.all<{ site: string; jseq: number; record: string }>(
      `SELECT site, jseq, record FROM alarms WHERE state <> 'normal' ${where} ORDER BY priority IS NULL, priority, site, jseq DESC`,
      site === undefined ? [] : [site],
    );
    return rows.map((r) => entry(r.site, r.jseq, r.record));
  }

  /** Alarm journal records (not audit ones), newest first: of one site by journal seq, of all sites by the time the gateways recorded them. */
  history(q: HistoryQuery): CentreJournalEntry[] {
    const where: string[] = ['audit_kind IS NULL'];
    const params: unknown[] = [];
    if (q.site !== undefined) (where.push('site = ?'), params.push(q.site));
    if (q.conditionId !== undefined) (where.push('condition_id = ?'), params.push(q.conditionId));
    if (q.since !== undefined) (where.push('rts >= ?'), params.push(q.since));
    const order = q.site === undefined ? 'rts DESC, site, jseq DESC' : 'jseq DESC';
    const sql = `SELECT site, jseq, record, hash FROM journal WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`;
    const rows = this.all<{ site: string; jseq: number; record: string; hash: string | null }>(sql, [...params, q.limit]);
    return rows.map((r) => entry(r.site, r.jseq, r.record, { chainHash: r.hash }));
  }

  /** The sites' audit records (docs/audit.md), newest first, ordered as history is. */
  audit(q: CentreAuditQuery): CentreJournalEntry[] {
    const where: string[] = ['audit_kind IS NOT NULL'];
    const params: unknown[] = [];
    if (q.site !== undefined) (where.push('site = ?'), params.push(q.site));
    if (q.kind !== undefined) (where.push('audit_kind = ?'), params.push(q.kind));
    if (q.since !== undefined) (where.push('rts >= ?'), params.push(q.since));
    const order = q.site === undefined ? 'rts DESC, site, jseq DESC' : 'jseq DESC';
    const sql = `SELECT site, jseq, record, hash FROM journal WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`;
    const rows = this.all<{ site: string; jseq: number; record: string; hash: string | null }>(sql, [...params, q.limit]);
    return rows.map((r) => entry(r.site, r.jseq, r.record, { chainHash: r.hash }));
  }

  /** The latest value of every point of every site (or one), as the newest snapshots carried them. */
  values(site?: string, pointId?: string): CentrePointValue[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (site !== undefined) (where.push('site = ?'), params.push(site));
    if (pointId !== undefined) (where.push('point_id = ?'), params.push(pointId));
    const sql = `SELECT * FROM point_values ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY site, point_id`;
    return this.all<ValueRow>(sql, params).map((r) => ({
      site: r.site,
      pointId: r.point_id,
      value: JSON.parse(r.value) as number | boolean | null,
      quality: r.quality,
      ...(r.reason === null ? {} : { reason: r.reason }),
      ts: r.ts,
      ...(r.unit === null ? {} : { unit: r.unit }),
      ...(r.codes === null ? {} : { codes: JSON.parse(r.codes) as Record<string, string> }),
      seq: r.seq,
      time: r.time,
    }));
  }

  private all<T>(sql: string, params: readonly unknown[]): T[] {
    try {
      let statement = this.statements.get(sql);
      if (statement === undefined) this.statements.set(sql, (statement = this.db.prepare(sql)));
      return statement.all(...params) as T[];
    } catch (cause) {
      throw new HazgateError('HG_ERR_CENTRE_STORE', `centre store ${this.file} cannot be read: ${String(cause)}`, { file: this.file }, cause);
    }
  }
}
