import { describe, expect, it } from 'vitest';
import { addressKey, LoginLimiter, type LockoutSettings } from '../../src/auth/index.js';

const MIN = 60_000;
const SETTINGS: LockoutSettings = { maxFailures: 5, maxFailuresPerAddress: 20, windowMs: 15 * MIN, baseDelayMs: MIN, maxDelayMs: 60 * MIN };

/** One attempt begun and failed at `now`; what the next attempt is told. */
function failOnce(l: LoginLimiter, user: string | null, address: string, now: number) {
  const v = l.begin(user, address, now);
  if (!v.allowed) return v;
  l.fail(user, address, now);
  return peek(l, user, address, now + 1);
}

/** Whether an attempt would be allowed, without leaving it pending. */
function peek(l: LoginLimiter, user: string | null, address: string, now: number) {
  const v = l.begin(user, address, now);
  if (v.allowed) l.abandon(user, address);
  return v;
}

describe('LoginLimiter', () => {
  it('locks a user after 5 failures in 15 min, for 1 min doubling up to 1 h', () => {
    const l = new LoginLimiter(SETTINGS);
    let t = 0;
    // Each guess from another address: the user's count is what stops them.
    for (let i = 0; i < 4; i++) expect(failOnce(l, 'op1', `10.0.0.${i}`, (t += 1000))).toEqual({ allowed: true });
    expect(failOnce(l, 'op1', '10.0.0.9', (t += 1000))).toMatchObject({ allowed: false, by: 'user' });
    expect(peek(l, 'op1', '10.0.1.1', t + 59_000)).toMatchObject({ allowed: false, by: 'user', retryAfterMs: 1000 });
    expect(peek(l, 'op1', '10.0.1.1', t + MIN)).toEqual({ allowed: true });
    // The earlier failures are still in the window: one more attempt, and its failure locks for twice as long.
    t += MIN;
    expect(failOnce(l, 'op1', '10.0.1.2', t)).toMatchObject({ allowed: false, by: 'user', retryAfterMs: 2 * MIN - 1 });
    // A quiet hour (the longest delay) after the lock forgets it all.
    expect(peek(l, 'op1', '10.0.1.3', t + 2 * MIN + 60 * MIN)).toEqual({ allowed: true });
    expect(l.stats()).toMatchObject({ trackedUsers: 0, lockouts: { user: 2, address: 0 } });
  });

  it('doubles the delay while failures keep coming within the window', () => {
    const l = new LoginLimiter({ ...SETTINGS, windowMs: 24 * 60 * MIN });
    let t = 0;
    for (let i = 0; i < 5; i++) l.noteFailure('op1', `10.1.0.${i}`, (t += 1));
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      const v = peek(l, 'op1', '10.2.0.1', t);
      if (v.allowed) throw new Error('expected a lock');
      seen.push(v.retryAfterMs);
      t += v.retryAfterMs;
      expect(peek(l, 'op1', '10.2.0.1', t)).toEqual({ allowed: true });
      l.noteFailure('op1', `10.3.0.${i}`, t);
    }
    expect(seen.map((ms) => ms / MIN)).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
  });

  it('a successful login clears the user count but not the address count', () => {
    const l = new LoginLimiter({ ...SETTINGS, maxFailuresPerAddress: 6 });
    let t = 0;
    for (let i = 0; i < 4; i++) failOnce(l, 'op1', '10.0.0.1', (t += 1));
    expect(l.begin('op1', '10.0.0.1', (t += 1))).toEqual({ allowed: true });
    l.succeed('op1', '10.0.0.1');
    // The user may fail four more times now; the address has two left of its six.
    expect(failOnce(l, 'op2', '10.0.0.1', (t += 1))).toEqual({ allowed: true });
    expect(failOnce(l, 'op2', '10.0.0.1', (t += 1))).toMatchObject({ allowed: false, by: 'address' });
  });

  it('locks an address that tries many users (password spraying), and unknown users count there only', () => {
    const l = new LoginLimiter(SETTINGS);
    let t = 0;
    for (let i = 0; i < 19; i++) expect(failOnce(l, i % 2 === 0 ? null : `user${i}`, '192.0.2.7', (t += 1))).toEqual({ allowed: true });
    expect(failOnce(l, null, '192.0.2.7', (t += 1))).toMatchObject({ allowed: false, by: 'address', retryAfterMs: MIN - 1 });
    expect(peek(l, 'op1', '192.0.2.8', t + 1)).toEqual({ allowed: true });
    expect(l.stats().lockouts).toEqual({ user: 0, address: 1 });
  });

  it('counts IPv6 clients by their /64', () => {
    const l = new LoginLimiter({ ...SETTINGS, maxFailuresPerAddress: 3 });
    failOnce(l, null, '2001:db8:1:2::1', 1);
    failOnce(l, null, '2001:db8:1:2:ffff::9', 2);
    expect(failOnce(l, null, '2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd', 3)).toMatchObject({ allowed: false, by: 'address' });
    expect(peek(l, null, '2001:db8:1:3::1', 4)).toEqual({ allowed: true });
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('counts attempts in flight: fifty guesses at once do not all pass the check', () => {
    const l = new LoginLimiter(SETTINGS);
    const verdicts = Array.from({ length: 50 }, (_, i) => l.begin('op1', `10.9.0.${i}`, 1000));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
    for (let i = 0; i < 5; i++) l.fail('op1', `10.9.0.${i}`, 1001);
    expect(peek(l, 'op1', '10.9.1.1', 1002)).toMatchObject({ allowed: false, by: 'user' });
  });

  it('lets a locked user in from an address they logged in from before (their console)', () => {
    const l = new LoginLimiter(SETTINGS);
    expect(l.begin('op1', '10.0.0.5', 0)).toEqual({ allowed: true });
    l.succeed('op1', '10.0.0.5');
    for (let i = 0; i < 5; i++) failOnce(l, 'op1', `198.51.100.${i}`, 10 + i);
    expect(peek(l, 'op1', '198.51.100.99', 20)).toMatchObject({ allowed: false, by: 'user' });
    expect(peek(l, 'op1', '10.0.0.5', 20)).toEqual({ allowed: true });
  });

  it('forgets quiet keys and keeps memory bounded', () => {
    const l = new LoginLimiter({ ...SETTINGS, maxAddresses: 100, maxUsers: 10 });
    for (let i = 0; i < 1000; i++) l.noteFailure(`u${i}`, `10.${i >> 8}.${i & 255}.1`, i);
    expect(l.stats()).toMatchObject({ trackedUsers: 10, trackedAddresses: 100 });
    const quiet = new LoginLimiter(SETTINGS);
    quiet.noteFailure('op1', '10.0.0.1', 0);
    peek(quiet, 'op1', '10.0.0.1', 61 * MIN);
    expect(quiet.stats()).toMatchObject({ trackedUsers: 0, trackedAddresses: 0 });
  });
});
