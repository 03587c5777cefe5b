import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HazgateError } from '../../src/core/index.js';
import { batchHeaders, HttpsTransport, idempotencyKey, IDEMPOTENCY_HEADER, parseFeedBatch, SIGNATURE_HEADER, SqliteOutbox, UplinkSender, verifySignature, type HttpsTransportOptions, type UplinkSenderOptions } from '../../src/uplink/index.js';
import { waitFor } from '../support/wait.js';
import { CentreLedger, FeedWriter, isOneToN } from './uplink-centre-fixture.js';

/**
 * The feed over HTTPS: a node:https "centre" with a self-signed certificate made by the openssl
 * CLI, verifying every batch's signature (verifySignature) and answering acks.
 */

const KEY = 'site-key-for-plant-3';
const SITE = 'plant-3';
const cleanups: (() => Promise<void> | void)[] = [];
let pki = '';

/** Fails loudly, never skips: without openssl this test cannot make its certificate. */
function requireOpenssl(): string {
  try {
    return execFileSync('which', ['openssl'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('the HTTPS uplink test needs the openssl CLI to make a self-signed certificate: install it (Debian: apt-get install openssl)');
  }
}

beforeAll(() => {
  const openssl = requireOpenssl();
  pki = mkdtempSync(join(tmpdir(), 'hg-uplink-pki-'));
  execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(pki, 'key.pem'), '-out', join(pki, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'pipe' });
});
afterAll(() => rmSync(pki, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The test centre: 401 for a bad signature (counted), 503 while `failing` is above 0, else applies and acks. */
async function startCentre(): Promise<{ url: string; ledger: CentreLedger; refused: () => number; failNext: (n: number) => void; keys: string[] }> {
  const ledger = new CentreLedger();
  const keys: string[] = [];
  let refused = 0;
  let failing = 0;
  const server: Server = createServer({ key: readFileSync(join(pki, 'key.pem')), cert: readFileSync(join(pki, 'cert.pem')) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const answer = (status: number, json: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      if (!verifySignature(body, KEY, req.headers['x-hazgate-signature'] as string | undefined)) {
        refused++;
        answer(401, { error: 'HG_ERR_UPLINK_BAD_SIGNATURE' });
        return;
      }
      if (failing > 0) {
        failing--;
        answer(503, { error: 'busy' });
        return;
      }
      const batch = parseFeedBatch(JSON.parse(body.toString('utf8')));
      keys.push(String(req.headers['idempotency-key']));
      expect(req.headers['idempotency-key']).toBe(idempotencyKey(batch));
      answer(200, { v: 1, site: batch.site, upto: ledger.apply(batch) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}/feed`, ledger, refused: () => refused, failNext: (n) => (failing = n), keys };
}

function gateway(url: string, transportOptions: Partial<HttpsTransportOptions> = {}, senderOptions: Partial<UplinkSenderOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hg-uplink-https-'));
  const outbox = new SqliteOutbox({ dir, site: SITE, synchronous: 'normal' });
  const errors: HazgateError[] = [];
  const transport = new HttpsTransport({ url, site: SITE, key: KEY, tls: { ca: join(pki, 'cert.pem') }, timeoutMs: 5_000, ...transportOptions });
  transport.onError((e) => errors.push(e));
  const sender = new UplinkSender({ outbox, transport, onError: (e) => errors.push(e), ...senderOptions });
  cleanups.push(async () => {
    await sender.stop();
    outbox.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { outbox, transport, sender, errors, writer: new FeedWriter(outbox) };
}

describe('uplink over HTTPS', () => {
  it('POSTs signed batches to a centre with a self-signed certificate (trusted by tls.ca) and takes the acks from its answers', async () => {
    const centre = await startCentre();
    const g = gateway(centre.url, {}, { maxMessages: 25 });
    g.writer.append(500);
    const t0 = performance.now();
    await g.sender.start();
    await waitFor(() => g.outbox.stats().ackedSeq === 500, 20_000, 'the centre to ack all 500 messages');
    const ms = performance.now() - t0;
    console.info(`uplink https: 500 messages in batches of 25 acknowledged in ${ms.toFixed(0)} ms (${((500 / ms) * 1000).toFixed(0)} messages/s, one request at a time)`);
    expect(isOneToN(centre.ledger.received, 500)).toBe(true);
    expect(centre.ledger.report(SITE)).toMatchObject({ applied: 500, duplicates: 0, gaps: [] });
    expect(centre.keys.slice(0, 2)).toEqual(['plant-3:1-25', 'plant-3:26-50']);
    expect(g.sender.stats()).toMatchObject({ batchesSent: 20, acks: 20, transportErrors: 0, refused: 0, ackTimeouts: 0 });
    expect(g.transport.status().state).toBe('up');
    expect(g.errors).toEqual([]);
  });

  it('answers a tampered body (one byte changed) with 401, counted by the centre, nothing applied', async () => {
    const centre = await startCentre();
    const g = gateway(centre.url);
    g.writer.append(3);
    const batch = g.outbox.batch(10, 1e6);
    const body = Buffer.from(JSON.stringify(batch));
    const headers = batchHeaders(batch, body.toString('utf8'), KEY);
    const tampered = Buffer.from(body);
    const at = tampered.indexOf('"value":') + 8;
    tampered[at] = tampered[at] === 0x31 ? 0x32 : 0x31;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(centre.url, { method: 'POST', headers: { ...headers, 'content-length': String(tampered.length) }, ca: readFileSync(join(pki, 'cert.pem')) }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(tampered);
    });
    expect(status).toBe(401);
    expect(centre.refused()).toBe(1);
    expect(centre.ledger.batches).toBe(0);
    expect(headers[SIGNATURE_HEADER]).toMatch(/^sha256=/);
    expect(headers[IDEMPOTENCY_HEADER]).toBe('plant-3:1-3');
  });

  it('counts refusals of a wrongly keyed gateway (401 = HG_ERR_UPLINK_REFUSED), retries them slowly and drops nothing', async () => {
    const centre = await startCentre();
    const g = gateway(centre.url, { key: 'not-the-site-key' }, { refusedRetryMs: 300, backoff: { minMs: 50, maxMs: 100 } });
    g.writer.append(10);
    await g.sender.start();
    await waitFor(() => g.sender.stats().refused >= 3, 5_000, 'three refusals');
    expect(centre.refused()).toBeGreaterThanOrEqual(3);
    expect(g.sender.stats()).toMatchObject({ transportErrors: 0, acks: 0, ackedSeq: 0 });
    expect(g.outbox.stats().depth).toBe(10);
    expect(g.transport.status()).toMatchObject({ state: 'degraded', reason: 'refused with 401' });
    expect(g.errors.map((e) => e.code)).toEqual(['HG_ERR_UPLINK_REFUSED']);
    expect(g.errors[0]?.message).toMatch(/refused the batch with 401 \(signature or key rejected\)/);
  });

  it('retries 503 answers with back-off and then delivers everything', async () => {
    const centre = await startCentre();
    centre.failNext(3);
    const g = gateway(centre.url, {}, { backoff: { minMs: 50, maxMs: 200 } });
    g.writer.append(40);
    await g.sender.start();
    await waitFor(() => g.outbox.stats().ackedSeq === 40, 10_000, 'all 40 acknowledged after three 503s');
    expect(g.sender.stats()).toMatchObject({ transportErrors: 3, refused: 0 });
    expect(isOneToN(centre.ledger.received, 40)).toBe(true);
    expect(g.errors.map((e) => e.code)).toEqual(['HG_ERR_UPLINK_TRANSPORT']);
  });

  it('refuses the self-signed certificate without tls.ca (a transport error, retried), and a missing CA file at construction', async () => {
    const centre = await startCentre();
    const g = gateway(centre.url, { tls: {} }, { backoff: { minMs: 50, maxMs: 100 } });
    g.writer.append(2);
    await g.sender.start();
    await waitFor(() => g.sender.stats().transportErrors >= 2, 5_000, 'two failed TLS handshakes');
    expect(centre.ledger.batches).toBe(0);
    expect(g.errors[0]?.message).toMatch(/self[- ]signed certificate/i);
    expect(() => new HttpsTransport({ url: centre.url, site: SITE, key: KEY, tls: { ca: join(pki, 'missing.pem') } })).toThrow(expect.objectContaining({ code: 'HG_ERR_UPLINK_CONFIG' }));
  });
});
