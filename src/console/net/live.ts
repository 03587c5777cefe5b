import { reconnectDelay } from '../lib/backoff.js';

/**
 * The link's state as the screen must show it. Only `live` is live: while connecting, receiving a
 * snapshot, paused behind, or lost, the screen says so and greys what it shows.
 */
export type LinkState = 'connecting' | 'snapshot' | 'live' | 'behind' | 'lost';

export interface LinkInfo {
  readonly state: LinkState;
  /** When the link was last live (its data are as of then); null before the first snapshot. */
  readonly liveUntil: number | null;
  readonly attempt: number;
  /** When the next reconnect is tried (state `lost`). */
  readonly retryAt: number | null;
}

export type WireMessage = { readonly type: string } & Readonly<Record<string, unknown>>;

export interface LiveHandlers {
  state(info: LinkInfo): void;
  message(msg: WireMessage): void;
  /** The server ended the link for its credentials (a logout, an expired session): go to the login. */
  authEnded(code: string, message: string): void;
  /** A connection failed before any message: maybe the session is gone (the upgrade's 401 is not visible to a page). */
  refused(): void;
}

/** A ping every 10 s; with nothing heard for 25 s the connection is taken as dead (a half-open TCP connection looks fine otherwise). */
const PING_MS = 10_000;
const SILENCE_MS = 25_000;

/**
 * The console's WebSocket: connects, follows the server's snapshot markers, pings, notices
 * silence, and reconnects with back-off; every reconnect brings a fresh snapshot from the server.
 */
export class LiveLink {
  private ws: WebSocket | null = null;
  private state: LinkState = 'connecting';
  private liveUntil: number | null = null;
  private attempt = 0;
  private retryAt: number | null = null;
  private lastHeard = 0;
  private lastPing = 0;
  private heardAny = false;
  private authCode: { code: string; message: string } | null = null;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private ticker: ReturnType<typeof setInterval> | null = null;
  private stopped = true;

  constructor(
    private readonly url: () => string,
    private readonly handlers: LiveHandlers,
  ) {}

  get info(): LinkInfo {
    return { state: this.state, liveUntil: this.liveUntil, attempt: this.attempt, retryAt: this.retryAt };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.ticker = setInterval(() => this.tick(), 1000);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'console closed');
  }

  /** Connects again at once (another site chosen at a centre). */
  restart(): void {
    this.stop();
    this.attempt = 0;
    this.start();
  }

  send(msg: object): boolean {
    if (this.ws === null || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  private connect(): void {
    this.retryAt = null;
    this.heardAny = false;
    this.authCode = null;
    this.setState('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      return this.lost();
    }
    this.ws = ws;
    this.lastHeard = Date.now();
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      this.heardAny = true;
      let msg: unknown;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (typeof msg !== 'object' || msg === null || typeof (msg as { type?: unknown }).type !== 'string') return;
      this.onMessage(msg as WireMessage);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.authCode !== null || ev.code === 1008) {
        const a = this.authCode ?? { code: 'HG_ERR_AUTH_REQUIRED', message: ev.reason };
        this.stop();
        this.setState('lost');
        return this.handlers.authEnded(a.code, a.message);
      }
      if (!this.heardAny) this.handlers.refused();
      this.lost();
    };
  }

  private onMessage(msg: WireMessage): void {
    switch (msg.type) {
      case 'hello':
        this.attempt = 0;
        this.setState('snapshot');
        break;
      case 'snapshot-begin':
      case 'resync':
        if (this.state !== 'snapshot') this.setState('snapshot');
        break;
      case 'snapshot-end':
        this.liveUntil = Date.now();
        this.setState('live');
        break;
      case 'behind':
        this.setState('behind');
        break;
      case 'error':
        if (typeof msg['code'] === 'string' && msg['code'].startsWith('HG_ERR_AUTH_') && msg['requestId'] === undefined) {
          this.authCode = { code: msg['code'], message: typeof msg['message'] === 'string' ? msg['message'] : '' };
        }
        break;
      default:
        if (this.state === 'live') this.liveUntil = Date.now();
    }
    this.handlers.message(msg);
  }

  private tick(): void {
    if (this.ws === null || this.ws.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    if (now - this.lastHeard > SILENCE_MS) {
      const ws = this.ws;
      this.ws = null;
      ws.close(4000, 'silent');
      return this.lost();
    }
    if (this.state === 'live') this.liveUntil = now;
    if (now - this.lastHeard >= PING_MS && now - this.lastPing >= PING_MS) {
      this.lastPing = now;
      this.send({ type: 'ping' });
    }
  }

  private lost(): void {
    if (this.stopped) return;
    const delay = reconnectDelay(this.attempt, Math.random);
    this.attempt++;
    this.retryAt = Date.now() + delay;
    this.setState('lost');
    this.timers.push(setTimeout(() => this.stopped || this.connect(), delay));
  }

  private setState(state: LinkState): void {
    this.state = state;
    this.handlers.state(this.info);
  }
}
