import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Authorise } from './auth.js';
import { BodyWatch } from './body-pace.js';
import { ConnectionTable } from './webhook-connections.js';

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
/**
 * Why the listener closed a connection: a new one refused because every connection in the way is
 * mid-request (`connection-limit`: maxConnections; `address-limit`: maxConnectionsPerAddress), an
 * idle one closed to make room for a new one (`idle-for-new`), headers or the whole request not in
 * time (`timeout`), a body behind minBodyBytesPerSecond (`body-too-slow`).
 */
export type ClosedConnection = 'connection-limit' | 'address-limit' | 'idle-for-new' | 'timeout' | 'body-too-slow';

export interface HttpListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly paths: ReadonlySet<string>;
  readonly maxBodyBytes: number;
  /** Open connections at most; a new one beyond takes the place of the one idle the longest. */
  readonly maxConnections: number;
  /** Open connections from one remote address at most; beyond, the same, among that address's own. */
  readonly maxConnectionsPerAddress: number;
  /** Headers must arrive within this (an idle new connection included); at most requestTimeoutMs. */
  readonly headersTimeoutMs: number;
  /** The whole request must arrive within this, however steadily it comes: the cap. */
  readonly requestTimeoutMs: number;
  /** After its headers (and as long again as headersTimeoutMs allows them), a body must average this; 0 = no check. */
  readonly minBodyBytesPerSecond: number;
  readonly authorise: Authorise;
  /** For a `WWW-Authenticate` challenge on 401 (basic auth), else undefined. */
  readonly challenge: string | undefined;
  readonly handle: (request: WebhookRequest) => WebhookAnswer;
  readonly onRefused: (reason: RefusedRequest, remote: string, what: string) => void;
  readonly onConnectionClosed: (reason: ClosedConnection, remote: string, what: string) => void;
}

export interface HttpListener {
  readonly host: string;
  readonly port: number;
  /** Stops accepting, drops open connections; resolves when the server is closed. */
  close(): Promise<void>;
}

/** A refused body is drained (so the sender reads our 413) up to this many times the limit, then cut. */
const DRAIN_FACTOR = 8;

/** How often node:http looks for requests past their timeouts, and the body rates are checked (node's default, 30 s, would let a slow client stay that much longer). */
const MAX_TIMEOUT_CHECK_MS = 1_000;

/** One request and its answer. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/** What the request handlers share. */
interface Listener {
  readonly options: HttpListenerOptions;
  readonly connections: ConnectionTable<Socket>;
  readonly bodies: BodyWatch<Exchange>;
}

/**
 * Listens, or rejects with the listen error (EADDRINUSE, EACCES…). Slow or idle clients cannot hold
 * sockets: headers must come within headersTimeoutMs of the connection (or of the previous request
 * on a kept-alive one), a body must keep up minBodyBytesPerSecond and the request end within
 * requestTimeoutMs, else 408 and the connection is closed. A new connection over maxConnections or
 * its address's maxConnectionsPerAddress closes the connection idle the longest in its way, and is
 * closed itself only when all of those are mid-request.
 */
export async function startHttpListener(options: HttpListenerOptions): Promise<HttpListener> {
  const headersTimeout = Math.min(options.headersTimeoutMs, options.requestTimeoutMs);
  const checkEveryMs = Math.max(50, Math.min(MAX_TIMEOUT_CHECK_MS, Math.floor(headersTimeout / 4)));
  const listener: Listener = {
    options,
    connections: new ConnectionTable({ maxConnections: options.maxConnections, maxConnectionsPerAddress: options.maxConnectionsPerAddress }),
    bodies: new BodyWatch({ minBytesPerSecond: options.minBodyBytesPerSecond, allowanceMs: headersTimeout }),
  };
  const server = createServer({ connectionsCheckingInterval: checkEveryMs, requestTimeout: options.requestTimeoutMs, headersTimeout }, (req, res) => onRequest(listener, req, res));
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
  server.on('connection', (socket: Socket) => admit(listener, socket));
  const pace = setInterval(() => cutOffSlowBodies(listener), checkEveryMs);
  pace.unref();
  const { port } = server.address() as AddressInfo;
  return {
    host: options.host,
    port,
    close: () => {
      clearInterval(pace);
      return closeServer(server);
    },
  };
}

function admit(listener: Listener, socket: Socket): void {
  const { options, connections } = listener;
  const remote = remoteOf(socket);
  const outcome = connections.admit(socket, socket.remoteAddress ?? '?', performance.now());
  if (!outcome.admitted) {
    socket.destroy();
    const limit = outcome.limit === 'address-limit' ? `${options.maxConnectionsPerAddress} (maxConnectionsPerAddress) from its address` : `${options.maxConnections} (maxConnections)`;
    options.onConnectionClosed(outcome.limit, remote, `connection closed: ${limit} are open, all mid-request`);
    return;
  }
  socket.once('close', () => connections.remove(socket));
  const evicted = outcome.evicted;
  if (evicted === undefined) return;
  const idleRemote = remoteOf(evicted.connection);
  evicted.connection.destroy();
  const limit = evicted.limit === 'address-limit' ? `maxConnectionsPerAddress ${options.maxConnectionsPerAddress}` : `maxConnections ${options.maxConnections}`;
  options.onConnectionClosed('idle-for-new', idleRemote, `idle connection closed to make room for ${remote} (${limit})`);
}

/** A timed-out request hears 408 before its connection closes; any other client error just closes it. */
function onClientError(options: HttpListenerOptions, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    options.onConnectionClosed('timeout', remoteOf(socket), 'request not received whole in time (headersTimeoutMs / requestTimeoutMs)');
    if (socket.writable) {
      socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () => socket.destroy());
      return;
    }
  }
  socket.destroy();
}

/** Bodies behind minBodyBytesPerSecond hear 408 (unless answered already) and lose their connection. */
function cutOffSlowBodies(listener: Listener): void {
  const { options } = listener;
  for (const { request, received, elapsedMs } of listener.bodies.overdue(performance.now())) {
    const { req, res } = request;
    const socket = req.socket;
    options.onConnectionClosed('body-too-slow', remoteOf(socket), `body too slow: ${received} bytes in ${Math.round(elapsedMs)} ms after the headers, under minBodyBytesPerSecond ${options.minBodyBytesPerSecond}`);
    if (res.headersSent) {
      socket.destroy();
      continue;
    }
    res.setHeader('Connection', 'close');
    res.once('finish', () => socket.destroy());
    answer(res, { status: 408, body: { ok: false, reason: 'body too slow' } });
  }
}

function onRequest(listener: Listener, req: IncomingMessage, res: ServerResponse): void {
  const { options } = listener;
  track(listener, req, res);
  const remote = remoteOf(req.socket);
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

/** The connection is mid-request until the answer is out; the body is watched until it ends. */
function track(listener: Listener, req: IncomingMessage, res: ServerResponse): void {
  const { connections, bodies } = listener;
  const exchange: Exchange = { req, res };
  const socket = req.socket;
  connections.requestStarted(socket);
  res.once('close', () => connections.requestEnded(socket, performance.now()));
  bodies.start(exchange, performance.now());
  req.on('data', (chunk: Buffer) => bodies.received(exchange, chunk.length));
  req.once('end', () => bodies.end(exchange));
  req.once('close', () => bodies.end(exchange));
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

function remoteOf(socket: Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections of AI boxes would hold close() open until they time out.
    server.closeAllConnections();
  });
}
