import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { HazgateError, isHazgateError } from '../core/index.js';
import type { Credentials, HttpAuth } from './http-auth.js';
import { errorHeaders, statusOf } from './http-errors.js';

/** server.wsMaxConnections, server.wsMaxConnectionsPerUser and server.wsMessageRate. */
export interface WsLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerUser: number;
  readonly messageRate: { readonly perSecond: number; readonly burst: number };
  /** How often open connections' credentials are checked again (revoked, expired, logged out); default 30 s. */
  readonly recheckMs?: number;
}

export const DEFAULT_WS_LIMITS: WsLimits = { maxConnections: 200, maxConnectionsPerUser: 20, messageRate: { perSecond: 20, burst: 40 } };

/** A hub's open connections, in all and per user: what the upgrade is checked against. */
export class WsConnections {
  private total = 0;
  private readonly byUser = new Map<string, number>();

  constructor(readonly limits: WsLimits) {}

  /** Why one more connection of the user is refused, or null. */
  refusal(user: string): HazgateError | null {
    if (this.total >= this.limits.maxConnections) {
      return new HazgateError('HG_ERR_WS_LIMIT', `the server has ${this.total} WebSocket clients, its most (server.wsMaxConnections): try again later`, { by: 'server', limit: this.limits.maxConnections });
    }
    const mine = this.byUser.get(user) ?? 0;
    if (mine >= this.limits.maxConnectionsPerUser) {
      return new HazgateError('HG_ERR_WS_LIMIT', `${user} has ${mine} WebSocket connections open, the most one user may (server.wsMaxConnectionsPerUser): close one`, { by: 'user', user, limit: this.limits.maxConnectionsPerUser });
    }
    return null;
  }

  add(user: string): void {
    this.total++;
    this.byUser.set(user, (this.byUser.get(user) ?? 0) + 1);
  }

  remove(user: string): void {
    this.total--;
    const left = (this.byUser.get(user) ?? 1) - 1;
    if (left <= 0) this.byUser.delete(user);
    else this.byUser.set(user, left);
  }
}

export interface AdmissionDeps {
  readonly http: HttpAuth;
  readonly connections: WsConnections;
  /** More to check of this upgrade (the centre's `?site=` against the scopes); throws a HazgateError to refuse. */
  readonly check?: (credentials: Credentials, url: URL) => void;
}

/** Query parameters that would carry a credential in the URL: refused, whatever else the request has. */
const URL_CREDENTIALS = ['token', 'access_token', 'jwt', 'session'];

/**
 * Authenticates a WebSocket upgrade before the handshake: the same credentials as REST (a bearer
 * in Authorization, or the session cookie), the `read` permission, and room under the connection
 * limits. A refusal is an HTTP answer on the raw socket (401, 403, 429, 503…), so a client sees why
 * before any WebSocket exists. Resolves to the credentials, or null once it has refused.
 */
export async function admitUpgrade(req: IncomingMessage, socket: Duplex, deps: AdmissionDeps): Promise<Credentials | null> {
  socket.on('error', () => undefined); // a client gone mid-check must not raise an unhandled error
  const address = req.socket.remoteAddress ?? '';
  try {
    const url = new URL(req.url ?? '/', 'http://hazgate');
    const inUrl = URL_CREDENTIALS.find((k) => url.searchParams.has(k));
    if (inUrl !== undefined) {
      throw new HazgateError('HG_ERR_API_BAD_REQUEST', `credentials are not taken from the URL (?${inUrl}=): URLs end up in logs and browser history. Send Authorization: Bearer <token>, or connect from the logged-in console (session cookie)`, { parameter: inUrl });
    }
    const credentials = await deps.http.authenticate(req.headers, address);
    if (credentials.session !== null) checkOrigin(req, credentials.principal.user);
    const principal = credentials.principal;
    deps.http.service.authorize(principal, 'read');
    deps.check?.(credentials, url);
    const full = deps.connections.refusal(principal.user);
    if (full !== null) throw full;
    return credentials;
  } catch (e) {
    const error = isHazgateError(e) ? e : new HazgateError('HG_ERR_INTERNAL', 'internal error');
    if (error.code === 'HG_ERR_AUTH_FORBIDDEN') deps.http.audit.denied(typeof error.details['user'] === 'string' ? error.details['user'] : null, address, `WebSocket refused: ${error.message}`, { code: error.code, route: 'GET /ws' });
    refuseUpgrade(socket, error);
    return null;
  }
}

/**
 * A browser sends the session cookie with a WebSocket opened by any page of the same site (SameSite
 * does not tell ports apart), and WebSockets have no CORS: with the cookie, the page must be ours.
 */
function checkOrigin(req: IncomingMessage, user: string): void {
  const origin = req.headers.origin;
  if (origin === undefined) return; // not a browser
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (host !== req.headers.host) {
    throw new HazgateError('HG_ERR_AUTH_FORBIDDEN', `a WebSocket on the session cookie must come from a page of this server (Origin ${origin.slice(0, 100)})`, { origin: origin.slice(0, 100), user });
  }
}

/** An HTTP error answer on the socket of an upgrade that will not become a WebSocket. */
export function refuseUpgrade(socket: Duplex, e: HazgateError): void {
  if (socket.destroyed) return;
  const status = statusOf(e);
  const body = JSON.stringify({ error: { code: e.code, message: e.message } });
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), connection: 'close', ...errorHeaders(e) };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head}\r\n${body}`);
}
