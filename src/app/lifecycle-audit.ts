import { createHash } from 'node:crypto';
import type { AuditJournal, AuditSink } from '../core/audit.js';

/** A digest of the effective site configuration (after includes, profiles and defaults): what the gateway runs. */
export function configDigest(config: unknown): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

/**
 * Journals the gateway's start, and a `config` record when the effective configuration differs from
 * the one the previous start recorded: a changed rule, limit or user scope is on the tamper-evident
 * record with the time it took effect (the file's author is not known to the process; the host's
 * change management names them).
 */
export function auditStart(journal: AuditJournal, sink: AuditSink, config: unknown, version: string, now: number): void {
  const digest = configDigest(config);
  let previous: string | null = null;
  try {
    const last = journal.recentAudit({ limit: 1, kind: 'start' })[0];
    const d = last?.details?.['configSha256'];
    previous = typeof d === 'string' ? d : null;
  } catch {
    // an unreadable history only loses the comparison; the start is still recorded
  }
  if (previous !== null && previous !== digest) {
    sink.record({ kind: 'config', user: null, address: null, time: now, message: `site configuration changed since the last start (sha256 ${digest.slice(0, 12)}…, was ${previous.slice(0, 12)}…)`, details: { configSha256: digest, previousSha256: previous } });
  }
  sink.record({ kind: 'start', user: null, address: null, time: now, message: `gateway ${version} started`, details: { version, configSha256: digest } });
}
