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
/** A snapshot that has not ended this long after it was due is asked for again, then the link is made anew. */
export const SNAPSHOT_WAIT_MS = 15_000;
/** Times a snapshot the server could not read is asked for again before connecting anew. */
const SNAPSHOT_RETRIES = 3;

/**
 * Whether an `error` message ends the session: an HG_ERR_AUTH_* not answering a request (the server
 * sends `requestId: null`; an older one left it out). Any other close, a 1008 for the message rate
 * included, is only a lost link (reconnect with back-off).
 */
export function endsSession(msg: WireMessage): boolean {
  return typeof msg['code'] === 'string' && msg['code'].startsWith('HG_ERR_AUTH_') && (msg['requestId'] === undefined || msg['requestId'] === null);
}

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
  /** When the link entered `snapshot` (or last asked for one), and how often it asked again. */
  private snapshotSince = 0;
  private snapshotAsks = 0;
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

  /** Connects again at once (another site chosen at a centre): nothing of the old site's link stays. */
  restart(): void {
    this.stop();
    this.attempt = 0;
    this.liveUntil = null;
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
      // Only credentials end the session (the server said so, or named it as the close reason); a
      // 1008 for the message rate or anything else is a lost link, tried again with back-off.
      const reasonAuth = ev.code === 1008 && ev.reason.startsWith('HG_ERR_AUTH_') ? { code: ev.reason, message: '' } : null;
      const auth = this.authCode ?? reasonAuth;
      if (auth !== null) {
        const a = auth;
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
        this.snapshotAsks = 0;
        this.enterSnapshot();
        break;
      case 'snapshot-begin':
      case 'resync':
        if (this.state !== 'snapshot') this.enterSnapshot();
        break;
      case 'snapshot-end':
        this.liveUntil = Date.now();
        this.snapshotAsks = 0;
        this.setState('live');
        break;
      case 'behind':
        this.setState('behind');
        break;
      case 'error':
        if (endsSession(msg)) this.authCode = { code: String(msg['code']), message: typeof msg['message'] === 'string' ? msg['message'] : '' };
        // The server could not read the snapshot (a centre's store busy): ask again, a little later each time.
        else if (this.state === 'snapshot' && (msg['requestId'] === undefined || msg['requestId'] === null) && msg['code'] !== 'HG_ERR_WS_RATE') this.snapshotFailed();
        break;
      default:
        // What is shown is as of the last message heard while live (never later: silence proves nothing).
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
    if (this.state === 'snapshot' && now - this.snapshotSince > SNAPSHOT_WAIT_MS) {
      // No snapshot-end: ask once more, then connect anew.
      if (this.snapshotAsks < SNAPSHOT_RETRIES) return void this.askSnapshot();
      return this.reconnect();
    }
    if (now - this.lastHeard >= PING_MS && now - this.lastPing >= PING_MS) {
      this.lastPing = now;
      this.send({ type: 'ping' });
    }
  }

  private enterSnapshot(): void {
    this.snapshotSince = Date.now();
    this.setState('snapshot');
  }

  private askSnapshot(): void {
    this.snapshotAsks++;
    this.snapshotSince = Date.now();
    this.send({ type: 'snapshot' });
  }

  private snapshotFailed(): void {
    if (this.snapshotAsks >= SNAPSHOT_RETRIES) return this.reconnect();
    const ws = this.ws;
    const delay = 1000 * 2 ** this.snapshotAsks;
    // Counted now, so a second error before the retry does not ask twice.
    this.snapshotAsks++;
    this.snapshotSince = Date.now() + delay;
    this.timers.push(
      setTimeout(() => {
        if (this.ws !== ws || this.state !== 'snapshot') return;
        this.snapshotSince = Date.now();
        this.send({ type: 'snapshot' });
      }, delay),
    );
  }

  /** Drops this connection and connects anew (with back-off). */
  private reconnect(): void {
    const ws = this.ws;
    this.ws = null;
    ws?.close(4001, 'no snapshot');
    this.lost();
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
