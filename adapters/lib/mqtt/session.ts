import type { Clock } from '../../../src/core/clock.js';
import { HazgateError, type ErrorCode } from '../../../src/core/errors.js';
import type { OnAdapterError, OnStatus } from '../../../src/core/ports.js';
import type { ComponentState } from '../../../src/core/status.js';
import { backoffDelay, type CancelTimer, type Timers } from './backoff.js';
import type { ConnectMqtt, MqttClientPort, MqttQos } from './client-port.js';
import type { BrokerConnectionConfig } from './schema.js';
import { readBrokerTls } from './tls-files.js';

/** One subscription as the session handles it. Keep the objects stable: grants are kept per object. */
export interface SessionSubscription {
  /** As configured (a template for the plant adapter): names it in status reasons and errors. */
  readonly topic: string;
  /** The MQTT filter subscribed to. */
  readonly filter: string;
  readonly qos: MqttQos;
}

/** Who retries after a lost connection or a failed attempt. */
export type ReconnectPolicy =
  /** MQTT.js, every `everyMs`. */
  | { readonly kind: 'client'; readonly everyMs: number }
  /** The session: `initialMs` doubling up to `maxMs`, back to `initialMs` once a connection was stable (`stableAfterMs`). */
  | { readonly kind: 'backoff'; readonly initialMs: number; readonly maxMs: number; readonly timers: Timers };

/** Counters the session keeps in the adapter's stats (kept across start/stop). */
export interface SessionCounters {
  /** Connections re-established after the first one of a start. */
  reconnects: number;
  /** Every error by code, connection failures not passed to onError again included. */
  errors: Partial<Record<ErrorCode, number>>;
  /**
   * Connections that closed before they were stable (`stableAfterMs` after their CONNACK): a
   * clientId shared with another client, a broker kicking us after a refused subscribe. Set by the
   * session on the first one; an adapter that declares it (as 0) shows it from the start.
   */
  flaps?: number;
}

/** Uptime after which a connection counts as stable: shorter ones are flaps. */
export const STABLE_CONNECTION_MS = 30_000;

/** How long a connection must stay up before its drop starts a new outage: 30 s, or the back-off max if that is shorter. */
export function stableAfterMs(policy: ReconnectPolicy): number {
  return policy.kind === 'backoff' ? Math.min(STABLE_CONNECTION_MS, policy.maxMs) : STABLE_CONNECTION_MS;
}

export interface MqttSessionSetup {
  /** Error messages start `<label> <id>:` (`location uwb: cannot connect to …`). */
  readonly label: string;
  readonly id: string;
  readonly broker: BrokerConnectionConfig;
  readonly reconnect: ReconnectPolicy;
  readonly subscriptions: readonly SessionSubscription[];
  readonly clock: Clock;
  readonly counters: SessionCounters;
  readonly connect: ConnectMqtt;
}

export interface MqttSessionSinks {
  /** A received message; never called once close() has been called. */
  readonly message: (topic: string, payload: Buffer) => void;
  readonly onError: OnAdapterError;
  readonly onStatus: OnStatus;
}

/**
 * One start→stop run of an MQTT-based adapter: a client, its subscriptions, its status and its
 * reconnects. A persistent session is found again by clientId; subscriptions are sent again only
 * when the broker lost the session (CONNACK sessionPresent 0) or had not granted them yet; a
 * connection error reaches onError once per outage (the counter sees every one).
 * An outage ends, and the back-off starts again from `initialMs`, only when a connection stayed up
 * for `stableAfterMs`: a broker that accepts and drops us at once (a twin with our clientId taking
 * the session over, an ACL kick) is one outage with a growing back-off, not an error per CONNACK.
 * Status: starting → up (connected, all granted) | degraded (some refused) | down (not connected) → stopped.
 */
export class MqttSession {
  /** Settles after the first connection attempt: connected and subscribed, or failed. */
  readonly firstAttempt: Promise<void>;
  private settleFirstAttempt: () => void = () => undefined;
  private readonly client: MqttClientPort;
  private closed = false;
  private connected = false;
  private everConnected = false;
  /** Attempts since the last stable connection: the back-off exponent. */
  private attempts = 0;
  private retry: CancelTimer | undefined;
  /** Set by the outage's first error; cleared only when a connection proved stable. */
  private outageReported = false;
  /** Subscriptions whose refusal onError has seen in this outage (a flapping broker refuses each time). */
  private readonly refusalsReported = new Set<SessionSubscription>();
  private connectedAt = 0;
  /** Connections in a row that closed before they were stable. */
  private flapsInRow = 0;
  private lastError: Error | undefined;
  /** Bumped on every connect and close so answers meant for an older connection are ignored. */
  private generation = 0;
  /** Subscriptions the broker has granted in the session it holds for us. */
  private readonly confirmed = new Set<SessionSubscription>();
  private state: ComponentState | undefined;
  private reason: string | undefined;

  /** @throws HazgateError HG_ERR_CONFIG_READ when a TLS file cannot be read or used; nothing is opened then. */
  constructor(
    private readonly setup: MqttSessionSetup,
    private readonly sinks: MqttSessionSinks,
  ) {
    const { broker, reconnect } = setup;
    // Read at every start, so a renewed certificate is taken by restarting the adapter.
    const tls = broker.tls === undefined ? undefined : readBrokerTls(broker.tls, `${setup.label} ${setup.id}`);
    this.firstAttempt = new Promise((resolve) => {
      this.settleFirstAttempt = resolve;
    });
    this.setStatus('starting', undefined);
    this.client = setup.connect(
      {
        url: broker.url,
        clientId: broker.clientId,
        clean: broker.cleanSession,
        keepaliveS: broker.keepaliveS,
        reconnectMs: reconnect.kind === 'client' ? reconnect.everyMs : 0,
        connectTimeoutMs: broker.connectTimeoutMs,
        ...(broker.username === undefined ? {} : { username: broker.username }),
        ...(broker.password === undefined ? {} : { password: broker.password }),
        ...(tls === undefined ? {} : { tls }),
      },
      {
        connect: (connack) => this.onConnect(connack.sessionPresent),
        message: (topic, payload) => {
          if (!this.closed) sinks.message(topic, payload);
        },
        close: () => this.onClose(),
        // MQTT.js reports the cause just before the close that follows; the close reports it.
        error: (error) => {
          if (!this.closed) this.lastError = error;
        },
      },
    );
  }

  /** After this resolves no message is passed on; unacknowledged QoS 1/2 messages stay with the broker. */
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
    this.connectedAt = this.setup.clock.now();
    this.lastError = undefined;
    if (this.everConnected) this.setup.counters.reconnects += 1;
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

  private async subscribe(pending: readonly SessionSubscription[], generation: number): Promise<void> {
    const granted = await Promise.all(pending.map((sub) => this.subscribeOne(sub, generation)));
    // A newer connection subscribes for itself; a closed one is already reported as down.
    if (this.closed || generation !== this.generation) return;
    const refused = pending.filter((_sub, i) => !granted[i]).map((sub) => sub.topic);
    if (refused.length === 0) this.setStatus('up', undefined);
    else this.setStatus('degraded', `not subscribed: ${refused.join(', ')}`);
    this.settleFirstAttempt();
  }

  /** True when granted. Each grant is recorded as it comes, so a drop mid-way loses only the rest. */
  private async subscribeOne(sub: SessionSubscription, generation: number): Promise<boolean> {
    let failure: string;
    let cause: unknown;
    try {
      const outcome = await this.client.subscribe(sub.filter, sub.qos);
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
    const { label, id } = this.setup;
    const message = `${label} ${id}: subscription to "${sub.filter}" failed: ${failure}`;
    const error = new HazgateError('HG_ERR_MQTT_SUBSCRIBE', message, { adapter: id, topic: sub.topic, filter: sub.filter }, cause);
    if (this.refusalsReported.has(sub)) this.count(error.code);
    else this.report(error);
    this.refusalsReported.add(sub);
    return false;
  }

  private onClose(): void {
    if (this.closed) return;
    const wasConnected = this.connected;
    this.connected = false;
    this.generation += 1;
    if (wasConnected) this.judgeConnection();
    const reason = this.lastError === undefined ? (wasConnected ? 'connection lost' : 'connection closed') : reasonOf(this.lastError);
    const { label, id } = this.setup;
    const url = redactUrl(this.setup.broker.url);
    const what = wasConnected ? 'lost the connection to' : 'cannot connect to';
    const causeCode = causeCodeOf(this.lastError);
    const details = { adapter: id, url, ...(causeCode === undefined ? {} : { causeCode }) };
    const error = new HazgateError('HG_ERR_MQTT_CONNECT', `${label} ${id}: ${what} ${url}: ${reason}`, details, this.lastError);
    // Retries during a long outage would flood onError: report its first failure only.
    if (this.outageReported) this.count(error.code);
    else this.report(error);
    this.outageReported = true;
    this.lastError = undefined;
    this.setStatus('down', this.flapsInRow < 2 ? reason : `${reason} (dropped within ${this.stableMs / 1000} s of connecting ${this.flapsInRow} times in a row)`);
    this.settleFirstAttempt();
    this.scheduleReconnect();
  }

  /** A connection that just closed: stable ends the outage and its back-off, short is one more flap. */
  private judgeConnection(): void {
    if (this.setup.clock.now() - this.connectedAt >= this.stableMs) {
      this.attempts = 0;
      this.outageReported = false;
      this.refusalsReported.clear();
      this.flapsInRow = 0;
      return;
    }
    this.flapsInRow += 1;
    const counters = this.setup.counters;
    counters.flaps = (counters.flaps ?? 0) + 1;
  }

  private get stableMs(): number {
    return stableAfterMs(this.setup.reconnect);
  }

  private scheduleReconnect(): void {
    const policy = this.setup.reconnect;
    // MQTT.js may report one failure as more than one close: one retry is pending at a time.
    if (policy.kind !== 'backoff' || this.retry !== undefined) return;
    const delay = backoffDelay(this.attempts, policy.initialMs, policy.maxMs);
    this.attempts += 1;
    this.retry = policy.timers.schedule(() => {
      this.retry = undefined;
      if (!this.closed) this.client.reconnect();
    }, delay);
  }

  private report(error: HazgateError): void {
    this.count(error.code);
    this.sinks.onError(error);
  }

  private count(code: ErrorCode): void {
    countError(this.setup.counters.errors, code);
  }

  private setStatus(state: ComponentState, reason: string | undefined): void {
    if (state === this.state && reason === this.reason) return;
    this.state = state;
    this.reason = reason;
    const since = this.setup.clock.now();
    this.sinks.onStatus(reason === undefined ? { state, since } : { state, reason, since });
  }
}

export function countError(errors: Partial<Record<ErrorCode, number>>, code: ErrorCode): void {
  errors[code] = (errors[code] ?? 0) + 1;
}

/** Counts an error by code, then passes it on: how an adapter reports what its messages hold. */
export function errorReporter(errors: Partial<Record<ErrorCode, number>>, onError: OnAdapterError): (error: HazgateError) => void {
  return (error) => {
    countError(errors, error.code);
    onError(error);
  };
}

/**
 * An error as a status reason. OpenSSL's messages carry its thread id, source file and line
 * (`802C…:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:…`);
 * its `reason` is the part a person reads.
 */
function reasonOf(error: Error): string {
  const { library, reason } = error as { readonly library?: unknown; readonly reason?: unknown };
  return typeof library === 'string' && typeof reason === 'string' ? `TLS: ${reason}` : error.message;
}

/**
 * What tells one connection failure from another without reading its text: the Node or OpenSSL
 * error code (`ECONNREFUSED`, `SELF_SIGNED_CERT_IN_CHAIN`, `ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`)
 * or the broker's CONNACK return code (4 bad user name or password, 5 not authorized).
 */
function causeCodeOf(error: Error | undefined): string | number | undefined {
  const code = (error as { readonly code?: unknown } | undefined)?.code;
  return typeof code === 'string' || typeof code === 'number' ? code : undefined;
}

/** Broker URLs may carry credentials; error messages and status must not. */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password === '') return url;
  parsed.password = '***';
  return parsed.toString();
}
