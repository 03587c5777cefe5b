import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startBenchBroker } from '../lib/bench-broker.js';
import { coldContext, launchChromium, readTiming, waitFrame, type Conditions, type ProbeState } from '../lib/console-browser.js';
import { startConsoleDemo, type ConsoleDemo } from '../lib/console-demo.js';
import { startNodeRedEditor } from '../lib/console-nodered.js';
import { assetSizes, summarize, transferOf, type Summary } from '../lib/console-stats.js';
import { installNodeRed, nodeRedDir } from '../lib/nodered.js';
import { ratioOf } from '../lib/ratio.js';
import type { BenchContext, BenchSection, Figures } from '../lib/section.js';

/**
 * The supervisor console (issue 12): how soon a cold browser shows hazgate's login form, how soon
 * after the login the alarm list is live, and the bytes it takes; against the editor of Node-RED
 * 4.1 (the peer's own Node-served web UI) loaded cold the same way in the same run.
 *
 * Debian's Chromium, headless, one browser for the section and a fresh context (no cache, cookie
 * or storage) per load; one warm-up load of each page first, not counted (the browser's first
 * renderer, the servers' first answers). Times are the page's own `performance.now()` (origin:
 * the navigation's start), taken by an in-page probe (console-browser.ts) at the first animation
 * frame after the element is there and visible.
 */
const LOADS = 10;
const WAIT_MS = 20_000;

const CONSOLE: Conditions = {
  login: "visible(document.querySelector('[data-testid=login-form]'))",
  live: "document.querySelector('[data-testid=link-state][data-state=live]') !== null",
};

/**
 * Node-RED's editor is usable once its palette and the deployed flow are drawn and the loading
 * overlay is gone (tried against 4.1.8: the workspace frame shows ~200 ms before the palette is
 * filled, and the flow's nodes ~200 ms after).
 */
const EDITOR: Conditions = {
  workspace: "visible(document.getElementById('red-ui-workspace'))",
  editor:
    "visible(document.getElementById('red-ui-workspace')) && visible(document.querySelector('#red-ui-palette .red-ui-palette-node')) && visible(document.querySelector('#red-ui-workspace-chart .red-ui-flow-node')) && !visible(document.getElementById('red-ui-loader'))",
};

const CONSOLE_KEYS = ['console_login_render_ms', 'console_login_render_p95_ms', 'console_live_ms', 'console_live_p95_ms', 'console_render_plus_live_ms', 'console_transfer_bytes'] as const;
const ASSET_KEYS = ['console_js_bytes', 'console_js_gzip_bytes', 'console_css_bytes', 'console_css_gzip_bytes'] as const;
const EDITOR_KEYS = ['nodered_editor_render_ms', 'nodered_editor_render_p95_ms', 'nodered_editor_workspace_ms', 'nodered_editor_transfer_bytes'] as const;
const RATIO_KEYS = ['ratio_console_render_vs_nodered_editor', 'ratio_console_live_vs_nodered_editor'] as const;

const round1 = (x: number): number => Math.round(x * 10) / 10;
const fmt = (s: Summary | null): string => (s === null ? 'none' : `median ${s.median.toFixed(1)} p95 ${s.p95.toFixed(1)} min ${s.min.toFixed(1)} max ${s.max.toFixed(1)} (n ${s.n})`);
/** Every load's figure, in order, for the log: an outlier shows which load it was. */
const series = (xs: readonly number[]): string => xs.map((x) => Math.round(x)).join(' ');

/** What a page shows when a wait fails: the link state, the banners, the first words. */
async function describePage(page: Page): Promise<string> {
  const text: unknown = await page.evaluate(`(() => {
    const ls = document.querySelector('[data-testid=link-state]');
    const banners = document.querySelector('[data-testid=banners]');
    return location.href + ' link-state=' + (ls === null ? 'absent' : (ls.getAttribute('data-state') || '?') + ' "' + ls.textContent + '"')
      + ' banners="' + (banners === null ? '' : banners.textContent) + '" body="' + (document.body === null ? '' : document.body.innerText.slice(0, 200)) + '"';
  })()`);
  return String(text);
}

function frameOf(state: ProbeState, name: string): number {
  const t = state.frame[name];
  if (t === undefined) throw new Error(`no frame for ${name}`);
  return t;
}

interface ConsoleLoad {
  readonly renderMs: number;
  readonly liveMs: number;
  readonly transfer: number;
  readonly resources: number;
  readonly fcp: number | null;
}

/** One cold load of the console: login form, transfer, login, live alarm list. */
async function consoleLoad(browser: Browser, demo: ConsoleDemo): Promise<ConsoleLoad> {
  const context = await coldContext(browser, CONSOLE);
  try {
    const page = await context.newPage();
    const describe = (): Promise<string> => describePage(page);
    await page.goto(`${demo.httpBase}/`, { waitUntil: 'commit' });
    const shown = await waitFrame(page, 'login', WAIT_MS, describe);
    // The bytes once the network is quiet (500 ms without a request): everything the page loads.
    await page.waitForLoadState('networkidle');
    const transfer = transferOf(await readTiming(page));
    await page.fill('[data-testid=login-user]', demo.user);
    await page.fill('[data-testid=login-password]', demo.password);
    await page.click('[data-testid=login-submit]');
    const live = await waitFrame(page, 'live', WAIT_MS, describe);
    if (live.submitAt === null) throw new Error('the login form was not submitted');
    return { renderMs: frameOf(shown, 'login'), liveMs: frameOf(live, 'live') - live.submitAt, transfer: transfer.total, resources: transfer.count, fcp: live.fcp };
  } finally {
    await context.close();
  }
}

interface EditorLoad {
  readonly renderMs: number;
  readonly workspaceMs: number;
  readonly transfer: number;
  readonly resources: number;
}

async function editorLoad(browser: Browser, url: string): Promise<EditorLoad> {
  const context = await coldContext(browser, EDITOR);
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    const state = await waitFrame(page, 'editor', WAIT_MS, async () => `${page.url()} ${await page.title()}`);
    // As for the console; Node-RED's editor fetches its code editor (Monaco, 4.3 MB) late.
    await page.waitForLoadState('networkidle');
    const transfer = transferOf(await readTiming(page));
    return { renderMs: frameOf(state, 'editor'), workspaceMs: frameOf(state, 'workspace'), transfer: transfer.total, resources: transfer.count };
  } finally {
    await context.close();
  }
}

async function measureConsole(ctx: BenchContext, browser: Browser, figures: Figures): Promise<void> {
  const demo = await startConsoleDemo(ctx);
  try {
    await consoleLoad(browser, demo);
    const loads: ConsoleLoad[] = [];
    for (let i = 0; i < LOADS; i++) loads.push(await consoleLoad(browser, demo));
    const render = summarize(loads.map((l) => l.renderMs));
    const live = summarize(loads.map((l) => l.liveMs));
    const both = summarize(loads.map((l) => l.renderMs + l.liveMs));
    const transfer = summarize(loads.map((l) => l.transfer));
    const fcp = summarize(loads.flatMap((l) => (l.fcp === null ? [] : [l.fcp])));
    ctx.log(`  console login form ms: ${fmt(render)}; first-contentful-paint ${fmt(fcp)}`);
    ctx.log(`  console submit → live ms: ${fmt(live)}; render + live ${fmt(both)}`);
    ctx.log(`  console loads, login form: ${series(loads.map((l) => l.renderMs))}; live: ${series(loads.map((l) => l.liveMs))}`);
    ctx.log(`  console cold-load bytes: ${fmt(transfer)} over ${loads[0]?.resources ?? '?'} resources`);
    if (render === null || live === null || both === null || transfer === null) throw new Error('no load measured');
    figures['console_login_render_ms'] = round1(render.median);
    figures['console_login_render_p95_ms'] = round1(render.p95);
    figures['console_live_ms'] = round1(live.median);
    figures['console_live_p95_ms'] = round1(live.p95);
    figures['console_render_plus_live_ms'] = round1(both.median);
    figures['console_transfer_bytes'] = Math.round(transfer.median);
  } finally {
    await demo.stop();
  }
}

async function measureEditor(ctx: BenchContext, browser: Browser, figures: Figures): Promise<void> {
  installNodeRed(nodeRedDir(ctx.root), ctx.log);
  const broker = await startBenchBroker();
  try {
    const nr = await startNodeRedEditor({ installDir: nodeRedDir(ctx.root), workDir: join(ctx.tmp, 'node-red-editor'), brokerPort: broker.port });
    try {
      await editorLoad(browser, nr.url);
      const loads: EditorLoad[] = [];
      for (let i = 0; i < LOADS; i++) loads.push(await editorLoad(browser, nr.url));
      const render = summarize(loads.map((l) => l.renderMs));
      const workspace = summarize(loads.map((l) => l.workspaceMs));
      const transfer = summarize(loads.map((l) => l.transfer));
      ctx.log(`  node-red editor usable ms: ${fmt(render)}; workspace shown ${fmt(workspace)}`);
      ctx.log(`  node-red editor loads, usable: ${series(loads.map((l) => l.renderMs))}`);
      ctx.log(`  node-red editor cold-load bytes: ${fmt(transfer)} over ${loads[0]?.resources ?? '?'} resources`);
      if (render === null || workspace === null || transfer === null) throw new Error('no load measured');
      figures['nodered_editor_render_ms'] = round1(render.median);
      figures['nodered_editor_render_p95_ms'] = round1(render.p95);
      figures['nodered_editor_workspace_ms'] = round1(workspace.median);
      figures['nodered_editor_transfer_bytes'] = Math.round(transfer.median);
    } finally {
      await nr.stop();
    }
  } finally {
    await broker.dispose();
  }
}

/** Runs one part; a failure nulls only its own keys. */
async function part(ctx: BenchContext, keys: readonly string[], body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    for (const key of keys) ctx.error(key, e instanceof Error ? e.message : String(e));
  }
}

export const consoleSection: BenchSection = {
  name: 'console',
  description: `supervisor console in Chromium: cold login form and login → live alarm list (${LOADS} loads each), bytes; Node-RED 4.1's editor loaded cold the same way`,
  keys: [...CONSOLE_KEYS, ...ASSET_KEYS, ...EDITOR_KEYS, ...RATIO_KEYS],
  async run(ctx) {
    const figures: Figures = Object.fromEntries(this.keys.map((k) => [k, null]));
    await part(ctx, ASSET_KEYS, async () => {
      const sizes = assetSizes(join(ctx.root, 'dist', 'console', 'assets'));
      ctx.log(`  console assets: ${sizes.files.join(', ')}`);
      figures['console_js_bytes'] = sizes.jsBytes;
      figures['console_js_gzip_bytes'] = sizes.jsGzipBytes;
      figures['console_css_bytes'] = sizes.cssBytes;
      figures['console_css_gzip_bytes'] = sizes.cssGzipBytes;
    });
    let browser: Browser | null = null;
    try {
      browser = await launchChromium();
    } catch (e) {
      for (const key of [...CONSOLE_KEYS, ...EDITOR_KEYS]) ctx.error(key, `chromium: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (browser !== null) {
      const b = browser;
      try {
        await part(ctx, CONSOLE_KEYS, () => measureConsole(ctx, b, figures));
        await part(ctx, EDITOR_KEYS, () => measureEditor(ctx, b, figures));
      } finally {
        await b.close();
      }
    }
    // Higher is better: how many times sooner than Node-RED's editor is usable.
    figures['ratio_console_render_vs_nodered_editor'] = ratioOf(ctx, 'ratio_console_render_vs_nodered_editor', 'nodered_editor_render_ms', 'console_login_render_ms', figures);
    figures['ratio_console_live_vs_nodered_editor'] = ratioOf(ctx, 'ratio_console_live_vs_nodered_editor', 'nodered_editor_render_ms', 'console_render_plus_live_ms', figures);
    return figures;
  },
};
