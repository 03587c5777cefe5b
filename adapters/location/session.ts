import { HazgateError, type ErrorCode } from '../../src/core/errors.js';
import type { EmitObservation } from '../../src/core/observation.js';
import type { AdapterDeps, OnAdapterError, OnStatus } from '../../src/core/ports.js';
import type { ComponentState } from '../../src/core/status.js';
import { backoffDelay, type CancelTimer, type Timers } from './backoff.js';
import type { ConnectLocationClient, LocationClientPort } from './client-port.js';
import { decodeLocationPayload } from './payload.js';
import { rejectionErrors } from './rejection-errors.js';
import type { LocationMqttAdapterConfig } from './schema.js';
import type { LocationAdapterStats } from './stats.js';
import { findLocationSubscription, type CompiledLocationSubscription } from './subscription.js';

export interface SessionSetup {
  readonly config: LocationMqttAdapterConfig;
  readonly subscriptions: readonly CompiledLocationSubscription[];
  readonly deps: AdapterDeps;
  readonly stats: LocationAdapterStats;
  readonly connect: ConnectLocationClient;
  readonly timers: Timers;
}

export interface SessionSinks {
  readonly observe: EmitObservation;
  readonly onError: OnAdapterError;
  readonly onStatus: OnStatus;
}

/**
 * One run of the adapter, from start to stop: a client, its subscriptions, its status, and the
 * reconnect back-off (backoff.initial doubling to backoff.max, reset by a successful connect).
 */
export class LocationSession {
  /** Settles after the first connection attempt: connected and subscribed, or failed. */
  readonly firstAttempt: Promise<void>;
  private settleFirstAttempt: () => void = () => undefined;
  private readonly client: LocationClientPort;
  private closed = false;
  private connected = false;
  private everConnected = false;
  /** Failed attempts since the last successful connect: the back-off exponent. */
  private attempts = 0;
  private retry: CancelTimer | undefined;
  /** Connection errors reach onError once per outage; the counter sees every one. */
  private outageReported = false;
  private lastError: Error | undefined;
  /** Bumped on every connect and close so answers meant for an older connection are ignored. */
  private generation = 0;
  /** Subscriptions the broker has granted in the session it holds for us. */
  private readonly confirmed = new Set<CompiledLocationSubscription>();
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
        connectTimeoutMs: config.connectTimeoutMs,
        ...(config.username === undefined ? {} : { username: config.username }),
        ...(config.password === undefined ? {} : { password: config.password }),
      },
      {
        connect: (sessionPresent) => this.onConnect(sessionPresent),
        message: (topic, payload) => this.onMessage(topic, payload),
        close: () => this.onClose(),
        error: (error) => this.onClientError(error),
      },
    );
  }

  /** After this resolves nothing is observed; unacknowledged QoS 1/2 messages stay with the broker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retry?.();
    this.retry = undefined;
    this.setStatus('stopped', undefined);
    this.settleFirstAttempt();
    await this.client.end();
  }

  private onConnect(sessionPresent: boolean): void {
    if (this.closed) return;
    this.connected = true;
    this.attempts = 0;
    this.outageReported = false;
    this.lastError = undefined;
    if (this.everConnected) this.setup.stats.reconnects += 1;
    this.everConnected = true;
    // Without the session the broker forgot our subscriptions.
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

  private async subscribe(pending: readonly CompiledLocationSubscription[], generation: number): Promise<void> {
    const granted = await Promise.all(pending.map((sub) => this.subscribeOne(sub, generation)));
    if (this.closed || generation !== this.generation) return;
    const refused = pending.filter((_sub, i) => !granted[i]).map((sub) => sub.topic);
    if (refused.length === 0) this.setStatus('up', undefined);
    else this.setStatus('degraded', `not subscribed: ${refused.join(', ')}`);
    this.settleFirstAttempt();
  }

  /** True when granted; a refusal is reported (HG_ERR_MQTT_SUBSCRIBE) and retried on the next session. */
  private async subscribeOne(sub: CompiledLocationSubscription, generation: number): Promise<boolean> {
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
    this.report(new HazgateError('HG_ERR_MQTT_SUBSCRIBE', `location ${id}: subscription to "${sub.topic}" failed: ${failure}`, { adapter: id, topic: sub.topic }, cause));
    return false;
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (this.closed) return;
    const { stats, config, subscriptions } = this.setup;
    stats.messages += 1;
    const sub = findLocationSubscription(subscriptions, topic);
    if (sub === undefined) {
      stats.unmatched += 1;
      return;
    }
    const decoded = decodeLocationPayload(payload, sub.format, config.maxPayloadBytes);
    for (const position of decoded.positions) this.sinks.observe({ type: 'position', position });
    for (const event of decoded.readerEvents) this.sinks.observe({ type: 'reader', event });
    stats.positions += decoded.positions.length;
    stats.readerEvents += decoded.readerEvents.length;
    stats.noFix += decoded.noFix;
    for (const r of decoded.rejections) stats.rejected[r.reason] += 1;
    for (const error of rejectionErrors(config.id, topic, decoded.rejections)) this.report(error);
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
    const error = new HazgateError('HG_ERR_MQTT_CONNECT', `location ${id}: ${what} ${url}: ${reason}`, { adapter: id, url }, this.lastError);
    // Retries during a long outage would flood onError: report its first failure only.
    if (this.outageReported) this.count(error.code);
    else this.report(error);
    this.outageReported = true;
    this.lastError = undefined;
    this.setStatus('down', reason);
    this.settleFirstAttempt();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    // MQTT.js may report one failure as more than one close: one retry is pending at a time.
    if (this.retry !== undefined) return;
    const { initial, max } = this.setup.config.backoff;
    const delay = backoffDelay(this.attempts, initial, max);
    this.attempts += 1;
    this.retry = this.setup.timers.schedule(() => {
      this.retry = undefined;
      if (!this.closed) this.client.reconnect();
    }, delay);
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
