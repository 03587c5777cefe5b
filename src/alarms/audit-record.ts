import type { AuditEvent, AuditRecord } from '../core/audit.js';
import { excerpt } from '../core/excerpt.js';

/**
 * Bounds of an audit record. Every failed login is journaled (the login limiter already slows a
 * flood), so what a client chooses (the user name it tried, a header) must not make a record large.
 */
export const AUDIT_LIMITS = Object.freeze({
  user: 128,
  address: 64,
  message: 500,
  detailKeys: 32,
  detailKey: 64,
  detailValue: 500,
});

export interface AuditStamp {
  readonly eventId: string;
  /** Journal time, epoch ms. */
  readonly rts: number;
  readonly siteId?: string | undefined;
}

type Details = Record<string, string | number | boolean | null>;

/** At most `detailKeys` entries (names and texts shortened), non-finite numbers as null, and how many were left out. */
function boundDetails(details: AuditEvent['details']): Details | undefined {
  if (details === undefined) return undefined;
  const out: Details = {};
  const entries = Object.entries(details);
  for (const [key, value] of entries.slice(0, AUDIT_LIMITS.detailKeys)) {
    const name = excerpt(key, AUDIT_LIMITS.detailKey);
    if (typeof value === 'string') out[name] = excerpt(value, AUDIT_LIMITS.detailValue);
    else if (typeof value === 'number') out[name] = Number.isFinite(value) ? value : null;
    else out[name] = typeof value === 'boolean' ? value : null;
  }
  if (entries.length > AUDIT_LIMITS.detailKeys) out['omittedDetails'] = entries.length - AUDIT_LIMITS.detailKeys;
  return out;
}

const bounded = (text: string | null, max: number): string | null => (text === null ? null : excerpt(String(text), max));

/** The record the journal stores for `e` (key order as AuditRecord: `type` first). Pure. */
export function auditRecordOf(e: AuditEvent, stamp: AuditStamp): AuditRecord {
  const details = boundDetails(e.details);
  return {
    type: 'audit',
    eventId: stamp.eventId,
    kind: e.kind,
    ...(stamp.siteId === undefined ? {} : { siteId: stamp.siteId }),
    user: bounded(e.user, AUDIT_LIMITS.user),
    address: bounded(e.address, AUDIT_LIMITS.address),
    time: Number.isFinite(e.time) ? e.time : stamp.rts,
    rts: stamp.rts,
    message: excerpt(String(e.message), AUDIT_LIMITS.message),
    ...(details === undefined ? {} : { details }),
  };
}
