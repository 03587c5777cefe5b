import type { AuditEvent, AuditSink } from '../core/index.js';

/** Refusals recorded one by one per client address and minute; beyond that they are counted and summed up. */
const REFUSALS_PER_MINUTE = 20;
const WINDOW_MS = 60_000;
/** Addresses remembered at most; past it those whose minute is over are forgotten. */
const MAX_ADDRESSES = 10_000;

interface Window {
  start: number;
  recorded: number;
  suppressed: number;
}

type Details = NonNullable<AuditEvent['details']>;

/**
 * The server's security audit (issue 11 item 5): logins, failed logins, logouts, refused
 * credentials and denied access, into the AuditSink (the journal's hash chain). Refusals are bounded
 * per address: a scanner sending thousands of bad tokens a second must not fill the alarm journal,
 * whose writes the alarms wait on. Without a sink nothing is recorded (the log still says it).
 */
export class AccessAudit {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly sink: AuditSink | undefined,
    private readonly now: () => number,
  ) {}

  login(user: string, address: string, via: string): void {
    this.record({ kind: 'login', user, address, message: `${user} logged in from ${address} (${via})`, details: { via } });
  }

  logout(user: string, address: string): void {
    this.record({ kind: 'logout', user, address, message: `${user} logged out from ${address}` });
  }

  /** `user` null for a name that is no user's: what was typed is not journaled (it may be a password typed in the wrong field). */
  loginFailed(user: string | null, address: string, code: string): void {
    const as = user === null ? 'an unknown user name' : `"${user.slice(0, 64)}"`;
    this.refusal({ kind: 'login-failed', user, address, message: `failed login as ${as} from ${address} (${code})`, details: { code } });
  }

  /** A credential refused (unknown, expired or revoked token, a JWT that does not verify), or access the role or scopes do not grant. */
  denied(user: string | null, address: string, message: string, details: Details): void {
    this.refusal({ kind: 'access-denied', user, address, message, details });
  }

  /** An interlock bypass registered or ended through the API, by whom. */
  bypass(user: string, address: string, message: string, details: Details): void {
    this.record({ kind: 'bypass', user, address, message, details });
  }

  private refusal(e: Omit<AuditEvent, 'time'>): void {
    if (this.sink === undefined) return;
    const now = this.now();
    const key = e.address ?? '';
    let w = this.windows.get(key);
    if (w !== undefined && now - w.start >= WINDOW_MS) {
      if (w.suppressed > 0) this.summarise(key, w);
      w = undefined;
    }
    if (w === undefined) {
      if (this.windows.size >= MAX_ADDRESSES) this.forgetOld(now);
      w = { start: now, recorded: 0, suppressed: 0 };
      this.windows.set(key, w);
    }
    if (w.recorded >= REFUSALS_PER_MINUTE) {
      w.suppressed++;
      return;
    }
    w.recorded++;
    this.record(e);
  }

  private summarise(address: string, w: Window): void {
    this.record({ kind: 'access-denied', user: null, address, message: `${w.suppressed} more refusals from ${address} within a minute, not recorded one by one`, details: { suppressed: w.suppressed } });
  }

  private forgetOld(now: number): void {
    for (const [key, w] of this.windows) {
      if (now - w.start < WINDOW_MS) continue;
      if (w.suppressed > 0) this.summarise(key, w);
      this.windows.delete(key);
    }
  }

  private record(e: Omit<AuditEvent, 'time'>): void {
    this.sink?.record({ ...e, time: this.now() });
  }
}
