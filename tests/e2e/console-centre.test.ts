import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDir } from '../../src/app/console-dir.js';
import type { FeedBatch } from '../../src/core/index.js';
import { signBody } from '../../src/uplink/index.js';
import { provisionLogin } from '../support/auth.js';
import { artifactDir, collectPageErrors, launchChromium, type PageProblem } from '../support/browser.js';
import { freePort, GatewayProcess } from '../support/gateway-process.js';
import { FixtureSite } from '../unit/centre-fixtures.js';

/**
 * The supervisor console on a monitoring centre (issue #12), as a provincial operator uses it: a
 * real `hazgate centre` process with two plants feeding it signed batches over HTTP (each with an
 * active alarm, out of a real outbox), headless Chromium logging in through the form, the sites
 * page listing both plants, the header's site selector narrowing the alarm list to one plant, and
 * the centre being read-only (no action buttons). Screenshots: tests/artifacts/console/centre-*.png.
 */
const KEYS = { 'plant-a': 'plant-a-feed-key-0123456789abcdef', 'plant-b': 'plant-b-feed-key-0123456789abcdef' } as const;
const CONFIG = `
centre: { id: province-test, name: Provincial emergency centre }
store: { dir: "\${HG_CENTRE_DATA}" }
server: { port: \${HG_CENTRE_PORT} }
sites:
  - { id: plant-a, name: Tank farm A, key: "\${HG_KEY_A}" }
  - { id: plant-b, name: Coal mine B, key: "\${HG_KEY_B}" }
`;
const USER = 'province';
const PASSWORD = 'centre-console-test-password';

let dir: string;
let centre: GatewayProcess;
let base: string;
let browser: Browser;
const plants: FixtureSite[] = [];

/** Before a login the console asks who it is (GET /api/me) and is told 401: expected, not a fault. */
const beforeLogin = (p: PageProblem): boolean => p.kind === 'console' && /status of 401/.test(p.text) && new URL(p.url || 'http://x/').pathname === '/api/me';

async function post(batch: FeedBatch, key: string): Promise<void> {
  const text = JSON.stringify(batch);
  const res = await fetch(`${base}/api/feed`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hazgate-signature': signBody(text, key) }, body: text });
  if (res.status !== 200) throw new Error(`feed refused: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  expect(consoleDir(), 'dist/console/index.html: run npm run build (npm test does)').not.toBeNull();
  dir = mkdtempSync(join(tmpdir(), 'hg-console-centre-'));
  const file = join(dir, 'centre.yaml');
  writeFileSync(file, CONFIG);
  // The centre's users.db is <store dir>/auth (docs/centre.md): a viewer of every site.
  await provisionLogin(join(dir, 'centre', 'auth'), USER, PASSWORD, 'viewer');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  centre = GatewayProcess.spawn(['centre', '--config', file], { HG_CENTRE_DATA: join(dir, 'centre'), HG_CENTRE_PORT: String(port), HG_KEY_A: KEYS['plant-a'], HG_KEY_B: KEYS['plant-b'] });
  const [ready, chromium] = await Promise.all([centre.waitReady(base), launchChromium()]);
  void ready;
  browser = chromium;

  // Each plant: a status and a priority-1 (plant A) or priority-2 (plant B) alarm, as their outboxes send them.
  const now = Date.now();
  const a = new FixtureSite('plant-a', join(dir, 'gw-a'));
  const b = new FixtureSite('plant-b', join(dir, 'gw-b'));
  plants.push(a, b);
  a.status(now);
  a.journal([{ conditionId: 'gas/GT-101', state: 'active-unacked', priority: 1 }], now);
  b.status(now);
  b.journal([{ conditionId: 'ch4/CH4-07', state: 'active-unacked', priority: 2 }], now);
  await post(a.batch(), KEYS['plant-a']);
  await post(b.batch(), KEYS['plant-b']);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  const code = await centre?.stop();
  for (const p of plants) p.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  expect(code).toBe(0);
});

describe('the console on a centre', () => {
  it('lists the sites, narrows the alarms to the chosen site, and offers no action', async () => {
    const shots = artifactDir('console');
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const problems = await collectPageErrors(page, beforeLogin);
    try {
      await page.goto(`${base}/`);
      expect(await page.locator('meta[name="hazgate-mode"]').getAttribute('content')).toBe('centre');
      await page.locator('[data-testid=login-user]').fill(USER);
      await page.locator('[data-testid=login-password]').fill(PASSWORD);
      await page.locator('[data-testid=login-submit]').click();
      await page.locator('[data-testid=link-state][data-state=live]').waitFor({ timeout: 10_000 });

      // The sites page: both plants, each with its alarm counted in its colour, the chain intact, heard just now.
      await page.locator('[data-testid=nav-sites]').click();
      const rows = page.locator('[data-testid=site-row]');
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
      const rowA = page.locator('[data-testid=site-row][data-site=plant-a]');
      const rowB = page.locator('[data-testid=site-row][data-site=plant-b]');
      await expect.poll(() => rowA.locator('[data-testid=site-alarms] .chip[data-colour=red]').textContent(), { timeout: 5_000 }).toBe('1');
      await expect.poll(() => rowB.locator('[data-testid=site-alarms] .chip[data-colour=orange]').textContent(), { timeout: 5_000 }).toBe('1');
      expect(await rowA.locator('[data-testid=site-chain]').getAttribute('data-verdict')).toBe('ok');
      expect(await rowB.locator('[data-testid=site-last]').getAttribute('data-silent')).toBe('false');
      expect(await rowA.textContent()).toContain('Tank farm A');
      await page.screenshot({ path: join(shots, 'centre-sites.png') });

      // The header's selector: plant B only; its alarm list shows B's alarm alone and no action button.
      await page.locator('[data-testid=site-select]').selectOption('plant-b');
      await expect.poll(() => new URL(page.url()).hash).toContain('site=plant-b');
      await page.locator('[data-testid=nav-alarms]').click();
      const alarmRows = page.locator('[data-testid=alarm-row]');
      await expect.poll(() => alarmRows.count(), { timeout: 10_000 }).toBe(1);
      await page.locator('[data-testid=link-state][data-state=live]').waitFor({ timeout: 10_000 });
      expect(await alarmRows.first().getAttribute('data-condition')).toBe('ch4/CH4-07');
      expect(await alarmRows.first().getAttribute('data-key')).toBe('plant-b|ch4/CH4-07');
      expect(await page.locator('[data-testid=alarm-ack]').count()).toBe(0);
      await page.screenshot({ path: join(shots, 'centre-alarms-plant-b.png') });

      // From the sites page, Enter on plant A opens A's alarms.
      await page.locator('[data-testid=nav-sites]').click();
      await rowA.waitFor({ timeout: 10_000 });
      await rowA.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/alarms\?.*site=plant-a/);
      await expect.poll(async () => (await alarmRows.count()) === 1 && (await alarmRows.first().getAttribute('data-key')) === 'plant-a|gas/GT-101', { timeout: 10_000 }).toBe(true);
      expect(await page.locator('[data-testid=alarm-ack]').count()).toBe(0);
      await page.screenshot({ path: join(shots, 'centre-alarms-plant-a.png') });

      expect(problems.unexpected()).toEqual([]);
    } finally {
      await page.close();
    }
  }, 40_000);
});
