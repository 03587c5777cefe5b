import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, freePort, GatewayProcess, login, provisionLogin, provisionToken, type LoginSession } from '../support/gateway-process.js';
import { RecordingWsClient } from '../support/ws-client.js';

/** The secret part of `hg_<16 hex id>_<secret>`: base64url, so it may hold `_` itself (split('_') cut it short 15 % of the time). */
const tokenSecret = (token: string): string => token.slice('hg_'.length + 16 + 1);

/**
 * Auth in a real gateway process (`hazgate start --log-level debug`): a password login, an API
 * token on REST and WebSocket, a wrong password and an unknown token; then not one secret in
 * everything it wrote. And a gateway without users says at start how to make the first one.
 */
const SITE = `
site: { id: auth-test }
points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100], area: tank-farm }
store: { dir: \${HAZGATE_DATA_DIR} }
server: { port: \${HAZGATE_HTTP_PORT}, metricsToken: \${HAZGATE_METRICS_TOKEN} }
`;

const PASSWORD = 'operator wang keeps this one secret';
const WRONG = 'a wrong guess that is also secret';
const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

let dir: string;
let http: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hg-auth-gateway-'));
  writeFileSync(join(dir, 'site.yaml'), SITE);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startGateway(dataDir: string, logLevel = 'info'): Promise<GatewayProcess> {
  const port = await freePort();
  http = `http://127.0.0.1:${port}`;
  env = { HAZGATE_HTTP_PORT: String(port), HAZGATE_DATA_DIR: dataDir, HAZGATE_METRICS_TOKEN: METRICS_TOKEN };
  const gw = GatewayProcess.spawn(['start', '--config', join(dir, 'site.yaml'), '--log-level', logLevel], env);
  await gw.waitReady(http);
  return gw;
}

describe('auth in a gateway process', () => {
  it('writes no password, token, session id or CSRF token to its log, at debug level', async () => {
    const data = join(dir, 'data');
    await provisionLogin(join(data, 'auth'), 'wang', PASSWORD, 'operator');
    const token = provisionToken(join(data, 'auth'), 'li', 'viewer');
    const gw = await startGateway(data, 'debug');
    const unknown = `hg_0123456789abcdef_${'A'.repeat(43)}`;
    let session: LoginSession | undefined;
    try {
      const wrong = await fetch(`${http}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'wang', password: WRONG }) });
      expect(wrong.status).toBe(401);
      session = await login(http, 'wang', PASSWORD);
      expect((await fetch(`${http}/api/me`, { headers: session.headers() })).status).toBe(200);
      expect((await fetch(`${http}/api/alarms`, { headers: authHeaders(token) })).status).toBe(200);
      const ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`, { token });
      await ws.waitForMessage((m) => m.type === 'snapshot-end', 5000, 'snapshot');
      ws.send({ type: 'action', action: 'comment', conditionId: 'gas/GT-1', comment: 'x' }); // refused: a viewer
      await ws.waitForMessage((m) => m.type === 'error', 5000, 'the refusal');
      await ws.close();
      expect((await fetch(`${http}/api/alarms`, { headers: authHeaders(unknown) })).status).toBe(401);
      expect((await fetch(`${http}/metrics`)).status).toBe(401);
      expect((await fetch(`${http}/metrics`, { headers: authHeaders(METRICS_TOKEN) })).status).toBe(200);
      expect((await fetch(`${http}/api/logout`, { method: 'POST', headers: { cookie: session.cookie, 'x-hazgate-csrf': session.csrf } })).status).toBe(200);
    } finally {
      expect(await gw.stop()).toBe(0);
    }
    const log = gw.output;
    // It did log what happened, by name and address…
    expect(log).toMatch(/"user":"wang".*"outcome":"failed"/);
    expect(log).toMatch(/wang logged in from 127\.0\.0\.1/);
    expect(log).toMatch(/API token of li accepted/);
    // …and nothing that would let a reader of the log in.
    const sessionId = session?.cookie.split('=')[1] ?? '';
    for (const secret of [PASSWORD, WRONG, token, tokenSecret(token), unknown, sessionId, session?.csrf ?? '', METRICS_TOKEN]) {
      expect(secret.length).toBeGreaterThan(10);
      expect(log.includes(secret), `a secret in the log: ${secret.slice(0, 6)}…`).toBe(false);
    }
    // The security audit is in the journal's hash chain: the login, the failure, the refusals, the logout.
    const audit = GatewayProcess.spawn(['journal', 'audit', '--config', join(dir, 'site.yaml')], env);
    expect(await audit.waitExit()).toBe(0);
    for (const kind of ['start', 'login-failed', 'login', 'access-denied', 'logout', 'stop']) expect(audit.output).toContain(`"kind":"${kind}"`);
    expect(audit.output).toContain('wang');
    expect(audit.output.includes(PASSWORD) || audit.output.includes(token)).toBe(false);
  }, 60_000);

  it('says at start, when users.db has no user, that nobody can log in and how to make the first one', async () => {
    const data = join(dir, 'empty');
    const gw = await startGateway(data);
    try {
      expect(gw.output).toContain('no users yet');
      expect(gw.output).toContain(`hazgate user add NAME --role admin --dir ${join(data, 'auth')}`);
      expect((await fetch(`${http}/api/alarms`)).status).toBe(401);
      expect((await fetch(`${http}/healthz`)).status).toBe(200);
    } finally {
      await gw.stop();
    }
  }, 30_000);
});
