import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HazgateError, type Logger } from '../core/index.js';
import { loadConsoleBundle, type ConsoleBundle, type ConsoleFile, type ConsoleMode } from './console-files.js';
import { parseRequest } from './parse.js';

export interface ConsoleOptions {
  /** The built console (dist/console); null when there is none. */
  readonly dir: string | null;
  readonly mode: ConsoleMode;
  readonly logger?: Logger;
}

/**
 * The console's own page may load scripts, styles, images and fonts from this server only, talk to
 * this server only (REST and /ws: 'self' covers ws: and wss: of the same host in CSP 3), and may
 * not be framed (clickjacking an acknowledge button).
 */
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Hashed names change with their content: a browser may keep them for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page and the public files keep their names: ask each time (a 304 when unchanged). */
const REVALIDATE = 'no-cache';

const NOT_BUILT = '<!doctype html><meta charset="utf-8"><title>hazgate</title><p>hazgate console not built: run npm run build</p>\n';

const fileParams = z.object({ file: z.string().min(1).max(256) });

/** Whether `If-None-Match` names one of the file's representations (weak comparison, RFC 9110 13.1.2). */
function notModified(req: FastifyRequest, file: ConsoleFile): boolean {
  const header = req.headers['if-none-match'];
  if (header === undefined) return false;
  return header.split(',').map((t) => t.trim().replace(/^W\//, '')).some((t) => t === '*' || t === file.etag || t === file.gzipEtag);
}

/** Whether `Accept-Encoding` takes gzip (or `*`) with a weight above 0. */
function acceptsGzip(req: FastifyRequest): boolean {
  const header = req.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

function sendFile(req: FastifyRequest, reply: FastifyReply, file: ConsoleFile, cacheControl: string): FastifyReply {
  const gzip = file.gzip !== null && acceptsGzip(req) ? file.gzip : null;
  void reply.headers(SECURITY_HEADERS).header('cache-control', cacheControl).header('etag', gzip === null ? file.etag : file.gzipEtag);
  if (file.gzip !== null) void reply.header('vary', 'accept-encoding');
  if (notModified(req, file)) return reply.status(304).send();
  if (gzip !== null) void reply.header('content-encoding', 'gzip');
  return reply.type(file.contentType).send(gzip ?? file.body);
}

function unknownFile(reply: FastifyReply, path: string): never {
  void reply.headers(SECURITY_HEADERS);
  throw new HazgateError('HG_ERR_API_NOT_FOUND', `no console file ${path}`);
}

function registerBuilt(app: FastifyInstance, bundle: ConsoleBundle): void {
  const page = async (req: FastifyRequest, reply: FastifyReply) => sendFile(req, reply, bundle.index, REVALIDATE);
  app.get('/', { config: { access: 'public' } }, page);
  app.get('/index.html', { config: { access: 'public' } }, page);
  app.get('/assets/:file', { config: { access: 'public' } }, async (req, reply) => {
    const { file } = parseRequest(fileParams, req.params, 'path');
    const found = bundle.assets.get(file);
    return found === undefined ? unknownFile(reply, `/assets/${file}`) : sendFile(req, reply, found, IMMUTABLE);
  });
  // One route per public file (favicon.svg…), not a `/:file` catch-all: an unknown path stays
  // the API's 401 to anonymous callers, which tells them nothing of what routes exist.
  for (const [name, file] of bundle.topLevel) {
    app.get(`/${name}`, { config: { access: 'public' } }, async (req, reply) => sendFile(req, reply, file, REVALIDATE));
  }
}

function registerNotBuilt(app: FastifyInstance): void {
  const page = async (_req: FastifyRequest, reply: FastifyReply) =>
    reply.status(503).headers(SECURITY_HEADERS).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT);
  app.get('/', { config: { access: 'public' } }, page);
  app.get('/index.html', { config: { access: 'public' } }, page);
  app.get('/assets/:file', { config: { access: 'public' } }, async (req, reply) => unknownFile(reply, `/assets/${parseRequest(fileParams, req.params, 'path').file}`));
}

/**
 * The supervisor console (src/console, built into dist/console): its page, its hashed assets and
 * its public files, open to anyone (the login form must load before a login; everything the page
 * then asks of the API needs one). Read into memory once here; a server without a built console
 * answers `/` with 503 and says so once in the log, and the rest of it works as before.
 */
export function registerConsole(app: FastifyInstance, opts: ConsoleOptions): void {
  const bundle = opts.dir === null ? null : loadConsoleBundle(opts.dir, opts.mode);
  if (bundle === null) {
    opts.logger?.warn({ dir: opts.dir }, 'hazgate console not built (no index.html): GET / answers 503; run npm run build');
    registerNotBuilt(app);
    return;
  }
  if (bundle.missingModeMeta) opts.logger?.warn({ dir: opts.dir }, 'console index.html has no <meta name="hazgate-mode">: the page cannot tell a gateway from a centre');
  registerBuilt(app, bundle);
}

/** The request schemas, for the OpenAPI reference (openapi-routes.ts): documentation only, the handlers above parse. */
export const consoleRequestSchemas = { fileParams } as const;
