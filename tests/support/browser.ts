import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Headless Chromium for the console's browser tests (tests/e2e/console-*): Debian's own build
 * (tests/setup/peers.sh installs it), driven by playwright-core, which downloads no browser.
 */
export const CHROMIUM = '/usr/bin/chromium';

const ROOT = resolve(import.meta.dirname, '../..');

/** A headless Chromium that talks to nothing but the test's servers (no updates, sync or QUIC probes). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // --no-sandbox: the suite runs as root in a container, where Chromium's sandbox cannot start.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** `tests/artifacts/<name>/` (screenshots and the like; git-ignored), made when missing. */
export function artifactDir(name: string): string {
  const dir = join(ROOT, 'tests', 'artifacts', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Something that went wrong in the page: a console error, an uncaught exception, or a blocked load. */
export interface PageProblem {
  readonly kind: 'console' | 'pageerror' | 'csp';
  readonly text: string;
  /** Where it came from (the script, or the resource a failed load asked for); '' when unknown. */
  readonly url: string;
}

/** The page's problems, as they happen; `ignore` leaves out the expected ones (a 401 of a check before the login). */
export interface PageProblems {
  readonly all: readonly PageProblem[];
  /** The problems but those `ignore` accepts. */
  unexpected(): PageProblem[];
}

/** Prefix of the console errors the init script writes for each CSP violation the page reports. */
const CSP_MARK = 'hazgate-test csp violation:';

/**
 * Reports every `securitypolicyviolation` as a console error. Added through the DevTools protocol,
 * it runs before the page's scripts and is itself exempt from the page's CSP. A string, not a
 * function: tests/support is built without the DOM's types.
 */
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error(${JSON.stringify(CSP_MARK)} + ' ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`;

/**
 * Records console errors, uncaught exceptions (`pageerror`) and CSP violations of the page from
 * now on (call it before `goto`) so a test can assert there were none.
 */
export async function collectPageErrors(page: Page, ignore: (p: PageProblem) => boolean = () => false): Promise<PageProblems> {
  const all: PageProblem[] = [];
  await page.addInitScript(REPORT_CSP_VIOLATIONS);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // Chromium logs each violation itself too ("… violates the following Content Security Policy directive …"): both are CSP problems.
    const csp = text.startsWith(CSP_MARK) || /Content Security Policy/i.test(text);
    all.push({ kind: csp ? 'csp' : 'console', text, url: msg.location().url });
  });
  page.on('pageerror', (err) => void all.push({ kind: 'pageerror', text: `${err.name}: ${err.message}`, url: '' }));
  return { all, unexpected: () => all.filter((p) => !ignore(p)) };
}
