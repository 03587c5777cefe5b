import { connect, type IClientOptions, type IClientPublishOptions, type MqttClient } from 'mqtt';
import { HazgateError, systemClock, type Clock, type FeedAck, type FeedBatch } from '../core/index.js';
import { ackTopic, checkTopicSettings, feedTopic } from './mqtt-topics.js';
import { DEFAULT_PARTITIONS } from './partition.js';
import { signBody } from './sign.js';
import { backoffDelay, systemTimers, UPLINK_BACKOFF, type BackoffOptions, type CancelTimer, type UplinkTimers } from './timers.js';
import { readTlsFiles, type UplinkTlsOptions } from './tls-files.js';
import { parseAckText, TransportState, type TransportStatus, type UplinkTransport } from './transport.js';

export interface MqttTransportOptions {
  /** The centre's broker: `mqtts://host:8883` (or mqtt://, ws://, wss://). */
  readonly url: string;
  readonly site: string;
  /** Feed partitions; must equal the centre's setting (default 16). */
  readonly partitions?: number;
  /** Fixed per site so the broker finds the session again (default `hazgate-<site>`). */
  readonly clientId?: string;
  /** 4 = MQTT 3.1.1 (default), 5 = MQTT 5. */
  readonly protocolVersion?: 4 | 5;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: UplinkTlsOptions;
  /** Default 30. */
  readonly keepaliveS?: number;
  /** Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** No PUBACK this long after a publish: the hand-over failed (default 30 s). */
  readonly publishTimeoutMs?: number;
  /** MQTT 5: how long the broker keeps the session while we are away (default 7 days; 3.1.1 brokers keep it by their own setting). */
  readonly sessionExpiryS?: number;
  /** MQTT 5: the site's HMAC key; each batch then carries `x-hazgate-signature` as a user property (as the HTTPS header). */
  readonly signingKey?: string;
  /** Reconnect waits (default 1 s doubling to 60 s). */
  readonly reconnect?: BackoffOptions;
  readonly clock?: Clock;
  readonly timers?: UplinkTimers;
  /** Makes the MQTT.js client (tests may wrap it). */
  readonly open?: (url: string, options: IClientOptions) => MqttClient;
}

type Defaulted = 'partitions' | 'protocolVersion' | 'keepaliveS' | 'connectTimeoutMs' | 'publishTimeoutMs' | 'sessionExpiryS' | 'clientId' | 'clock' | 'timers' | 'reconnect';

export const MQTT_TRANSPORT_DEFAULTS: Readonly<Required<Pick<MqttTransportOptions, Exclude<Defaulted, 'clientId' | 'clock' | 'timers'>>>> = {
  partitions: DEFAULT_PARTITIONS,
  protocolVersion: 4,
  keepaliveS: 30,
  connectTimeoutMs: 10_000,
  publishTimeoutMs: 30_000,
  sessionExpiryS: 604_800,
  reconnect: UPLINK_BACKOFF,
};

/** The MQTT 5 user property carrying the batch's signature. */
export const SIGNATURE_PROPERTY = 'x-hazgate-signature';

const URL_SCHEMES = ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'];
const SUBACK_FAILURE = 0x80;
/** MQTT 5 PUBACK 0x10: accepted, but nobody subscribes to the topic (the centre is not listening). */
const NO_MATCHING_SUBSCRIBERS = 0x10;

interface PendingPublish {
  settle(error?: HazgateError): void;
}

/**
 * The feed over MQTT: QoS 1, a persistent session under a fixed client id, batches on
 * `hazgate/v1/feed/<partition>/<site>`, acks from `hazgate/v1/ack/<site>` (subscribed QoS 1 at
 * every connect, so acks the broker kept for us while we were away arrive first). Sends are refused
 * while not connected and subscribed; a connection lost under a publish fails it (MQTT.js may still
 * deliver its copy after reconnecting: the centre drops it as a duplicate).
 */
export class MqttTransport implements UplinkTransport {
  readonly kind = 'mqtt';
  readonly feedTopic: string;
  readonly ackTopic: string;
  private readonly o: MqttTransportOptions & Required<Pick<MqttTransportOptions, Defaulted>>;
  private readonly clientOptions: IClientOptions;
  private readonly state: TransportState;
  private client: MqttClient | undefined;
  private ready = false;
  private subscribeRefused: string | undefined;
  private everConnected = false;
  private attempts = 0;
  private retry: CancelTimer | undefined;
  private outageReported = false;
  private lastError: Error | undefined;
  private readonly pending = new Set<PendingPublish>();
  /** start() waits for the first attempt: connected and subscribed to the acks, or failed. */
  private settleFirstAttempt: () => void = () => undefined;
  /** MQTT 5 PUBACKs saying nobody subscribes to the feed topic. */
  noSubscribers = 0;

  /** @throws HazgateError HG_ERR_UPLINK_CONFIG (site, partitions, URL, TLS files) before anything is opened. */
  constructor(options: MqttTransportOptions) {
    this.o = { ...MQTT_TRANSPORT_DEFAULTS, clientId: `hazgate-${options.site}`, clock: systemClock, timers: systemTimers, ...options };
    checkTopicSettings(this.o.site, this.o.partitions);
    let scheme = '';
    try {
      scheme = new URL(this.o.url).protocol;
    } catch {
      // reported below
    }
    if (!URL_SCHEMES.includes(scheme)) throw new HazgateError('HG_ERR_UPLINK_CONFIG', `uplink mqtt: "${this.o.url}" is not an mqtt://, mqtts://, ws:// or wss:// URL`, { url: this.o.url });
    this.feedTopic = feedTopic(this.o.site, this.o.partitions);
    this.ackTopic = ackTopic(this.o.site);
    this.clientOptions = this.buildClientOptions();
    this.state = new TransportState(() => this.o.clock.now());
  }

  async start(): Promise<void> {
    if (this.client !== undefined) return;
    this.state.set('starting');
    const client = (this.o.open ?? connect)(this.o.url, this.clientOptions);
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (error) => {
      this.lastError = error;
    });
    client.on('close', () => this.onClose(client));
    await new Promise<void>((resolve) => {
      this.settleFirstAttempt = resolve;
    });
  }

  send(batch: FeedBatch): Promise<void> {
    const client = this.client;
    if (client === undefined || !this.ready) {
      const refused = this.subscribeRefused;
      if (refused !== undefined) return Promise.reject(new HazgateError('HG_ERR_UPLINK_REFUSED', `uplink mqtt of site "${this.o.site}": ${refused}: no ack could reach the gateway`, { site: this.o.site, topic: this.ackTopic }));
      const why = this.state.status().reason ?? 'not connected';
      return Promise.reject(this.transportError(`cannot publish to ${redact(this.o.url)}: ${why}`));
    }
    const payload = JSON.stringify(batch);
    const options: IClientPublishOptions = { qos: 1, retain: false };
    if (this.o.protocolVersion === 5 && this.o.signingKey !== undefined) options.properties = { userProperties: { [SIGNATURE_PROPERTY]: signBody(payload, this.o.signingKey) } };
    return new Promise((resolve, reject) => {
      let cancelTimer: CancelTimer = () => undefined;
      const entry: PendingPublish = {
        settle: (error) => {
          if (!this.pending.delete(entry)) return;
          cancelTimer();
          if (error === undefined) resolve();
          else reject(error);
        },
      };
      this.pending.add(entry);
      cancelTimer = this.o.timers.schedule(() => entry.settle(this.transportError(`no PUBACK within ${this.o.publishTimeoutMs} ms for seqs ${batch.messages[0]?.seq}..`)), this.o.publishTimeoutMs);
      client.publish(this.feedTopic, payload, options, (error, packet) => {
        if (error === undefined || error === null) {
          if (packet !== undefined && 'reasonCode' in packet && packet.reasonCode === NO_MATCHING_SUBSCRIBERS) this.noSubscribers++;
          entry.settle();
          return;
        }
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'number' && code >= SUBACK_FAILURE) {
          entry.settle(new HazgateError('HG_ERR_UPLINK_REFUSED', `uplink mqtt of site "${this.o.site}": the broker refused the publish on ${this.feedTopic}: ${error.message}`, { site: this.o.site, topic: this.feedTopic, reasonCode: code }, error));
        } else entry.settle(this.transportError(`publish on ${this.feedTopic} failed: ${error.message}`, error));
      });
    });
  }

  onAck(callback: (ack: FeedAck) => void): void {
    this.state.addAckListener(callback);
  }

  onError(callback: (error: HazgateError) => void): void {
    this.state.addErrorListener(callback);
  }

  onStatus(callback: (status: TransportStatus) => void): void {
    this.state.addStatusListener(callback);
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    this.client = undefined;
    this.ready = false;
    this.retry?.();
    this.retry = undefined;
    this.failPending('the uplink stopped');
    this.state.set('stopped');
    this.settleFirstAttempt();
    // In-flight publishes need not finish: the outbox still holds them. A connected client says goodbye.
    let ended = false;
    let cancel: CancelTimer = () => undefined;
    const graceful = client.endAsync(!client.connected).then(() => {
      ended = true;
    });
    const patience = new Promise<void>((resolve) => {
      cancel = this.o.timers.schedule(resolve, 2_000);
    });
    await Promise.race([graceful, patience]);
    cancel();
    if (!ended) await client.endAsync(true);
  }

  status(): TransportStatus {
    return this.state.status();
  }

  private buildClientOptions(): IClientOptions {
    const tls = readTlsFiles(this.o.tls, `uplink mqtt ${this.o.url}`);
    const options: IClientOptions = {
      clientId: this.o.clientId,
      clean: false,
      protocolVersion: this.o.protocolVersion,
      keepalive: this.o.keepaliveS,
      connectTimeout: this.o.connectTimeoutMs,
      // We reconnect ourselves, with back-off: MQTT.js would retry at a fixed period for ever.
      reconnectPeriod: 0,
      resubscribe: false,
      rejectUnauthorized: tls.rejectUnauthorized,
      ...(tls.ca === undefined ? {} : { ca: tls.ca }),
      ...(tls.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls.key === undefined ? {} : { key: tls.key }),
      ...(this.o.username === undefined ? {} : { username: this.o.username }),
      ...(this.o.password === undefined ? {} : { password: this.o.password }),
    };
    if (this.o.protocolVersion === 5) options.properties = { sessionExpiryInterval: this.o.sessionExpiryS };
    return options;
  }

  private onConnect(client: MqttClient): void {
    if (client !== this.client) return;
    if (this.everConnected) this.state.reconnects++;
    this.everConnected = true;
    this.attempts = 0;
    this.outageReported = false;
    this.lastError = undefined;
    this.subscribeRefused = undefined;
    // Nagle would hold a small PUBLISH back until the broker's delayed ACK (tens of ms per batch).
    (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
    // Every connect, session present or not: cheap, and the only way to be sure the broker has it.
    client.subscribe(this.ackTopic, { qos: 1 }, (error, granted) => {
      if (client !== this.client || !client.connected) return;
      const code = granted?.[0]?.qos;
      if (typeof code === 'number' && code >= SUBACK_FAILURE) {
        this.subscribeRefused = `the broker refused the subscription to ${this.ackTopic} (SUBACK 0x${code.toString(16)})`;
        this.state.set('degraded', this.subscribeRefused);
        this.state.error(new HazgateError('HG_ERR_UPLINK_REFUSED', `uplink mqtt of site "${this.o.site}": ${this.subscribeRefused}`, { site: this.o.site, topic: this.ackTopic }));
      } else if (error) {
        // The connection is failing; the close that follows reports it.
        this.lastError = error;
      } else {
        this.ready = true;
        this.state.set('up');
      }
      this.settleFirstAttempt();
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic !== this.ackTopic || this.client === undefined) return;
    let ack: FeedAck;
    try {
      ack = parseAckText(this.o.site, payload.toString('utf8'));
    } catch (error) {
      this.state.badAcks++;
      if (error instanceof HazgateError) this.state.error(error);
      return;
    }
    this.state.ack(ack);
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client) return;
    const wasReady = this.ready;
    this.ready = false;
    const reason = this.lastError?.message ?? (wasReady ? 'connection lost' : 'connection closed');
    this.failPending(`connection lost: ${reason}`);
    this.state.set('down', reason);
    this.settleFirstAttempt();
    if (!this.outageReported) {
      const what = this.everConnected ? 'lost the connection to' : 'cannot connect to';
      this.state.error(this.transportError(`${what} ${redact(this.o.url)}: ${reason}`, this.lastError));
    }
    this.outageReported = true;
    this.lastError = undefined;
    // MQTT.js may report one failure as more than one close: one retry at a time.
    if (this.retry !== undefined) return;
    this.retry = this.o.timers.schedule(() => {
      this.retry = undefined;
      if (client === this.client) client.reconnect();
    }, backoffDelay(this.attempts++, this.o.reconnect));
  }

  private failPending(why: string): void {
    for (const entry of [...this.pending]) entry.settle(this.transportError(`publish not acknowledged by the broker: ${why}`));
  }

  private transportError(message: string, cause?: unknown): HazgateError {
    return new HazgateError('HG_ERR_UPLINK_TRANSPORT', `uplink mqtt of site "${this.o.site}": ${message}`, { site: this.o.site, url: redact(this.o.url) }, cause);
  }
}

/** The URL without a password. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
