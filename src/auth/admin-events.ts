import type Database from 'better-sqlite3';

/**
 * What `hazgate user …` changed, kept in users.db until a gateway journals it. The CLI runs as its
 * own process and must not append to the journal itself (the running gateway holds the chain's
 * head in memory), so the change waits here and the gateway records it as an audit event at its
 * next pass (every few seconds, and at start when it was not running).
 */
export interface AdminEvent {
  readonly seq: number;
  readonly at: number;
  readonly kind: 'user-added' | 'user-removed' | 'user-changed' | 'token-created' | 'token-revoked';
  /** The user changed. */
  readonly subject: string;
  /** Who ran the command (the operating-system account). */
  readonly actor: string;
  readonly message: string;
}

export const ADMIN_EVENTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS admin_events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    actor     TEXT    NOT NULL,
    message   TEXT    NOT NULL,
    journaled INTEGER NOT NULL DEFAULT 0
  );
`;

/** The admin-event side of users.db. */
export class AdminEventLog {
  constructor(private readonly db: Database.Database) {
    db.exec(ADMIN_EVENTS_SCHEMA);
  }

  add(e: Omit<AdminEvent, 'seq'>): void {
    this.db.prepare('INSERT INTO admin_events (at, kind, subject, actor, message) VALUES (?, ?, ?, ?, ?)').run(e.at, e.kind, e.subject.slice(0, 128), e.actor.slice(0, 128), e.message.slice(0, 500));
  }

  /** Not yet journaled, oldest first. */
  pending(limit = 100): AdminEvent[] {
    return this.db.prepare<[number], AdminEvent>('SELECT seq, at, kind, subject, actor, message FROM admin_events WHERE journaled = 0 ORDER BY seq LIMIT ?').all(limit);
  }

  /** After they are in the journal (a crash in between journals them twice, never not at all). */
  markJournaled(upto: number): void {
    this.db.prepare('UPDATE admin_events SET journaled = 1 WHERE seq <= ? AND journaled = 0').run(upto);
  }
}
