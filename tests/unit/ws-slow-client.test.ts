import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_SCOPES, silentLogger, type AlarmService, type AlarmTransition, type Point, type Principal, type Sample } from '../../src/core/index.js';
import { SiteScope, WsHub, type Credentials } from '../../src/server/index.js';
import { TestAuth } from '../support/auth.js';
import { RecordingWsClient } from '../support/ws-client.js';
import { waitFor } from '../support/wait.js';
import { SHOWN } from './alarms-fixtures.js';

/**
 * A console that cannot keep up is told it fell behind, gets no live messages meanwhile, and once
 * it has drained gets resync + a fresh snapshot + its values: every transition is either delivered
 * or counted as skipped, never silently missing. One that does not read at all is cut off.
 */

const NOW = Date.UTC(2026, 10, 28, 12);
const LIMIT = 64 * 1024;
const PAD = 'x'.repeat(8 * 1024);

function transition(i: number): AlarmTransition {
  return {
    ...SHOWN, eventId: `e${i}`, conditionId: `gas/GT-${i % 50}`, ruleId: 'gas', ruleKind: 'threshold', siteId: 's', pointId: 'GT-1',
    from: 'normal', state: 'active-unacked', reason: 'activate', active: true, acked: false, level: 'AL1', priority: 2, severity: 800,
    value: i, time: NOW + i, rts: NOW + i, message: `GT-${i} ${PAD}`,
  };
}

const retained = Array.from({ length: 50 }, (_, i) => transition(i));
const alarms: AlarmService = { retained: () => retained, get: () => undefined, act: () => { throw new Error('a bug in an action'); } };
const point: Point = { id: 'GT-1', kind: 'gas', type: 'number', unit: '%LEL', attrs: {} };
const sample: Sample = { pointId: 'GT-1', value: 12, quality: { level: 'good' }, ts: NOW, rts: NOW, tsSource: 'device' };
const points = { list: () => [point], get: (id: string) => (id === 'GT-1' ? point : undefined), latest: (id: string) => (id === 'GT-1' ? sample : undefined) };

let server: Server;
let now = NOW;
let hub: WsHub;
let url = '';
const clients: RecordingWsClient[] = [];
let dir = '';
let auth: TestAuth;

/** Every client here is an operator of the whole site (admission is tested in auth-http.test.ts). */
const operator: Principal = { user: 'op', roles: ['operator'], scopes: ALL_SCOPES, via: 'token' };
const credentials: Credentials = { principal: operator, session: null, address: '127.0.0.1', revalidate: () => operator };

/** A hub (and its HTTP server) whose clients fall behind past `limit` queued bytes. */
async function startHub(limit: number): Promise<void> {
  now = NOW;
  dir = mkdtempSync(join(tmpdir(), 'hg-ws-slow-'));
  auth = TestAuth.open(dir);
  const floods = () => [{ position: 'tank-farm', count: 12, since: NOW - 60_000 }];
  const scope = new SiteScope('s', points, auth.service);
  hub = new WsHub({ siteId: 's', version: 't', alarms, points, logger: silentLogger, now: () => now, maxBufferedBytes: limit, maxMessageBytes: 4096, resyncCheckMs: 20, behindLimitMs: 30_000, floods, scope });
  server = createServer();
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head, credentials));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stopHub(): Promise<void> {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  await hub.close(50);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  auth.close();
  rmSync(dir, { recursive: true, force: true });
}

beforeEach(() => startHub(LIMIT));
afterEach(stopHub);

async function connect(query = ''): Promise<RecordingWsClient> {
  const c = await RecordingWsClient.connect(`${url}${query}`);
  clients.push(c);
  await c.waitForMessage((m) => m.type === 'snapshot-end', 2000, 'snapshot-end');
  return c;
}

/** The TCP socket under the client, so a test can stop reading from it. */
function tcpOf(c: RecordingWsClient): Socket {
  return (c.socket as unknown as { _socket: Socket })._socket;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('a WebSocket client that falls behind', () => {
  it('is told, skips live messages, and is re-snapshotted once it catches up: delivered + skipped = sent', async () => {
    const c = await connect();
    c.send({ type: 'subscribe', points: ['GT-1'] });
    await c.waitForMessage((m) => m.type === 'values', 2000, 'values');
    tcpOf(c).pause();
    let sent = 0;
    // Until the kernel's socket buffers are full and the hub's own queue passes the limit.
    while (hub.stats.slowClientsBehind === 0 && sent < 20_000) {
      hub.broadcastTransition(transition(1000 + sent++));
      if (sent % 20 === 0) await tick();
    }
    expect(hub.stats.slowClientsBehind).toBe(1);
    // Live messages sent while behind are skipped, not queued: the queue stops growing.
    for (let i = 0; i < 100; i++) hub.broadcastTransition(transition(1000 + sent++));
    expect(hub.stats.slowClientsDropped).toBe(0);

    tcpOf(c).resume();
    const resync = await c.waitForMessage((m) => m.type === 'resync', 10_000, 'resync');
    const at = c.messages.indexOf(resync);
    const after = c.messages.slice(at + 1);
    await waitFor(() => c.messages.slice(at + 1).some((m) => m.type === 'values'), 5000, 'values after the snapshot');
    expect(after.map((m) => m.type).slice(0, 1)).toEqual(['snapshot-begin']);
    const types = c.messages.slice(at + 1).map((m) => m.type);
    expect(types.filter((t) => t === 'condition')).toHaveLength(retained.length);
    expect(types.indexOf('snapshot-end')).toBe(retained.length + 1);
    expect(types.slice(retained.length + 2, retained.length + 4)).toEqual(['flood', 'values']);
    const behind = c.ofType('behind');
    expect(behind).toEqual([{ type: 'behind', code: 'HG_ERR_WS_SLOW_CLIENT', message: expect.stringMatching(/fell behind/) }]);
    expect(c.messages.indexOf(behind[0] as never)).toBeLessThan(at);
    const delivered = c.messages.slice(0, at).filter((m) => m.type === 'transition').length;
    expect(delivered + (resync['skipped'] as number)).toBe(sent);

    // Live again.
    hub.broadcastTransition(transition(99_999));
    await c.waitForMessage((m) => m.type === 'transition' && m['eventId'] === 'e99999', 2000, 'live transition');
  });

  it('is cut off when it stays behind longer than the limit (it is not reading)', async () => {
    // The kernel's socket buffers (a few MB, growing as they autotune) can swallow a small queue
    // while the client still reads nothing: with a 32 MB limit the queue stays far above the
    // quarter that counts as caught up.
    await stopHub();
    await startHub(32 * 1024 * 1024);
    const c = await connect();
    tcpOf(c).pause();
    const big = { ...transition(0), message: 'x'.repeat(256 * 1024) };
    for (let sent = 0; hub.stats.slowClientsBehind === 0 && sent < 2_000; sent++) {
      hub.broadcastTransition({ ...big, eventId: `b${sent}` });
      if (sent % 10 === 0) await tick();
    }
    expect(hub.stats.slowClientsBehind).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hub.stats.slowClientsDropped).toBe(0);
    now += 30_001;
    await waitFor(() => hub.stats.slowClientsDropped === 1, 2000, 'cut off after 30 s behind');
    expect(hub.stats.connected).toBe(0);
    tcpOf(c).resume();
  });

  it('is cut off when it does not read at all and its requests pile up', async () => {
    const c = await connect();
    tcpOf(c).pause();
    const closed = new Promise<void>((resolve) => c.socket.once('close', () => resolve()));
    for (let i = 0; i < 400 && hub.stats.slowClientsDropped === 0; i++) {
      c.send({ type: 'snapshot' });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(hub.stats.slowClientsDropped).toBe(1);
    expect(hub.stats.connected).toBe(0);
    tcpOf(c).resume();
    await closed;
  });
});

describe('the feed besides slow clients', () => {
  it('tells a (re)connecting client the positions in flood right after the snapshot', async () => {
    const c = await connect();
    await c.waitForMessage((m) => m.type === 'flood', 2000, 'flood');
    const types = c.messages.map((m) => m.type);
    expect(types.indexOf('flood')).toBe(types.indexOf('snapshot-end') + 1);
    expect(c.ofType('flood')).toEqual([{ type: 'flood', position: 'tank-farm', flood: true, count: 12, time: NOW - 60_000 }]);
  });

  it('answers an action that fails unexpectedly with HG_ERR_INTERNAL and keeps the connection', async () => {
    const c = await connect();
    c.send({ type: 'action', action: 'comment', conditionId: 'gas/GT-1', comment: 'x', requestId: 3 });
    expect(await c.waitForMessage((m) => m.type === 'error', 2000, 'error')).toMatchObject({ code: 'HG_ERR_INTERNAL', requestId: 3 });
    c.send({ type: 'ping', requestId: 4 });
    await c.waitForMessage((m) => m.type === 'pong', 2000, 'pong');
  });

  it('with ?audience= a client hears only the alarms for that audience, snapshot included', async () => {
    const fire = await connect('/?audience=fire-control-room');
    expect(fire.ofType('snapshot-end')).toMatchObject([{ count: 0 }]);
    hub.broadcastTransition(transition(1));
    hub.broadcastTransition({ ...transition(2), audiences: ['fire-control-room'] });
    const all = await connect();
    expect(all.ofType('condition')).toHaveLength(retained.length);
    await fire.waitForMessage((m) => m.type === 'transition', 2000, 'the fire-control transition');
    hub.broadcastTransition({ ...transition(3), audiences: ['fire-control-room'] });
    await fire.waitForMessage((m) => m['eventId'] === 'e3', 2000, 'e3');
    expect(fire.ofType('transition').map((m) => m['eventId'])).toEqual(['e2', 'e3']);
    // Level 2 back to level 1: the audience hears its alarm leave it, once, and nothing after.
    hub.broadcastTransition({ ...transition(4), conditionId: transition(3).conditionId, audiences: [] });
    hub.broadcastTransition({ ...transition(5), conditionId: transition(3).conditionId, audiences: [] });
    hub.broadcastTransition({ ...transition(6), audiences: ['fire-control-room'] });
    await fire.waitForMessage((m) => m['eventId'] === 'e6', 2000, 'e6');
    expect(fire.ofType('transition').map((m) => m['eventId'])).toEqual(['e2', 'e3', 'e4', 'e6']);
  });
});
