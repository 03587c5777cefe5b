import { HazgateError } from '../../src/core/errors.js';
import type { AdapterDeps, OnStatus } from '../../src/core/ports.js';
import type { ComponentState } from '../../src/core/status.js';
import type { VideoIngest, VideoSinks } from './ingest.js';
import type { ConnectVideoMqtt, VideoMqttClient } from './mqtt-client-port.js';
import type { VideoMqttConfig, VideoMqttSubscriptionConfig } from './schema.js';
import type { VideoStats } from './metrics.js';
import { matchesFilter } from './topic-match.js';

export interface VideoMqttSessionSetup {
  readonly config: VideoMqttConfig;
  readonly deps: AdapterDeps;
  readonly ingest: VideoIngest;
  readonly stats: VideoStats;
  readonly connect: ConnectVideoMqtt;
}

/**
 * One start→stop run of the video-mqtt adapter: a client, its subscriptions, its status. The same
 * habits as the plant MQTT adapter: a persistent session found again by clientId, resubscribing
 * only when the broker lost the session, connection errors reported once per outage.
 */
export class VideoMqttSession {
  /** Settles after the first connection attempt: connected and subscribed, or failed. */
  readonly firstAttempt: Promise<void>;
  private settleFirstAttempt: () => void = () => undefined;
  private readonly client: VideoMqttClient;
  private closed = false;
  private connected = false;
  private outageReported = false;
  private lastError: Error | undefined;
  /** Bumped on every connect and close so answers meant for an older connection are ignored. */
  private generation = 0;
  private readonly confirmed = new Set<VideoMqttSubscriptionConfig>();
  private state: ComponentState | undefined;
  private reason: string | undefined;

  constructor(
    private readonly setup: VideoMqttSessionSetup,
    private readonly sinks: VideoSinks,
    private readonly onStatus: OnStatus,
  ) {
    this.firstAttempt = new Promise((resolve) => {
      this.settleFirstAttempt = resolve;
    });
    this.setStatus('starting', undefined);
    const { config } = setup;
    this.client = setup.connect(
      {
        url: config.url,
        clientId: config.clientId,
        clean: config.cleanSession,
        keepaliveS: config.keepaliveS,
        reconnectMs: config.reconnectMs,
        connectTimeoutMs: config.connectTimeoutMs,
        ...(config.username === undefined ? {} : { username: config.username }),
        ...(config.password === undefined ? {} : { password: config.password }),
      },
      {
        connect: (connack) => this.onConnect(connack.sessionPresent),
        message: (topic, payload) => this.onMessage(topic, payload),
        close: () => this.onClose(),
        error: (error) => {
          if (!this.closed) this.lastError = error;
        },
      },
    );
  }

  /** After this resolves nothing is emitted; unacknowledged QoS 1/2 messages stay with the broker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.setStatus('stopped', undefined);
    this.settleFirstAttempt();
    await this.client.end();
  }

  private onConnect(sessionPresent: boolean): void {
    if (this.closed) return;
    this.connected = true;
    this.outageReported = false;
    this.lastError = undefined;
    // Without the session the broker forgot our subscriptions.
    if (!sessionPresent) this.confirmed.clear();
    const generation = ++this.generation;
    const pending = this.setup.config.subscriptions.filter((sub) => !this.confirmed.has(sub));
    void this.subscribe(pending, generation);
  }

  private async subscribe(pending: readonly VideoMqttSubscriptionConfig[], generation: number): Promise<void> {
    const granted = await Promise.all(pending.map((sub) => this.subscribeOne(sub, generation)));
    if (this.closed || generation !== this.generation) return;
    const refused = pending.filter((_sub, i) => !granted[i]).map((sub) => sub.topic);
    if (refused.length === 0) this.setStatus('up', undefined);
    else this.setStatus('degraded', `not subscribed: ${refused.join(', ')}`);
    this.settleFirstAttempt();
  }

  private async subscribeOne(sub: VideoMqttSubscriptionConfig, generation: number): Promise<boolean> {
    let failure: string;
    let cause: unknown;
    try {
      const outcome = await this.client.subscribe(sub.topic, sub.qos);
      if (outcome.granted) {
        if (generation === this.generation) this.confirmed.add(sub);
        return true;
      }
      failure = outcome.reason;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      cause = error;
    }
    // Failing because the connection dropped is not the broker refusing: the next connect retries.
    if (this.closed || generation !== this.generation) return false;
    const { id } = this.setup.config;
    this.sinks.onError(new HazgateError('HG_ERR_MQTT_SUBSCRIBE', `video-mqtt ${id}: subscription to "${sub.topic}" failed: ${failure}`, { adapter: id, topic: sub.topic }, cause));
    return false;
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (this.closed) return;
    const { config, ingest, stats } = this.setup;
    stats.messages += 1;
    const sub = config.subscriptions.find((s) => matchesFilter(s.topic, topic));
    // A filter an older config left in the persistent session: nothing says how to read it.
    if (sub === undefined) return ingest.refuse('no-route', topic, 'no subscription matches this topic', undefined);
    if (payload.length > config.maxPayloadBytes) {
      return ingest.refuse('too-large', topic, `is ${payload.length} bytes, more than maxPayloadBytes ${config.maxPayloadBytes}`, this.sinks);
    }
    try {
      if (sub.format === 'isapi') ingest.isapi(payload, undefined, topic, this.sinks);
      else ingest.generic(payload, topic, this.sinks);
    } catch (cause) {
      // A bug, not the publisher's fault: reported, and the next message is read as usual.
      const { id } = config;
      const what = cause instanceof Error ? cause.message : String(cause);
      this.sinks.onError(new HazgateError('HG_ERR_INTERNAL', `video-mqtt ${id}: ${topic}: ${what}`, { adapter: id, origin: topic }, cause));
    }
  }

  private onClose(): void {
    if (this.closed) return;
    const wasConnected = this.connected;
    this.connected = false;
    this.generation += 1;
    const reason = this.lastError?.message ?? (wasConnected ? 'connection lost' : 'connection closed');
    const { id, url } = this.setup.config;
    const where = redactUrl(url);
    // Retries every reconnectMs would flood onError during a long outage: report its first failure only.
    if (!this.outageReported) {
      const what = wasConnected ? 'lost the connection to' : 'cannot connect to';
      this.sinks.onError(new HazgateError('HG_ERR_MQTT_CONNECT', `video-mqtt ${id}: ${what} ${where}: ${reason}`, { adapter: id, url: where }, this.lastError));
    }
    this.outageReported = true;
    this.lastError = undefined;
    this.setStatus('down', reason);
    this.settleFirstAttempt();
  }

  private setStatus(state: ComponentState, reason: string | undefined): void {
    if (state === this.state && reason === this.reason) return;
    this.state = state;
    this.reason = reason;
    const since = this.setup.deps.clock.now();
    this.onStatus(reason === undefined ? { state, since } : { state, reason, since });
  }
}

/** Broker URLs may carry credentials; error messages and status must not. */
function redactUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password === '') return url;
  parsed.password = '***';
  return parsed.toString();
}
