import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isHazgateError, type AlarmService, type AlarmTransition, type Logger, type OperatorRequest, type PointDirectory, type Sample } from '../core/index.js';
import { operatorRequest } from './alarm-request.js';
import { parseClientMessage, wsMessage, type ClientMessage } from './ws-protocol.js';

export interface WsHubOptions {
  readonly siteId: string;
  readonly version: string;
  readonly alarms: AlarmService;
  readonly points: PointDirectory;
  readonly logger: Logger;
  readonly now: () => number;
  /** A client with more than this queued is cut off; it re-snapshots when it reconnects. */
  readonly maxBufferedBytes: number;
  readonly maxMessageBytes: number;
}

export interface WsHubStats {
  connected: number;
  connections: number;
  messagesIn: number;
  badMessages: number;
  slowClientsDropped: number;
  transitionsSent: number;
}

interface Client {
  readonly socket: WebSocket;
  readonly points: Set<string>;
}

/**
 * The supervisors' live feed: a snapshot of retained conditions between markers on connect (like
 * OPC UA ConditionRefresh), then every transition; live values of the points a client subscribes.
 * Broadcasting never waits on a client: a client that cannot keep up is disconnected and counted.
 */
export class WsHub {
  readonly stats: WsHubStats = { connected: 0, connections: 0, messagesIn: 0, badMessages: 0, slowClientsDropped: 0, transitionsSent: 0 };
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  private readonly byPoint = new Map<string, Set<Client>>();

  constructor(private readonly opts: WsHubOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  broadcastTransition(t: AlarmTransition): void {
    if (this.clients.size === 0) return;
    const text = wsMessage.transition(t);
    for (const c of this.clients) this.send(c, text);
    this.stats.transitionsSent += this.clients.size;
  }

  /** An operator position entered or left alarm flood (EEMUA 191). */
  broadcastFlood(position: string, flood: boolean, count: number, time: number): void {
    const text = wsMessage.flood(position, flood, count, time);
    for (const c of this.clients) this.send(c, text);
  }

  publishSample(s: Sample): void {
    const subs = this.byPoint.get(s.pointId);
    if (subs === undefined || subs.size === 0) return;
    const text = wsMessage.value(s);
    for (const c of subs) this.send(c, text);
  }

  /**
   * Says goodbye (1001) and cuts every client off after a short grace: a client that never answers
   * the close handshake must not hold the shutdown (store flush, journal close) for ws's 30 s.
   */
  async close(graceMs = 500): Promise<void> {
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

  private onConnection(socket: WebSocket): void {
    const client: Client = { socket, points: new Set() };
    this.clients.add(client);
    this.stats.connected++;
    this.stats.connections++;
    socket.on('message', (data, isBinary) => this.onMessage(client, isBinary ? '' : data.toString()));
    socket.on('close', () => this.drop(client));
    socket.on('error', (e) => this.opts.logger.debug({ err: e.message }, 'WebSocket client error'));
    this.send(client, wsMessage.hello(this.opts.siteId, this.opts.now(), this.opts.version));
    this.sendSnapshot(client);
  }

  private sendSnapshot(client: Client): void {
    const retained = this.opts.alarms.retained();
    this.send(client, wsMessage.snapshotBegin(retained.length));
    for (const t of retained) this.send(client, wsMessage.condition(t));
    this.send(client, wsMessage.snapshotEnd(retained.length));
  }

  private onMessage(client: Client, text: string): void {
    this.stats.messagesIn++;
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
        return this.operate(client, requestId, () => operatorRequest('acknowledge', conditionId, fields), (t) => wsMessage.ackResult(t, requestId));
      }
      case 'action': {
        const { action, conditionId, shelve, requestId } = msg;
        const fields = { eventId: msg.eventId, comment: msg.comment, user: msg.user, kind: shelve?.kind, durationMs: shelve?.duration };
        return this.operate(client, requestId, () => operatorRequest(action, conditionId, fields), (t) => wsMessage.actionResult(action, t, requestId));
      }
      case 'snapshot':
        return this.sendSnapshot(client);
      case 'ping':
        return this.send(client, wsMessage.pong(msg.requestId));
    }
  }

  private subscribe(client: Client, points: readonly string[], requestId: unknown): void {
    const samples: Sample[] = [];
    const unknown: string[] = [];
    for (const id of points) {
      if (this.opts.points.get(id) === undefined) {
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

  /** Checks and carries out an operator action; a bad request or a refusal is answered with its code. */
  private operate(client: Client, requestId: unknown, request: () => OperatorRequest, answer: (t: AlarmTransition) => string): void {
    try {
      const t = this.opts.alarms.act(request());
      this.send(client, answer(t));
    } catch (e) {
      if (!isHazgateError(e)) throw e;
      this.send(client, wsMessage.error(e.code, e.message, requestId));
    }
  }

  private send(client: Client, text: string): void {
    const socket = client.socket;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > this.opts.maxBufferedBytes) {
      this.stats.slowClientsDropped++;
      this.opts.logger.warn({ code: 'HG_ERR_WS_SLOW_CLIENT', buffered: socket.bufferedAmount }, 'WebSocket client too slow, disconnected');
      socket.terminate();
      this.drop(client);
      return;
    }
    socket.send(text);
  }

  private drop(client: Client): void {
    if (!this.clients.delete(client)) return;
    this.stats.connected--;
    for (const id of client.points) this.byPoint.get(id)?.delete(client);
  }
}
