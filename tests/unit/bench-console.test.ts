import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeSource } from '../bench/lib/console-browser.js';
import { assetSizes, summarize, transferOf } from '../bench/lib/console-stats.js';

describe('summarize', () => {
  it('gives the median and the nearest-rank p95 (of 10 loads, the slowest)', () => {
    const s = summarize([120, 100, 300, 110, 90, 130, 105, 95, 115, 125]);
    expect(s).toEqual({ n: 10, median: 112.5, p95: 300, min: 90, max: 300 });
  });

  it('takes the 19th of 20 for p95, and the middle of an odd series for the median', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(summarize(twenty)?.p95).toBe(19);
    expect(summarize([3, 1, 2])?.median).toBe(2);
  });

  it('is null for no loads (the figure is then null, never 0)', () => {
    expect(summarize([])).toBeNull();
  });
});

describe('transferOf', () => {
  const entry = (name: string, transferSize: number, decodedBodySize = transferSize): Record<string, unknown> => ({ name, transferSize, encodedBodySize: transferSize, decodedBodySize });

  it('adds the document and every resource, headers included', () => {
    const t = transferOf({ navigation: entry('/', 973, 673), resources: [entry('/assets/a.js', 10_300, 28_000), entry('/assets/a.css', 2_400), entry('/api/me', 428)] });
    expect(t).toEqual({ total: 973 + 10_300 + 2_400 + 428, navigation: 973, resources: 13_128, count: 3, decoded: 673 + 28_000 + 2_400 + 428 });
  });

  it('refuses a load without its navigation entry or with malformed entries', () => {
    expect(() => transferOf({ navigation: null, resources: [] })).toThrow(/navigation/);
    expect(() => transferOf(null)).toThrow(/no timing entries/);
    expect(() => transferOf({ navigation: entry('/', 900), resources: [{ name: '/x.js', transferSize: 'big' }] })).toThrow(/not a timing entry/);
  });

  it('refuses a body that came without a transfer size (a cache hit or a cross-origin entry)', () => {
    expect(() => transferOf({ navigation: entry('/', 900), resources: [{ name: '/x.js', transferSize: 0, encodedBodySize: 0, decodedBodySize: 5000 }] })).toThrow(/\/x\.js/);
  });
});

describe('assetSizes', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'hg-bench-console-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sums scripts and style sheets, raw and gzipped at level 9 as the server sends them', () => {
    const js = Buffer.from('export const a = 1;\n'.repeat(200));
    const css = Buffer.from('body { color: red; }\n'.repeat(50));
    writeFileSync(join(dir, 'index-1.js'), js);
    writeFileSync(join(dir, 'chunk-2.js'), js);
    writeFileSync(join(dir, 'index-1.css'), css);
    writeFileSync(join(dir, 'logo.svg'), '<svg/>');
    const gz = (b: Buffer): number => gzipSync(b, { level: 9 }).length;
    expect(assetSizes(dir)).toEqual({ jsBytes: 2 * js.length, jsGzipBytes: 2 * gz(js), cssBytes: css.length, cssGzipBytes: gz(css), files: ['chunk-2.js', 'index-1.css', 'index-1.js'] });
  });

  it('throws when there is no script (the console was not built)', () => {
    writeFileSync(join(dir, 'index-1.css'), 'body {}');
    expect(() => assetSizes(dir)).toThrow(/no script/);
  });
});

describe('the in-page probe', () => {
  it('is one valid script with the conditions written in, and evaluates nothing at run time (the console CSP has no unsafe-eval)', () => {
    const src = probeSource({ login: "visible(document.querySelector('[data-testid=login-form]'))", live: "document.querySelector('[data-state=live]') !== null" });
    // Compiles (never runs) in Node: a syntax error would leave every figure null in the browser.
    expect(() => new Function(src)).not.toThrow();
    expect(src).toContain(`["login", () => (visible(document.querySelector('[data-testid=login-form]')))]`);
    expect(src).toContain(`["live", () => (document.querySelector('[data-state=live]') !== null)]`);
    expect(src).not.toMatch(/\beval\(|new Function|setTimeout\(['"]/);
  });
});
