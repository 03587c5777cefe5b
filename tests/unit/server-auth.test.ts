import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HazgateError, silentLogger, type AlarmService, type AlarmTransition, type OperatorRequest, type Point } from '../../src/core/index.js';
import { CentreScope, CentreWsHub, createCentreHttpServer, createHttpServer, routesOf, SiteScope, WsHub } from '../../src/server/index.js';
import { authHeaders, guardedApp, provisionLogin, TestAuth } from '../support/auth.js';
import { waitFor } from '../support/wait.js';
import { RecordingWsClient } from '../support/ws-client.js';
import { SHOWN } from './alarms-fixtures.js';

/**
 * Who may call what on a gateway (issue 11): every route but the exempt ones refuses anonymous
 * callers, each role is refused what it may not do, scopes filter lists and hide what lies outside
 * them, logins are slowed and locked, tokens expire and are revoked, cookies carry their flags,
 * state changes on the cookie need the CSRF header, and the WebSocket is refused at its upgrade.
 */

const NOW = Date.now();
const PASSWORD = 'correct horse battery staple';

function transition(pointId: string, over: Partial<AlarmTransition> = {}): AlarmTransition {
  return {
    ...SHOWN, eventId: `e-${pointId}`, conditionId: `gas/${pointId}`, ruleId: 'gas', ruleKind: 'threshold', siteId: 'plant-a', pointId,
    from: 'normal', state: 'active-unacked', reason: 'activate', active: true, activeSince: NOW, acked: false, level: 'AL1', priority: 2, severity: 800,
    value: 30, time: NOW, rts: NOW, message: `${pointId} AL1`, ...over,
  };
}

/** Two conditions, one in each area; acts on any of them and records who did what. */
class TwoAreas implements AlarmService {
  list = [transition('GT-TK'), transition('GT-RX')];
  acted: OperatorRequest[] = [];
  retained(): AlarmTransition[] {
    return this.list;
  }
  get(id: string): AlarmTransition | undefined {
    return this.list.find((t) => t.conditionId === id);
  }
  act(r: OperatorRequest): AlarmTransition {
    const t = this.get(r.conditionId);
    if (t === undefined) throw new HazgateError('HG_ERR_ALARM_UNKNOWN_CONDITION', `no condition ${r.conditionId}`);
    this.acted.push(r);
    return { ...t, reason: r.action, user: r.user };
  }
}

const POINTS: Point[] = [
  { id: 'GT-TK', kind: 'gas', type: 'number', unit: '%LEL', area: 'tank-farm', attrs: {} },
  { id: 'GT-RX', kind: 'gas', type: 'number', unit: '%LEL', area: 'reactor', attrs: {} },
  { id: 'SIS-1.BP', kind: 'bypass-register', type: 'number', area: 'reactor', attrs: { interlock: 'SIS-1' } },
];
const points = { list: () => POINTS, get: (id: string) => POINTS.find((p) => p.id === id), latest: () => undefined };

let dir: string;
let auth: TestAuth;
let alarms: TwoAreas;
let hub: WsHub;
let app: FastifyInstance;
let base: string;
let wsUrl: string;

/** The auth service's clock: a test moves it to expire a token. */
let clockOffset = 0;
const clock = { now: () => Date.now() + clockOffset };

async function start(options: { metricsToken?: string; https?: boolean; maxPerUser?: number; recheckMs?: number } = {}): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'hg-server-auth-'));
  clockOffset = 0;
  auth = TestAuth.open(dir, { clock, ...(options.metricsToken === undefined ? {} : { metricsToken: options.metricsToken }), https: options.https ?? false });
  alarms = new TwoAreas();
  const scope = new SiteScope('plant-a', points, auth.service);
  const limits = { maxConnections: 10, maxConnectionsPerUser: options.maxPerUser ?? 5, messageRate: { perSecond: 5, burst: 10 }, recheckMs: options.recheckMs ?? 30_000 };
  hub = new WsHub({ siteId: 'plant-a', version: 't', alarms, points, logger: silentLogger, now: () => Date.now(), maxBufferedBytes: 1 << 20, maxMessageBytes: 4096, scope, limits, audit: auth.http.audit, floods: () => [{ position: 'reactor', count: 12, since: NOW }] });
  app = createHttpServer({
    siteId: 'plant-a', version: 't', alarms, points, hub, metrics: new Registry(), components: () => ({}), now: () => Date.now(), logger: silentLogger,
    journal: { append: () => undefined, loadRetained: () => [], recent: () => alarms.list, close: () => undefined },
    health: { kpis: () => ({ from: 0, to: 1, alarms: 0, positions: [], badActors: [], topTenSharePct: 0, chattering: [], standing: [], priorities: { 1: 0, 2: 0, 3: 0, 4: 0 } }), floods: () => [] },
    bypasses: { list: () => [], register: () => { throw new Error('unused'); }, end: () => { throw new Error('unused'); }, inServiceRates: () => [] },
    history: { query: async () => [], queryColumns: async () => { throw new Error('unused'); } },
    http: auth.http, scope, bodyLimitBytes: 4096,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  wsUrl = `${base.replace('http', 'ws')}/ws`;
}

afterEach(async () => {
  await hub.close(50);
  await app.close();
  auth.close();
  rmSync(dir, { recursive: true, force: true });
});

const as = (token: string, opts: string | InjectOptions) => {
  const o = typeof opts === 'string' ? { url: opts } : opts;
  return app.inject({ ...o, headers: { ...o.headers, ...authHeaders(token) } });
};

/** A path of the route with its parameters filled in. */
function concrete(url: string): string {
  return url.replace(/\*$/, 'gas/GT-TK/ack').replace(/:(\w+)/g, 'x');
}

describe('anonymous callers', () => {
  beforeEach(() => start());

  it('are refused (401, HG_ERR_AUTH_REQUIRED) on every route but the probes, /metrics and the login', async () => {
    await app.ready();
    const routes = routesOf(app).filter((r) => r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(15);
    const open = routes.filter((r) => r.access === 'public' || r.access === 'metrics' || r.access === 'signed').map((r) => `${r.method} ${r.url}`);
    // A new route is guarded unless it says otherwise, and saying so shows here. The console's page
    // and files are open on purpose (issue #12): the login form has to load before anyone logs in;
    // what the page then asks of the API needs a user like any other caller.
    expect(open.sort()).toEqual(['GET /', 'GET /assets/:file', 'GET /healthz', 'GET /index.html', 'GET /metrics', 'GET /readyz', 'POST /api/login']);
    for (const r of routes.filter((x) => !open.includes(`${x.method} ${x.url}`))) {
      const res = await app.inject({ method: r.method as 'GET', url: concrete(r.url), ...(r.method === 'POST' ? { payload: {} } : {}) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json().error.code, `${r.method} ${r.url}`).toBe('HG_ERR_AUTH_REQUIRED');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="hazgate"');
    }
    for (const url of ['/healthz', '/readyz', '/metrics']) expect((await app.inject(url)).statusCode, url).toBe(200);
    expect((await app.inject('/api/nothing-here')).statusCode).toBe(401);
  });

  it('are refused on every route of a centre but the probes, /metrics, the login and the signed feed', async () => {
    const scope = new CentreScope(auth.service);
    const none = () => [];
    const centreHub = new CentreWsHub({ centreId: 'c', version: 'v', alarms: none, sites: none, logger: silentLogger, now: () => 0, maxBufferedBytes: 1 << 20, maxMessageBytes: 4096, scope });
    const centre = createCentreHttpServer({
      centreId: 'c', version: 'v', read: { sites: none, alarms: none, history: none, values: none }, hub: centreHub, metrics: new Registry(), components: () => ({}), now: () => 0, maxBatchBytes: 1024,
      feed: { receiveSigned: () => { throw new HazgateError('HG_ERR_UPLINK_BAD_SIGNATURE', 'unsigned'); }, refuse: (_r, e) => e }, http: auth.http, scope,
    });
    await centre.ready();
    const routes = routesOf(centre).filter((r) => r.method !== 'HEAD');
    const open = routes.filter((r) => ['public', 'metrics', 'signed'].includes(r.access)).map((r) => `${r.method} ${r.url}`);
    // The console's page and files, open as on a gateway (issue #12).
    expect(open.sort()).toEqual(['GET /', 'GET /assets/:file', 'GET /healthz', 'GET /index.html', 'GET /metrics', 'GET /readyz', 'POST /api/feed', 'POST /api/login']);
    for (const r of routes.filter((x) => !open.includes(`${x.method} ${x.url}`))) {
      const res = await centre.inject({ method: r.method as 'GET', url: concrete(r.url) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
    }
    // No user asked of the feed: its own signature check answers.
    expect((await centre.inject({ method: 'POST', url: '/api/feed', payload: '{}', headers: { 'content-type': 'application/json' } })).json()).toMatchObject({ error: { code: 'HG_ERR_UPLINK_BAD_SIGNATURE' } });
    await centre.close();
    await centreHub.close(10);
  });

  it('refuses at boot a state-changing route that does not say who may call it', async () => {
    const bare = guardedApp(auth);
    expect(() => bare.post('/api/new-thing', async () => 1)).toThrow(/POST \/api\/new-thing says nothing of who may call it/);
    bare.get('/api/new-list', async () => []); // a GET needs `read` unless it says otherwise
    expect((await bare.inject('/api/new-list')).statusCode).toBe(401);
    expect((await bare.inject({ url: '/api/new-list', headers: auth.as('v', 'viewer') })).statusCode).toBe(200);
    await bare.close();
  });

  it('are refused at the WebSocket upgrade, before any WebSocket exists; a token in the URL is refused whatever else comes', async () => {
    await expect(RecordingWsClient.connect(wsUrl)).rejects.toThrow(/401/);
    const token = auth.token('li', 'viewer');
    await expect(RecordingWsClient.connect(`${wsUrl}?token=${token}`)).rejects.toThrow(/400/);
    await expect(RecordingWsClient.connect(`${wsUrl}?access_token=${token}`, { token })).rejects.toThrow(/400/);
    const answer = await new Promise<{ status: number; body: string }>((resolve) => {
      const ws = new WebSocket(`${wsUrl}?token=${token}`);
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.on('error', () => undefined);
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'HG_ERR_API_BAD_REQUEST', message: expect.stringContaining('not taken from the URL') } });
    expect(hub.stats.refusedUpgrades).toBe(4);
    expect(hub.stats.connections).toBe(0);
  });
});

describe('/metrics with server.metricsToken', () => {
  beforeEach(() => start({ metricsToken: 'scrape-0123456789abcdef' }));

  it('wants the scrape token; a user token is not it', async () => {
    expect((await app.inject('/metrics')).statusCode).toBe(401);
    expect((await app.inject({ url: '/metrics', headers: authHeaders('nope-0123456789abcdef') })).statusCode).toBe(401);
    expect((await as(auth.token('li', 'admin'), '/metrics')).statusCode).toBe(401);
    expect((await app.inject({ url: '/metrics', headers: authHeaders('scrape-0123456789abcdef') })).statusCode).toBe(200);
  });
});

describe('roles', () => {
  beforeEach(() => start());

  it('a viewer reads but cannot acknowledge (REST and WebSocket); an operator cannot take an alarm out of service; only an engineer bypasses', async () => {
    const viewer = auth.token('zhou', 'viewer');
    const operator = auth.token('wang', 'operator');
    const engineer = auth.token('li', 'engineer');
    expect((await as(viewer, '/api/alarms')).json().count).toBe(2);
    const ack = await as(viewer, { method: 'POST', url: '/api/alarms/gas/GT-TK/ack', payload: { eventId: 'e-GT-TK' } });
    expect([ack.statusCode, ack.json().error.code]).toEqual([403, 'HG_ERR_AUTH_FORBIDDEN']);
    const ws = await RecordingWsClient.connect(wsUrl, { token: viewer });
    ws.send({ type: 'ack', conditionId: 'gas/GT-TK', eventId: 'e-GT-TK', requestId: 1 });
    expect(await ws.waitForMessage((m) => m.type === 'error', 2000, 'refusal')).toMatchObject({ code: 'HG_ERR_AUTH_FORBIDDEN', requestId: 1 });
    await ws.close();

    expect((await as(operator, { method: 'POST', url: '/api/alarms/gas/GT-TK/ack', payload: { eventId: 'e-GT-TK' } })).statusCode).toBe(200);
    const oos = await as(operator, { method: 'POST', url: '/api/alarms/gas/GT-TK/out-of-service', payload: { comment: 'recalibration' } });
    expect([oos.statusCode, oos.json().error.code]).toEqual([403, 'HG_ERR_AUTH_FORBIDDEN']);
    expect(oos.json().error.message).toContain('a engineer may');
    expect((await as(engineer, { method: 'POST', url: '/api/alarms/gas/GT-TK/out-of-service', payload: { comment: 'recalibration' } })).statusCode).toBe(200);
    const bypass = { interlock: 'SIS-1', who: 'a', approver: 'b', reason: 'r', plannedEnd: NOW + 3_600_000 };
    expect((await as(operator, { method: 'POST', url: '/api/bypasses', payload: bypass })).statusCode).toBe(403);
    expect((await as(operator, { method: 'POST', url: '/api/bypasses/x/end', payload: {} })).statusCode).toBe(403);
    // Users are administered with `hazgate user` on the machine (users.db): no route adds one, and
    // the permission is the administrator's alone.
    expect(routesOf(app).some((r) => r.url.includes('user'))).toBe(false);
    expect(() => auth.service.authorize({ user: 'li', roles: ['engineer'], scopes: { sites: '*', areas: '*' }, via: 'token' }, 'users.admin')).toThrow(/may not users.admin/);
    // The journal records who is logged in, whatever the body says.
    expect(alarms.acted.map((r) => [r.action, r.user])).toEqual([['acknowledge', 'wang'], ['out-of-service', 'li']]);
    const impostor = await as(operator, { method: 'POST', url: '/api/alarms/gas/GT-TK/comment', payload: { comment: 'x', user: 'li' } });
    expect([impostor.statusCode, impostor.json().error.code]).toEqual([403, 'HG_ERR_AUTH_FORBIDDEN']);
    const denied = auth.audited.filter((e) => e.kind === 'access-denied');
    expect(denied.map((e) => [e.user, e.details?.['permission']])).toEqual([
      ['zhou', 'alarm.acknowledge'],
      ['zhou', 'alarm.acknowledge'],
      ['wang', 'alarm.out-of-service'],
      ['wang', 'bypass.write'],
      ['wang', 'bypass.write'],
      ['wang', 'alarm.comment'],
    ]);
    expect(denied[0]?.details).toMatchObject({ route: 'POST /api/alarms/*', code: 'HG_ERR_AUTH_FORBIDDEN' });
  });
});

describe('scopes', () => {
  beforeEach(() => start());

  it('a user of one area sees that area only; what lies outside is as unknown as what does not exist', async () => {
    const tk = auth.token('tk', 'operator', { sites: ['plant-a'], areas: ['tank-farm'] });
    expect((await as(tk, '/api/alarms')).json().alarms.map((a: AlarmTransition) => a.conditionId)).toEqual(['gas/GT-TK']);
    expect((await as(tk, '/api/alarms/history')).json().transitions.map((a: AlarmTransition) => a.conditionId)).toEqual(['gas/GT-TK']);
    expect((await as(tk, '/api/points')).json().points.map((p: Point) => p.id)).toEqual(['GT-TK']);
    expect((await as(tk, '/api/points/GT-RX')).statusCode).toBe(404);
    expect((await as(tk, '/api/points/GT-RX/history')).statusCode).toBe(404);
    expect((await as(tk, '/api/points/GT-TK')).statusCode).toBe(200);
    const outside = await as(tk, { method: 'POST', url: '/api/alarms/gas/GT-RX/ack', payload: { eventId: 'e-GT-RX' } });
    expect([outside.statusCode, outside.json().error.code]).toEqual([404, 'HG_ERR_ALARM_UNKNOWN_CONDITION']);
    expect((await as(tk, { method: 'POST', url: '/api/alarms/gas/GT-TK/ack', payload: { eventId: 'e-GT-TK' } })).statusCode).toBe(200);
    // Site-wide figures are for those who see the whole site.
    expect((await as(tk, '/api/alarms/kpis')).statusCode).toBe(403);
    expect((await as(tk, '/api/site')).statusCode).toBe(200);
    const elsewhere = auth.token('b', 'viewer', { sites: ['plant-b'], areas: '*' });
    expect((await as(elsewhere, '/api/alarms')).json().count).toBe(0);
    expect((await as(elsewhere, '/api/site')).statusCode).toBe(403);
    expect(auth.audited.filter((e) => e.kind === 'access-denied').map((e) => e.details?.['route'])).toContain('POST /api/alarms/*');

    const ws = await RecordingWsClient.connect(wsUrl, { token: tk });
    await ws.waitForMessage((m) => m.type === 'snapshot-end', 2000, 'snapshot');
    expect(ws.ofType('condition').map((m) => m['conditionId'])).toEqual(['gas/GT-TK']);
    expect(ws.ofType('flood')).toEqual([]); // the flood is the reactor's
    ws.send({ type: 'subscribe', points: ['GT-TK', 'GT-RX'], requestId: 's' });
    expect(await ws.waitForMessage((m) => m.type === 'values', 2000, 'values')).toMatchObject({ unknown: ['GT-RX'] });
    hub.broadcastTransition(transition('GT-RX', { eventId: 'rx-2' }));
    hub.broadcastTransition(transition('GT-TK', { eventId: 'tk-2' }));
    await ws.waitForMessage((m) => m.type === 'transition', 2000, 'transition');
    expect(ws.ofType('transition').map((m) => m['eventId'])).toEqual(['tk-2']);
    ws.send({ type: 'action', action: 'comment', conditionId: 'gas/GT-RX', comment: 'x', requestId: 'c' });
    expect(await ws.waitForMessage((m) => m.type === 'error', 2000, 'refusal')).toMatchObject({ code: 'HG_ERR_ALARM_UNKNOWN_CONDITION', requestId: 'c' });
    await ws.close();
  });
});

describe('logins and sessions', () => {
  beforeEach(() => start());

  it('sets an HttpOnly, SameSite=Strict session cookie; changes on it need the CSRF header; logout ends it', async () => {
    await provisionLogin(dir, 'wang', PASSWORD, 'operator');
    const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'wang', password: PASSWORD }) });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^hazgate_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=4320\d$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const me = (await res.json()) as { user: string; roles: string[]; csrf: string; via: string };
    expect(me).toMatchObject({ user: 'wang', roles: ['operator'], via: 'session' });
    const cookie = setCookie.split(';')[0] ?? '';
    expect((await fetch(`${base}/api/me`, { headers: { cookie } })).status).toBe(200);
    expect(((await (await fetch(`${base}/api/me`, { headers: { cookie } })).json()) as { csrf: string }).csrf).toBe(me.csrf);
    const ack = (headers: Record<string, string>) => fetch(`${base}/api/alarms/gas/GT-TK/ack`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ eventId: 'e-GT-TK' }) });
    const noCsrf = await ack({});
    expect([noCsrf.status, ((await noCsrf.json()) as { error: { code: string } }).error.code]).toEqual([403, 'HG_ERR_AUTH_CSRF']);
    expect((await ack({ 'x-hazgate-csrf': 'forged' })).status).toBe(403);
    expect((await ack({ 'x-hazgate-csrf': me.csrf })).status).toBe(200);
    expect(alarms.acted.map((r) => r.user)).toEqual(['wang']);

    // The console's WebSocket rides on the cookie, from a page of this server only.
    const ws = await RecordingWsClient.connect(wsUrl, { headers: { cookie, origin: base } });
    await ws.waitForMessage((m) => m.type === 'snapshot-end', 2000, 'snapshot');
    await expect(RecordingWsClient.connect(wsUrl, { headers: { cookie, origin: 'http://evil.example:8080' } })).rejects.toThrow(/403/);

    const out = await fetch(`${base}/api/logout`, { method: 'POST', headers: { cookie, 'x-hazgate-csrf': me.csrf } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^hazgate_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
    const after = await fetch(`${base}/api/me`, { headers: { cookie } });
    expect([after.status, ((await after.json()) as { error: { code: string } }).error.code]).toEqual([401, 'HG_ERR_AUTH_REQUIRED']);
    // The open WebSocket of the ended session is refused its next action and closed.
    ws.send({ type: 'action', action: 'comment', conditionId: 'gas/GT-TK', comment: 'x' });
    await waitFor(() => ws.socket.readyState === WebSocket.CLOSED, 2000, 'the socket closed');
    expect(ws.ofType('error').at(-1)).toMatchObject({ code: 'HG_ERR_AUTH_REQUIRED' });
    expect(auth.audited.map((e) => [e.kind, e.user, e.details?.['code'] ?? null])).toEqual([
      ['login', 'wang', null],
      ['access-denied', 'wang', 'HG_ERR_AUTH_CSRF'],
      ['access-denied', 'wang', 'HG_ERR_AUTH_CSRF'],
      ['access-denied', 'wang', 'HG_ERR_AUTH_FORBIDDEN'],
      ['logout', 'wang', null],
    ]);
  });

  it('slows brute force: 429 with Retry-After after five wrong passwords, even for the right one, audited with the address', async () => {
    await provisionLogin(dir, 'wang', PASSWORD, 'operator');
    const attempt = (password: string) => fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'wang', password }) });
    for (let i = 0; i < 5; i++) {
      const res = await attempt(`wrong guess ${i}`);
      expect([res.status, ((await res.json()) as { error: { code: string; message: string } }).error]).toEqual([401, { code: 'HG_ERR_AUTH_FAILED', message: 'wrong user name or password' }]);
    }
    const locked = await attempt(PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('HG_ERR_AUTH_LOCKED');
    const failed = auth.audited.filter((e) => e.kind === 'login-failed');
    expect(failed).toHaveLength(6);
    expect(failed[0]).toMatchObject({ user: 'wang', address: '127.0.0.1', details: { code: 'HG_ERR_AUTH_FAILED' } });
    expect(failed[5]?.details).toEqual({ code: 'HG_ERR_AUTH_LOCKED' });
    expect(JSON.stringify(auth.audited)).not.toContain('wrong guess');
    expect(JSON.stringify(auth.audited)).not.toContain(PASSWORD);
  });

  it('validates the login body and keeps within the body limit', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/login', payload: { user: 'x' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/login', payload: { user: 'x', password: 'y', admin: true } })).statusCode).toBe(400);
    const big = await app.inject({ method: 'POST', url: '/api/login', payload: { user: 'x', password: 'y'.repeat(8000) } });
    expect(big.statusCode).toBe(413);
  });
});

describe('HTTPS session cookies', () => {
  beforeEach(() => start({ https: true }));

  it('are Secure when the server is HTTPS', async () => {
    await provisionLogin(dir, 'wang', PASSWORD, 'operator');
    const res = await app.inject({ method: 'POST', url: '/api/login', payload: { user: 'wang', password: PASSWORD } });
    expect(String(res.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
  });
});

describe('tokens', () => {
  beforeEach(() => start({ recheckMs: 50 }));

  it('refuses an expired or a revoked token, on REST and at the upgrade, and closes the WebSocket of one revoked meanwhile', async () => {
    const expired = auth.token('old', 'viewer', { sites: '*', areas: '*' }, 60_000);
    expect((await as(expired, '/api/alarms')).statusCode).toBe(200);
    clockOffset = 120_000;
    const exp = await as(expired, '/api/alarms');
    expect([exp.statusCode, exp.json().error.code]).toEqual([401, 'HG_ERR_AUTH_TOKEN_EXPIRED']);
    await expect(RecordingWsClient.connect(wsUrl, { token: expired })).rejects.toThrow(/401/);

    const token = auth.token('li', 'viewer');
    const ws = await RecordingWsClient.connect(wsUrl, { token });
    await ws.waitForMessage((m) => m.type === 'snapshot-end', 2000, 'snapshot');
    auth.store.revokeToken(token.split('_')[1] ?? '', Date.now());
    const rev = await as(token, '/api/alarms');
    expect([rev.statusCode, rev.json().error.code]).toEqual([401, 'HG_ERR_AUTH_TOKEN_REVOKED']);
    await waitFor(() => ws.socket.readyState === WebSocket.CLOSED, 2000, 'the socket of the revoked token closed');
    expect(ws.ofType('error').at(-1)).toMatchObject({ code: 'HG_ERR_AUTH_TOKEN_REVOKED' });
    expect(hub.stats.credentialsEnded).toBe(1);
    expect((await as('hg_0000000000000000_nope', '/api/alarms')).json().error.code).toBe('HG_ERR_AUTH_FAILED');
    expect((await app.inject({ url: '/api/alarms', headers: { authorization: 'Basic bGk6cHc=' } })).json().error.code).toBe('HG_ERR_AUTH_FAILED');
    expect(auth.audited.filter((e) => e.kind === 'access-denied').map((e) => e.details?.['code'])).toEqual(['HG_ERR_AUTH_TOKEN_EXPIRED', 'HG_ERR_AUTH_TOKEN_EXPIRED', 'HG_ERR_AUTH_TOKEN_REVOKED', 'HG_ERR_AUTH_FAILED']);
  });
});

describe('WebSocket limits', () => {
  beforeEach(() => start({ maxPerUser: 2 }));

  it('refuses a user past wsMaxConnectionsPerUser (429) and a client past its message rate, then disconnects it', async () => {
    const token = auth.token('li', 'viewer');
    const a = await RecordingWsClient.connect(wsUrl, { token });
    const b = await RecordingWsClient.connect(wsUrl, { token });
    await expect(RecordingWsClient.connect(wsUrl, { token })).rejects.toThrow(/429/);
    await b.close();
    await waitFor(() => hub.stats.connected === 1, 2000, 'the second one gone');
    const c = await RecordingWsClient.connect(wsUrl, { token });
    await c.close();

    for (let i = 0; i < 30; i++) a.send({ type: 'ping', requestId: i });
    await a.waitForMessage((m) => m.type === 'error' && m['code'] === 'HG_ERR_WS_RATE', 2000, 'the rate refusal');
    await waitFor(() => a.ofType('pong').length >= 10, 2000, 'the burst answered');
    expect(a.ofType('pong').length).toBeLessThan(15);
    expect(a.ofType('error').filter((m) => m['code'] === 'HG_ERR_WS_RATE')).toHaveLength(1);
    for (let i = 0; i < 200; i++) a.send({ type: 'ping' });
    await waitFor(() => a.socket.readyState === WebSocket.CLOSED, 3000, 'the flooding client disconnected');
    expect(hub.stats.rateLimited).toBeGreaterThan(100);
  });
});
