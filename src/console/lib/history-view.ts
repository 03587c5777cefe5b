import type { Transition } from './wire.js';

/** Why a transition happened (README "Alarm states"): process, operator and system reasons. */
export const REASONS: readonly string[] = [
  'activate', 'escalate', 'deescalate', 'return',
  'acknowledge', 'confirm', 'comment', 'shelve', 'unshelve', 'out-of-service', 'in-service', 'reset',
  're-alarm', 'shelve-expired', 'suppress', 'unsuppress',
];

/** Quick choices of the search's `since`, newest window first. */
export const SINCE_CHOICES: readonly string[] = ['1h', '8h', '24h', '7d'];

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export const DEFAULT_LIMIT = 200;
export const MAX_LIMIT = 10_000;

/** The search kept in the page's query (`#/history?condition=&point=&since=&limit=&q=&audit=1`). */
export interface HistorySearch {
  readonly condition: string;
  readonly point: string;
  /** `1h`, `8h`, `24h`, `7d`, or epoch ms; '' for no bound. */
  readonly since: string;
  readonly limit: number;
  readonly q: string;
  readonly audit: boolean;
  /**
   * At a centre under "all sites": one site's history (`for=`), without choosing that site for the
   * whole console (the alarm details' history link); '' for none.
   */
  readonly forSite: string;
}

export function parseLimit(s: string | undefined): number {
  const n = Number(s);
  if (s === undefined || s.trim() === '' || !Number.isFinite(n)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(n)));
}

export function searchFromQuery(q: Readonly<Record<string, string>>): HistorySearch {
  const since = q['since'] ?? '';
  return {
    condition: (q['condition'] ?? '').trim(),
    point: (q['point'] ?? '').trim(),
    since: sinceMs(since, 0) === null ? '' : since,
    limit: parseLimit(q['limit']),
    q: q['q'] ?? '',
    audit: q['audit'] === '1',
    forSite: (q['for'] ?? '').trim(),
  };
}

/** The query of a search: defaults left out so the URL stays short. */
export function searchToQuery(s: HistorySearch): Record<string, string> {
  const out: Record<string, string> = {};
  if (s.condition !== '') out['condition'] = s.condition;
  if (s.point !== '') out['point'] = s.point;
  if (s.since !== '') out['since'] = s.since;
  if (s.limit !== DEFAULT_LIMIT) out['limit'] = String(s.limit);
  if (s.q !== '') out['q'] = s.q;
  if (s.audit) out['audit'] = '1';
  if (s.forSite !== '') out['for'] = s.forSite;
  return out;
}

/** `since` as epoch ms: a relative choice (`8h`, `30m`, `7d`) back from `now`, or epoch ms; null for none or junk. */
export function sinceMs(since: string, now: number): number | null {
  const rel = /^(\d{1,4})([mhd])$/.exec(since);
  if (rel !== null) return now - Number(rel[1]) * (UNIT_MS[rel[2] ?? 'h'] ?? 0);
  if (/^\d{9,15}$/.test(since)) return Number(since);
  return null;
}

/** The site a centre's history is of: the console's chosen one, else the search's `for`; null for all. */
export function historySite(s: Pick<HistorySearch, 'forSite'>, site: string | null): string | null {
  return site ?? (s.forSite === '' ? null : s.forSite);
}

/** The REST path of a search: the gateway's, or the centre's (which knows no pointId but a site: the chosen one, or the search's `for`). */
export function historyPath(s: HistorySearch, now: number, mode: 'gateway' | 'centre', site: string | null): string {
  const p = new URLSearchParams();
  const of = historySite(s, site);
  if (mode === 'centre' && of !== null) p.set('site', of);
  p.set('limit', String(s.limit));
  if (s.condition !== '') p.set('conditionId', s.condition);
  if (mode === 'gateway' && s.point !== '') p.set('pointId', s.point);
  const since = sinceMs(s.since, now);
  if (since !== null) p.set('since', String(since));
  return `/api/alarms/history?${p.toString()}`;
}

/** An audit record (login, configuration…) that came with the history: not an alarm. */
export function isAudit(t: Partial<Transition> & { readonly type?: unknown }): boolean {
  return t.type === 'audit' || (t.state as string | undefined) === 'audit' || (typeof t.conditionId === 'string' && t.conditionId.startsWith('audit:'));
}

/**
 * The rows the table shows: audit records only when asked for, and the free text (every word,
 * case-insensitive) in the message, level, user, comment, reason (as sent and as shown), condition or point.
 */
export function filterHistory(rows: readonly Transition[], text: string, showAudit: boolean, reasonLabel: (reason: string) => string = (r) => r): Transition[] {
  const words = text.toLowerCase().split(/\s+/).filter((w) => w !== '');
  return rows.filter((t) => {
    if (!showAudit && isAudit(t)) return false;
    if (words.length === 0) return true;
    const reason = typeof t.reason === 'string' ? t.reason : '';
    const hay = [t.message, t.level, t.user, t.comment, reason, reasonLabel(reason), t.conditionId, t.pointId, t.zoneId, t.site]
      .filter((x) => typeof x === 'string')
      .join('\n')
      .toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** A cell that is nothing but a number (a spreadsheet reads it as one, never as a formula). */
const PLAIN_NUMBER = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * A CSV cell: quoted when needed; text that a spreadsheet would run as a formula (starting with
 * = + - @ TAB or CR) is made inert with a leading quote, unless the whole cell is a plain number
 * (`-1+cmd|' /C calc'!A0` starts like a number and is a formula all the same).
 */
export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text for a spreadsheet: a byte-order mark (Excel then reads UTF-8, so Chinese shows right) and CRLF lines. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The next row of a roving selection: ↑/↓ move, clamped; from none, ↓ takes the first and ↑ the last. */
export function moveSelection(current: number, count: number, delta: number): number {
  if (count <= 0) return -1;
  if (current < 0) return delta > 0 ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, current + delta));
}
