import { connect, type IClientOptions, type MqttClient } from 'mqtt';

/**
 * The few MQTT client calls the location adapter uses, so unit tests drive the session with a small
 * fake and integration tests use MQTT.js against a real broker. Reconnecting is the session's
 * decision (back-off), so the client never reconnects on its own.
 */

export type MqttQos = 0 | 1 | 2;

export interface LocationConnectOptions {
  readonly url: string;
  readonly clientId: string;
  /** false asks the broker to keep the session (subscriptions, queued QoS 1/2 messages). */
  readonly clean: boolean;
  readonly keepaliveS: number;
  readonly connectTimeoutMs: number;
  readonly username?: string;
  readonly password?: string;
}

/** Callbacks the client calls; given at connect time so none can fire before they are attached. */
export interface LocationClientEvents {
  /** A connection was accepted; sessionPresent says whether the broker still had our session. */
  connect(sessionPresent: boolean): void;
  message(topic: string, payload: Buffer): void;
  /** The connection closed or an attempt failed; nothing is retried until reconnect(). */
  close(): void;
  error(error: Error): void;
}

export type SubscribeOutcome = { readonly granted: true } | { readonly granted: false; readonly reason: string };

export interface LocationClientPort {
  /** Resolves with the broker's answer; rejects when the connection dropped before it came. */
  subscribe(filter: string, qos: MqttQos): Promise<SubscribeOutcome>;
  /** Starts a new connection attempt after a close. */
  reconnect(): void;
  /** Disconnects for good. Messages not yet acknowledged stay with the broker. */
  end(): Promise<void>;
}

export type ConnectLocationClient = (options: LocationConnectOptions, events: LocationClientEvents) => LocationClientPort;

/** SUBACK return codes ≥ 0x80 are refusals (MQTT 3.1.1 §3.9.3). */
const SUBACK_FAILURE = 0x80;

/** The port on MQTT.js v5, with its own reconnect timer off (reconnectPeriod 0). */
export const connectLocationMqttJs: ConnectLocationClient = (options, events) => {
  let ending = false;
  const client: MqttClient = connect(options.url, clientOptions(options, () => ending));
  client.on('connect', (connack) => events.connect(connack.sessionPresent));
  client.on('message', (topic, payload) => {
    if (!ending) events.message(topic, payload);
  });
  client.on('close', () => events.close());
  client.on('error', (error) => events.error(error));
  return {
    subscribe: (filter, qos) =>
      new Promise((resolve, reject) => {
        client.subscribe(filter, { qos }, (err, _granted, suback) => {
          const code = suback?.granted[0];
          if (typeof code === 'number' && code >= SUBACK_FAILURE) resolve({ granted: false, reason: `the broker refused it (SUBACK 0x${code.toString(16)})` });
          else if (err) reject(err);
          else resolve({ granted: true });
        });
      }),
    reconnect: () => {
      if (!ending) client.reconnect();
    },
    end: async () => {
      ending = true;
      // Graceful DISCONNECT when connected; when not, nobody is listening and a graceful end would wait forever.
      await client.endAsync(!client.connected);
    },
  };
};

function clientOptions(options: LocationConnectOptions, isEnding: () => boolean): IClientOptions {
  const result: IClientOptions = {
    clientId: options.clientId,
    clean: options.clean,
    keepalive: options.keepaliveS,
    connectTimeout: options.connectTimeoutMs,
    protocolVersion: 4,
    // The session schedules reconnects with back-off and resubscribes from connack.sessionPresent.
    reconnectPeriod: 0,
    resubscribe: false,
    // A refused CONNACK must not suppress the session's own retries.
    reconnectOnConnackError: true,
    // QoS 1/2 are acknowledged after this callback; while ending we never answer, so a message we
    // no longer emit is redelivered by the broker instead of being lost.
    customHandleAcks: (_topic, _message, _packet, done) => {
      if (!isEnding()) done(0);
    },
  };
  if (options.username !== undefined) result.username = options.username;
  if (options.password !== undefined) result.password = options.password;
  return result;
}
