import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isHazgateError, type AlarmService, type HazgateError, type FloodState, type ZoneHeadcount, type AlarmTransition, type Logger, type OperatorAction, type PointDirectory, type Sample } from '../core/index.js';
import { operatorRequest, type ActionFields } from './alarm-request.js';
import type { AccessAudit } from './access-audit.js';
import type { Credentials } from './http-auth.js';
import type { SiteScope } from './site-scope.js';
import type { WsLimits } from './ws-admission.js';
import { WsGuard, type GuardedClient } from './ws-guard.js';
import { parseClientMessage, wsMessage, type ClientMessage } from './ws-protocol.js';

export interface WsHubOptions {
  readonly siteId: string;
  readonly version: string;
  readonly alarms: AlarmService;
  readonly points: PointDirectory;
  readonly logger: Logger;
  readonly now: () => number;
  /**
   * A client with more than this queued falls behind: it is told (`behind`), live messages to it
   * pause, and once it has drained it gets `resync`, a fresh snapshot and its points' values. One
   * with four times this queued (dead, or not reading at all) is cut off.
   */
  readonly maxBufferedBytes: number;
  /** How often a client that fell behind is checked for having caught up; default 250 ms. */
  readonly resyncCheckMs?: number;
  /** A client still behind after this long is cut off (it is not reading); default 30 s. */
  readonly behindLimitMs?: number;
  /** Operator positions in alarm flood now: sent after every snapshot, so a (re)connected client knows. */
  readonly floods?: () => readonly FloodState[];
  /** Every zone's headcount now (personnel location): sent after every snapshot to consoles without an audience. */
  readonly headcounts?: (now: number) => readonly ZoneHeadcount[];
  readonly maxMessageBytes: number;
  /** Where things lie, for each client's scopes; and the auth service behind it. */
  readonly scope: SiteScope;
  /** Connections in all and per user, messages a second; default DEFAULT_WS_LIMITS. */
  readonly limits?: WsLimits | undefined;
  /** Where actions refused for the role or the scopes are recorded. */
  readonly audit?: AccessAudit | undefined;
}

export interface WsHubStats {
  connected: number;
  connections: number;
  messagesIn: number;
  badMessages: number;
  /** Times a client fell behind (and was re-snapshotted once it caught up). */
  slowClientsBehind: number;
  slowClientsDropped: number;
  transitionsSent: number;
  /** Messages refused for the client's rate (HG_ERR_WS_RATE). */
  rateLimited: number;
  /** Upgrades refused: no or bad credentials, no room (HG_ERR_WS_LIMIT), a credential in the URL. */
  refusedUpgrades: number;
  /** Connections ended because their token, session or user no longer stood. */
  credentialsEnded: number;
}

interface Client extends GuardedClient {
  readonly points: Set<string>;
  /** Live messages not sent since it fell behind; null while it keeps up. */
  skipped: number | null;
  /** When it fell behind (hub time). */
  behindSince: number;
  /** `/ws?audience=fire-control-room`: only alarms for that audience; null: every alarm. */
  readonly audience: string | null;
  /** Conditions an audience client was told of: it also hears the transition that takes one away from it. */
  readonly heard: Set<string>;
}

/**
 * Whether a client is told of a transition: every one without an audience; with one, those for it,
 * and the first after a condition it heard of stops being for it (level 2 back to level 1: the
 * fire control room must see its level-2 alarm end). Never one outside its scopes.
 */
function concerns(client: Client, t: AlarmTransition, scope: SiteScope): boolean {
  if (!scope.sees(client.principal, scope.ofTransition(t))) return false;
  if (client.audience === null) return true;
  if (t.audiences?.includes(client.audience) ?? false) {
    client.heard.add(t.conditionId);
    return true;
  }
  return client.heard.delete(t.conditionId);
}

/** A client this many times over maxBufferedBytes is not reading at all: cut off. */
const CUT_OFF_FACTOR = 4;

/**
 * The supervisors' live feed: a snapshot of retained conditions between markers on connect (like
 * OPC UA ConditionRefresh), then every transition; live values of the points a client subscribes.
 * Broadcasting never waits on a client. A client that cannot keep up is told it fell behind and is
 * re-snapshotted when it has caught up, so it never silently misses a transition (the ones in
 * between are in /api/alarms/history); one that does not read at all is cut off. Both are counted.
 */
export class WsHub {
  readonly stats: WsHubStats = { connected: 0, connections: 0, messagesIn: 0, badMessages: 0, slowClientsBehind: 0, slowClientsDropped: 0, transitionsSent: 0, rateLimited: 0, refusedUpgrades: 0, credentialsEnded: 0 };
  /** Connection counts (for the upgrade's limits), message rates, credentials checked again. */
  readonly guard: WsGuard<Client>;
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  private readonly byPoint = new Map<string, Set<Client>>();
  private readonly behind = new Set<Client>();
  private resyncTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: WsHubOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes });
    this.guard = new WsGuard({ limits: opts.limits, logger: opts.logger, now: opts.now, clients: () => this.clients, errorMessage: (code, message) => wsMessage.error(code, message, null), stats: this.stats });
  }

  /** An upgrade admitted (admitUpgrade): its credentials decide what the client sees and may do. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, credentials: Credentials): void {
    const audience = new URL(req.url ?? '/', 'http://hazgate').searchParams.get('audience');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, audience === '' ? null : audience, credentials));
  }

  broadcastTransition(t: AlarmTransition): void {
    if (this.clients.size === 0) return;
    const text = wsMessage.transition(t);
    for (const c of this.clients) if (concerns(c, t, this.opts.scope) && this.sendLive(c, text)) this.stats.transitionsSent++;
  }

  /** A zone's headcount changed (personnel location): every console that sees the whole site hears it, live. */
  broadcastHeadcount(h: ZoneHeadcount, time: number): void {
    if (this.clients.size === 0) return;
    const text = wsMessage.headcount(h, time);
    for (const c of this.clients) if (this.hearsHeadcounts(c)) this.sendLive(c, text);
  }

  /** An operator position entered or left alarm flood (EEMUA 191); told to the clients that see the position. */
  broadcastFlood(position: string, flood: boolean, count: number, time: number): void {
    const text = wsMessage.flood(position, flood, count, time);
    const { scope } = this.opts;
    for (const c of this.clients) if (scope.sees(c.principal, scope.ofPosition(position))) this.sendLive(c, text);
  }

  publishSample(s: Sample): void {
    const subs = this.byPoint.get(s.pointId);
    if (subs === undefined || subs.size === 0) return;
    const text = wsMessage.value(s);
    const { scope } = this.opts;
    const target = scope.ofPoint(s.pointId);
    // Scopes are checked at each value, not only at subscribe: a user whose areas were narrowed
    // (seen at the 30 s credential re-check) stops receiving what they may no longer see.
    for (const c of subs) if (scope.sees(c.principal, target)) this.sendLive(c, text);
  }

  /**
   * Says goodbye (1001) and cuts every client off after a short grace: a client that never answers
   * the close handshake must not hold the shutdown (store flush, journal close) for ws's 30 s.
   */
  async close(graceMs = 500): Promise<void> {
    if (this.resyncTimer !== null) clearInterval(this.resyncTimer);
    this.resyncTimer = null;
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

  private onConnection(socket: WebSocket, audience: string | null, credentials: Credentials): void {
    const client: Client = { socket, points: new Set(), skipped: null, behindSince: 0, audience, heard: new Set(), ...this.guard.partsOf(credentials) };
    this.clients.add(client);
    this.guard.joined(client);
    this.stats.connected++;
    this.stats.connections++;
    socket.on('message', (data, isBinary) => this.onMessage(client, isBinary ? '' : data.toString()));
    socket.on('close', () => this.drop(client));
    socket.on('error', (e) => this.opts.logger.debug({ err: e.message }, 'WebSocket client error'));
    this.send(client, wsMessage.hello(this.opts.siteId, this.opts.now(), this.opts.version));
    this.sendSnapshot(client);
  }

  /** Zones have no area: headcounts are for consoles without an audience that see the whole site. */
  private hearsHeadcounts(client: Client): boolean {
    return client.audience === null && this.opts.scope.sees(client.principal, this.opts.scope.siteWide);
  }

  private sendSnapshot(client: Client): void {
    if (client.audience !== null) client.heard.clear();
    const { scope } = this.opts;
    const retained = this.opts.alarms.retained().filter((t) => concerns(client, t, scope));
    this.send(client, wsMessage.snapshotBegin(retained.length));
    for (const t of retained) this.send(client, wsMessage.condition(t));
    this.send(client, wsMessage.snapshotEnd(retained.length));
    for (const f of this.opts.floods?.() ?? []) if (scope.sees(client.principal, scope.ofPosition(f.position))) this.send(client, wsMessage.flood(f.position, true, f.count, f.since));
    if (!this.hearsHeadcounts(client) || this.opts.headcounts === undefined) return;
    const now = this.opts.now();
    for (const h of this.opts.headcounts(now)) this.send(client, wsMessage.headcount(h, now));
  }

  private onMessage(client: Client, text: string): void {
    this.stats.messagesIn++;
    if (!this.guard.admit(client)) return;
    const msg = parseClientMessage(text);
    if (isHazgateError(msg)) {
      this.stats.badMessages++;
      this.send(client, wsMessage.error(msg.code, msg.message, msg.details['requestId']));
      return;
    }
    this.dispatch(client, msg);
  }

  private dispatch(client: Client, msg: ClientMessage): void {
    switch (msg.type) {
      case 'subscribe':
        return this.subscribe(client, msg.points, msg.requestId);
      case 'unsubscribe':
        return this.unsubscribe(client, msg.points);
      case 'ack': {
        const { conditionId, requestId } = msg;
        const fields = { eventId: msg.eventId, comment: msg.comment, user: msg.user };
        return this.operate(client, requestId, 'acknowledge', conditionId, fields, (t) => wsMessage.ackResult(t, requestId));
      }
      case 'action': {
        const { action, conditionId, shelve, requestId } = msg;
        const fields = { eventId: msg.eventId, comment: msg.comment, user: msg.user, kind: shelve?.kind, durationMs: shelve?.duration };
        return this.operate(client, requestId, action, conditionId, fields, (t) => wsMessage.actionResult(action, t, requestId));
      }
      case 'snapshot':
        return this.sendSnapshot(client);
      case 'ping':
        this.send(client, wsMessage.pong(msg.requestId));
        return;
    }
  }

  private subscribe(client: Client, points: readonly string[], requestId: unknown): void {
    const samples: Sample[] = [];
    const unknown: string[] = [];
    const { scope } = this.opts;
    for (const id of points) {
      // A point outside the client's scopes is as unknown to it as one not configured.
      if (this.opts.points.get(id) === undefined || !scope.sees(client.principal, scope.ofPoint(id))) {
        unknown.push(id);
        continue;
      }
      client.points.add(id);
      let set = this.byPoint.get(id);
      if (set === undefined) this.byPoint.set(id, (set = new Set()));
      set.add(client);
      const latest = this.opts.points.latest(id);
      if (latest !== undefined) samples.push(latest);
    }
    this.send(client, wsMessage.values(samples, unknown, requestId));
  }

  private unsubscribe(client: Client, points: readonly string[]): void {
    for (const id of points) {
      client.points.delete(id);
      this.byPoint.get(id)?.delete(client);
    }
  }

  /**
   * Checks and carries out an operator action in the client's name, with its credentials checked
   * again first (revoked, logged out, roles changed); a bad request or a refusal is answered with
   * its code (HG_ERR_AUTH_FORBIDDEN when the role does not grant it).
   */
  private operate(client: Client, requestId: unknown, action: OperatorAction, conditionId: string, fields: ActionFields, answer: (t: AlarmTransition) => string): void {
    const principal = this.guard.refresh(client);
    if (principal === null) return;
    try {
      this.opts.scope.authorizeAction(principal, action, conditionId, this.opts.alarms);
      const t = this.opts.alarms.act(operatorRequest(action, conditionId, fields, principal.user));
      this.send(client, answer(t));
    } catch (e) {
      if (isHazgateError(e)) {
        if (e.code === 'HG_ERR_AUTH_FORBIDDEN' || e.details['outOfScope'] === true) this.audit(client, action, e);
        this.send(client, wsMessage.error(e.code, e.message, requestId));
        return;
      }
      // A bug must not take the gateway down through a socket's message handler.
      this.opts.logger.error({ code: 'HG_ERR_INTERNAL', err: String(e), stack: e instanceof Error ? e.stack : undefined }, 'operator action failed unexpectedly');
      this.send(client, wsMessage.error('HG_ERR_INTERNAL', 'internal error', requestId));
    }
  }

  private audit(client: Client, action: OperatorAction, e: HazgateError): void {
    const { user } = client.principal;
    const permission = typeof e.details['permission'] === 'string' ? e.details['permission'] : `alarm.${action}`;
    this.opts.audit?.denied(user, client.credentials.address, `${user} refused ${permission} on the WebSocket (${e.code})`, { code: e.code, permission, route: 'WS /ws' });
  }

  /**
   * A live message (transition, value, flood): skipped and counted while the client is behind;
   * the client falls behind when its queue passes maxBufferedBytes. True when sent.
   */
  private sendLive(client: Client, text: string): boolean {
    if (client.skipped !== null) {
      client.skipped++;
      return false;
    }
    const socket = client.socket;
    if (socket.readyState === socket.OPEN && socket.bufferedAmount > this.opts.maxBufferedBytes) {
      this.fallBehind(client);
      return false;
    }
    return this.send(client, text);
  }

  /** Answers, markers and snapshots: always sent, unless the client is not reading at all. */
  private send(client: Client, text: string): boolean {
    const socket = client.socket;
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount > CUT_OFF_FACTOR * this.opts.maxBufferedBytes) {
      this.cutOff(client, 'WebSocket client does not read, disconnected');
      return false;
    }
    socket.send(text);
    return true;
  }

  private cutOff(client: Client, message: string): void {
    this.stats.slowClientsDropped++;
    this.opts.logger.warn({ code: 'HG_ERR_WS_SLOW_CLIENT', buffered: client.socket.bufferedAmount }, message);
    client.socket.terminate();
    this.drop(client);
  }

  private fallBehind(client: Client): void {
    client.skipped = 1;
    client.behindSince = this.opts.now();
    this.behind.add(client);
    this.stats.slowClientsBehind++;
    this.opts.logger.warn({ code: 'HG_ERR_WS_SLOW_CLIENT', buffered: client.socket.bufferedAmount }, 'WebSocket client fell behind; live messages paused until it catches up');
    this.send(client, wsMessage.behind());
    if (this.resyncTimer === null) {
      this.resyncTimer = setInterval(() => this.resyncCaughtUp(), this.opts.resyncCheckMs ?? 250);
      this.resyncTimer.unref();
    }
  }

  /** A client behind whose queue has drained to a quarter of the limit gets resync, a snapshot and its values. */
  private resyncCaughtUp(): void {
    for (const client of this.behind) {
      if (client.socket.bufferedAmount > this.opts.maxBufferedBytes / 4) {
        if (this.opts.now() - client.behindSince > (this.opts.behindLimitMs ?? 30_000)) this.cutOff(client, 'WebSocket client stayed behind too long, disconnected');
        continue;
      }
      const skipped = client.skipped ?? 0;
      client.skipped = null;
      this.behind.delete(client);
      this.send(client, wsMessage.resync(skipped));
      this.sendSnapshot(client);
      const samples = [...client.points].filter((id) => this.opts.scope.sees(client.principal, this.opts.scope.ofPoint(id))).flatMap((id) => this.opts.points.latest(id) ?? []);
      if (samples.length > 0) this.send(client, wsMessage.values(samples, [], null));
    }
    if (this.behind.size === 0 && this.resyncTimer !== null) {
      clearInterval(this.resyncTimer);
      this.resyncTimer = null;
    }
  }

  private drop(client: Client): void {
    this.behind.delete(client);
    if (!this.clients.delete(client)) return;
    this.guard.left(client);
    this.stats.connected--;
    for (const id of client.points) this.byPoint.get(id)?.delete(client);
  }
}
