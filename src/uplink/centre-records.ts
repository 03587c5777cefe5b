import { isAuditRecordText, readAuditRecord, type AuditKind } from '../core/audit.js';

/**
 * What the centre reads out of a journal record's text (an AlarmTransition as JSON): enough to
 * keep each site's current alarms and to order history. The record itself is stored and served
 * byte for byte; a record that does not read (a broken or hostile gateway) is still stored and
 * chain-checked, it only does not count as an alarm. An audit record (core/audit.ts, docs/audit.md)
 * is stored and chain-checked the same way and never counts as an alarm either. Pure.
 */
export interface JournalFacts {
  readonly conditionId: string;
  /** The ISA-18.2 state after the transition (`normal` ends the alarm). */
  readonly state: string;
  readonly priority: number | null;
  /** When the gateway recorded it, epoch ms (null when the record has none). */
  readonly rts: number | null;
  /** The parsed record, as the gateway wrote it. */
  readonly transition: Readonly<Record<string, unknown>>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** null when the text is not a JSON object with a string conditionId and state, or is an audit record. */
export function readJournalFacts(record: string): JournalFacts | null {
  if (isAuditRecordText(record)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(record);
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  const { conditionId, state } = parsed;
  if (typeof conditionId !== 'string' || conditionId === '' || typeof state !== 'string' || state === '') return null;
  return { conditionId, state, priority: finite(parsed['priority']), rts: finite(parsed['rts']), transition: parsed };
}

/** What the centre files an audit record under. */
export interface AuditFacts {
  readonly kind: AuditKind;
  /** When the gateway journaled it, epoch ms. */
  readonly rts: number;
}

/** null when the text is not an audit record (then it may be a transition: readJournalFacts). */
export function readAuditFacts(record: string): AuditFacts | null {
  const r = readAuditRecord(record);
  return r === null ? null : { kind: r.kind, rts: r.rts };
}
