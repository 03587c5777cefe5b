import type { ErrorCode } from '../../src/core/errors.js';
import { HazgateError } from '../../src/core/errors.js';
import type { AdapterDeps, EmitReading, OnAdapterError, OnStatus } from '../../src/core/ports.js';
import type { ComponentState } from '../../src/core/status.js';
import type { ConnectMqtt, MqttClientPort } from './client-port.js';
import { decodePayload } from './payload.js';
import type { MqttAdapterConfig } from './schema.js';
import { findSubscription, type CompiledSubscription } from './subscription.js';

/** Live counters of one adapter instance, kept across start/stop. */
export interface MqttAdapterStats {
  /** MQTT messages received. */
  messages: number;
  /** Readings emitted. */
  readings: number;
  /** Messages on a topic no configured subscription matches (a filter left in a persistent session). */
  unmatched: number;
  /** Connections re-established after the first one of a start. */
  reconnects: number;
  /** Every occurrence by code, including connection failures not passed to onError again. */
  errors: Partial<Record<ErrorCode, number>>;
}

export interface SessionSetup {
  readonly config: MqttAdapterConfig;
  readonly subscriptions: readonly CompiledSubscription[];
  readonly deps: AdapterDeps;
  readonly stats: MqttAdapterStats;
  readonly connect: ConnectMqtt;
}

export interface SessionSinks {
  readonly emit: EmitReading;
  readonly onError: OnAdapterError;
  readonly onStatus: OnStatus;
}

/** One run of the adapter, from start to stop: a client, its subscriptions and its status. */
export class MqttSession {
  /** Settles after the first connection attempt: connected and subscribed, or failed. */
  readonly firstAttempt: Promise<void>;
  private settleFirstAttempt: () => void = () => undefined;
  private readonly client: MqttClientPort;
  private closed = false;
  private connected = false;
  private everConnected = false;
  /** Connection errors reach onError once per outage; the counter sees every one. */
  private outageReported = false;
  private lastError: Error | undefined;
  /** Bumped on every connect and close so answers meant for an older connection are ignored. */
  private generation = 0;
  /** Subscriptions the broker has granted in the session it holds for us. */
  private readonly confirmed = new Set<CompiledSubscription>();
  private state: ComponentState | undefined;
  private reason: string | undefined;

  constructor(
    private readonly setup: SessionSetup,
    private readonly sinks: SessionSinks,
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
        error: (error) => this.onClientError(error),
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
    if (this.everConnected) this.setup.stats.reconnects += 1;
    this.everConnected = true;
    // Without the session the broker forgot our subscriptions (and queued nothing for us).
    if (!sessionPresent) this.confirmed.clear();
    const generation = ++this.generation;
    const pending = this.setup.subscriptions.filter((sub) => !this.confirmed.has(sub));
    if (pending.length === 0) {
      this.setStatus('up', undefined);
      this.settleFirstAttempt();
      return;
    }
    void this.subscribe(pending, generation);
  }

  private async subscribe(pending: readonly CompiledSubscription[], generation: number): Promise<void> {
    const granted = await Promise.all(pending.map((sub) => this.subscribeOne(sub, generation)));
    // A newer connection subscribes for itself; a closed one is already reported as down.
    if (this.closed || generation !== this.generation) return;
    const refused = pending.filter((_sub, i) => !granted[i]).map((sub) => sub.topic);
    if (refused.length === 0) this.setStatus('up', undefined);
    else this.setStatus('degraded', `not subscribed: ${refused.join(', ')}`);
    this.settleFirstAttempt();
  }

  /** True when granted. Each grant is recorded as it comes, so a drop mid-way loses only the rest. */
  private async subscribeOne(sub: CompiledSubscription, generation: number): Promise<boolean> {
    let failure: string;
    let cause: unknown;
    try {
      const outcome = await this.client.subscribe(sub.template.filter, sub.qos);
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
    const message = `mqtt ${id}: subscription to "${sub.template.filter}" failed: ${failure}`;
    this.report(new HazgateError('HG_ERR_MQTT_SUBSCRIBE', message, { adapter: id, topic: sub.topic, filter: sub.template.filter }, cause));
    return false;
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (this.closed) return;
    const { stats, config, subscriptions } = this.setup;
    stats.messages += 1;
    const sub = findSubscription(subscriptions, topic);
    if (sub === undefined) {
      stats.unmatched += 1;
      return;
    }
    const { readings, errors } = decodePayload(payload, topic, sub, config.id, config.maxPayloadBytes);
    for (const reading of readings) this.sinks.emit(reading);
    stats.readings += readings.length;
    for (const error of errors) this.report(error);
  }

  private onClose(): void {
    if (this.closed) return;
    const wasConnected = this.connected;
    this.connected = false;
    this.generation += 1;
    const reason = this.lastError?.message ?? (wasConnected ? 'connection lost' : 'connection closed');
    const { id } = this.setup.config;
    const url = redactUrl(this.setup.config.url);
    const what = wasConnected ? 'lost the connection to' : 'cannot connect to';
    const error = new HazgateError('HG_ERR_MQTT_CONNECT', `mqtt ${id}: ${what} ${url}: ${reason}`, { adapter: id, url }, this.lastError);
    // Retries every reconnectMs would flood onError during a long outage: report its first failure only.
    if (this.outageReported) this.count(error.code);
    else this.report(error);
    this.outageReported = true;
    this.lastError = undefined;
    this.setStatus('down', reason);
    this.settleFirstAttempt();
  }

  /** MQTT.js reports the cause just before the close that follows; the close reports it. */
  private onClientError(error: Error): void {
    if (this.closed) return;
    this.lastError = error;
  }

  private report(error: HazgateError): void {
    this.count(error.code);
    this.sinks.onError(error);
  }

  private count(code: ErrorCode): void {
    const { errors } = this.setup.stats;
    errors[code] = (errors[code] ?? 0) + 1;
  }

  private setStatus(state: ComponentState, reason: string | undefined): void {
    if (state === this.state && reason === this.reason) return;
    this.state = state;
    this.reason = reason;
    const since = this.setup.deps.clock.now();
    this.sinks.onStatus(reason === undefined ? { state, since } : { state, reason, since });
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
