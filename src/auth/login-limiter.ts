/**
 * Brute-force protection for password logins (issue 11 item 4), pure: time is passed in.
 *
 * Failures are counted per user and per client address. `maxFailures` (`maxFailuresPerAddress`)
 * within `windowMs` locks the key for `baseDelayMs`; each further failure after a lock ends, while the earlier ones are still in
 * the window, locks it again for twice as long, up to `maxDelayMs`. A key quiet for the longer of
 * the window and the longest delay is forgotten. A successful login clears the user's count, never
 * the address's: an attacker holding one good account cannot reset their address between guesses.
 *
 * A locked user can still log in from an address they logged in from successfully before (their
 * console): otherwise anyone on the network could lock the shift's operator out in an incident by
 * typing five wrong passwords for them. That address's own count still applies.
 *
 * Memory is bounded: addresses, users and known addresses each live in an LRU. IPv6 clients count
 * by their /64, the smallest block one subscriber is usually given.
 */
export interface LockoutSettings {
  /** Failures of one user within the window before it is locked. */
  readonly maxFailures: number;
  /**
   * Failures from one address (any users) within the window before it is locked. Higher than the
   * user's by default: a control room behind one NAT address is many people typing.
   */
  readonly maxFailuresPerAddress: number;
  readonly windowMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Addresses tracked at most (least recently seen forgotten first). */
  readonly maxAddresses?: number;
  /** Users tracked at most. */
  readonly maxUsers?: number;
}

export type LimiterVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly by: 'user' | 'address'; readonly retryAfterMs: number };

export interface LimiterStats {
  readonly trackedUsers: number;
  readonly trackedAddresses: number;
  /** Locks started, by key kind, since the limiter was made. */
  readonly lockouts: { readonly user: number; readonly address: number };
}

interface Entry {
  /** Times of the failures within the window, oldest first, at most maxFailures. */
  failures: number[];
  /** Locks so far: the next lasts baseDelay · 2^strikes. */
  strikes: number;
  lockedUntil: number;
  lastFailure: number;
}

const KNOWN_ADDRESSES_PER_USER = 8;

/** A Map kept in use order: get and set move a key to the newest end; the oldest goes past `max`. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) this.map.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}

export class LoginLimiter {
  private readonly users: Lru<Entry>;
  private readonly addresses: Lru<Entry>;
  private readonly known: Lru<string[]>;
  /** Attempts begun and not yet ended, by key: they count as failures until they end. */
  private readonly pendingUsers = new Map<string, number>();
  private readonly pendingAddresses = new Map<string, number>();
  private readonly lockouts = { user: 0, address: 0 };

  constructor(private readonly settings: LockoutSettings) {
    this.users = new Lru(settings.maxUsers ?? 10_000);
    this.addresses = new Lru(settings.maxAddresses ?? 10_000);
    this.known = new Lru(settings.maxUsers ?? 10_000);
  }

  /**
   * Whether an attempt may be checked now; when it may, it is pending until `fail`, `succeed` or
   * `abandon` ends it. Pending attempts count, so fifty guesses sent at once do not all pass the
   * check before the first is found wrong. `user` null counts the address only (an unknown user).
   */
  begin(user: string | null, address: string, now: number): LimiterVerdict {
    const key = addressKey(address);
    const byAddress = this.wait(this.addresses, this.pendingAddresses, key, this.settings.maxFailuresPerAddress, now);
    const exempt = user === null || this.known.get(user)?.includes(key) === true;
    const byUser = exempt ? 0 : this.wait(this.users, this.pendingUsers, user, this.settings.maxFailures, now);
    if (byAddress > 0 || byUser > 0) {
      return byUser > byAddress ? { allowed: false, by: 'user', retryAfterMs: byUser } : { allowed: false, by: 'address', retryAfterMs: byAddress };
    }
    bump(this.pendingAddresses, key, 1);
    if (user !== null) bump(this.pendingUsers, user, 1);
    return { allowed: true };
  }

  /** Ends a begun attempt as failed. */
  fail(user: string | null, address: string, now: number): void {
    this.abandon(user, address);
    this.noteFailure(user, address, now);
  }

  /** Ends a begun attempt as a success: the user's count is cleared and the address becomes one of theirs. */
  succeed(user: string, address: string): void {
    this.abandon(user, address);
    this.noteSuccess(user, address);
  }

  /** Ends a begun attempt that came to no verdict (the store failed). */
  abandon(user: string | null, address: string): void {
    bump(this.pendingAddresses, addressKey(address), -1);
    if (user !== null) bump(this.pendingUsers, user, -1);
  }

  /** A failure that was not begun here: a bad API token, or one replayed from the store after a restart. */
  noteFailure(user: string | null, address: string, at: number): void {
    this.record(this.addresses, addressKey(address), at, 'address');
    if (user !== null) this.record(this.users, user, at, 'user');
  }

  noteSuccess(user: string, address: string): void {
    this.users.delete(user);
    const key = addressKey(address);
    const known = (this.known.get(user) ?? []).filter((a) => a !== key);
    this.known.set(user, [key, ...known].slice(0, KNOWN_ADDRESSES_PER_USER));
  }

  stats(): LimiterStats {
    return { trackedUsers: this.users.size, trackedAddresses: this.addresses.size, lockouts: { ...this.lockouts } };
  }

  /**
   * Ms the key must wait, 0 when it may try now. While a lock runs, its rest; else, when failures in
   * the window and pending attempts fill the allowance, a second (the pending ones end within it).
   * After a lock, one attempt at a time. Forgets a key quiet long enough.
   */
  private wait(table: Lru<Entry>, pending: Map<string, number>, key: string, max: number, now: number): number {
    const e = table.get(key);
    const inFlight = pending.get(key) ?? 0;
    if (e !== undefined && now < e.lockedUntil) return e.lockedUntil - now;
    const recent = e === undefined ? 0 : e.failures.filter((t) => now - t < this.settings.windowMs).length;
    if (e !== undefined && recent === 0 && now - e.lastFailure >= Math.max(this.settings.windowMs, this.settings.maxDelayMs)) table.delete(key);
    return inFlight >= Math.max(1, max - recent) ? 1000 : 0;
  }

  private record(table: Lru<Entry>, key: string, now: number, kind: 'user' | 'address'): void {
    const s = this.settings;
    const max = kind === 'user' ? s.maxFailures : s.maxFailuresPerAddress;
    const e = table.get(key) ?? { failures: [], strikes: 0, lockedUntil: 0, lastFailure: now };
    e.failures = [...e.failures.filter((t) => now - t < s.windowMs), now].slice(-max);
    e.lastFailure = now;
    if (e.failures.length >= max && now >= e.lockedUntil) {
      e.lockedUntil = now + Math.min(s.baseDelayMs * 2 ** e.strikes, s.maxDelayMs);
      e.strikes += 1;
      this.lockouts[kind] += 1;
    }
    table.set(key, e);
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}

/**
 * The key an address counts under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64.
 * Anything else (a Unix socket, an empty string) counts as itself.
 */
export function addressKey(address: string): string {
  const plain = address.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain);
  if (mapped !== null) return mapped[1] ?? plain;
  if (!plain.includes(':')) return plain;
  const groups = expandIpv6(plain);
  return groups === null ? plain : `${groups.slice(0, 4).join(':')}::/64`;
}

function expandIpv6(text: string): string[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const part = (s: string | undefined): string[] => (s === undefined || s === '' ? [] : s.split(':'));
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<string>(Math.max(fill, 0)).fill('0'), ...tail];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => g.replace(/^0+(?=.)/, ''));
}
