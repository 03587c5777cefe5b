import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAuthService, SqliteUserStore } from '../../src/auth/index.js';
import { HazgateError, systemClock } from '../../src/core/index.js';
import { GatewayProcess, ROOT } from '../support/gateway-process.js';

/** `hazgate user add|token|list|revoke-token|remove` as an administrator runs them, on the built gateway. */

const PASSWORD = 'Tank farm night shift 7';
const LOCKOUT = { maxFailures: 5, maxFailuresPerAddress: 20, windowMs: 900_000, baseDelayMs: 60_000, maxDelayMs: 3_600_000 };

let dir = '';
let site = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hg-user-cli-'));
  site = join(dir, 'site.yaml');
  writeFileSync(site, 'site: { id: cli-test }\npoints: [{ id: P, kind: gas }]\nstore: { dir: data }\n');
});
afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const p = GatewayProcess.spawn(args, { HAZGATE_USER_PASSWORD: '', ...env });
  const code = await p.waitExit(20_000);
  return { code, output: p.output };
}

/** The built CLI with a line on its stdin, stdout and stderr apart. */
function cliWithStdin(args: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [`${ROOT}dist/src/main.js`, ...args], { cwd: ROOT, env: { ...process.env, HAZGATE_USER_PASSWORD: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

function withStore<T>(usersDir: string, use: (s: SqliteUserStore) => T): T {
  const store = new SqliteUserStore(usersDir);
  try {
    return use(store);
  } finally {
    store.close();
  }
}

function withService<T>(usersDir: string, use: (s: LocalAuthService) => Promise<T> | T): Promise<T> {
  const store = new SqliteUserStore(usersDir);
  return Promise.resolve(use(new LocalAuthService({ store, clock: systemClock, lockout: LOCKOUT }))).finally(() => store.close());
}

async function codeOf(run: () => unknown): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (e) {
    if (e instanceof HazgateError) return e.code;
    throw e;
  }
}

describe('hazgate user', () => {
  it('adds a user to the site’s users.db, issues a token shown once, lists, revokes and removes', async () => {
    const usersDir = join(dir, 'data', 'auth');
    const added = await cli(['user', 'add', 'li.wei', '--role', 'operator', '--sites', 'cli-test', '--areas', 'TK-farm,loading', '--config', site], { HAZGATE_USER_PASSWORD: PASSWORD });
    expect(added.code, added.output).toBe(0);
    expect(added.output).toContain('added li.wei  role operator  sites cli-test  areas TK-farm,loading');
    expect(existsSync(join(usersDir, 'users.db'))).toBe(true);
    const principal = await withService(usersDir, (s) => s.login('li.wei', PASSWORD, '127.0.0.1'));
    expect(principal).toMatchObject({ user: 'li.wei', roles: ['operator'], scopes: { sites: ['cli-test'], areas: ['TK-farm', 'loading'] } });

    const issued = await cliWithStdin(['user', 'token', 'li.wei', '--name', 'wall display', '--expires', '30d', '--config', site], '');
    expect(issued.code, issued.stderr).toBe(0);
    const token = issued.stdout.trim();
    expect(token).toMatch(/^hg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(issued.stderr).toContain('shown this once');
    expect(issued.stderr).not.toContain(token.slice(20));
    const id = token.slice(3, 19);
    expect((await withService(usersDir, (s) => s.verifyToken(token, '127.0.0.1'))).user).toBe('li.wei');

    const listed = await cli(['user', 'list', '--config', site]);
    expect(listed.code).toBe(0);
    expect(listed.output).toContain('li.wei  role operator');
    expect(listed.output).toMatch(new RegExp(`token ${id}  "wall display"  expires \\S+  last used \\S+`));
    expect(listed.output).not.toContain(token.slice(20));
    expect(listed.output).not.toContain(PASSWORD);

    const revoked = await cli(['user', 'revoke-token', id, '--config', site]);
    expect(revoked.output).toContain(`revoked API token ${id} "wall display" of li.wei`);
    expect(await withService(usersDir, (s) => codeOf(() => s.verifyToken(token, '127.0.0.1')))).toBe('HG_ERR_AUTH_TOKEN_REVOKED');

    const removed = await cli(['user', 'remove', 'li.wei', '--config', site]);
    expect(removed.code).toBe(0);
    expect(removed.output).toContain('removed user li.wei and 1 API token(s)');
    expect((await cli(['user', 'list', '--config', site])).output).toContain('no users yet');
    expect(await withService(usersDir, (s) => codeOf(() => s.login('li.wei', PASSWORD, '127.0.0.1')))).toBe('HG_ERR_AUTH_FAILED');
    // Every change waits in users.db for the gateway to journal it as an audit record (who ran the command, never a secret).
    const pending = await withStore(usersDir, (st) => st.adminEvents.pending());
    expect(pending.map((e) => `${e.kind} ${e.subject}`)).toEqual(['user-added li.wei', 'token-created li.wei', 'token-revoked li.wei', 'user-removed li.wei']);
    expect(pending.every((e) => e.actor.length > 0 && !e.message.includes(token.slice(20)))).toBe(true);
    // Nothing of the password or the secret in any file of the folder either.
    for (const f of readdirSync(usersDir)) {
      const bytes = readFileSync(join(usersDir, f));
      expect(bytes.includes(PASSWORD), f).toBe(false);
      expect(bytes.includes(token.slice(20)), f).toBe(false);
    }
  });

  it('reads the password from the first line of stdin, never from the command line', async () => {
    const usersDir = join(dir, 'other-users');
    const added = await cliWithStdin(['user', 'add', 'admin', '--role', 'admin', '--dir', usersDir], `${PASSWORD}\n`);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout + added.stderr).not.toContain(PASSWORD);
    expect((await withService(usersDir, (s) => s.login('admin', PASSWORD, '127.0.0.1'))).roles).toEqual(['admin']);
    expect((await cli(['user', 'add', 'eve', '--role', 'viewer', '--password', PASSWORD, '--dir', usersDir])).code).toBe(2);
    const none = await cliWithStdin(['user', 'add', 'eve', '--role', 'viewer', '--dir', usersDir], '');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no password');
  });

  it('refuses a weak password, a second user of a name, an unknown role or user, with codes', async () => {
    const usersDir = join(dir, 'refusals');
    const weak = await cli(['user', 'add', 'op', '--role', 'operator', '--dir', usersDir], { HAZGATE_USER_PASSWORD: 'short' });
    expect(weak.code).toBe(1);
    expect(weak.output).toContain('HG_ERR_AUTH_WEAK_PASSWORD');
    expect((await cli(['user', 'add', 'op', '--role', 'operator', '--dir', usersDir], { HAZGATE_USER_PASSWORD: PASSWORD })).code).toBe(0);
    expect((await cli(['user', 'add', 'op', '--role', 'operator', '--dir', usersDir], { HAZGATE_USER_PASSWORD: PASSWORD })).output).toContain('HG_ERR_AUTH_USER_EXISTS');
    expect((await cli(['user', 'add', 'op2', '--role', 'superuser', '--dir', usersDir], { HAZGATE_USER_PASSWORD: PASSWORD })).code).toBe(2);
    const unknown = await cli(['user', 'token', 'nobody', '--dir', usersDir]);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('HG_ERR_AUTH_UNKNOWN_USER');
    expect((await cli(['user', 'token', 'op', '--expires', 'soon', '--dir', usersDir])).code).toBe(2);
  });
});
