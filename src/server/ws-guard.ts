import type { WebSocket } from 'ws';
import { isHazgateError, type ErrorCode, type Logger, type Principal } from '../core/index.js';
import type { Credentials } from './http-auth.js';
import { DEFAULT_WS_LIMITS, WsConnections, type WsLimits } from './ws-admission.js';
import { MessageRate } from './ws-rate.js';

/** What a hub keeps of each client for its credentials and its message rate. */
export interface GuardedClient {
  readonly socket: WebSocket;
  readonly credentials: Credentials;
  /** As of the last check: roles and scopes may change while a console stays connected. */
  principal: Principal;
  readonly rate: MessageRate;
  /** Being disconnected: its messages are ignored. */
  closing: boolean;
}

export interface WsGuardOptions<C extends GuardedClient> {
  readonly limits?: WsLimits | undefined;
  readonly logger: Logger;
  readonly now: () => number;
  readonly clients: () => Iterable<C>;
  /** The hub's `error` message. */
  readonly errorMessage: (code: ErrorCode, message: string) => string;
  readonly stats: { rateLimited: number; credentialsEnded: number };
}

/** Close code of a client disconnected for its credentials or its message rate (RFC 6455 7.4.1: policy violation). */
const POLICY = 1008;

/**
 * The security side of a WebSocket hub, shared by the gateway's and the centre's: connection
 * counts for the upgrade's limits, each client's message rate, and its credentials checked again
 * every recheckMs (a revoked token, a logout, a disabled user end the connection) and before
 * every operator action.
 */
export class WsGuard<C extends GuardedClient> {
  readonly connections: WsConnections;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: WsGuardOptions<C>) {
    this.connections = new WsConnections(o.limits ?? DEFAULT_WS_LIMITS);
  }

  /** The guarded part of a new client. */
  partsOf(credentials: Credentials): Pick<GuardedClient, 'credentials' | 'principal' | 'rate' | 'closing'> {
    const { perSecond, burst } = this.connections.limits.messageRate;
    return { credentials, principal: credentials.principal, rate: new MessageRate(perSecond, burst, this.o.now()), closing: false };
  }

  joined(client: C): void {
    this.connections.add(client.credentials.principal.user);
    if (this.timer === null) {
      this.timer = setInterval(() => this.recheckAll(), this.connections.limits.recheckMs ?? 30_000);
      this.timer.unref();
    }
  }

  left(client: C): void {
    this.connections.remove(client.credentials.principal.user);
  }

  /** Whether a message of the client is to be handled: not while it is being closed, nor past its rate (it is told, or disconnected). */
  admit(client: C): boolean {
    if (client.closing) return false;
    const verdict = client.rate.take(this.o.now());
    if (verdict === 'ok') return true;
    this.o.stats.rateLimited++;
    if (verdict === 'refused') {
      const { perSecond, burst } = this.connections.limits.messageRate;
      this.send(client, this.o.errorMessage('HG_ERR_WS_RATE', `too many messages: at most ${perSecond} a second (${burst} at once); this one and the next are dropped until you slow down`));
    } else if (verdict === 'abusive') {
      this.o.logger.warn({ code: 'HG_ERR_WS_RATE', user: client.principal.user }, 'WebSocket client kept sending past its message rate, disconnected');
      this.end(client, 'HG_ERR_WS_RATE', 'too many messages, disconnected');
    }
    return false;
  }

  /** The client's principal as its credentials stand now, or null when they no longer do (the client is told and disconnected). */
  refresh(client: C): Principal | null {
    try {
      client.principal = client.credentials.revalidate();
      return client.principal;
    } catch (e) {
      const code: ErrorCode = isHazgateError(e) ? e.code : 'HG_ERR_INTERNAL';
      this.o.stats.credentialsEnded++;
      this.o.logger.info({ code, user: client.principal.user }, 'WebSocket credentials no longer valid, disconnected');
      this.end(client, code, isHazgateError(e) ? e.message : 'credentials could not be checked');
      return null;
    }
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private recheckAll(): void {
    let open = 0;
    for (const c of this.o.clients()) {
      if (c.closing) continue;
      if (this.refresh(c) !== null) open++;
    }
    if (open === 0) this.close();
  }

  private end(client: C, code: ErrorCode, message: string): void {
    client.closing = true;
    this.send(client, this.o.errorMessage(code, message));
    client.socket.close(POLICY, code);
  }

  private send(client: C, text: string): void {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(text);
  }
}
