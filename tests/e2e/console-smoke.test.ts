import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDir } from '../../src/app/console-dir.js';
import { silentLogger } from '../../src/core/index.js';
import { CentreScope, CentreWsHub, CONSOLE_CSP, createCentreHttpServer } from '../../src/server/index.js';
import { TestAuth } from '../support/auth.js';
import { artifactDir, collectPageErrors, launchChromium, type PageProblem } from '../support/browser.js';
import { freePort, GatewayProcess } from '../support/gateway-process.js';

/**
 * The supervisor console (issue #12) as a supervisor first meets it: the demo gateway, built by
 * `npm test` (pretest), serves its page at `/`; headless Chromium loads it under the server's CSP
 * and the login form appears, with nothing logged as an error. The centre serves the same page,
 * telling it that it runs on a centre.
 */
let gw: GatewayProcess;
let http: string;
let dataDir: string;
let browser: Browser;

/** Before a login the console may ask who it is (GET /api/me) and be told 401: expected, not a fault. */
const beforeLogin = (p: PageProblem): boolean => p.kind === 'console' && /status of 401/.test(p.text) && new URL(p.url || 'http://x/').pathname === '/api/me';

beforeAll(async () => {
  expect(consoleDir(), 'dist/console/index.html: run npm run build (npm test does)').not.toBeNull();
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  dataDir = mkdtempSync(join(tmpdir(), 'hg-console-smoke-'));
  http = `http://127.0.0.1:${httpPort}`;
  gw = GatewayProcess.spawn(['demo'], { HAZGATE_HTTP_PORT: String(httpPort), HAZGATE_MQTT_PORT: String(mqttPort), HAZGATE_DATA_DIR: dataDir });
  browser = await launchChromium();
  await gw.waitReady(http);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  const code = await gw?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  expect(code).toBe(0);
});

describe('the console in a browser', () => {
  it('loads from the gateway under its CSP and shows the login form, with no error', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = await collectPageErrors(page, beforeLogin);
    const res = await page.goto(`${http}/`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toBe(CONSOLE_CSP);
    expect(await page.locator('meta[name="hazgate-mode"]').getAttribute('content')).toBe('gateway');
    await page.locator('[data-testid="login-form"]').waitFor({ state: 'visible', timeout: 10_000 });
    await page.screenshot({ path: join(artifactDir('console'), 'smoke-login.png'), fullPage: true });
    expect(problems.unexpected()).toEqual([]);
    await page.close();
  });

  it('is served by the centre too, telling the page it runs on a centre', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-console-smoke-centre-'));
    const auth = TestAuth.open(dir);
    const none = () => [];
    const scope = new CentreScope(auth.service);
    const hub = new CentreWsHub({ centreId: 'c', version: 'v', alarms: none, sites: none, logger: silentLogger, now: () => 0, maxBufferedBytes: 1 << 20, maxMessageBytes: 4096, scope });
    const centre = createCentreHttpServer({
      centreId: 'c', version: 'v', read: { sites: none, alarms: none, history: none, values: none }, hub, metrics: new Registry(), components: () => ({}), now: () => 0, maxBatchBytes: 1024,
      feed: { receiveSigned: () => { throw new Error('unused'); }, refuse: (_r, e) => e }, http: auth.http, scope, consoleDir: consoleDir(),
    });
    try {
      const page = await centre.inject('/');
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/<meta name="hazgate-mode" content="centre">/);
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
      expect(script).toBeDefined();
      const asset = await centre.inject({ url: script ?? '', headers: { 'accept-encoding': 'gzip' } });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
    } finally {
      await centre.close();
      await hub.close(10);
      auth.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
