import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { median } from './median.js';

/**
 * The pure part of the console section (tests/unit/bench-console.test.ts): the summary of a
 * series of page loads, the bytes a load moved (from the page's own Resource Timing entries), and
 * the sizes of the built console's assets.
 */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Median and p95 of a series (p95 nearest-rank, the definition latency.ts uses for alarm_p99_ms:
 * of 10 loads it is the slowest). Null for an empty series.
 */
export function summarize(xs: readonly number[]): Summary | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: median(sorted),
    p95: sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)] ?? NaN,
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/** One entry of `performance.getEntriesByType('navigation' | 'resource')`, as the page hands it over. */
export interface TimingEntry {
  readonly name: string;
  /** Bytes over the wire: headers and the encoded (e.g. gzip) body; 0 when served from a cache. */
  readonly transferSize: number;
  readonly encodedBodySize: number;
  readonly decodedBodySize: number;
}

export interface Transfer {
  /** Navigation plus every resource: what a cold load of the page moved, headers included. */
  readonly total: number;
  readonly navigation: number;
  readonly resources: number;
  /** Resources fetched (the document not counted). */
  readonly count: number;
  /** Decoded bodies (what the browser had to parse), for information. */
  readonly decoded: number;
}

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;

function entryOf(x: unknown): TimingEntry {
  if (typeof x !== 'object' || x === null) throw new Error(`not a timing entry: ${JSON.stringify(x)}`);
  const e = x as Record<string, unknown>;
  const { name, transferSize, encodedBodySize, decodedBodySize } = e;
  if (typeof name !== 'string' || !isNumber(transferSize) || !isNumber(encodedBodySize) || !isNumber(decodedBodySize)) throw new Error(`not a timing entry: ${JSON.stringify(x)}`);
  return { name, transferSize, encodedBodySize, decodedBodySize };
}

/**
 * The bytes of a load from what the page's Resource Timing said (`{ navigation, resources }`, see
 * console-browser.ts). Throws when the navigation entry is missing or any entry is malformed, and
 * when an entry has a body but no transfer size (cross-origin without Timing-Allow-Origin, or a
 * cache hit): a cold load of one origin must have them all.
 */
export function transferOf(timing: unknown): Transfer {
  if (typeof timing !== 'object' || timing === null || !('navigation' in timing) || !('resources' in timing)) throw new Error(`no timing entries: ${JSON.stringify(timing)}`);
  if (timing.navigation === null || timing.navigation === undefined) throw new Error('no navigation timing entry');
  if (!Array.isArray(timing.resources)) throw new Error('resources is not a list');
  const navigation = entryOf(timing.navigation);
  const resources = timing.resources.map(entryOf);
  const unsized = [navigation, ...resources].filter((e) => e.transferSize === 0 && e.decodedBodySize > 0);
  if (unsized.length > 0) throw new Error(`no transfer size for ${unsized.map((e) => e.name).join(', ')} (cached, or cross-origin)`);
  const resourceBytes = resources.reduce((sum, e) => sum + e.transferSize, 0);
  return {
    total: navigation.transferSize + resourceBytes,
    navigation: navigation.transferSize,
    resources: resourceBytes,
    count: resources.length,
    decoded: [navigation, ...resources].reduce((sum, e) => sum + e.decodedBodySize, 0),
  };
}

export interface AssetSizes {
  readonly jsBytes: number;
  readonly jsGzipBytes: number;
  readonly cssBytes: number;
  readonly cssGzipBytes: number;
  readonly files: readonly string[];
}

/**
 * Sizes of the built console's scripts and style sheets (`dist/console/assets`), raw and gzipped
 * at level 9 as the server gzips them (src/server/console-files.ts). Throws when there is no
 * script: the console was not built.
 */
export function assetSizes(dir: string): AssetSizes {
  const files = readdirSync(dir).filter((f) => f.endsWith('.js') || f.endsWith('.css')).sort();
  let jsBytes = 0;
  let jsGzipBytes = 0;
  let cssBytes = 0;
  let cssGzipBytes = 0;
  for (const f of files) {
    const body = readFileSync(join(dir, f));
    const gz = gzipSync(body, { level: 9 }).length;
    if (f.endsWith('.js')) {
      jsBytes += body.length;
      jsGzipBytes += gz;
    } else {
      cssBytes += body.length;
      cssGzipBytes += gz;
    }
  }
  if (!files.some((f) => f.endsWith('.js'))) throw new Error(`no script in ${dir}: build the console (npm run build)`);
  return { jsBytes, jsGzipBytes, cssBytes, cssGzipBytes, files };
}
