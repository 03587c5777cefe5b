import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createVideoWebhookAdapter, type VideoWebhookAdapter } from '../../adapters/video/index.js';
import { videoWebhookSchema, type VideoWebhookConfigInput } from '../../adapters/video/schema.js';
import { startCameraSimulator, type RunningCameraSimulator } from '../../devices/video/index.js';
import { silentLogger, systemClock, type VideoEvent } from '../../src/core/index.js';
import { runAdapter, type AdapterRun } from '../support/adapter-run.js';
import { waitFor } from '../support/wait.js';

const WAIT_MS = 10_000;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startWebhook(overrides: Partial<VideoWebhookConfigInput> = {}): Promise<{ run: AdapterRun<VideoWebhookAdapter>; base: string }> {
  const config = videoWebhookSchema.parse({
    kind: 'video-webhook',
    id: 'it-video',
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 64 * 1024,
    cameras: [{ cameraId: 'CAM-TF-N', ipAddress: '10.20.0.11', zoneId: 'tank-farm' }],
    ...overrides,
  });
  const adapter = createVideoWebhookAdapter(config, { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' });
  const run = await runAdapter(adapter, (stop) => cleanups.push(stop));
  const address = adapter.address();
  if (address === undefined) throw new Error('not listening');
  return { run, base: `http://127.0.0.1:${address.port}` };
}

async function simulate(url: string, options: Partial<Parameters<typeof startCameraSimulator>[0]> = {}): Promise<RunningCameraSimulator> {
  const sim = await startCameraSimulator({
    url,
    heartbeatMs: 200,
    tickMs: 20,
    script: [
      { atMs: 100, kind: 'no-helmet', repeats: 3, repeatEveryMs: 100 },
      { atMs: 400, kind: 'intrusion' },
      { atMs: 500, kind: 'fire-smoke' },
    ],
    ...options,
  });
  cleanups.push(() => sim.stop());
  return sim;
}

/** One raw POST; resolves with the status and body, even when the server closes right after answering. */
function post(url: string, body: Buffer | string, headers: Record<string, string> = {}, method = 'POST'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { 'Content-Type': 'application/xml', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    // A 413 arrives while we are still sending; the reset that may follow is not the test's concern.
    req.on('error', (e) => (req.writableEnded ? undefined : reject(e)));
    req.end(body);
  });
}

interface RawConnection {
  readonly socket: Socket;
  readonly heard: () => string;
  /** Resolves with the ms it was open. */
  readonly closed: Promise<number>;
}

/** A raw TCP connection to the listener (from `localAddress`: any 127.x is this host) that records what it hears and when it is closed. */
function rawConnection(base: string, localAddress = '127.0.0.1'): Promise<RawConnection> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    let text = '';
    const opened = Date.now();
    const socket = connect({ port: Number(port), host: hostname, localAddress }, () => {
      cleanups.push(async () => void socket.destroy());
      resolve({ socket, heard: () => text, closed });
    });
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - opened)));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

/** Headers of a POST whose body comes later; the connection is mid-request from then on. */
const startPost = (c: RawConnection, bodyBytes: number): boolean => c.socket.write(`POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${bodyBytes}\r\n\r\n`);
const HEARTBEAT = (cameraId: string): string => JSON.stringify({ cameraId, type: 'heartbeat' });
/** A whole heartbeat POST on a raw connection; resolves when the answer is heard. */
async function rawHeartbeat(c: RawConnection, cameraId: string): Promise<string> {
  const body = HEARTBEAT(cameraId);
  const before = c.heard().length;
  startPost(c, Buffer.byteLength(body));
  c.socket.write(body);
  await waitFor(() => /\r\n\r\n\{.*\}/s.test(c.heard().slice(before)), WAIT_MS, `the answer to ${cameraId}`);
  return c.heard().slice(before);
}
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const events = (run: AdapterRun<VideoWebhookAdapter>): VideoEvent[] => run.observations.flatMap((o) => (o.type === 'video' ? [o.event] : []));
const heartbeatsOf = (run: AdapterRun<VideoWebhookAdapter>, cameraId: string): number => run.observations.filter((o) => o.type === 'camera-heartbeat' && o.heartbeat.cameraId === cameraId).length;

describe('video-webhook adapter with the camera simulator', () => {
  it('turns the box’s ISAPI posts into detections and heartbeats, repeats de-duplicated', async () => {
    const { run, base } = await startWebhook();
    const sim = await simulate(`${base}/isapi`);
    await waitFor(() => events(run).length >= 3 && heartbeatsOf(run, 'CAM-TF-N') >= 8, WAIT_MS, 'three detections and the keepalives');
    await waitFor(() => (sim.stats.byStatus[200] ?? 0) === sim.stats.sent, WAIT_MS, 'every post answered 200');

    // Posts go over several connections: two due in one late tick may arrive in either order.
    expect(events(run).map((e) => [e.type, e.cameraId, e.zoneId, e.vendorType]).sort()).toEqual([
      ['fire-smoke', 'CAM-TF-N', 'tank-farm', 'fireDetection'],
      ['intrusion', 'CAM-TF-N', 'tank-farm', 'fielddetection'],
      ['no-helmet', 'CAM-TF-N', 'tank-farm', 'safetyHelmetDetection'],
    ]);
    const { stats } = run.adapter;
    expect(stats.duplicates).toEqual({ 'no-helmet': 2 });
    expect(stats.events).toEqual({ 'no-helmet': 1, intrusion: 1, 'fire-smoke': 1 });
    expect(stats.attachmentsDropped).toBe(1);
    expect(stats.rejected).toEqual({});
    expect(run.errors).toEqual([]);
    expect(run.readings).toEqual([]);
    expect(run.statuses.map((s) => s.state)).toEqual(['starting', 'up']);
    // Every post of the camera is a sign of life, detections and duplicates included.
    expect(stats.heartbeats).toBe(stats.messages);
  });

  it('answers a bad post 400 with a reason, counts it, and keeps working', async () => {
    const { run, base } = await startWebhook();
    const bad = await post(`${base}/isapi`, '<EventNotificationAlert><eventType>fielddetection');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, reason: expect.stringMatching(/not readable XML/) });
    const xxe = await post(`${base}/isapi`, '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><EventNotificationAlert><eventType>&x;</eventType></EventNotificationAlert>');
    expect(xxe.status).toBe(400);
    const badJson = await post(`${base}/events`, '{"cameraId":', { 'Content-Type': 'application/json' });
    expect(badJson.status).toBe(400);
    expect(run.adapter.stats.rejected).toEqual({ malformed: 3 });
    expect(run.errors.map((e) => e.code)).toEqual(['HG_ERR_INGEST_MALFORMED', 'HG_ERR_INGEST_MALFORMED', 'HG_ERR_INGEST_MALFORMED']);

    const good = await post(`${base}/events`, JSON.stringify([{ cameraId: 'cam-07', type: 'smoking', zoneId: 'unit-2' }, { cameraId: 'cam-07', type: 'loitering' }]), { 'Content-Type': 'application/json' });
    expect(good.status).toBe(200);
    expect(JSON.parse(good.body)).toEqual({ ok: true, events: 1, duplicates: 0, rejected: 0 });
    expect(events(run).map((e) => e.type)).toEqual(['smoking']);
    expect(run.adapter.stats.rejected).toEqual({ malformed: 3, 'unknown-type': 1 });
  });

  it('refuses oversized bodies 413, other paths 404, other methods 405', async () => {
    const { run, base } = await startWebhook();
    const huge = await post(`${base}/isapi`, Buffer.alloc(200 * 1024, 0x3c));
    expect(huge.status).toBe(413);
    // Chunked, no Content-Length: refused mid-stream.
    const chunked = await post(`${base}/events`, Buffer.alloc(100 * 1024, 0x20), { 'Transfer-Encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    expect((await post(`${base}/nothing`, '{}')).status).toBe(404);
    expect((await post(`${base}/isapi`, '', {}, 'GET')).status).toBe(405);
    expect(run.adapter.stats.rejected).toEqual({ 'too-large': 2, 'no-route': 2 });
    expect(run.errors.map((e) => e.code)).toEqual(['HG_ERR_INGEST_TOO_LARGE', 'HG_ERR_INGEST_TOO_LARGE']);
    const after = await post(`${base}/events`, JSON.stringify({ cameraId: 'cam-1', type: 'heartbeat' }));
    expect(after.status).toBe(200);
    expect(heartbeatsOf(run, 'cam-1')).toBe(1);
  });

  it('checks the shared secret before reading a body; the box posts with it', async () => {
    const secret = 'tank-farm-box-secret-0001';
    const { run, base } = await startWebhook({ auth: { type: 'header', header: 'X-Hazgate-Secret', secret } });
    expect((await post(`${base}/events`, JSON.stringify({ cameraId: 'c', type: 'fall' }))).status).toBe(401);
    expect((await post(`${base}/events`, JSON.stringify({ cameraId: 'c', type: 'fall' }), { 'X-Hazgate-Secret': 'guess' })).status).toBe(401);
    expect(run.adapter.stats.rejected).toEqual({ unauthorised: 2 });
    expect(run.observations).toEqual([]);

    const sim = await simulate(`${base}/isapi`, { headers: { 'X-Hazgate-Secret': secret }, script: [{ atMs: 50, kind: 'intrusion' }] });
    await waitFor(() => events(run).length === 1, WAIT_MS, 'the intrusion through the secret');
    expect(sim.stats.byStatus[401]).toBeUndefined();
  });

  it('takes basic auth', async () => {
    const { run, base } = await startWebhook({ auth: { type: 'basic', username: 'aibox', password: 'hunter2-plant' } });
    const creds = Buffer.from('aibox:hunter2-plant').toString('base64');
    expect((await post(`${base}/events`, '{"cameraId":"c","type":"fall"}', { Authorization: `Basic ${creds}` })).status).toBe(200);
    expect((await post(`${base}/events`, '{"cameraId":"c","type":"fall"}', { Authorization: 'Basic YWlib3g6bm8=' })).status).toBe(401);
    expect(events(run)).toHaveLength(1);
  });

  it('emits nothing after stop and frees its port', async () => {
    const { run, base } = await startWebhook();
    const sim = await simulate(`${base}/isapi`, { script: [] });
    await waitFor(() => heartbeatsOf(run, 'CAM-TF-N') >= 2, WAIT_MS, 'keepalives');
    await run.adapter.stop();
    const count = run.observations.length;
    await waitFor(() => sim.stats.failed >= 2, WAIT_MS, 'posts to a closed port failing');
    expect(run.observations.length).toBe(count);
    expect(run.statuses.at(-1)?.state).toBe('stopped');
  });

  it('closes the connection idle the longest for a new one at maxConnections, and refuses a new one only when all are mid-request', async () => {
    const { run, base } = await startWebhook({ maxConnections: 2 });
    const first = await rawConnection(base);
    const second = await rawConnection(base);
    // A host holding every connection idle no longer keeps a camera out: the oldest idle one goes.
    const camera = await rawConnection(base);
    expect(await first.closed).toBeLessThan(2_000);
    expect(await rawHeartbeat(camera, 'cam-1')).toMatch(/^HTTP\/1\.1 200/);
    expect(run.adapter.connectionsClosed).toEqual({ 'idle-for-new': 1 });
    expect(run.adapter.stats.rejected).toEqual({});

    // Both open connections mid-request: nothing may go, the new one is closed unanswered.
    startPost(second, 100);
    startPost(camera, 100);
    await sleep(100);
    const fourth = await rawConnection(base);
    expect(await fourth.closed).toBeLessThan(2_000);
    expect(fourth.heard()).toBe('');
    await waitFor(() => run.adapter.stats.rejected['too-many-connections'] === 1, WAIT_MS, 'the refused connection counted');
    expect(run.adapter.connectionsClosed).toEqual({ 'idle-for-new': 1, 'connection-limit': 1 });
    expect(run.errors).toEqual([]);
    second.socket.destroy();
    await second.closed;
    await waitFor(async () => (await post(`${base}/events`, HEARTBEAT('cam-2'))).status === 200, WAIT_MS, 'a post once a connection is free');
    expect(heartbeatsOf(run, 'cam-2')).toBeGreaterThanOrEqual(1);
  });

  it('holds each remote address to maxConnectionsPerAddress, among its own connections, so other hosts still get in', async () => {
    const { run, base } = await startWebhook({ maxConnections: 10, maxConnectionsPerAddress: 2 });
    // 127.0.0.2 leaves connections idle: its third takes the place of its first.
    const idle = [await rawConnection(base, '127.0.0.2'), await rawConnection(base, '127.0.0.2')];
    const third = await rawConnection(base, '127.0.0.2');
    expect(await idle[0]?.closed).toBeLessThan(2_000);
    expect(run.adapter.connectionsClosed).toEqual({ 'idle-for-new': 1 });
    // Both of its connections mid-request: its next one is refused, another host's is not.
    startPost(idle[1] as RawConnection, 100);
    startPost(third, 100);
    await sleep(100);
    const refused = await rawConnection(base, '127.0.0.2');
    expect(await refused.closed).toBeLessThan(2_000);
    await waitFor(() => run.adapter.connectionsClosed['address-limit'] === 1, WAIT_MS, 'the refusal counted');
    const other = await rawConnection(base, '127.0.0.3');
    expect(await rawHeartbeat(other, 'cam-3')).toMatch(/^HTTP\/1\.1 200/);
    expect(run.adapter.stats.rejected).toEqual({ 'too-many-connections': 1 });
    expect(run.adapter.metrics().find((m) => m.name === 'hazgate_video_webhook_connections_closed_total')?.values).toContainEqual({ labels: { adapter: 'it-video', reason: 'address-limit' }, value: 1 });
  });

  it('answers 408 and closes a connection that sends no headers in time, or a body that stalls', async () => {
    const { run, base } = await startWebhook({ headersTimeoutMs: 200 });
    const idle = await rawConnection(base);
    const slowHeaders = await rawConnection(base);
    slowHeaders.socket.write('POST /events HTTP/1.1\r\nHost: x\r\n');
    const stalled = await rawConnection(base);
    startPost(stalled, 100);
    stalled.socket.write('{"cam');
    const [idleMs, headersMs, stalledMs] = await Promise.all([idle.closed, slowHeaders.closed, stalled.closed]);
    // Timeouts and body rates are checked every headersTimeoutMs / 4 (at most every second): closed
    // well before node's default 30 s check, and a stalled body long before requestTimeoutMs (120 s).
    expect(idleMs).toBeLessThan(2_000);
    expect(headersMs).toBeLessThan(2_000);
    expect(stalledMs).toBeGreaterThanOrEqual(200);
    expect(stalledMs).toBeLessThan(2_000);
    for (const c of [idle, slowHeaders, stalled]) expect(c.heard()).toMatch(/^HTTP\/1\.1 408/);
    expect(stalled.heard()).toContain('body too slow');
    expect(run.adapter.stats.rejected).toEqual({ timeout: 3 });
    expect(run.adapter.connectionsClosed).toEqual({ timeout: 2, 'body-too-slow': 1 });
    expect(run.observations).toEqual([]);
    expect((await post(`${base}/events`, HEARTBEAT('cam-1'))).status).toBe(200);
  });

  it('takes a slow but steady body however long it takes, up to the requestTimeoutMs cap', async () => {
    // 512 bytes every 100 ms (5 KiB/s) against a minimum of 2 KiB/s.
    const { run, base } = await startWebhook({ headersTimeoutMs: 200, minBodyBytesPerSecond: 2_048, requestTimeoutMs: 1_500 });
    const trickle = async (c: RawConnection, body: string): Promise<void> => {
      startPost(c, Buffer.byteLength(body));
      for (let at = 0; at < body.length && !c.socket.destroyed; at += 512) {
        c.socket.write(body.slice(at, at + 512));
        await sleep(100);
      }
    };
    const steady = await rawConnection(base);
    const started = Date.now();
    await trickle(steady, `${' '.repeat(4_500)}${HEARTBEAT('cam-4g')}`);
    await waitFor(() => steady.heard().includes('"ok":true'), WAIT_MS, 'the slow post answered');
    // Longer than headersTimeoutMs many times over (the old fixed body time), under the cap.
    expect(Date.now() - started).toBeGreaterThan(800);
    expect(steady.heard()).toMatch(/^HTTP\/1\.1 200/);
    expect(heartbeatsOf(run, 'cam-4g')).toBe(1);

    const tooLong = await rawConnection(base);
    void trickle(tooLong, `${' '.repeat(20_000)}${HEARTBEAT('cam-never')}`);
    expect(await tooLong.closed).toBeLessThan(4_000);
    expect(tooLong.heard()).toMatch(/^HTTP\/1\.1 408/);
    expect(run.adapter.connectionsClosed).toEqual({ timeout: 1 });
    expect(heartbeatsOf(run, 'cam-never')).toBe(0);
  });

  it('fails to start, coded, when the port is taken', async () => {
    const { base } = await startWebhook();
    const port = Number(new URL(base).port);
    const config = videoWebhookSchema.parse({ kind: 'video-webhook', id: 'it-video-2', port });
    const second = createVideoWebhookAdapter(config, { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' });
    await expect(runAdapter(second, (stop) => cleanups.push(stop))).rejects.toMatchObject({ code: 'HG_ERR_SERVER_LISTEN' });
  });

  it('answers 500 and goes on when handling a post fails inside the gateway', async () => {
    const config = videoWebhookSchema.parse({ kind: 'video-webhook', id: 'it-video-3', port: 0 });
    const adapter = createVideoWebhookAdapter(config, { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' });
    const errors: string[] = [];
    let calls = 0;
    await adapter.start(
      () => undefined,
      (e) => void errors.push(e.code),
      () => undefined,
      () => {
        calls += 1;
        if (calls === 1) throw new Error('observer bug');
      },
    );
    cleanups.push(() => adapter.stop());
    const base = `http://127.0.0.1:${adapter.address()?.port ?? 0}/events`;
    expect((await post(base, '{"cameraId":"c","type":"fall"}')).status).toBe(500);
    expect((await post(base, '{"cameraId":"c","type":"fall"}')).status).toBe(200);
    expect(errors).toEqual(['HG_ERR_INTERNAL']);
  });
});
