import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Which server the console talks to: the page tells it in `<meta name="hazgate-mode">`. */
export type ConsoleMode = 'gateway' | 'centre';

/** One built file, held in memory with what the answer needs. */
export interface ConsoleFile {
  readonly body: Buffer;
  /** The gzip encoding, for text files worth compressing; null otherwise. */
  readonly gzip: Buffer | null;
  readonly contentType: string;
  /** Strong ETag of the plain body; the gzip encoding's ends in `.gz"` (RFC 9110 8.8.3: one per representation). */
  readonly etag: string;
  readonly gzipEtag: string;
}

/** The built console (dist/console), read once at boot. */
export interface ConsoleBundle {
  /** index.html with the mode of this server written into it. */
  readonly index: ConsoleFile;
  /** Files of assets/ by name: hashed names, cached for a year. */
  readonly assets: ReadonlyMap<string, ConsoleFile>;
  /** The public files at the top (favicon.svg…), by name: revalidated on each load. */
  readonly topLevel: ReadonlyMap<string, ConsoleFile>;
  /** Set when index.html has no mode placeholder to fill in (a console built without it). */
  readonly missingModeMeta: boolean;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** Below this, gzip saves less than its own framing and a round of CPU is not worth it. */
const GZIP_MIN_BYTES = 1024;
/** A served file's name: no path, no dot files, no route of the API (those have no extension). */
const SERVABLE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*\.[A-Za-z0-9]+$/;
/** The page's placeholder (src/console/index.html), whatever mode it was built with. */
const MODE_META = /<meta\s+name="hazgate-mode"\s+content="[^"]*"\s*\/?>/;

export function contentTypeOf(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

function isText(contentType: string): boolean {
  return /^text\/|json|javascript|svg/.test(contentType);
}

export function consoleFile(body: Buffer, contentType: string): ConsoleFile {
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  const gzip = isText(contentType) && body.length > GZIP_MIN_BYTES ? gzipSync(body, { level: 9 }) : null;
  return { body, gzip, contentType, etag: `"${digest}"`, gzipEtag: `"${digest}.gz"` };
}

function servableFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => SERVABLE_NAME.test(name) && statSync(join(dir, name)).isFile());
}

function readAll(dir: string, names: readonly string[]): Map<string, ConsoleFile> {
  return new Map(names.map((name) => [name, consoleFile(readFileSync(join(dir, name)), contentTypeOf(name))]));
}

/**
 * Reads the built console in `dir` into memory, or null when there is none (no index.html): the
 * files are small (a few hundred KB) and change only with a new build, so the server answers from
 * memory and never touches the disk per request.
 */
export function loadConsoleBundle(dir: string, mode: ConsoleMode): ConsoleBundle | null {
  const indexPath = join(dir, 'index.html');
  if (!existsSync(indexPath)) return null;
  const html = readFileSync(indexPath, 'utf8');
  const missingModeMeta = !MODE_META.test(html);
  const page = html.replace(MODE_META, `<meta name="hazgate-mode" content="${mode}">`);
  return {
    index: consoleFile(Buffer.from(page, 'utf8'), contentTypeOf('index.html')),
    assets: readAll(join(dir, 'assets'), servableFiles(join(dir, 'assets'))),
    topLevel: readAll(dir, servableFiles(dir).filter((name) => name !== 'index.html')),
    missingModeMeta,
  };
}
