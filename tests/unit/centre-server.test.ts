import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Centre } from '../../src/app/index.js';
import { centreConfigSchema } from '../../src/config/index.js';
import { silentLogger, type FeedBatch } from '../../src/core/index.js';
import { signBody } from '../../src/uplink/index.js';
import { authHeaders, provisionToken } from '../support/auth.js';
import { RecordingWsClient } from '../support/ws-client.js';
import { FixtureSite, tamper } from './centre-fixtures.js';

/** The centre in one process: POST /api/feed (signatures, refusals), the read-only API and WebSocket. */

const KEY = 'plant-1-key-0123456789abcdef';
const T0 = Date.UTC(2026, 10, 28);
let dir: string;
let centre: Centre;
let base: string;
let site: FixtureSite;
/** A viewer of every site, and one of plant-1 only. */
let token: string;
let plant1: string;

async function post(batch: FeedBatch | string, key = KEY, extra: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const text = typeof batch === 'string' ? batch : JSON.stringify(batch);
  const res = await fetch(`${base}/api/feed`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hazgate-signature': signBody(text, key), ...extra }, body: text });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function get(path: string, as = token): Promise<Record<string, unknown>> {
  return (await (await fetch(`${base}${path}`, { headers: authHeaders(as) })).json()) as Record<string, unknown>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hg-centre-server-'));
  const config = centreConfigSchema.parse({
    centre: { id: 'prov' },
    store: { dir: join(dir, 'centre'), synchronous: 'normal' },
    server: { port: 0, maxBatchBytes: 64 * 1024 },
    sites: [{ id: 'plant-1', name: 'Plant one', key: KEY }, { id: 'plant-2', key: 'plant-2-key-0123456789abcdef' }],
  });
  // users.db of the centre: <store dir>/auth.
  token = provisionToken(join(dir, 'centre', 'auth'), 'inspector', 'viewer');
  plant1 = provisionToken(join(dir, 'centre', 'auth'), 'plant1-inspector', 'viewer', { sites: ['plant-1'], areas: '*' });
  centre = await Centre.start(config, { clock: { now: () => Date.now() }, logger: silentLogger });
  base = centre.url.replace('0.0.0.0', '127.0.0.1');
  site = new FixtureSite('plant-1', join(dir, 'gw'));
});

afterAll(async () => {
  site.close();
  await centre.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('centre HTTP', () => {
  it('acknowledges a signed batch and refuses unknown sites, bad signatures, bad bodies and oversized ones with coded errors', async () => {
    site.journal([{ conditionId: 'gas/GT-1', state: 'active-unacked', priority: 1 }], T0);
    site.status(T0);
    const batch = site.batch();
    expect(await post(batch)).toEqual({ status: 200, body: { v: 1, site: 'plant-1', upto: 2 } });
    expect(await post(batch, 'wrong-key-0123456789abcdef')).toMatchObject({ status: 401, body: { error: { code: 'HG_ERR_UPLINK_BAD_SIGNATURE' } } });
    expect(await post({ ...batch, site: 'plant-9', messages: [] }, KEY)).toMatchObject({ status: 401, body: { error: { code: 'HG_ERR_CENTRE_UNKNOWN_SITE' } } });
    expect(await post('{not json')).toMatchObject({ status: 400, body: { error: { code: 'HG_ERR_UPLINK_BAD_MESSAGE' } } });
    expect(await post({ site: 'plant-1', oldest: 1, messages: [] })).toMatchObject({ status: 400, body: { error: { code: 'HG_ERR_UPLINK_BAD_MESSAGE' } } });
    expect(await post(JSON.stringify({ site: 'plant-1', pad: 'x'.repeat(70 * 1024) }))).toMatchObject({ status: 413, body: { error: { code: 'HG_ERR_UPLINK_BAD_MESSAGE' } } });
    // The feed is signed, not logged in; /metrics is open without server.metricsToken.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const reason of ['bad-signature', 'unknown-site', 'bad-message', 'too-large']) expect(metrics).toMatch(new RegExp(`hazgate_centre_batches_refused_total\\{reason="${reason}"\\} [1-9]`));
    expect(metrics).toContain('hazgate_centre_messages_total{site="plant-1",result="applied"} 2');
  });

  it('lists every configured site, shows its alarms with their site, and stays read-only on the WebSocket', async () => {
    const ws = await RecordingWsClient.connect(`${base.replace('http', 'ws')}/ws?site=plant-1`, { token });
    await ws.waitForMessage((m) => m.type === 'site', 2000, 'the site summary after the snapshot');
    expect(ws.messages.map((m) => m.type).slice(0, 5)).toEqual(['hello', 'snapshot-begin', 'condition', 'snapshot-end', 'site']);
    expect(ws.ofType('condition')[0]).toMatchObject({ site: 'plant-1', conditionId: 'gas/GT-1', journalSeq: 1 });
    const raised = site.journal([{ conditionId: 'gas/GT-2', state: 'active-unacked', priority: 2 }], T0 + 10);
    const tampered = site.journal([{ conditionId: 'gas/GT-1', state: 'active-unacked', priority: 1 }], T0 + 20).map(tamper);
    expect((await post(site.batchOf([...raised, ...tampered]))).body).toEqual({ v: 1, site: 'plant-1', upto: 4 });
    await ws.waitForMessage((m) => m.type === 'transition' && m['conditionId'] === 'gas/GT-2', 2000, 'the live transition');
    const change = await ws.waitForMessage((m) => m.type === 'site' && (m['chain'] as { verdict: string }).verdict === 'tampered', 2000, 'the site turning tampered');
    expect(change).toMatchObject({ site: 'plant-1', chain: { tampered: [{ seq: 3, problem: 'hash-mismatch' }] } });
    ws.send({ type: 'action', action: 'acknowledge', conditionId: 'gas/GT-2', eventId: 'x', requestId: 7 });
    expect(await ws.waitForMessage((m) => m.type === 'error', 2000, 'the refusal')).toMatchObject({ code: 'HG_ERR_WS_BAD_MESSAGE', requestId: 7 });
    await ws.close();

    const sites = (await get('/api/sites')) as { sites: Record<string, unknown>[] };
    expect(sites.sites.map((s) => [s['site'], s['configured'], s['lastSeq']])).toEqual([['plant-1', true, 4], ['plant-2', true, 0]]);
    expect(sites.sites[0]).toMatchObject({ name: 'Plant one', ackUpto: 4, chain: { verdict: 'tampered' }, alarms: { byPriority: { 1: 1, 2: 1 } }, lastStatus: { seq: 2 } });
    expect(((await get('/api/alarms?site=plant-2')) as { count: number }).count).toBe(0);
    expect(((await get('/api/alarms/history?site=plant-1&limit=2')) as { transitions: { journalSeq: number }[] }).transitions.map((t) => t.journalSeq)).toEqual([3, 2]);
    expect(await get('/api/alarms?bogus=1')).toMatchObject({ error: { code: 'HG_ERR_API_BAD_REQUEST' } });
    expect((await fetch(`${base}/api/alarms/gas%2FGT-1/ack`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${base}/api/alarms/gas%2FGT-1/ack`, { method: 'POST', headers: authHeaders(token) })).status).toBe(404);
  });

  it('shows a user scoped to one site that site only: sites, alarms, history, values and the WebSocket', async () => {
    const other = new FixtureSite('plant-2', join(dir, 'gw2'));
    try {
      other.journal([{ conditionId: 'gas/GT-9', state: 'active-unacked', priority: 1 }], T0);
      expect((await post(other.batch(), 'plant-2-key-0123456789abcdef')).status).toBe(200);
    } finally {
      other.close();
    }
    const sitesOf = (body: Record<string, unknown>, key: string) => [...new Set((body[key] as { site: string }[]).map((x) => x.site))];
    expect(sitesOf(await get('/api/sites'), 'sites')).toEqual(['plant-1', 'plant-2']);
    expect(sitesOf(await get('/api/sites', plant1), 'sites')).toEqual(['plant-1']);
    expect(sitesOf(await get('/api/alarms'), 'alarms')).toEqual(['plant-1', 'plant-2']);
    expect(sitesOf(await get('/api/alarms', plant1), 'alarms')).toEqual(['plant-1']);
    expect(sitesOf(await get('/api/alarms/history', plant1), 'transitions')).toEqual(['plant-1']);
    // Another site by name is as unknown as one the centre never heard of.
    expect(await get('/api/alarms?site=plant-2', plant1)).toEqual({ count: 0, alarms: [] });
    expect(await get('/api/sites?site=plant-2', plant1)).toEqual({ count: 0, sites: [] });
    expect((await get('/api/points/values?site=plant-2', plant1))['count']).toBe(0);

    const wsBase = `${base.replace('http', 'ws')}/ws`;
    await expect(RecordingWsClient.connect(`${wsBase}?site=plant-2`, { token: plant1 })).rejects.toThrow(/403/);
    const ws = await RecordingWsClient.connect(wsBase, { token: plant1 });
    await ws.waitForMessage((m) => m.type === 'site', 2000, 'the site summary after the snapshot');
    expect([...new Set(ws.ofType('condition').map((m) => m['site']))]).toEqual(['plant-1']);
    expect(ws.ofType('site').map((m) => m['site'])).toEqual(['plant-1']);
    const more = new FixtureSite('plant-2', join(dir, 'gw2'));
    try {
      more.journal([{ conditionId: 'gas/GT-8', state: 'active-unacked', priority: 2 }], T0 + 5);
      expect((await post(more.batch(), 'plant-2-key-0123456789abcdef')).status).toBe(200);
    } finally {
      more.close();
    }
    const mine = site.journal([{ conditionId: 'gas/GT-3', state: 'active-unacked', priority: 3 }], T0 + 30);
    expect((await post(site.batchOf(mine))).status).toBe(200);
    await ws.waitForMessage((m) => m.type === 'transition' && m['conditionId'] === 'gas/GT-3', 2000, 'plant-1\'s transition');
    expect(ws.ofType('transition').map((m) => m['site'])).toEqual(['plant-1']);
    await ws.close();
  });
});
