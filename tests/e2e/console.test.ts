import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactDir, collectPageErrors, launchChromium, type PageProblems } from '../support/browser.js';
import { demoAdmin, freePort, GatewayProcess, login, type LoginSession } from '../support/gateway-process.js';
import { waitFor } from '../support/wait.js';

/**
 * The supervisor console in a real browser (Debian's Chromium driven by playwright-core) against the
 * demo gateway as `npm start` runs it: log in, watch the simulated leak at GT-102 raise its alarm,
 * acknowledge it with a comment, see it stop flashing, open its trend, switch to Chinese, and see
 * the screen say so when the gateway goes away and come back live when it returns. Screenshots go
 * to tests/artifacts/console/ (kept by CI as artifacts, ignored by git).
 */
const LEAK = 'combustible-gas/GT-102';
const COMMENT = 'crew sent to tank 102 (console test)';

let gw: GatewayProcess;
let env: Record<string, string>;
let http: string;
let dataDir: string;
let admin: { user: string; password: string };
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: PageProblems;
const shots = artifactDir('console');

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
const leakRow = (): Locator => page.locator(`[data-testid=alarm-row][data-condition="${LEAK}"]`);
/** Runs a page expression (a string: the tests are typechecked without the DOM's types). */
const inPage = <T>(expression: string): Promise<T> => page.evaluate(expression) as Promise<T>;
/** The platform fonts Chromium drew an element's text with (DevTools protocol). */
async function renderedFonts(selector: string): Promise<string[]> {
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => f.familyName);
  } finally {
    await cdp.detach();
  }
}
/**
 * The backgrounds the first cell of the leak's row showed over 1.5 s: two while it flashes (one timer
 * blinks every flashing row in phase), one when steady.
 */
const leakBackgrounds = () =>
  inPage<string[]>(`new Promise((done) => {
    const seen = new Set();
    const look = () => seen.add(getComputedStyle(document.querySelector('[data-testid=alarm-row][data-condition="${LEAK}"] td')).backgroundColor);
    look();
    const timer = setInterval(look, 100);
    setTimeout(() => { clearInterval(timer); done([...seen]); }, 1500);
  })`);

beforeAll(async () => {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  dataDir = mkdtempSync(join(tmpdir(), 'hg-console-'));
  http = `http://127.0.0.1:${httpPort}`;
  env = { HAZGATE_HTTP_PORT: String(httpPort), HAZGATE_MQTT_PORT: String(mqttPort), HAZGATE_DATA_DIR: dataDir };
  gw = GatewayProcess.spawn(['demo'], env);
  await gw.waitReady(http);
  admin = demoAdmin(join(dataDir, 'auth'));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-GB' });
  page = await context.newPage();
  // The console asks who it is before the login: that first /api/me is a 401 by design.
  problems = await collectPageErrors(page, (p) => /401 \(Unauthorized\)/.test(p.text));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('supervisor console in Chromium', () => {
  it('serves the console from the gateway and logs in through its form', async () => {
    await page.goto(`${http}/`);
    expect(await page.locator('meta[name="hazgate-mode"]').getAttribute('content')).toBe('gateway');
    await page.locator('[data-testid=login-form]').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await page.fill('[data-testid=login-user]', admin.user);
    await page.fill('[data-testid=login-password]', 'not the password');
    await page.click('[data-testid=login-submit]');
    await expect.poll(() => page.locator('[data-testid=login-error]').textContent()).toMatch(/wrong user or password/i);

    await page.fill('[data-testid=login-password]', admin.password);
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=link-state][data-state=live]').waitFor({ timeout: 15_000 });
    expect(await page.locator('body').getAttribute('data-live')).toBe('yes');
    expect(await page.locator('[data-testid=user]').textContent()).toContain(admin.user);
    // The session cookie is HttpOnly: the page's script cannot read it.
    expect(await inPage<string>('document.cookie')).not.toContain('hazgate_session');
    await shot('01-summary-en');
  }, 30_000);

  it('shows the simulated leak alarm as it happens, flashing until acknowledged', async () => {
    await page.click('[data-testid=nav-alarms]');
    // The scenario raises level 1 at ~21 s and escalates to level 2 at ~33 s after the start, steady until ~77 s.
    const row = page.locator(`[data-testid=alarm-row][data-condition="${LEAK}"][data-level="AL2"][data-acked=false]`);
    await row.waitFor({ timeout: 75_000 });
    expect(await row.getAttribute('data-colour')).toMatch(/^(red|orange)$/);
    expect((await row.getAttribute('class')) ?? '').toContain('flash');
    expect(await leakBackgrounds()).toHaveLength(2);
    expect(await row.textContent()).toContain('GT-102');
    await shot('02-leak-unacknowledged');
  }, 90_000);

  it('acknowledges the alarm with a comment: it stops flashing, and the journal has who and why', async () => {
    const row = leakRow();
    await row.locator('[data-testid=alarm-ack]').click();
    const dialog = page.locator('[data-testid=alarm-dialog]');
    await dialog.waitFor();
    await dialog.locator('[data-testid=dialog-comment]').fill(COMMENT);
    await shot('03-ack-dialog');
    await dialog.locator('[data-testid=dialog-submit]').click();
    await dialog.waitFor({ state: 'hidden' });

    await expect.poll(() => row.getAttribute('data-acked'), { timeout: 10_000 }).toBe('true');
    expect((await row.getAttribute('class')) ?? '').not.toContain('flash');
    expect(await row.getAttribute('data-state')).toMatch(/^(active-acked|latched|unconfirmed|returned-unacked)$/);
    expect(await leakBackgrounds()).toHaveLength(1);
    await shot('04-leak-acknowledged');

    const session: LoginSession = await login(http, admin.user, admin.password);
    const res = await fetch(`${http}/api/alarms/history?conditionId=${encodeURIComponent(LEAK)}&limit=20`, { headers: session.headers() });
    const { transitions } = (await res.json()) as { transitions: { reason: string; user?: string; comment?: string }[] };
    expect(transitions.find((t) => t.reason === 'acknowledge')).toMatchObject({ user: admin.user, comment: COMMENT });
  }, 30_000);

  it('opens the trend of the alarm point from its row, drawn from the history API', async () => {
    await leakRow().locator('[data-testid=alarm-trend]').click();
    await page.waitForURL(/#\/points\/GT-102/);
    const line = page.locator('[data-testid=trend-line]');
    await line.waitFor({ timeout: 15_000 });
    await expect.poll(async () => Number(await line.getAttribute('data-points')), { timeout: 10_000 }).toBeGreaterThan(10);
    expect(await page.locator('[data-testid=trend-chart]').textContent()).toContain('%LEL');
    await shot('05-trend-gt102');
  }, 30_000);

  it('switches to Chinese, rendered with a CJK font, and keeps the choice across a reload', async () => {
    await page.click('[data-testid=lang-switch]');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.click('[data-testid=nav-alarms]');
    await leakRow().waitFor();
    expect(await page.locator('[data-testid=nav-alarms]').textContent()).toBe('报警');
    // The glyphs of 报警 come from a CJK font (fonts-noto-cjk), not from boxes of a fallback.
    expect(await renderedFonts('[data-testid=nav-alarms]')).toContainEqual(expect.stringMatching(/Noto Sans CJK/));
    await shot('06-alarms-zh');
    await page.reload();
    await page.locator('[data-testid=link-state][data-state=live]').waitFor({ timeout: 15_000 });
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('[data-testid=nav-summary]').textContent()).toBe('总览');
    await page.click('[data-testid=lang-switch]');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
  }, 30_000);

  it('is usable by keyboard: pages by Alt+digit, the search by "/", a comment by C on the selected row', async () => {
    await page.keyboard.press('Alt+1');
    await page.waitForURL(/#\/summary/);
    await page.keyboard.press('Alt+2');
    await page.waitForURL(/#\/alarms/);
    await leakRow().waitFor();
    await page.keyboard.press('/');
    expect(await inPage<string | null>(`document.activeElement?.getAttribute('data-testid') ?? null`)).toBe('alarm-search');
    // Alt in a text field is the user's (macOS Option+digit types a character): no page change there.
    await page.keyboard.press('Alt+1');
    await new Promise((r) => setTimeout(r, 300));
    expect(page.url()).toMatch(/#\/alarms/);
    await page.keyboard.press('Escape');
    await leakRow().focus();
    await page.keyboard.press('c');
    const dialog = page.locator('[data-testid=alarm-dialog]');
    await dialog.waitFor();
    await page.keyboard.type('gas reading confirmed by hand-held detector');
    await dialog.locator('[data-testid=dialog-submit]').press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    const session = await login(http, admin.user, admin.password);
    await waitFor(
      async () => {
        const res = await fetch(`${http}/api/alarms/history?conditionId=${encodeURIComponent(LEAK)}&limit=20`, { headers: session.headers() });
        const { transitions } = (await res.json()) as { transitions: { reason: string; comment?: string }[] };
        return transitions.some((t) => t.reason === 'comment' && t.comment === 'gas reading confirmed by hand-held detector');
      },
      5000,
      'the keyboard comment in the journal',
    );
    // Lists: ↓ moves the selection, Enter opens the selected point's trend.
    await page.keyboard.press('Alt+4');
    await page.waitForURL(/#\/points/);
    const first = page.locator('[data-testid=point-row]').first();
    await first.waitFor();
    await first.focus();
    await page.keyboard.press('ArrowDown');
    const second = await page.locator('[data-testid=point-row]').nth(1).getAttribute('data-point');
    expect(await page.locator('[data-testid=point-row][aria-selected=true]').getAttribute('data-point')).toBe(second);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/points/${encodeURIComponent(second ?? '').replace(/\./g, '\\.')}`));
    await page.locator('[data-testid=trend-chart]').waitFor();
  }, 30_000);

  it('never looks live when the gateway is gone, and comes back live with a fresh snapshot when it returns', async () => {
    await page.click('[data-testid=nav-alarms]');
    await page.locator('[data-testid=alarms-page]').waitFor();
    const onScreen = async (): Promise<string[]> => (await page.locator('[data-testid=alarm-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-condition') ?? ''))).sort();
    const before = await onScreen();
    expect(await gw.kill9()).not.toBe(0);
    await page.locator('[data-testid=banner-lost]').waitFor({ timeout: 10_000 });
    expect(await page.locator('body').getAttribute('data-live')).toBe('no');
    expect(await page.locator('[data-testid=link-state]').getAttribute('data-state')).not.toBe('live');
    // What was shown stays, greyed, under a banner with the time it is from.
    expect(await onScreen()).toEqual(before);
    expect(await inPage<string>(`getComputedStyle(document.querySelector('main')).filter`)).toContain('grayscale');
    expect(await page.locator('[data-testid=banner-lost]').textContent()).toMatch(/connection lost since \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/i);
    await shot('07-connection-lost');

    gw = GatewayProcess.spawn(['demo'], env);
    await gw.waitReady(http);
    // The console reconnects by itself (back-off up to 15 s), still logged in: sessions outlive a restart.
    await page.locator('[data-testid=link-state][data-state=live]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=banner-lost]').count()).toBe(0);
    expect(await page.locator('body').getAttribute('data-live')).toBe('yes');
    // The list is the restarted gateway's snapshot: the conditions its REST API retains and shows.
    const session = await login(http, admin.user, admin.password);
    const shown = async (): Promise<string[]> => {
      const res = await fetch(`${http}/api/alarms?state=annunciated`, { headers: session.headers() });
      const { alarms } = (await res.json()) as { alarms: { conditionId: string }[] };
      return alarms.map((a) => a.conditionId).sort();
    };
    await expect.poll(async () => JSON.stringify(await onScreen()) === JSON.stringify(await shown()), { timeout: 10_000 }).toBe(true);
    await shot('08-reconnected');
  }, 60_000);

  it('had no script errors and no content-security-policy violations', () => {
    // The reconnect attempts while the gateway was down fail by design; nothing else may.
    const unexpected = problems.unexpected().filter((p) => !/ERR_CONNECTION_REFUSED|WebSocket connection .* failed/.test(p.text));
    expect(unexpected).toEqual([]);
  });
});
