import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { HazgateError, isHazgateError, type Logger } from '../core/index.js';
import type { CentreScope } from './centre-scope.js';
import { centreWsMessage, parseCentreClientMessage } from './centre-ws-protocol.js';
import type { Credentials } from './http-auth.js';
import type { WsLimits } from './ws-admission.js';
import { WsGuard, type GuardedClient } from './ws-guard.js';

/** Anything the centre shows that belongs to one site. */
export interface SiteScoped {
  readonly site: string;
}

export interface CentreWsHubOptions {
  readonly centreId: string;
  readonly version: string;
  /** Current alarms of every site, or of one: the snapshot. */
  readonly alarms: (site: string | undefined) => readonly SiteScoped[];
  /** Each site's feed and chain summary, or one site's: sent after the snapshot. */
  readonly sites: (site: string | undefined) => readonly SiteScoped[];
  readonly logger: Logger;
  readonly now: () => number;
  /** A client with more queued falls behind (live messages paused, re-snapshotted once drained); 4× this: cut off. */
  readonly maxBufferedBytes: number;
  readonly maxMessageBytes: number;
  readonly resyncCheckMs?: number;
  /** A client still behind after this long is cut off (default 30 s). */
  readonly behindLimitMs?: number;
  /** Each client sees the sites of its scopes. */
  readonly scope: CentreScope;
  /** Connections in all and per user, messages a second; default DEFAULT_WS_LIMITS. */
  readonly limits?: WsLimits | undefined;
}

export interface CentreWsHubStats {
  connected: number;
  connections: number;
  badMessages: number;
  slowClientsBehind: number;
  slowClientsDropped: number;
  transitionsSent: number;
  /** Messages refused for the client's rate (HG_ERR_WS_RATE). */
  rateLimited: number;
  /** Upgrades refused: no or bad credentials, a site outside the scopes, no room, a credential in the URL. */
  refusedUpgrades: number;
  /** Connections ended because their token, session or user no longer stood. */
  credentialsEnded: number;
}

interface Client extends GuardedClient {
  /** `/ws?site=X`: only that site; null: every site of its scopes. */
  readonly site: string | null;
  /** Live messages skipped since it fell behind; null while it keeps up. */
  skipped: number | null;
  /** When it fell behind (hub time). */
  behindSince: number;
}

const CUT_OFF_FACTOR = 4;

/**
 * The centre's live feed: on connect a snapshot of current alarms (each with its site) between
 * markers, then each site's summary, then every transition as it is applied, and a `site` message
 * whenever a site's gaps or chain verdict change. Read-only. A slow client is paused and
 * re-snapshotted, one that does not read is cut off; broadcasting never waits on a client.
 */
export class CentreWsHub {
  readonly stats: CentreWsHubStats = { connected: 0, connections: 0, badMessages: 0, slowClientsBehind: 0, slowClientsDropped: 0, transitionsSent: 0, rateLimited: 0, refusedUpgrades: 0, credentialsEnded: 0 };
  /** Connection counts (for the upgrade's limits), message rates, credentials checked again. */
  readonly guard: WsGuard<Client>;
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: CentreWsHubOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: o.maxMessageBytes });
    this.guard = new WsGuard({ limits: o.limits, logger: o.logger, now: o.now, clients: () => this.clients, errorMessage: (code, message) => centreWsMessage.error(code, message, null), stats: this.stats });
  }

  /** The upgrade's `?site=` must be among the principal's sites: refused at the upgrade (403) otherwise (admitUpgrade's check). */
  checkSite(credentials: Credentials, url: URL): void {
    const site = url.searchParams.get('site');
    if (site === null || site === '' || this.o.scope.sees(credentials.principal, site)) return;
    const user = credentials.principal.user;
    throw new HazgateError('HG_ERR_AUTH_FORBIDDEN', `site "${site.slice(0, 64)}" is not among the sites of ${user}`, { user, permission: 'read', site: site.slice(0, 64) });
  }

  /** An upgrade admitted (admitUpgrade with checkSite). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, credentials: Credentials): void {
    const site = new URL(req.url ?? '/', 'http://hazgate').searchParams.get('site');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, site === null || site === '' ? null : site, credentials));
  }

  /** A journal record applied now: `entry` is `{ site, journalSeq, ...transition }`. */
  broadcastTransition(entry: SiteScoped): void {
    if (this.clients.size === 0) return;
    const text = centreWsMessage.transition(entry);
    for (const c of this.clients) if (this.concerns(c, entry.site) && this.sendLive(c, text)) this.stats.transitionsSent++;
  }

  /** A site's gaps or chain verdict changed. */
  broadcastSite(summary: SiteScoped): void {
    if (this.clients.size === 0) return;
    const text = centreWsMessage.site(summary, this.o.now());
    for (const c of this.clients) if (this.concerns(c, summary.site)) this.sendLive(c, text);
  }

  async close(graceMs = 500): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.guard.close();
    for (const c of this.clients) c.socket.close(1001, 'server shutting down');
    const cut = setTimeout(() => {
      for (const c of this.clients) c.socket.terminate();
    }, graceMs);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      const check = (): void => (this.clients.size === 0 ? resolve() : void setTimeout(check, 20));
      check();
    });
    clearTimeout(cut);
  }

  private concerns(c: Client, site: string): boolean {
    return (c.site === null || c.site === site) && this.o.scope.sees(c.principal, site);
  }

  private onConnection(socket: WebSocket, site: string | null, credentials: Credentials): void {
    const client: Client = { socket, site, skipped: null, behindSince: 0, ...this.guard.partsOf(credentials) };
    this.clients.add(client);
    this.guard.joined(client);
    this.stats.connected++;
    this.stats.connections++;
    socket.on('message', (data, isBinary) => this.onMessage(client, isBinary ? '' : data.toString()));
    socket.on('close', () => this.drop(client));
    socket.on('error', (e) => this.o.logger.debug({ err: e.message }, 'centre WebSocket client error'));
    this.send(client, centreWsMessage.hello(this.o.centreId, this.o.now(), this.o.version, site));
    this.sendSnapshot(client);
  }

  private sendSnapshot(client: Client): void {
    const site = client.site ?? undefined;
    const mine = this.o.scope.filter(client.principal);
    try {
      const alarms = this.o.alarms(site).filter(mine);
      this.send(client, centreWsMessage.snapshotBegin(alarms.length));
      for (const a of alarms) this.send(client, centreWsMessage.condition(a));
      this.send(client, centreWsMessage.snapshotEnd(alarms.length));
      const now = this.o.now();
      for (const s of this.o.sites(site).filter(mine)) this.send(client, centreWsMessage.site(s, now));
    } catch (e) {
      const code = isHazgateError(e) ? e.code : 'HG_ERR_INTERNAL';
      this.o.logger.error({ code, err: String(e) }, 'centre WebSocket snapshot failed');
      this.send(client, centreWsMessage.error(code, 'the snapshot could not be read; ask again with {"type":"snapshot"}', null));
    }
  }

  private onMessage(client: Client, text: string): void {
    if (!this.guard.admit(client)) return;
    const msg = parseCentreClientMessage(text);
    if (isHazgateError(msg)) {
      this.stats.badMessages++;
      this.send(client, centreWsMessage.error(msg.code, msg.message, msg.details['requestId']));
      return;
    }
    if (msg.type === 'snapshot') this.sendSnapshot(client);
    else this.send(client, centreWsMessage.pong(msg.requestId));
  }

  private sendLive(client: Client, text: string): boolean {
    if (client.skipped !== null) {
      client.skipped++;
      return false;
    }
    if (client.socket.readyState === client.socket.OPEN && client.socket.bufferedAmount > this.o.maxBufferedBytes) {
      client.skipped = 1;
      client.behindSince = this.o.now();
      this.stats.slowClientsBehind++;
      this.send(client, centreWsMessage.behind());
      this.timer ??= setInterval(() => this.resyncCaughtUp(), this.o.resyncCheckMs ?? 250);
      this.timer.unref();
      return false;
    }
    return this.send(client, text);
  }

  private send(client: Client, text: string): boolean {
    const socket = client.socket;
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount > CUT_OFF_FACTOR * this.o.maxBufferedBytes) {
      this.cutOff(client, 'centre WebSocket client does not read, disconnected');
      return false;
    }
    socket.send(text);
    return true;
  }

  private cutOff(client: Client, message: string): void {
    this.stats.slowClientsDropped++;
    this.o.logger.warn({ code: 'HG_ERR_WS_SLOW_CLIENT', buffered: client.socket.bufferedAmount }, message);
    client.socket.terminate();
    this.drop(client);
  }

  private resyncCaughtUp(): void {
    let behind = 0;
    for (const c of this.clients) {
      if (c.skipped === null) continue;
      if (c.socket.bufferedAmount > this.o.maxBufferedBytes / 4) {
        if (this.o.now() - c.behindSince > (this.o.behindLimitMs ?? 30_000)) this.cutOff(c, 'centre WebSocket client stayed behind too long, disconnected');
        else behind++;
        continue;
      }
      const skipped = c.skipped;
      c.skipped = null;
      this.send(c, centreWsMessage.resync(skipped));
      this.sendSnapshot(c);
    }
    if (behind === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private drop(client: Client): void {
    if (!this.clients.delete(client)) return;
    this.guard.left(client);
    this.stats.connected--;
  }
}
