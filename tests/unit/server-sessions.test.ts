import { describe, expect, it } from 'vitest';
import { cookieValue } from '../../src/server/http-auth.js';
import { MessageRate, SessionStore } from '../../src/server/index.js';
import { csrfOf, MAX_SESSIONS_PER_USER } from '../../src/server/sessions.js';
import { WsConnections } from '../../src/server/ws-admission.js';

/** Console sessions and WebSocket message rates: pure, with the time passed in. */

const MIN = 60_000;

function store(max = 3) {
  let now = 0;
  let n = 0;
  const sessions = new SessionStore({ idleTimeoutMs: 30 * MIN, maxAgeMs: 12 * 60 * MIN, maxSessions: max }, () => now, () => `id${++n}`);
  return { sessions, at: (ms: number) => (now = ms) };
}

describe('session store', () => {
  it('keeps a session while it is used, ends it after the idle timeout or its maximum age, whichever comes first', () => {
    const { sessions, at } = store();
    const s = sessions.create('wang');
    expect(s).toMatchObject({ id: 'id1', csrf: csrfOf('id1'), user: 'wang', created: 0, expires: 12 * 60 * MIN });
    at(29 * MIN);
    expect(sessions.use('id1')?.user).toBe('wang');
    at(58 * MIN);
    expect(sessions.use('id1')?.user).toBe('wang'); // 29 min after the last use
    at(88 * MIN + 1);
    expect(sessions.use('id1')).toBeUndefined(); // idle 30 min
    expect(sessions.size).toBe(0);

    const kept = sessions.create('li');
    for (let t = 90 * MIN; t < 12 * 60 * MIN + 90 * MIN; t += 20 * MIN) {
      at(t);
      if (t < kept.expires) expect(sessions.use(kept.id)).toBeDefined();
    }
    at(kept.expires);
    expect(sessions.use(kept.id)).toBeUndefined(); // used all along, but too old
  });

  it('ends a session on logout; when full it refuses new logins rather than ending someone else’s session', () => {
    const { sessions } = store(2);
    const a = sessions.create('a');
    const b = sessions.create('b');
    expect(sessions.end(a.id)?.user).toBe('a');
    expect(sessions.use(a.id)).toBeUndefined();
    const c = sessions.create('c');
    expect(() => sessions.create('viewer')).toThrow(expect.objectContaining({ code: 'HG_ERR_AUTH_LOCKED' }));
    expect(sessions.size).toBe(2);
    expect(sessions.use(b.id)?.user).toBe('b');
    expect(sessions.use(c.id)?.user).toBe('c');
  });

  it('a user logging in again and again ends only their own oldest sessions', () => {
    const { sessions } = store(100);
    const operator = sessions.create('operator');
    const first = sessions.create('viewer');
    for (let i = 0; i < MAX_SESSIONS_PER_USER + 5; i++) sessions.create('viewer');
    expect(sessions.use(operator.id)?.user).toBe('operator');
    expect(sessions.use(first.id)).toBeUndefined();
    expect(sessions.size).toBe(MAX_SESSIONS_PER_USER + 1);
  });

  it('makes ids of 32 random bytes by default', () => {
    const sessions = new SessionStore({ idleTimeoutMs: MIN, maxAgeMs: MIN, maxSessions: 10 }, () => 0);
    const s = sessions.create('x');
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.csrf).not.toBe(s.id);
    expect(sessions.use(s.id)?.csrf).toBe(s.csrf); // derived from the id, the same at every use
  });
});

describe('cookie header', () => {
  it.each([
    ['hazgate_session=abc', 'abc'],
    ['theme=dark; hazgate_session=abc; other=1', 'abc'],
    ['hazgate_sessionx=abc', undefined],
    ['hazgate_session=', undefined],
    [undefined, undefined],
  ])('%s', (header, value) => expect(cookieValue(header, 'hazgate_session')).toBe(value));
});

describe('message rate', () => {
  it('lets a burst through, then the rate; refuses the rest, telling once a second', () => {
    const rate = new MessageRate(20, 40, 0);
    const verdicts = Array.from({ length: 45 }, () => rate.take(0));
    expect(verdicts.filter((v) => v === 'ok')).toHaveLength(40);
    expect(verdicts.slice(40)).toEqual(['refused', 'refused-quiet', 'refused-quiet', 'refused-quiet', 'refused-quiet']);
    expect(rate.take(50)).toBe('ok'); // one message per 50 ms at 20/s
    expect(rate.take(50)).toBe('refused-quiet');
    const later = Array.from({ length: 21 }, () => rate.take(1000)); // 19 tokens back since 50 ms
    expect(later.slice(18)).toEqual(['ok', 'refused', 'refused-quiet']); // told again a second later
  });

  it('calls a client abusive once it has more than five bursts refused within 10 s', () => {
    const rate = new MessageRate(20, 40, 0);
    for (let i = 0; i < 40; i++) rate.take(0);
    const verdicts = Array.from({ length: 201 }, () => rate.take(0));
    expect(verdicts.at(-2)).toBe('refused-quiet');
    expect(verdicts.at(-1)).toBe('abusive');
    // 30 a second for a minute: 10 a second refused, never called abusive.
    const eager = new MessageRate(20, 40, 0);
    const seen = new Set<string>();
    for (let i = 0; i < 1800; i++) seen.add(eager.take(Math.floor((i * 1000) / 30)));
    expect([...seen].sort()).toEqual(['ok', 'refused', 'refused-quiet']);
  });
});

describe('WebSocket connection counts', () => {
  it('refuses past the server limit (by server: 503) and past a user limit (by user: 429), and counts those who leave', () => {
    const c = new WsConnections({ maxConnections: 3, maxConnectionsPerUser: 2, messageRate: { perSecond: 1, burst: 1 } });
    c.add('li');
    c.add('li');
    expect(c.refusal('li')?.details).toMatchObject({ by: 'user', limit: 2 });
    expect(c.refusal('wang')).toBeNull();
    c.add('wang');
    expect(c.refusal('zhao')?.details).toMatchObject({ by: 'server', limit: 3 });
    c.remove('li');
    expect(c.refusal('zhao')).toBeNull();
    expect(c.refusal('li')).toBeNull();
  });
});
