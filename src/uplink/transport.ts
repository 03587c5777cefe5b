import { excerpt } from '../core/excerpt.js';
import { HazgateError, type ComponentState, type FeedAck, type FeedBatch } from '../core/index.js';
import { parseFeedAck } from './message-schema.js';

/**
 * How feed batches reach a centre (MQTT, HTTPS): the sender (sender.ts) decides what to send and
 * when; a transport only carries. Handing a batch over is not delivery: only the centre's ack (an
 * ack message, an HTTP response naming `upto`) lets the outbox delete anything. An MQTT PUBACK
 * means the broker has the batch, not that the centre applied it.
 */
export interface UplinkTransport {
  /** `mqtt` or `https`: names it in logs and metrics. */
  readonly kind: string;
  /** Opens the connection (MQTT) or the agent (HTTPS); resolves after the first attempt, connected or not. */
  start(): Promise<void>;
  /**
   * Hands a batch to the centre's side: resolves when the broker took it (PUBACK) or the centre
   * answered 2xx. Rejects with HG_ERR_UPLINK_TRANSPORT (not connected, lost, timed out, 5xx, 408,
   * 429: retry with back-off) or HG_ERR_UPLINK_REFUSED (the centre said no: retry slowly).
   */
  send(batch: FeedBatch): Promise<void>;
  /** Called with every well-formed ack for this site, in the order they arrive (they may repeat or go backwards). */
  onAck(callback: (ack: FeedAck) => void): void;
  /** Told of acks that do not parse or name another site (HG_ERR_UPLINK_BAD_MESSAGE), and of connection losses. */
  onError(callback: (error: HazgateError) => void): void;
  /** Told of every change of state: the sender retries at once when a connection comes back instead of waiting out its back-off. */
  onStatus(callback: (status: TransportStatus) => void): void;
  /** After this resolves no ack is passed on; sends in progress reject. */
  stop(): Promise<void>;
  status(): TransportStatus;
}

/** For /readyz and metrics. */
export interface TransportStatus {
  readonly state: ComponentState;
  /** Why it is not up (the last connection error, the last refusal). */
  readonly reason?: string;
  /** Epoch ms of the last state change. */
  readonly since: number;
  /** Connections made after the first one (MQTT), or 0. */
  readonly reconnects: number;
  /** Acks received that did not parse or named another site. */
  readonly badAcks: number;
}

/** Keeps a transport's state and its callbacks in one place. */
export class TransportState {
  private state: ComponentState = 'stopped';
  private reason: string | undefined;
  private since: number;
  reconnects = 0;
  badAcks = 0;
  private readonly ackListeners: ((ack: FeedAck) => void)[] = [];
  private readonly errorListeners: ((error: HazgateError) => void)[] = [];
  private readonly statusListeners: ((status: TransportStatus) => void)[] = [];

  constructor(private readonly now: () => number) {
    this.since = now();
  }

  set(state: ComponentState, reason?: string): void {
    const changed = state !== this.state;
    if (changed) this.since = this.now();
    this.state = state;
    this.reason = reason;
    if (changed) for (const cb of this.statusListeners) cb(this.status());
  }

  get current(): ComponentState {
    return this.state;
  }

  addAckListener(cb: (ack: FeedAck) => void): void {
    this.ackListeners.push(cb);
  }

  addErrorListener(cb: (error: HazgateError) => void): void {
    this.errorListeners.push(cb);
  }

  addStatusListener(cb: (status: TransportStatus) => void): void {
    this.statusListeners.push(cb);
  }

  ack(ack: FeedAck): void {
    for (const cb of this.ackListeners) cb(ack);
  }

  error(error: HazgateError): void {
    for (const cb of this.errorListeners) cb(error);
  }

  status(): TransportStatus {
    return { state: this.state, ...(this.reason === undefined ? {} : { reason: this.reason }), since: this.since, reconnects: this.reconnects, badAcks: this.badAcks };
  }
}

/**
 * An ack's text as it came (MQTT payload, HTTP response body), checked against the feed schema and
 * the site. @throws HazgateError HG_ERR_UPLINK_BAD_MESSAGE.
 */
export function parseAckText(site: string, text: string): FeedAck {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new HazgateError('HG_ERR_UPLINK_BAD_MESSAGE', `feed ack for site "${site}" is not JSON: ${text.slice(0, 80)}`, { site }, cause);
  }
  const ack = parseFeedAck(json);
  if (ack.site !== site) {
    const named = excerpt(ack.site);
    throw new HazgateError('HG_ERR_UPLINK_BAD_MESSAGE', `feed ack for site "${named}" reached the uplink of site "${site}"`, { site, ackSite: named });
  }
  return ack;
}
