/**
 * Security audit (issue 11 item 5): who did what, from where, when. Operator actions on alarms
 * are already journaled as transitions (with user and comment); these are the other events:
 * logins, failed logins, token use and refusal, administration and configuration changes. They go
 * into the same tamper-evident journal (hash chain), and from there to the provincial feed.
 */
export type AuditKind =
  | 'login'
  | 'login-failed'
  | 'logout'
  | 'access-denied'
  | 'token-created'
  | 'token-revoked'
  | 'user-added'
  | 'user-removed'
  | 'user-changed'
  | 'bypass'
  | 'config'
  | 'config-reload'
  | 'config-reload-refused'
  | 'start'
  | 'stop';

export interface AuditEvent {
  readonly kind: AuditKind;
  /** The user it concerns (the one who acted, or the name tried in a failed login); null when unknown. */
  readonly user: string | null;
  /** Client address (IP), or null for local commands and the process itself. */
  readonly address: string | null;
  /** Gateway time, epoch ms. */
  readonly time: number;
  /** Short human text: `login from 10.0.0.7 (password)`. Never a password, token or secret. */
  readonly message: string;
  /** Machine-readable facts (the permission refused, the route, the token id, the config hash…). Never secrets. */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** Where audit events go (the journal). Recording must not throw into the request: failures are the sink's to report. */
export interface AuditSink {
  record(e: AuditEvent): void;
}

/** Every kind, for parsing records read back (the journal, the centre) and for CLI filters. */
export const AUDIT_KINDS: readonly AuditKind[] = [
  'login', 'login-failed', 'logout', 'access-denied', 'token-created', 'token-revoked',
  'user-added', 'user-removed', 'user-changed', 'bypass', 'config', 'config-reload', 'config-reload-refused', 'start', 'stop',
];

export function isAuditKind(v: unknown): v is AuditKind {
  return typeof v === 'string' && (AUDIT_KINDS as readonly string[]).includes(v);
}

/**
 * An audit event as the journal stores it: one row of the alarm journal's hash chain, its JSON
 * text exactly these keys in this order (`type` first, so a reader tells it from an
 * AlarmTransition, which has no `type`, by its first bytes). It carries no `conditionId`: a
 * reader that knows only transitions (an older centre) never takes it for an alarm.
 */
export interface AuditRecord {
  readonly type: 'audit';
  readonly eventId: string;
  readonly kind: AuditKind;
  /** The gateway's site, when the sink was told it. */
  readonly siteId?: string;
  readonly user: string | null;
  readonly address: string | null;
  /** When it happened (the event's time), epoch ms. */
  readonly time: number;
  /** When it was journaled, epoch ms (later than `time` when a write was retried). */
  readonly rts: number;
  readonly message: string;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** The start of every audit record's text (JSON.stringify keeps the key order of AuditRecord). */
export const AUDIT_RECORD_PREFIX = '{"type":"audit"';

/** The journal row's `state` column for audit records: never an AlarmState, so no alarm query matches it. */
export const AUDIT_STATE = 'audit';

/**
 * The journal row's `condition_id` for an audit record of `kind`. Alarm condition ids are
 * `<rule id>/…` (or `camera-offline/…`, `crowd/…`) and a rule id has no `:`, so none starts with `audit:`.
 */
export function auditConditionId(kind: AuditKind): string {
  return `audit:${kind}`;
}

/** Is this journal record text an audit record? (By its first bytes: cheap enough for every row of a verify.) */
export function isAuditRecordText(text: string): boolean {
  return text.startsWith(AUDIT_RECORD_PREFIX);
}

const finiteOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const textOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function detailsOf(v: unknown): Record<string, string | number | boolean | null> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(v)) {
    out[key] = typeof value === 'string' || typeof value === 'boolean' ? value : finiteOrNull(value);
  }
  return out;
}

/**
 * An audit record read back from journal text (the gateway's journal, or the centre's copy of
 * it); null when the text is not one. Pure; never throws.
 */
export function readAuditRecord(text: string): AuditRecord | null {
  if (!isAuditRecordText(text)) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const r = v as Record<string, unknown>;
  const time = finiteOrNull(r['time']);
  const rts = finiteOrNull(r['rts']);
  if (r['type'] !== 'audit' || typeof r['eventId'] !== 'string' || !isAuditKind(r['kind']) || time === null || rts === null) return null;
  const details = detailsOf(r['details']);
  const siteId = textOrNull(r['siteId']);
  return {
    type: 'audit',
    eventId: r['eventId'],
    kind: r['kind'],
    ...(siteId === null ? {} : { siteId }),
    user: textOrNull(r['user']),
    address: textOrNull(r['address']),
    time,
    rts,
    message: textOrNull(r['message']) ?? '',
    ...(details === undefined ? {} : { details }),
  };
}

/** Which audit records to read back: newest first, at most `limit`. */
export interface AuditQuery {
  readonly limit: number;
  /** Only records journaled at or after this epoch ms (their `rts`). */
  readonly since?: number;
  readonly kind?: AuditKind;
  readonly user?: string;
}

/** An audit record with its journal sequence number (what `hazgate journal verify` names when one is broken). */
export type AuditEntry = AuditRecord & { readonly seq: number };

/** The journal's audit side (src/alarms SqliteAlarmJournal implements it). */
export interface AuditJournal {
  /** Appends to the hash chain, durably as an alarm transition. @throws HazgateError HG_ERR_JOURNAL_WRITE */
  appendAudit(record: AuditRecord): void;
  /** Newest first. @throws HazgateError HG_ERR_STORE_QUERY */
  recentAudit(q: AuditQuery): AuditEntry[];
}
