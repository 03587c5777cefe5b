import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Authorise } from './auth.js';

/**
 * The webhook's own HTTP listener (node:http): POSTs to a few paths, bodies bounded, an optional
 * credentials check before a byte of the body is read. It knows nothing of video: `handle` gets the
 * whole body and says what to answer.
 */

export interface WebhookRequest {
  readonly path: string;
  /** The Content-Type header as sent, or undefined. */
  readonly contentType: string | undefined;
  readonly body: Buffer;
  /** `<address>:<port>` of the sender, for error messages. */
  readonly remote: string;
}

export interface WebhookAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export type RefusedRequest = 'too-large' | 'unauthorised' | 'no-route';
/** A connection closed by the listener: over maxConnections, or a request not whole in time. */
export type RefusedConnection = 'too-many-connections' | 'timeout';

export interface HttpListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly paths: ReadonlySet<string>;
  readonly maxBodyBytes: number;
  /** Open connections at most; more are closed at once (counted). */
  readonly maxConnections: number;
  /** Headers must arrive within this (an idle new connection included); at most requestTimeoutMs. */
  readonly headersTimeoutMs: number;
  /** The whole request must arrive within this. */
  readonly requestTimeoutMs: number;
  readonly authorise: Authorise;
  /** For a `WWW-Authenticate` challenge on 401 (basic auth), else undefined. */
  readonly challenge: string | undefined;
  readonly handle: (request: WebhookRequest) => WebhookAnswer;
  readonly onRefused: (reason: RefusedRequest, remote: string, what: string) => void;
  readonly onConnectionRefused: (reason: RefusedConnection, remote: string, what: string) => void;
}

export interface HttpListener {
  readonly host: string;
  readonly port: number;
  /** Stops accepting, drops open connections; resolves when the server is closed. */
  close(): Promise<void>;
}

/** A refused body is drained (so the sender reads our 413) up to this many times the limit, then cut. */
const DRAIN_FACTOR = 8;

/** How often node:http looks for requests past their timeouts (its default, 30 s, would let a slow client stay that much longer). */
const MAX_TIMEOUT_CHECK_MS = 1_000;

/**
 * Listens, or rejects with the listen error (EADDRINUSE, EACCES…). Slow or idle clients cannot hold
 * sockets: headers must come within headersTimeoutMs of the connection (or of the previous request
 * on a kept-alive one) and the request within requestTimeoutMs, else 408 and the connection is
 * closed; beyond maxConnections new connections are closed at once.
 */
export async function startHttpListener(options: HttpListenerOptions): Promise<HttpListener> {
  const headersTimeout = Math.min(options.headersTimeoutMs, options.requestTimeoutMs);
  const connectionsCheckingInterval = Math.max(50, Math.min(MAX_TIMEOUT_CHECK_MS, Math.floor(headersTimeout / 4)));
  const server = createServer({ connectionsCheckingInterval, requestTimeout: options.requestTimeoutMs, headersTimeout }, (req, res) => onRequest(options, req, res));
  server.maxConnections = options.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // An error after listening (EMFILE, say) must not crash the gateway through an unhandled 'error'.
  server.on('error', () => undefined);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => onClientError(options, error, socket));
  // net.Server emits 'drop' for each connection closed because maxConnections are open.
  server.on('drop', (peer?: { remoteAddress?: string; remotePort?: number }) => {
    options.onConnectionRefused('too-many-connections', `${peer?.remoteAddress ?? '?'}:${peer?.remotePort ?? '?'}`, `connection closed: ${options.maxConnections} (maxConnections) are open`);
  });
  const { port } = server.address() as AddressInfo;
  return { host: options.host, port, close: () => closeServer(server) };
}

/** A timed-out request hears 408 before its connection closes; any other client error just closes it. */
function onClientError(options: HttpListenerOptions, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    options.onConnectionRefused('timeout', `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`, 'request not received whole in time (headersTimeoutMs / requestTimeoutMs)');
    if (socket.writable) {
      socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () => socket.destroy());
      return;
    }
  }
  socket.destroy();
}

function onRequest(options: HttpListenerOptions, req: IncomingMessage, res: ServerResponse): void {
  const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (!options.paths.has(path)) {
    options.onRefused('no-route', remote, `no route ${req.method ?? ''} ${path}`);
    return refuse(req, res, 404, 'no such path', options.maxBodyBytes);
  }
  if (req.method !== 'POST') {
    options.onRefused('no-route', remote, `${req.method ?? ''} ${path}: only POST`);
    res.setHeader('Allow', 'POST');
    return refuse(req, res, 405, 'only POST', options.maxBodyBytes);
  }
  if (!options.authorise(req.headers)) {
    options.onRefused('unauthorised', remote, `POST ${path} without valid credentials`);
    if (options.challenge !== undefined) res.setHeader('WWW-Authenticate', options.challenge);
    return refuse(req, res, 401, 'unauthorised', options.maxBodyBytes);
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > options.maxBodyBytes) return tooLarge(options, req, res, remote, `declares ${declared} bytes`);
  readBody(options, req, res, remote, path);
}

function readBody(options: HttpListenerOptions, req: IncomingMessage, res: ServerResponse, remote: string, path: string): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > options.maxBodyBytes) {
      refused = true;
      chunks.length = 0;
      tooLarge(options, req, res, remote, `sent more than ${options.maxBodyBytes} bytes`);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (refused) return;
    const header = req.headers['content-type'];
    answer(res, options.handle({ path, contentType: header, body: Buffer.concat(chunks, size), remote }));
  });
  // A sender that goes away mid-body has nothing to hear; its partial alert is not used.
  req.on('error', () => undefined);
}

function tooLarge(options: HttpListenerOptions, req: IncomingMessage, res: ServerResponse, remote: string, what: string): void {
  options.onRefused('too-large', remote, `${what}, more than maxBodyBytes ${options.maxBodyBytes}`);
  refuse(req, res, 413, `body larger than ${options.maxBodyBytes} bytes`, options.maxBodyBytes);
}

/** Answers at once and closes the connection; the rest of the body is drained (bounded) so the answer can be read. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, reason: string, maxBodyBytes: number): void {
  res.setHeader('Connection', 'close');
  answer(res, { status, body: { ok: false, reason } });
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_FACTOR * maxBodyBytes) req.socket.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}

function answer(res: ServerResponse, a: WebhookAnswer): void {
  if (res.headersSent) return;
  const text = JSON.stringify(a.body);
  res.writeHead(a.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections of AI boxes would hold close() open until they time out.
    server.closeAllConnections();
  });
}
