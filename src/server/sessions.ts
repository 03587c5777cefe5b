import { createHash, createHmac, randomBytes } from 'node:crypto';
import { HazgateError, type SessionRecord, type SessionRecords } from '../core/index.js';

/** Sessions one user may hold at once; a login past it ends that user's own oldest (several consoles, never others'). */
export const MAX_SESSIONS_PER_USER = 20;

/**
 * A session's last use reaches its record at most this often (a tenth of the idle timeout when that
 * is shorter), all due ones in one transaction: never a disk write per request. After a crash a
 * session may so look up to a minute less recently used than it was, which an idle timeout of 30
 * minutes (the default) tolerates.
 */
export const LAST_SEEN_WRITE_MS = 60_000;

/** Ended sessions are forgotten at most this often (and at a login). */
const SWEEP_EVERY_MS = 60_000;

/** auth.sessions, in milliseconds. */
export interface SessionSettings {
  readonly idleTimeoutMs: number;
  readonly maxAgeMs: number;
  readonly maxSessions: number;
}

/** A console login. The id is the cookie's value; `csrf` is what state-changing requests must echo in X-Hazgate-Csrf. */
export interface Session {
  readonly id: string;
  readonly user: string;
  /** Principal.credential at the login (absent: not checked). */
  readonly credential?: string;
  readonly csrf: string;
  readonly created: number;
  /** Epoch ms the session ends however much it is used (created + maxAge). */
  readonly expires: number;
  readonly lastSeen: number;
}

/** Where sessions are kept beyond the process, and whom to tell when that fails. */
export interface SessionPersistence {
  readonly records: SessionRecords;
  /** A read or write of the records failed (HG_ERR_AUTH_STORE): the sessions go on in memory and it is tried again. */
  readonly onError: (error: unknown) => void;
}

/** 32 random bytes, base64url: what a session id is made of. */
export function randomId(): string {
  return randomBytes(32).toString('base64url');
}

/** What identifies a session on disk and in memory: hex SHA-256 of its id (256 random bits need no slow hash). */
export function sessionKey(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/**
 * The session's CSRF token, HMAC-SHA256 keyed by the session id: the same after a restart without
 * being kept anywhere, and it tells nothing about the id (nor the stored key about it).
 */
export function csrfOf(id: string): string {
  return createHmac('sha256', id).update('hazgate csrf').digest('base64url');
}

/** A session as the store holds it: never its id. */
interface Kept {
  readonly key: string;
  readonly user: string;
  readonly credential: string | null;
  readonly created: number;
  readonly expires: number;
  lastSeen: number;
  /** lastSeen as the record has it. */
  written: number;
  /** Whether the record exists: a login while the store could not write is kept in memory and written later. */
  durable: boolean;
}

const IN_MEMORY: SessionRecords = { all: () => [], insert: () => undefined, remove: () => undefined, touch: () => undefined, changedElsewhere: () => false };

/**
 * Console sessions: in memory for every request, written through to `SessionRecords` (users.db)
 * at a login and a logout, so a restart (an upgrade, a crash) does not log the control room out.
 * Without records, a restart ends them all. Bounded: a user past MAX_SESSIONS_PER_USER loses their
 * own oldest session; when the store is full, new logins are refused (429) rather than ending
 * someone else's: one user logging in over and over must not log the shift out.
 */
export class SessionStore {
  private readonly byKey = new Map<string, Kept>();
  /** Ended here, not yet off the records (the store failed): retried, and never loaded back. */
  private readonly unremoved = new Set<string>();
  private readonly records: SessionRecords;
  private readonly onError: (error: unknown) => void;
  private sweptAt: number;
  private flushedAt: number;
  private readonly writeEveryMs: number;

  constructor(
    private readonly settings: SessionSettings,
    private readonly now: () => number,
    private readonly newId: () => string = randomId,
    persistence?: SessionPersistence,
  ) {
    this.records = persistence?.records ?? IN_MEMORY;
    this.onError = persistence?.onError ?? (() => undefined);
    this.sweptAt = this.flushedAt = now();
    this.writeEveryMs = Math.min(LAST_SEEN_WRITE_MS, settings.idleTimeoutMs / 10);
    this.load();
  }

  get size(): number {
    return this.byKey.size;
  }

  create(user: string, credential?: string): Session {
    const now = this.now();
    this.sweep(now, 'when due');
    const own = [...this.byKey.values()].filter((x) => x.user === user).sort((a, b) => a.created - b.created);
    this.forget(own.slice(0, Math.max(0, own.length - MAX_SESSIONS_PER_USER + 1)).map((x) => x.key));
    if (this.byKey.size >= this.settings.maxSessions) {
      throw new HazgateError('HG_ERR_AUTH_LOCKED', `the server holds ${this.byKey.size} console sessions, its maximum (auth.sessions.maxSessions); try again when some have ended`, { retryAfterMs: 60_000 });
    }
    const id = this.newId();
    const kept: Kept = { key: sessionKey(id), user, credential: credential ?? null, created: now, expires: now + this.settings.maxAgeMs, lastSeen: now, written: now, durable: false };
    this.byKey.set(kept.key, kept);
    this.persist(kept);
    return viewOf(id, kept);
  }

  /** The session while it lasts, marked as used now (in memory); undefined once it has ended (idle, too old, logged out), and forgotten. */
  use(id: string): Session | undefined {
    const key = sessionKey(id);
    const s = this.byKey.get(key);
    if (s === undefined) return undefined;
    const now = this.now();
    if (!this.alive(s, now)) {
      this.forget([key]);
      return undefined;
    }
    s.lastSeen = now;
    return viewOf(id, s);
  }

  end(id: string): Session | undefined {
    const key = sessionKey(id);
    const s = this.byKey.get(key);
    this.forget([key]);
    return s === undefined ? undefined : viewOf(id, s);
  }

  /**
   * The periodic pass (every second or so): takes in what another process ended or began (`hazgate
   * user remove`), and at most once a minute writes the last uses, forgets ended sessions and
   * retries what the store refused.
   */
  maintain(): void {
    const now = this.now();
    this.reconcile();
    if (now - this.flushedAt < this.writeEveryMs) return;
    this.flush(now);
    this.sweep(now, 'when due');
  }

  /** At shutdown: the last uses written, so a restart knows them to the second. */
  close(): void {
    this.flush(this.now());
  }

  private alive(s: Kept, now: number): boolean {
    return now < s.expires && now - s.lastSeen < this.settings.idleTimeoutMs;
  }

  private load(): void {
    const now = this.now();
    try {
      for (const r of this.records.all()) this.byKey.set(r.key, keptOf(r));
    } catch (e) {
      this.onError(e);
    }
    this.sweep(now, 'now');
  }

  /** Ended sessions forgotten, here and in the records. */
  private sweep(now: number, when: 'now' | 'when due'): void {
    if (when === 'when due' && now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    this.forget([...this.byKey.values()].filter((s) => !this.alive(s, now)).map((s) => s.key));
  }

  private forget(keys: readonly string[]): void {
    if (keys.length === 0) return;
    for (const key of keys) this.byKey.delete(key);
    this.removeRecords([...keys, ...this.unremoved]);
  }

  private removeRecords(keys: readonly string[]): void {
    try {
      this.records.remove(keys);
      this.unremoved.clear();
    } catch (e) {
      for (const key of keys) this.unremoved.add(key);
      this.onError(e);
    }
  }

  private persist(s: Kept): void {
    try {
      this.records.insert(recordOf(s));
      s.durable = true;
    } catch (e) {
      this.onError(e); // the login stands, in memory: a full disk must not keep the shift out
    }
  }

  /** Last uses written (one transaction), sessions the store could not take written again, ends it refused retried. */
  private flush(now: number): void {
    this.flushedAt = now;
    if (this.unremoved.size > 0) this.removeRecords([...this.unremoved]);
    const all = [...this.byKey.values()];
    for (const s of all) if (!s.durable) this.persist(s);
    const due = all.filter((s) => s.durable && s.lastSeen > s.written);
    if (due.length === 0) return;
    try {
      this.records.touch(due.map((s) => ({ key: s.key, lastSeen: s.lastSeen })));
      for (const s of due) s.written = s.lastSeen;
    } catch (e) {
      this.onError(e);
    }
  }

  /**
   * Another process wrote to the records: a session gone from them was ended there (its user removed,
   * their password changed) and ends here; one new there (a second server on the same users.db) is taken in.
   */
  private reconcile(): void {
    let records: SessionRecord[];
    try {
      if (!this.records.changedElsewhere()) return;
      records = this.records.all();
    } catch (e) {
      this.onError(e);
      return;
    }
    const there = new Map(records.map((r) => [r.key, r]));
    for (const s of this.byKey.values()) if (s.durable && !there.has(s.key)) this.byKey.delete(s.key);
    for (const r of records) {
      if (this.unremoved.has(r.key)) continue;
      const s = this.byKey.get(r.key);
      if (s === undefined) {
        this.byKey.set(r.key, keptOf(r));
      } else {
        s.lastSeen = Math.max(s.lastSeen, r.lastSeen);
        s.written = Math.max(s.written, r.lastSeen);
      }
    }
  }
}

function viewOf(id: string, s: Kept): Session {
  return { id, user: s.user, ...(s.credential === null ? {} : { credential: s.credential }), csrf: csrfOf(id), created: s.created, expires: s.expires, lastSeen: s.lastSeen };
}

function keptOf(r: SessionRecord): Kept {
  return { key: r.key, user: r.user, credential: r.credential, created: r.created, expires: r.expires, lastSeen: r.lastSeen, written: r.lastSeen, durable: true };
}

function recordOf(s: Kept): SessionRecord {
  return { key: s.key, user: s.user, credential: s.credential, created: s.created, expires: s.expires, lastSeen: s.lastSeen };
}
