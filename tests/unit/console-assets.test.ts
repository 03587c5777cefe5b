import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { consoleDir } from '../../src/app/console-dir.js';
import { silentLogger, type Logger } from '../../src/core/index.js';
import { CONSOLE_CSP, registerConsole, type ConsoleMode } from '../../src/server/index.js';
import { guardedApp, TestAuth } from '../support/auth.js';

/** The supervisor console's files (issue #12): served from memory, public, cached by name, gzip, CSP. */

const root = mkdtempSync(join(tmpdir(), 'hg-console-assets-'));
const built = join(root, 'console');
const SCRIPT = `export const greeting = ${JSON.stringify('危险化学品 '.repeat(200))};\n`;
mkdirSync(join(built, 'assets'), { recursive: true });
writeFileSync(join(built, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><meta name="hazgate-mode" content="gateway"><link rel="icon" href="/favicon.svg"><script type="module" src="/assets/app-abc123.js"></script></head><body></body></html>\n');
writeFileSync(join(built, 'assets', 'app-abc123.js'), SCRIPT);
writeFileSync(join(built, 'assets', 'app-abc123.css'), 'body{margin:0}\n');
writeFileSync(join(built, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><path d="M4 0 8 8H0Z"/></svg>\n');
writeFileSync(join(built, '.hidden.txt'), 'not served\n');

const auth = TestAuth.open(mkdtempSync(join(root, 'auth-')));
let app: FastifyInstance;

afterEach(() => app.close());
afterAll(() => {
  auth.close();
  rmSync(root, { recursive: true, force: true });
});

function serve(dir: string | null, mode: ConsoleMode = 'gateway', logger: Logger = silentLogger): FastifyInstance {
  app = guardedApp(auth);
  registerConsole(app, { dir, mode, logger });
  return app;
}

/** A logger that keeps its warnings. */
function warnings(): { logger: Logger; said: string[] } {
  const said: string[] = [];
  const logger: Logger = { ...silentLogger, warn: (_o, msg) => void said.push(msg ?? ''), child: () => logger };
  return { logger, said };
}

function expectSecurityHeaders(headers: Record<string, unknown>): void {
  expect(headers['content-security-policy']).toBe(CONSOLE_CSP);
  expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
}

describe('the console page', () => {
  it.each(['gateway', 'centre'] as const)('tells the page it runs on a %s, at / and /index.html', async (mode) => {
    serve(built, mode);
    for (const url of ['/', '/index.html']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain(`<meta name="hazgate-mode" content="${mode}">`);
      expect(res.body.match(/hazgate-mode/g)).toHaveLength(1);
      expectSecurityHeaders(res.headers);
    }
  });

  it('answers 304 to a browser that has it, and 200 again after a change of mode', async () => {
    serve(built, 'gateway');
    const first = await app.inject('/');
    const etag = String(first.headers['etag']);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await app.inject({ url: '/', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers['etag']).toBe(etag);
    expectSecurityHeaders(again.headers);
    await app.close();
    serve(built, 'centre');
    expect((await app.inject({ url: '/', headers: { 'if-none-match': etag } })).statusCode).toBe(200);
  });

  it('needs no login, while the API still does', async () => {
    serve(built);
    for (const url of ['/', '/index.html', '/assets/app-abc123.js', '/favicon.svg']) expect((await app.inject(url)).statusCode, url).toBe(200);
    const me = await app.inject('/api/me');
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('HG_ERR_AUTH_REQUIRED');
    // No catch-all: a path that is neither a file nor a route is the API's 401, as before.
    expect((await app.inject('/robots.txt')).statusCode).toBe(401);
    expect((await app.inject('/.hidden.txt')).statusCode).toBe(401);
  });
});

describe('the console assets', () => {
  it('serves hashed assets with their type, cached for a year', async () => {
    serve(built);
    const js = await app.inject('/assets/app-abc123.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe(SCRIPT);
    expectSecurityHeaders(js.headers);
    const css = await app.inject('/assets/app-abc123.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    // Too small to be worth compressing: no gzip, and nothing varies.
    expect((await app.inject({ url: '/assets/app-abc123.css', headers: { 'accept-encoding': 'gzip' } })).headers['content-encoding']).toBeUndefined();
  });

  it('serves the top-level public files, revalidated each time', async () => {
    serve(built);
    const icon = await app.inject('/favicon.svg');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('no-cache');
    expectSecurityHeaders(icon.headers);
  });

  it('gzips text over 1 KiB for a browser that takes it, and says the answer varies', async () => {
    serve(built);
    const plain = await app.inject({ url: '/assets/app-abc123.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['vary']).toBe('accept-encoding');
    for (const accept of ['gzip, deflate, br', 'br;q=1.0, gzip;q=0.8', '*']) {
      const zipped = await app.inject({ url: '/assets/app-abc123.js', headers: { 'accept-encoding': accept } });
      expect(zipped.headers['content-encoding'], accept).toBe('gzip');
      expect(zipped.headers['vary']).toBe('accept-encoding');
      expect(zipped.rawPayload.length).toBeLessThan(Buffer.byteLength(SCRIPT));
      expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(SCRIPT);
      expect(zipped.headers['etag']).not.toBe(plain.headers['etag']);
    }
    expect((await app.inject({ url: '/assets/app-abc123.js', headers: { 'accept-encoding': 'gzip;q=0' } })).headers['content-encoding']).toBeUndefined();
  });

  it('answers 304 to either encoding of the ETag it gave', async () => {
    serve(built);
    const plain = await app.inject('/assets/app-abc123.js');
    const zipped = await app.inject({ url: '/assets/app-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    for (const tag of [plain.headers['etag'], zipped.headers['etag'], `W/${String(plain.headers['etag'])}`, `"other", ${String(zipped.headers['etag'])}`]) {
      const res = await app.inject({ url: '/assets/app-abc123.js', headers: { 'if-none-match': String(tag), 'accept-encoding': 'gzip' } });
      expect(res.statusCode, String(tag)).toBe(304);
      expect(res.rawPayload.length).toBe(0);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect((await app.inject({ url: '/assets/app-abc123.js', headers: { 'if-none-match': '"stale"' } })).statusCode).toBe(200);
  });

  it('answers an unknown asset with the usual 404 error, and never reads outside the build', async () => {
    serve(built);
    for (const url of ['/assets/app-zzz.js', '/assets/..%2Findex.html', '/assets/..%2F..%2Fpackage.json']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('HG_ERR_API_NOT_FOUND');
      expectSecurityHeaders(res.headers);
    }
  });
});

describe('a server without a built console', () => {
  it.each([null, join(root, 'empty')])('answers / with 503 and how to build it (dir %s), and says so once', async (dir) => {
    if (dir !== null) mkdirSync(dir, { recursive: true });
    const { logger, said } = warnings();
    serve(dir, 'gateway', logger);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('npm run build');
    for (const url of ['/', '/index.html']) {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('hazgate console not built: run npm run build');
      expectSecurityHeaders(res.headers);
    }
    expect((await app.inject('/assets/app-abc123.js')).statusCode).toBe(404);
    expect((await app.inject('/api/me')).statusCode).toBe(401);
    expect(said).toHaveLength(1);
  });

  it('warns when the page has no mode placeholder to fill in', async () => {
    const bare = join(root, 'bare');
    mkdirSync(bare, { recursive: true });
    writeFileSync(join(bare, 'index.html'), '<!doctype html><title>x</title>\n');
    const { logger, said } = warnings();
    serve(bare, 'centre', logger);
    expect(said.join('\n')).toContain('hazgate-mode');
    expect((await app.inject('/')).statusCode).toBe(200);
  });
});

describe('consoleDir', () => {
  it('takes HAZGATE_CONSOLE_DIR when set', () => {
    expect(consoleDir({ HAZGATE_CONSOLE_DIR: built })).toBe(built);
    expect(consoleDir({ HAZGATE_CONSOLE_DIR: 'rel/console' })).toBe(resolve('rel/console'));
  });

  it('finds dist/console of the package root when it is built, else none', () => {
    const dir = consoleDir({});
    const expected = resolve(import.meta.dirname, '../../dist/console');
    expect(dir === null || dir === expected).toBe(true);
  });
});
