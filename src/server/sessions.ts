import { randomBytes } from 'node:crypto';
import { HazgateError } from '../core/index.js';

/** Sessions one user may hold at once; a login past it ends that user's own oldest (several consoles, never others'). */
export const MAX_SESSIONS_PER_USER = 20;

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
  lastSeen: number;
}

/** 32 random bytes, base64url: what a session id and a CSRF token are made of. */
export function randomId(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Console sessions, in memory: a restart ends them all (everyone logs in again), which is the
 * price of keeping no session secrets on disk. Bounded: a user past MAX_SESSIONS_PER_USER loses
 * their own oldest session; when the store is full, new logins are refused (429) rather than ending
 * someone else's: one user logging in over and over must not log the shift out.
 */
export class SessionStore {
  /** In creation order, so the first is the oldest. */
  private readonly byId = new Map<string, Session>();
  private sweptAt = 0;

  constructor(
    private readonly settings: SessionSettings,
    private readonly now: () => number,
    private readonly newId: () => string = randomId,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  create(user: string, credential?: string): Session {
    const now = this.now();
    this.sweep(now);
    const own = [...this.byId.values()].filter((x) => x.user === user);
    for (const oldest of own.slice(0, Math.max(0, own.length - MAX_SESSIONS_PER_USER + 1))) this.byId.delete(oldest.id);
    if (this.byId.size >= this.settings.maxSessions) {
      throw new HazgateError('HG_ERR_AUTH_LOCKED', `the server holds ${this.byId.size} console sessions, its maximum (auth.sessions.maxSessions); try again when some have ended`, { retryAfterMs: 60_000 });
    }
    const session: Session = { id: this.newId(), user, ...(credential === undefined ? {} : { credential }), csrf: this.newId(), created: now, expires: now + this.settings.maxAgeMs, lastSeen: now };
    this.byId.set(session.id, session);
    return session;
  }

  /** The session while it lasts, marked as used now; undefined once it has ended (idle, too old, logged out), and forgotten. */
  use(id: string): Session | undefined {
    const s = this.byId.get(id);
    if (s === undefined) return undefined;
    const now = this.now();
    if (!this.alive(s, now)) {
      this.byId.delete(id);
      return undefined;
    }
    s.lastSeen = now;
    return s;
  }

  end(id: string): Session | undefined {
    const s = this.byId.get(id);
    this.byId.delete(id);
    return s;
  }

  private alive(s: Session, now: number): boolean {
    return now < s.expires && now - s.lastSeen < this.settings.idleTimeoutMs;
  }

  /** Ended sessions are forgotten at the next login, at most once a minute. */
  private sweep(now: number): void {
    if (now - this.sweptAt < 60_000) return;
    this.sweptAt = now;
    for (const [id, s] of this.byId) if (!this.alive(s, now)) this.byId.delete(id);
  }
}
