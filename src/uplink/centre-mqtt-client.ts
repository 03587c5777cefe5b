import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { HazgateError, type ComponentStatus, type Logger } from '../core/index.js';
import type { FeedBrokerPort, MessageOutcome } from './centre-mqtt-input.js';
import { SIGNATURE_HEADER } from './sign.js';

export interface CentreMqttClientOptions {
  readonly url: string;
  /** The persistent session (batches queued while the centre is away) is found again by it. */
  readonly clientId: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly keepaliveS: number;
  readonly connectTimeoutMs: number;
  readonly reconnectMs: number;
  readonly protocolVersion: 4 | 5;
  /** MQTT 5: how long the broker keeps the session while we are away. */
  readonly sessionExpiryS: number;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface CentreMqttEvents {
  /** Handled before the PUBLISH is acknowledged; `redeliver` leaves it with the broker (the connection is dropped). */
  readonly message: (topic: string, payload: Buffer, signature: string | undefined) => MessageOutcome;
  /** Each connection; sessionPresent false: the broker forgot our subscriptions. */
  readonly connect: (sessionPresent: boolean) => void;
}

/** The x-hazgate-signature user property (MQTT 5 allows a property more than once). */
function signatureOf(props: Record<string, string | string[]> | undefined): string | undefined {
  const v = props?.[SIGNATURE_HEADER.toLowerCase()];
  // Several of them are refused, not skipped: the joined text never verifies.
  return Array.isArray(v) ? v.join(',') : v;
}

/** Broker URLs may carry credentials; logs and status must not. */
function redact(url: string): string {
  if (!URL.canParse(url)) return url;
  const u = new URL(url);
  if (u.password !== '') u.password = '***';
  return u.toString();
}

/**
 * The centre's MQTT connection over MQTT.js: a persistent session (clean: false) so QoS 1 batches
 * wait at the broker while the centre is away; each PUBLISH is acknowledged only after it was
 * handled (stored), so a crash or a store failure in between means the broker delivers it again.
 */
export class CentreMqttClient implements FeedBrokerPort {
  reconnects = 0;
  private readonly client: MqttClient;
  private state: ComponentStatus;
  private connectedOnce = false;
  private lastError: string | undefined;

  constructor(
    private readonly o: CentreMqttClientOptions,
    events: CentreMqttEvents,
  ) {
    this.state = { state: 'starting', since: o.now() };
    const options: IClientOptions = {
      clientId: o.clientId,
      clean: false,
      keepalive: o.keepaliveS,
      connectTimeout: o.connectTimeoutMs,
      reconnectPeriod: o.reconnectMs,
      protocolVersion: o.protocolVersion,
      // MQTT 5 ends a session at disconnect unless it is given an expiry.
      ...(o.protocolVersion === 5 ? { properties: { sessionExpiryInterval: o.sessionExpiryS } } : {}),
      // The input subscribes again itself when the broker lost the session.
      resubscribe: false,
      reconnectOnConnackError: true,
      ...(o.username === undefined ? {} : { username: o.username }),
      ...(o.password === undefined ? {} : { password: o.password }),
    };
    this.client = mqtt.connect(o.url, options);
    // MQTT.js sends the PUBACK when this calls back: only once the batch is stored.
    this.client.handleMessage = (packet, callback) => {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : Buffer.from(packet.payload);
      if (events.message(packet.topic, payload, signatureOf(packet.properties?.userProperties)) === 'handled') return callback();
      this.o.logger.warn({ code: 'HG_ERR_CENTRE_STORE', topic: packet.topic }, 'feed batch not stored: connection dropped so the broker delivers it again');
      this.client.stream.destroy();
    };
    this.client.on('connect', (connack) => {
      if (this.connectedOnce) this.reconnects++;
      this.connectedOnce = true;
      this.lastError = undefined;
      this.set({ state: 'up', since: o.now() });
      events.connect(connack.sessionPresent);
    });
    this.client.on('error', (e) => (this.lastError = e.message));
    this.client.on('close', () => {
      if (this.state.state === 'down' || this.state.state === 'stopped') return;
      const reason = this.lastError ?? (this.connectedOnce ? 'connection lost' : 'cannot connect');
      this.o.logger.warn({ code: 'HG_ERR_MQTT_CONNECT', url: redact(o.url) }, `centre MQTT connection to ${redact(o.url)}: ${reason}`);
      this.set({ state: 'down', reason, since: o.now() });
    });
  }

  status(): ComponentStatus {
    return this.state;
  }

  async subscribe(filters: readonly string[]): Promise<void> {
    const granted = await this.client.subscribeAsync([...filters], { qos: 1 });
    const refused = granted.filter((g) => g.qos >= 0x80).map((g) => g.topic);
    if (refused.length > 0) throw new HazgateError('HG_ERR_MQTT_SUBSCRIBE', `the broker refused the feed subscriptions ${refused.join(', ')}`, { refused });
  }

  async unsubscribe(filters: readonly string[]): Promise<void> {
    await this.client.unsubscribeAsync([...filters]);
  }

  publish(topic: string, payload: string): void {
    this.client.publish(topic, payload, { qos: 1 }, (e) => {
      if (e) this.o.logger.warn({ code: 'HG_ERR_MQTT_CONNECT', topic, err: e.message }, 'feed ack not published (the gateway sends the batch again)');
    });
  }

  async end(): Promise<void> {
    this.set({ state: 'stopped', since: this.o.now() });
    await this.client.endAsync(!this.client.connected);
  }

  private set(s: ComponentStatus): void {
    this.state = s;
  }
}
