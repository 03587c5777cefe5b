import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, GatewayProcess, login, provisionLogin, type LoginSession } from '../support/gateway-process.js';
import { RecordingWsClient } from '../support/ws-client.js';

/**
 * Console sessions outlive the gateway process (issue #12: a control room must not be logged out by
 * an upgrade or a crash restarted by systemd): a cookie and its CSRF token made before a SIGTERM,
 * and before a kill -9, work after the restart on REST, on a POST and on the WebSocket upgrade; a
 * session logged out does not come back.
 */
const SITE = `
site: { id: sessions-test }
points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100], area: tank-farm }
store: { dir: \${HAZGATE_DATA_DIR} }
server: { port: \${HAZGATE_HTTP_PORT} }
`;

const PASSWORD = 'operator wang keeps this one secret';

let dir: string;
let data: string;
let http = '';
let gw: GatewayProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hg-sessions-restart-'));
  data = join(dir, 'data');
  writeFileSync(join(dir, 'site.yaml'), SITE);
  await provisionLogin(join(data, 'auth'), 'wang', PASSWORD, 'operator');
});

afterAll(async () => {
  await gw?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A gateway on the same data dir, on a new port (so the WebSocket's Origin is the new one). */
async function startGateway(): Promise<GatewayProcess> {
  const port = await freePort();
  http = `http://127.0.0.1:${port}`;
  const started = GatewayProcess.spawn(['start', '--config', join(dir, 'site.yaml')], { HAZGATE_HTTP_PORT: String(port), HAZGATE_DATA_DIR: data });
  await started.waitReady(http);
  gw = started;
  return started;
}

async function me(session: LoginSession): Promise<{ status: number; csrf?: string; user?: string }> {
  const res = await fetch(`${http}/api/me`, { headers: { cookie: session.cookie } });
  return { status: res.status, ...((await res.json()) as { csrf?: string; user?: string }) };
}

/** A state-changing request on the cookie: a comment on the gas point's alarm condition (a POST the CSRF check guards). */
async function comment(session: LoginSession, csrf: string | null): Promise<{ status: number; code?: string }> {
  const headers: Record<string, string> = { cookie: session.cookie, 'content-type': 'application/json', ...(csrf === null ? {} : { 'x-hazgate-csrf': csrf }) };
  const res = await fetch(`${http}/api/alarms/gas/GT-1/comment`, { method: 'POST', headers, body: JSON.stringify({ comment: 'still watching after the restart' }) });
  const body = (await res.json()) as { error?: { code?: string } };
  return { status: res.status, ...(body.error?.code === undefined ? {} : { code: body.error.code }) };
}

async function wsSnapshot(session: LoginSession): Promise<void> {
  const ws = await RecordingWsClient.connect(`${http.replace('http', 'ws')}/ws`, { headers: { cookie: session.cookie, origin: http } });
  try {
    await ws.waitForMessage((m) => m.type === 'snapshot-end', 5000, 'the snapshot on the session cookie');
  } finally {
    await ws.close();
  }
}

describe('console sessions across gateway restarts', () => {
  it('keeps a session over SIGTERM and kill -9 (REST, CSRF on a POST, WebSocket); a logged-out one stays out', async () => {
    let running = await startGateway();
    const kept = await login(http, 'wang', PASSWORD);
    const ended = await login(http, 'wang', PASSWORD);
    expect(await me(kept)).toMatchObject({ status: 200, user: 'wang', csrf: kept.csrf });
    const logout = await fetch(`${http}/api/logout`, { method: 'POST', headers: { cookie: ended.cookie, 'x-hazgate-csrf': ended.csrf } });
    expect(logout.status).toBe(200);
    // The route's own answer (the point has no alarm yet): past the authentication and the CSRF check.
    const before = await comment(kept, kept.csrf);
    expect(before).toEqual({ status: 404, code: 'HG_ERR_ALARM_UNKNOWN_CONDITION' });

    expect(await running.stop()).toBe(0); // SIGTERM: an upgrade, systemctl restart
    running = await startGateway();
    expect(await me(kept)).toMatchObject({ status: 200, user: 'wang', csrf: kept.csrf });
    expect((await me(ended)).status).toBe(401);
    expect(await comment(kept, null)).toMatchObject({ status: 403, code: 'HG_ERR_AUTH_CSRF' });
    expect(await comment(kept, kept.csrf)).toEqual(before); // the CSRF token of before the restart is accepted
    await wsSnapshot(kept);

    // A session made just before a crash survives it too: users.db is WAL with synchronous FULL.
    const fresh = await login(http, 'wang', PASSWORD);
    expect(await running.kill9()).toBe(128);
    running = await startGateway();
    for (const s of [kept, fresh]) expect(await me(s)).toMatchObject({ status: 200, user: 'wang', csrf: s.csrf });
    expect((await me(ended)).status).toBe(401);
    await wsSnapshot(fresh);
    expect(await comment(fresh, fresh.csrf)).toEqual(before);

    // A logout after the restart is for good as well.
    expect((await fetch(`${http}/api/logout`, { method: 'POST', headers: { cookie: kept.cookie, 'x-hazgate-csrf': kept.csrf } })).status).toBe(200);
    expect(await running.stop()).toBe(0);
    running = await startGateway();
    expect((await me(kept)).status).toBe(401);
    expect((await me(fresh)).status).toBe(200);

    // `hazgate user remove` while the gateway runs ends the user's sessions there and on disk.
    const remove = GatewayProcess.spawn(['user', 'remove', 'wang', '--dir', join(data, 'auth')], {});
    expect(await remove.waitExit()).toBe(0);
    expect((await me(fresh)).status).toBe(401);
    expect(await running.stop()).toBe(0);
    running = await startGateway();
    expect((await me(fresh)).status).toBe(401);
    expect(await running.stop()).toBe(0);
  }, 90_000);
});
