import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedAck, FeedBatch, FeedMessage } from '../../src/core/index.js';
import { HttpsTransport, signBody } from '../../src/uplink/index.js';
import { authHeaders, freePort, GatewayProcess, provisionToken } from '../support/gateway-process.js';
import { waitFor } from '../support/wait.js';
import { RecordingWsClient } from '../support/ws-client.js';
import { FixtureSite, tamper } from '../unit/centre-fixtures.js';

/**
 * A real `hazgate centre` process taking signed batches over HTTP from two sites whose feeds come
 * out of the real outbox (journal records chained as the journal chains them): duplicates and
 * replays change nothing, a gap is shown until filled (and a lost one stays shown), a tampered
 * record is named, bad signatures and unknown sites are refused and counted, the WebSocket tells
 * it live, and a kill -9 restart, a second process on the same centre.db, and HTTPS with the
 * gateway's own HttpsTransport all keep to it.
 */
const KEYS = { 'plant-a': 'plant-a-feed-key-0123456789abcdef', 'plant-b': 'plant-b-feed-key-0123456789abcdef' } as const;
const CONFIG = `
centre: { id: prov-test }
store: { dir: "\${HG_CENTRE_DATA}" }
server: { port: \${HG_CENTRE_PORT}\${HG_CENTRE_TLS:-} }
sites:
  - { id: plant-a, name: Tank farm A, key: "\${HG_KEY_A}" }
  - { id: plant-b, name: Mine B, key: "\${HG_KEY_B}" }
`;
const T0 = Date.UTC(2026, 10, 28, 8);

let dir: string;
let file: string;
const running: GatewayProcess[] = [];
let base: string;
let a: FixtureSite;
let b: FixtureSite;
/** A viewer of every site. */
let token: string;

async function startCentre(extraEnv: Record<string, string> = {}): Promise<{ proc: GatewayProcess; base: string }> {
  const port = await freePort();
  const proc = GatewayProcess.spawn(['centre', '--config', file], { HG_CENTRE_DATA: join(dir, 'centre'), HG_CENTRE_PORT: String(port), HG_KEY_A: KEYS['plant-a'], HG_KEY_B: KEYS['plant-b'], ...extraEnv });
  running.push(proc);
  const url = `http://127.0.0.1:${port}`;
  if (extraEnv['HG_CENTRE_TLS'] === undefined) await proc.waitReady(url);
  return { proc, base: url };
}

async function post(batch: FeedBatch, site: keyof typeof KEYS = batch.site as keyof typeof KEYS, at = base): Promise<{ status: number; body: Record<string, unknown> }> {
  const text = JSON.stringify(batch);
  const res = await fetch(`${at}/api/feed`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hazgate-signature': signBody(text, KEYS[site] ?? 'x'.repeat(32)) }, body: text });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function ack(batch: FeedBatch, at = base): Promise<number> {
  const r = await post(batch, undefined, at);
  if (r.status !== 200) throw new Error(`feed refused: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as unknown as FeedAck).upto;
}

async function get<T = Record<string, unknown>>(path: string, at = base): Promise<T> {
  return (await (await fetch(`${at}${path}`, { headers: authHeaders(token) })).json()) as T;
}

interface SiteView {
  site: string;
  lastSeq: number;
  ackUpto: number;
  gaps: { open: number[][]; lost: number[][] };
  chain: { verdict: string; tampered: { seq: number; problem: string }[] };
  alarms: { total: number; byPriority: Record<string, number> };
  lastMessageAt: number | null;
  lastStatus: { seq: number } | null;
  messages: { applied: number; duplicates: number };
}

const sites = async (at = base) => (await get<{ sites: SiteView[] }>('/api/sites', at)).sites;
const siteView = async (id: string, at = base) => (await sites(at)).find((s) => s.site === id);
const alarmsOf = async (query: string, at = base) => (await get<{ alarms: { site: string; conditionId: string; journalSeq: number; state: string }[] }>(`/api/alarms${query}`, at)).alarms;

function pick<T>(xs: readonly T[], ...indexes: number[]): T[] {
  return indexes.map((i) => {
    const x = xs[i];
    if (x === undefined) throw new Error(`no message ${i}`);
    return x;
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hg-centre-http-'));
  file = join(dir, 'centre.yaml');
  writeFileSync(file, CONFIG);
  a = new FixtureSite('plant-a', join(dir, 'gw-a'));
  b = new FixtureSite('plant-b', join(dir, 'gw-b'));
  // users.db of the centre: <store dir>/auth; a viewer of every site.
  token = provisionToken(join(dir, 'centre', 'auth'), 'inspector', 'viewer');
  ({ base } = await startCentre());
}, 30_000);

afterAll(async () => {
  for (const p of running) await p.stop();
  a.close();
  b.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hazgate centre over HTTP', () => {
  let bMessages: FeedMessage[] = [];

  it('applies two sites\' feeds once, shows a gap until it is filled, names a tampered record and refuses what it cannot trust', async () => {
    const ws = await RecordingWsClient.connect(`${base.replace('http', 'ws')}/ws?site=plant-b`, { token });
    await ws.waitForMessage((m) => m.type === 'snapshot-end', 5000, 'the empty snapshot');

    a.journal([
      { conditionId: 'gas/GT-101', state: 'active-unacked', priority: 1 },
      { conditionId: 'gas/GT-102', state: 'active-unacked', priority: 2 },
      { conditionId: 'level/LT-1', state: 'active-unacked', priority: 3 },
      { conditionId: 'level/LT-1', state: 'normal', priority: 3 },
    ], T0);
    a.snapshot({ 'GT-101': 31.5, 'GT-102': 12, 'LT-1': null }, T0 + 10);
    a.status(T0 + 20);
    a.headMessage(T0 + 30);
    const batchA = a.batch();
    expect(await ack(batchA)).toBe(7);
    const before = { sites: await sites(), alarms: await alarmsOf(''), history: await get('/api/alarms/history?site=plant-a&limit=50'), values: await get('/api/points/values?site=plant-a') };
    // A replay of the whole batch, and a duplicate of its middle: same ack, nothing changes.
    expect(await ack(batchA)).toBe(7);
    expect(await ack(a.batchOf(batchA.messages.slice(2, 5)))).toBe(7);
    expect((await sites()).map(({ lastMessageAt: _t, messages: _m, ...s }) => s)).toEqual(before.sites.map(({ lastMessageAt: _t, messages: _m, ...s }) => s));
    expect({ alarms: await alarmsOf(''), history: await get('/api/alarms/history?site=plant-a&limit=50'), values: await get('/api/points/values?site=plant-a') }).toEqual({ alarms: before.alarms, history: before.history, values: before.values });
    expect(await siteView('plant-a')).toMatchObject({ lastSeq: 7, ackUpto: 7, gaps: { open: [], lost: [] }, chain: { verdict: 'ok' }, alarms: { total: 2, byPriority: { 1: 1, 2: 1 } }, lastStatus: { seq: 6 }, messages: { applied: 7, duplicates: 10 } });
    expect(before.alarms.map((x) => [x.site, x.conditionId])).toEqual([['plant-a', 'gas/GT-101'], ['plant-a', 'gas/GT-102']]);
    expect(((before.values as { values: { pointId: string; value: unknown }[] }).values).map((v) => [v.pointId, v.value])).toEqual([['GT-101', 31.5], ['GT-102', 12], ['LT-1', null]]);

    // Site B: a pipelined batch lost in transit leaves a gap; the ack waits below it.
    bMessages = b.journal(Array.from({ length: 6 }, (_, i) => ({ conditionId: `ch4/CH4-${i % 2}`, state: i < 4 ? 'active-unacked' : 'normal', priority: 1 as const })), T0);
    expect(await ack(b.batchOf(pick(bMessages, 0, 1)))).toBe(2);
    expect(await ack(b.batchOf(pick(bMessages, 4, 5)))).toBe(2);
    expect(await siteView('plant-b')).toMatchObject({ lastSeq: 6, ackUpto: 2, gaps: { open: [[3, 4]], lost: [] } });
    await ws.waitForMessage((m) => m.type === 'site' && JSON.stringify((m['gaps'] as { open: unknown }).open) === '[[3,4]]', 5000, 'the gap on the WebSocket');
    expect(await ack(b.batchOf(pick(bMessages, 2, 3)))).toBe(6);
    expect(await siteView('plant-b')).toMatchObject({ ackUpto: 6, gaps: { open: [], lost: [] }, chain: { verdict: 'ok' }, alarms: { total: 0 } });
    await ws.waitForMessage((m) => m.type === 'site' && (m['gaps'] as { open: unknown[] }).open.length === 0 && m['lastSeq'] === 6, 5000, 'the gap closed on the WebSocket');
    const live = ws.ofType('transition');
    // 3 and 4 (the raises of CH4-0 and CH4-1) came after 5 and 6 (their returns): stored as history,
    // but not live news, or every console would show the two alarms again.
    expect(live.map((t) => [t['site'], t['journalSeq']])).toEqual([['plant-b', 1], ['plant-b', 2], ['plant-b', 5], ['plant-b', 6]]);

    // A record edited after hashing: named by its journal seq, and it does not clear the alarm it claims to.
    const edited = a.journal([{ conditionId: 'gas/GT-101', state: 'active-unacked', priority: 1 }], T0 + 100).map(tamper);
    expect(await ack(a.batchOf(edited))).toBe(8);
    expect(await siteView('plant-a')).toMatchObject({ chain: { verdict: 'tampered', tampered: [{ seq: 5, problem: 'hash-mismatch' }] }, alarms: { total: 2 } });
    expect((await alarmsOf('?site=plant-a')).map((x) => x.conditionId)).toEqual(['gas/GT-101', 'gas/GT-102']);

    // Refused: a wrong key, a site the centre does not know. Both counted, nothing stored.
    b.status(T0 + 200);
    expect(await post(b.batch(6), 'plant-a')).toMatchObject({ status: 401, body: { error: { code: 'HG_ERR_UPLINK_BAD_SIGNATURE' } } });
    expect(await post({ ...b.batch(6), site: 'plant-x' }, 'plant-b')).toMatchObject({ status: 401, body: { error: { code: 'HG_ERR_CENTRE_UNKNOWN_SITE' } } });
    expect((await siteView('plant-b'))?.lastSeq).toBe(6);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('hazgate_centre_batches_refused_total{reason="bad-signature"} 1');
    expect(metrics).toContain('hazgate_centre_batches_refused_total{reason="unknown-site"} 1');
    expect(metrics).toContain('hazgate_centre_messages_total{site="plant-a",result="duplicate"} 10');
    expect(metrics).toContain('hazgate_centre_site_tampered_records{site="plant-a"} 1');
    await ws.close();
  });

  it('marks a gap below a batch\'s oldest as lost and acknowledges past it', async () => {
    // 7 (the refused status above) and two more were dropped at the gateway's bounds; it says it holds from the next one on.
    b.status(T0 + 300);
    b.status(T0 + 301);
    const kept = b.status(T0 + 302);
    expect(await ack({ site: 'plant-b', oldest: kept.seq, messages: [kept] })).toBe(kept.seq);
    expect(await siteView('plant-b')).toMatchObject({ lastSeq: 10, ackUpto: 10, gaps: { open: [], lost: [[7, 9]] } });
  });

  it('keeps every site\'s state over a kill -9 restart', async () => {
    const before = { sites: await sites(), alarms: await alarmsOf(''), history: await get('/api/alarms/history?limit=100'), values: await get('/api/points/values') };
    const first = running[0];
    if (first === undefined) throw new Error('no centre');
    expect(await first.kill9()).toBe(128);
    ({ base } = await startCentre());
    expect({ sites: await sites(), alarms: await alarmsOf(''), history: await get('/api/alarms/history?limit=100'), values: await get('/api/points/values') }).toEqual(before);
    // The rebuilt state: replays are still duplicates, the gap stays lost, the tampered record stays named, new messages go on.
    expect(await ack(b.batchOf(bMessages))).toBe(10);
    const next = a.journal([{ conditionId: 'gas/GT-102', state: 'normal', priority: 2 }], T0 + 400);
    expect(await ack(a.batchOf(next))).toBe(9);
    expect(await siteView('plant-a')).toMatchObject({ lastSeq: 9, chain: { verdict: 'tampered', tampered: [{ seq: 5 }] }, alarms: { total: 1 } });
    expect(await siteView('plant-b')).toMatchObject({ gaps: { open: [], lost: [[7, 9]] }, messages: { duplicates: 6 + (before.sites.find((s) => s.site === 'plant-b')?.messages.duplicates ?? 0) } });
  });

  it('two centre processes on one centre.db store each message once, whichever gets it first', async () => {
    const other = await startCentre();
    const batch = a.batchOf(a.journal(Array.from({ length: 50 }, (_, i) => ({ conditionId: `gas/GT-${200 + (i % 5)}`, state: 'active-unacked', priority: 2 as const })), T0 + 500));
    const acks = await Promise.all([ack(batch), ack(batch, other.base), ack(batch), ack(batch, other.base)]);
    expect(acks).toEqual([59, 59, 59, 59]);
    const [one, two] = [await siteView('plant-a'), await siteView('plant-a', other.base)];
    expect(one).toEqual(two);
    expect(one?.messages.applied).toBe(59);
    const applied = async (at: string) => Number(/hazgate_centre_messages_total\{site="plant-a",result="applied"\} (\d+)/.exec(await (await fetch(`${at}/metrics`)).text())?.[1] ?? 0);
    // 9 before the restart were applied by the killed process; the live two applied the rest between them.
    expect((await applied(base)) + (await applied(other.base))).toBe(1 + 50);
    expect((await get<{ count: number }>('/api/alarms/history?site=plant-a&limit=1000')).count).toBe(56);
    await other.proc.stop();
  });

  it('serves HTTPS with the configured files, and the gateway\'s HttpsTransport gets its ack', async () => {
    const key = join(dir, 'centre.key');
    const cert = join(dir, 'centre.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    const tls = await startCentre({ HG_CENTRE_TLS: `, tls: { cert: "${cert}", key: "${key}" }` });
    const url = tls.base.replace('http:', 'https:');
    const ca = readFileSync(cert);
    await waitFor(async () => (await httpsGet(`${url}/readyz`, ca)).status === 200, 20_000, 'the HTTPS centre to be ready', 100);
    const transport = new HttpsTransport({ url: `${url}/api/feed`, site: 'plant-b', key: KEYS['plant-b'], tls: { ca: cert } });
    const acks: FeedAck[] = [];
    transport.onAck((x) => acks.push(x));
    await transport.start();
    const m = b.status(T0 + 600);
    await transport.send(b.batchOf([m]));
    expect(acks).toEqual([{ v: 1, site: 'plant-b', upto: m.seq }]);
    await transport.stop();
    const view = JSON.parse((await httpsGet(`${url}/api/sites`, ca)).body) as { sites: SiteView[] };
    expect(view.sites.find((s) => s.site === 'plant-b')?.lastSeq).toBe(m.seq);
    await tls.proc.stop();
  });
});

function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers: authHeaders(token) }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
