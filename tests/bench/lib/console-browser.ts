import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Headless Chromium for the console section: Debian's build (tests/setup/peers.sh installs it)
 * driven by playwright-core, and an in-page probe that times the page with the browser's own
 * clock (`performance.now()`, whose origin is the navigation's start), so neither the DevTools
 * round trips nor the bench's event loop are in the figures.
 */
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

/** The control room's screen (issue 12): both pages are loaded at this size. */
export const VIEWPORT = { width: 1920, height: 1080 } as const;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (tests/setup/peers.sh installs Debian's chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
}

/**
 * A condition the probe watches for: a JavaScript expression evaluated in the page (it may call
 * `visible(element)`). Written into the probe's source, never eval'd: the console's CSP has no
 * 'unsafe-eval', and the probe, added through the DevTools protocol, is exempt from the CSP only
 * as a whole script.
 */
export type Conditions = Readonly<Record<string, string>>;

/**
 * The probe, run before any of the page's scripts in every document of a context. It records in
 * `window.__hgBench`:
 * - `seen[name]`: `performance.now()` when a condition first held, checked after every DOM
 *   mutation (MutationObserver: the microtask after the change) and on every animation frame (for
 *   what changes without a mutation, e.g. a style sheet arriving);
 * - `frame[name]`: the start of the next animation frame after that, the frame that paints it;
 * - `submitAt`: the first form submit (a capturing listener, before the page's own);
 * - `fcp`: the browser's first-contentful-paint, for information.
 * Resource Timing's buffer is raised from 250 entries: Node-RED's editor loads more than that.
 */
export function probeSource(conditions: Conditions): string {
  const tests = Object.entries(conditions)
    .map(([name, expr]) => `[${JSON.stringify(name)}, () => (${expr})]`)
    .join(',\n    ');
  return `(() => {
  if (window.__hgBench !== undefined) return;
  const b = { seen: {}, frame: {}, submitAt: null, fcp: null };
  Object.defineProperty(window, '__hgBench', { value: b });
  try { performance.setResourceTimingBufferSize(100000); } catch (e) {}
  const visible = (el) => {
    if (el === null || el === undefined || !el.isConnected) return false;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0;
  };
  const tests = [
    ${tests}
  ];
  let observer = null;
  const check = () => {
    const now = performance.now();
    let left = 0;
    for (const [name, test] of tests) {
      if (name in b.seen) continue;
      let ok = false;
      try { ok = Boolean(test()); } catch (e) {}
      if (!ok) { left++; continue; }
      b.seen[name] = now;
      requestAnimationFrame(() => { b.frame[name] = performance.now(); });
    }
    if (left === 0 && observer !== null) observer.disconnect();
    return left;
  };
  observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true });
  const everyFrame = () => { if (check() > 0) requestAnimationFrame(everyFrame); };
  requestAnimationFrame(everyFrame);
  document.addEventListener('submit', () => { if (b.submitAt === null) b.submitAt = performance.now(); }, true);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') b.fcp = e.startTime;
    }).observe({ type: 'paint', buffered: true });
  } catch (e) {}
})();`;
}

/** What the probe recorded, as read from the page. */
export interface ProbeState {
  readonly seen: Readonly<Record<string, number>>;
  readonly frame: Readonly<Record<string, number>>;
  readonly submitAt: number | null;
  readonly fcp: number | null;
}

const isNumberRecord = (x: unknown): x is Record<string, number> => typeof x === 'object' && x !== null && Object.values(x).every((v) => typeof v === 'number');
const numberOrNull = (x: unknown): x is number | null => x === null || typeof x === 'number';

/** The probe's record (null before the probe ran in this document). */
export async function readProbe(page: Page): Promise<ProbeState | null> {
  const raw: unknown = await page.evaluate('window.__hgBench === undefined ? null : JSON.parse(JSON.stringify(window.__hgBench))');
  if (raw === null) return null;
  if (typeof raw !== 'object' || !('seen' in raw) || !('frame' in raw) || !('submitAt' in raw) || !('fcp' in raw)) throw new Error(`unexpected probe state ${JSON.stringify(raw)}`);
  const { seen, frame, submitAt, fcp } = raw;
  if (!isNumberRecord(seen) || !isNumberRecord(frame) || !numberOrNull(submitAt) || !numberOrNull(fcp)) throw new Error(`unexpected probe state ${JSON.stringify(raw)}`);
  return { seen, frame, submitAt, fcp };
}

/**
 * Polls the probe (every 20 ms: the figures come from the page's clock, the poll only decides when
 * the bench moves on) until `name` has its frame; then the probe's state. Throws after `timeoutMs`
 * with `describe()`'s account of the page.
 */
export async function waitFrame(page: Page, name: string, timeoutMs: number, describe: () => Promise<string>): Promise<ProbeState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await readProbe(page).catch(() => null);
    if (state !== null && name in state.frame) return state;
    if (Date.now() > deadline) throw new Error(`"${name}" not seen within ${timeoutMs} ms (${await describe().catch((e: unknown) => String(e))})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The page's navigation and resource timing entries, for console-stats.ts's transferOf. */
export function readTiming(page: Page): Promise<unknown> {
  return page.evaluate(`(() => {
    const pick = (e) => ({ name: e.name, transferSize: e.transferSize, encodedBodySize: e.encodedBodySize, decodedBodySize: e.decodedBodySize });
    const nav = performance.getEntriesByType('navigation')[0];
    return { navigation: nav === undefined ? null : pick(nav), resources: performance.getEntriesByType('resource').map(pick) };
  })()`);
}

/** A fresh context (no cache, cookies or storage) at the control room's size, with the probe. */
export async function coldContext(browser: Browser, conditions: Conditions): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', serviceWorkers: 'block' });
  await context.addInitScript({ content: probeSource(conditions) });
  return context;
}
