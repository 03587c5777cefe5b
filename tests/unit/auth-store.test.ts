import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword, hashToken, LocalAuthService, LocalUserAdmin, needsRehash, SqliteUserStore, tokenId, verifyPassword } from '../../src/auth/index.js';
import { HazgateError } from '../../src/core/index.js';

const MIN = 60_000;
const LOCKOUT = { maxFailures: 5, maxFailuresPerAddress: 20, windowMs: 15 * MIN, baseDelayMs: MIN, maxDelayMs: 60 * MIN };
const PASSWORD = 'correct horse battery staple';

let dir = '';
const open: SqliteUserStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
  dir = '';
});

async function setup(start = 1_700_000_000_000) {
  dir = await mkdtemp(join(tmpdir(), 'hg-auth-'));
  const clock = { t: start, now() { return this.t; } };
  const store = new SqliteUserStore(dir);
  open.push(store);
  const admin = new LocalUserAdmin({ store, clock, defaultTokenExpiryMs: 90 * 86_400_000 });
  const service = new LocalAuthService({ store, clock, lockout: LOCKOUT });
  return { clock, store, admin, service };
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof HazgateError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('passwords', () => {
  it('hashes with scrypt N=2^15 r=8 p=1 and a salt per hash, and verifies', async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatch(/^\$scrypt\$n=32768,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
    expect(await verifyPassword(PASSWORD, 'plain text')).toBe(false);
    expect(needsRehash(a)).toBe(false);
    expect(needsRehash(await hashPassword(PASSWORD, { n: 1024, r: 8, p: 1 }))).toBe(true);
  });
});

describe('users and logins', () => {
  it('logs a user in with the right password only, as their roles and scopes', async () => {
    const { admin, service } = await setup();
    await admin.addUser({ name: 'li.wei', password: PASSWORD, roles: ['operator'], scopes: { sites: ['plant-a'], areas: ['TK-farm'] } });
    expect(await service.login('li.wei', PASSWORD, '10.0.0.1')).toEqual({ user: 'li.wei', roles: ['operator'], scopes: { sites: ['plant-a'], areas: ['TK-farm'] }, via: 'password', credential: expect.any(String) });
    expect(await codeOf(service.login('li.wei', 'wrong password here', '10.0.0.1'))).toBe('HG_ERR_AUTH_FAILED');
    expect(await codeOf(service.login('nobody', PASSWORD, '10.0.0.1'))).toBe('HG_ERR_AUTH_FAILED');
  });

  it('refuses weak passwords, bad names, a second user of a name, and removes users', async () => {
    const { admin } = await setup();
    expect(await codeOf(admin.addUser({ name: 'op', password: 'short', roles: ['viewer'], scopes: { sites: '*', areas: '*' } }))).toBe('HG_ERR_AUTH_WEAK_PASSWORD');
    expect(await codeOf(admin.addUser({ name: 'operator-one', password: 'OPERATOR-ONE', roles: ['viewer'], scopes: { sites: '*', areas: '*' } }))).toBe('HG_ERR_AUTH_WEAK_PASSWORD');
    expect(await codeOf(admin.addUser({ name: 'bad name', password: PASSWORD, roles: ['viewer'], scopes: { sites: '*', areas: '*' } }))).toBe('HG_ERR_API_BAD_REQUEST');
    await admin.addUser({ name: 'op', password: PASSWORD, roles: ['viewer'], scopes: { sites: '*', areas: '*' } });
    expect(await codeOf(admin.addUser({ name: 'op', password: PASSWORD, roles: ['admin'], scopes: { sites: '*', areas: '*' } }))).toBe('HG_ERR_AUTH_USER_EXISTS');
    admin.removeUser('op');
    expect(admin.listUsers()).toEqual([]);
    expect(await codeOf(() => admin.removeUser('op'))).toBe('HG_ERR_AUTH_UNKNOWN_USER');
  });

  it('locks a user out after 5 wrong passwords, even for the right one, and lets them in after the delay', async () => {
    const { admin, service, clock } = await setup();
    await admin.addUser({ name: 'op', password: PASSWORD, roles: ['operator'], scopes: { sites: '*', areas: '*' } });
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(await codeOf(service.login('op', `guess number ${i}!`, `203.0.113.${i}`)));
    expect(codes).toEqual(['HG_ERR_AUTH_FAILED', 'HG_ERR_AUTH_FAILED', 'HG_ERR_AUTH_FAILED', 'HG_ERR_AUTH_FAILED', 'HG_ERR_AUTH_FAILED', 'HG_ERR_AUTH_LOCKED']);
    const locked = await service.login('op', PASSWORD, '203.0.113.50').catch((e: HazgateError) => e);
    expect(locked).toBeInstanceOf(HazgateError);
    expect((locked as HazgateError).details).toMatchObject({ by: 'user', retryAfterMs: MIN });
    clock.t += MIN;
    expect((await service.login('op', PASSWORD, '203.0.113.50')).user).toBe('op');
  });

  it('does not let guesses sent all at once past the limit', async () => {
    const { admin, service } = await setup();
    await admin.addUser({ name: 'op', password: PASSWORD, roles: ['operator'], scopes: { sites: '*', areas: '*' } });
    const codes = await Promise.all(Array.from({ length: 12 }, (_, i) => codeOf(service.login('op', `guess number ${i}!`, `203.0.113.${i}`))));
    expect(codes.filter((c) => c === 'HG_ERR_AUTH_FAILED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'HG_ERR_AUTH_LOCKED')).toHaveLength(7);
  });

  it('keeps the lockout over a restart (attempts are replayed from users.db)', async () => {
    const { admin, service, clock, store } = await setup();
    await admin.addUser({ name: 'op', password: PASSWORD, roles: ['operator'], scopes: { sites: '*', areas: '*' } });
    for (let i = 0; i < 5; i++) await codeOf(service.login('op', `guess number ${i}!`, `203.0.113.${i}`));
    const restarted = new LocalAuthService({ store, clock, lockout: LOCKOUT });
    expect(await codeOf(restarted.login('op', PASSWORD, '203.0.113.9'))).toBe('HG_ERR_AUTH_LOCKED');
  });

  it('refuses a disabled user like a wrong password', async () => {
    const { admin, service } = await setup();
    await admin.addUser({ name: 'op', password: PASSWORD, roles: ['operator'], scopes: { sites: '*', areas: '*' } });
    admin.setDisabled('op', 'disabled');
    expect(await codeOf(service.login('op', PASSWORD, '10.0.0.1'))).toBe('HG_ERR_AUTH_FAILED');
    admin.setDisabled('op', 'enabled');
    expect((await service.login('op', PASSWORD, '10.0.0.1')).user).toBe('op');
  });
});

describe('API tokens', () => {
  it('issues a token once, verifies it as its user, and keeps only its hash', async () => {
    const { admin, service, store } = await setup();
    await admin.addUser({ name: 'scada', password: PASSWORD, roles: ['viewer'], scopes: { sites: ['plant-a'], areas: '*' } });
    const issued = admin.createToken('scada', { name: 'historian link' });
    expect(issued.token).toMatch(/^hg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(tokenId(issued.token)).toBe(issued.id);
    expect(issued.expires).toBe(issued.created + 90 * 86_400_000);
    expect(service.verifyToken(issued.token, '10.0.0.2')).toEqual({ user: 'scada', roles: ['viewer'], scopes: { sites: ['plant-a'], areas: '*' }, via: 'token', tokenId: issued.id, expires: issued.expires });
    expect(admin.listTokens('scada')).toEqual([{ id: issued.id, user: 'scada', name: 'historian link', created: issued.created, expires: issued.expires, revoked: null, lastUsed: issued.created }]);
    expect(JSON.stringify(admin.listTokens())).not.toContain(issued.token.slice(20));
    store.close();
    // At rest: the SHA-256 is there, the secret is nowhere in the database or its WAL.
    const secret = issued.token.slice('hg_'.length + 16 + 1); // base64url: the secret may hold '_' itself
    const db = new Database(join(dir, 'users.db'), { readonly: true });
    expect(db.prepare('SELECT hash FROM tokens').all()).toEqual([{ hash: hashToken(issued.token) }]);
    db.close();
    for (const f of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, f));
      expect(bytes.includes(secret), f).toBe(false);
      expect(bytes.includes(PASSWORD), f).toBe(false);
    }
    expect(statSync(join(dir, 'users.db')).mode & 0o077).toBe(0);
  });

  it('refuses a wrong secret, an expired, a revoked token and one of a removed user', async () => {
    const { admin, service, clock } = await setup();
    await admin.addUser({ name: 'scada', password: PASSWORD, roles: ['viewer'], scopes: { sites: '*', areas: '*' } });
    const short = admin.createToken('scada', { name: 'short', expiresInMs: MIN });
    const forever = admin.createToken('scada', { name: 'forever', expiresInMs: null });
    const tampered = `${short.token.slice(0, -1)}${short.token.endsWith('A') ? 'B' : 'A'}`;
    const code = (token: string) => codeOf(() => service.verifyToken(token, '10.0.0.3'));
    expect(await code(tampered)).toBe('HG_ERR_AUTH_FAILED');
    expect(await code('hg_nonsense')).toBe('HG_ERR_AUTH_FAILED');
    expect(await code(short.token)).toBe('ok');
    clock.t += MIN;
    expect(await code(short.token)).toBe('HG_ERR_AUTH_TOKEN_EXPIRED');
    expect(await code(forever.token)).toBe('ok');
    expect(admin.revokeToken(forever.id).revoked).toBe(clock.t);
    expect(await code(forever.token)).toBe('HG_ERR_AUTH_TOKEN_REVOKED');
    const other = admin.createToken('scada', { name: 'other' });
    admin.removeUser('scada');
    expect(await code(other.token)).toBe('HG_ERR_AUTH_FAILED');
    expect(await codeOf(() => admin.revokeToken('0123456789abcdef'))).toBe('HG_ERR_AUTH_UNKNOWN_USER');
  });

  it('tells a token from a JWT in a bearer header, and refuses JWTs with no auth.jwt', async () => {
    const { admin, service } = await setup();
    await admin.addUser({ name: 'scada', password: PASSWORD, roles: ['viewer'], scopes: { sites: '*', areas: '*' } });
    const t = admin.createToken('scada', { name: 'x' });
    expect((await service.authenticateBearer(t.token, '10.0.0.4')).via).toBe('token');
    expect(await codeOf(service.authenticateBearer('eyJhbGciOiJSUzI1NiJ9.e30.c2ln', '10.0.0.4'))).toBe('HG_ERR_AUTH_FAILED');
  });
});

describe('junk tokens and failed logins', () => {
  it('junk bearer tokens from a shared address do not lock its password logins; a failed login with an unknown name says it was unknown', async () => {
    const { admin, service } = await setup();
    await admin.addUser({ name: 'li.wei', password: PASSWORD, roles: ['operator'], scopes: { sites: '*', areas: '*' } });
    for (let i = 0; i < 50; i++) expect(await codeOf(() => service.verifyToken(`hg_${'0'.repeat(16)}_${'A'.repeat(43)}`, '10.0.0.9'))).toBe('HG_ERR_AUTH_FAILED');
    expect((await service.login('li.wei', PASSWORD, '10.0.0.9')).user).toBe('li.wei');
    const unknown = await service.login('Tank farm night shift', 'x', '10.0.0.9').catch((e: HazgateError) => e);
    expect(unknown).toMatchObject({ code: 'HG_ERR_AUTH_FAILED', details: { knownUser: false } });
    const known = await service.login('li.wei', 'wrong password', '10.0.0.9').catch((e: HazgateError) => e);
    expect(known).toMatchObject({ code: 'HG_ERR_AUTH_FAILED', details: { knownUser: true } });
  });
});

describe('sessions and the credential they began with', () => {
  it('a password change, or a new user under an old name, ends the sessions of the old credential', async () => {
    const { admin, service } = await setup();
    await admin.addUser({ name: 'bob', password: PASSWORD, roles: ['engineer'], scopes: { sites: '*', areas: '*' } });
    const login = await service.login('bob', PASSWORD, '10.0.0.7');
    expect(login.credential).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(service.sessionPrincipal('bob', login.credential).roles).toEqual(['engineer']);
    await admin.setPassword('bob', `${PASSWORD} changed`);
    expect(await codeOf(() => service.sessionPrincipal('bob', login.credential))).toBe('HG_ERR_AUTH_TOKEN_REVOKED');
    const again = await service.login('bob', `${PASSWORD} changed`, '10.0.0.7');
    admin.removeUser('bob');
    await admin.addUser({ name: 'bob', password: `${PASSWORD} changed`, roles: ['admin'], scopes: { sites: '*', areas: '*' } });
    expect(await codeOf(() => service.sessionPrincipal('bob', again.credential))).toBe('HG_ERR_AUTH_TOKEN_REVOKED');
  });
});

describe('authorize', () => {
  it('refuses what the roles do not grant and what lies outside the scopes', async () => {
    const { service } = await setup();
    const op = { user: 'op', roles: ['operator'] as const, scopes: { sites: ['plant-a'], areas: ['TK-farm'] }, via: 'password' as const };
    expect(await codeOf(() => service.authorize(op, 'alarm.acknowledge', { site: 'plant-a', area: 'TK-farm' }))).toBe('ok');
    expect(await codeOf(() => service.authorize(op, 'alarm.out-of-service', { site: 'plant-a', area: 'TK-farm' }))).toBe('HG_ERR_AUTH_FORBIDDEN');
    expect(await codeOf(() => service.authorize(op, 'alarm.acknowledge', { site: 'plant-a', area: 'loading' }))).toBe('HG_ERR_AUTH_FORBIDDEN');
    expect(await codeOf(() => service.authorize(op, 'read', { site: 'plant-a', area: null }))).toBe('HG_ERR_AUTH_FORBIDDEN');
    expect(await codeOf(() => service.authorize(op, 'read'))).toBe('ok');
  });
});
