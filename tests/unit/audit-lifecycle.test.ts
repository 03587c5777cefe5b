import { describe, expect, it } from 'vitest';
import { auditStart, configDigest } from '../../src/app/lifecycle-audit.js';
import type { AuditEntry, AuditEvent, AuditJournal, AuditQuery, AuditRecord, AuditSink } from '../../src/core/audit.js';

/** The gateway's start is journaled with the digest of what it runs; a changed configuration is a record of its own. */

class Journal implements AuditJournal, AuditSink {
  readonly events: AuditEvent[] = [];
  appendAudit(_r: AuditRecord): void {}
  recentAudit(q: AuditQuery): AuditEntry[] {
    const hits = this.events.filter((e) => q.kind === undefined || e.kind === q.kind).reverse().slice(0, q.limit);
    return hits.map((e, i) => ({ ...e, eventId: `e${i}`, rts: e.time, seq: i + 1 }) as unknown as AuditEntry);
  }
  record(e: AuditEvent): void {
    this.events.push(e);
  }
}

describe('start and configuration audit', () => {
  it('records the start with the config digest; a second start with another config adds a config record, the same config does not', () => {
    const j = new Journal();
    auditStart(j, j, { rules: [{ id: 'gas', limit: 25 }] }, 't', 1);
    expect(j.events.map((e) => e.kind)).toEqual(['start']);
    expect(j.events[0]?.details?.['configSha256']).toBe(configDigest({ rules: [{ id: 'gas', limit: 25 }] }));
    auditStart(j, j, { rules: [{ id: 'gas', limit: 25 }] }, 't', 2);
    expect(j.events.map((e) => e.kind)).toEqual(['start', 'start']);
    auditStart(j, j, { rules: [{ id: 'gas', limit: 40 }] }, 't', 3);
    expect(j.events.map((e) => e.kind)).toEqual(['start', 'start', 'config', 'start']);
    expect(j.events[2]?.message).toMatch(/site configuration changed since the last start/);
  });
});
