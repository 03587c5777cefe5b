import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { BrokerTlsMaterial } from './tls-files.js';

/**
 * The few MQTT client calls the MQTT-based adapters use (plant readings, location, video), so unit
 * tests drive a session with a small fake and integration tests use MQTT.js against a real broker.
 */

export type MqttQos = 0 | 1 | 2;

export interface MqttConnectOptions {
  readonly url: string;
  readonly clientId: string;
  /** false asks the broker to keep the session (subscriptions, queued QoS 1/2 messages). */
  readonly clean: boolean;
  readonly keepaliveS: number;
  /** Pause between the client's own reconnect attempts; 0: it never retries, the session calls reconnect(). */
  readonly reconnectMs: number;
  readonly connectTimeoutMs: number;
  readonly username?: string;
  readonly password?: string;
  /** For mqtts:// and wss:// URLs: the CA, client certificate and key, read already. */
  readonly tls?: BrokerTlsMaterial;
}

/** Callbacks the client calls; given at connect time so none can fire before they are attached. */
export interface MqttClientEvents {
  /** A connection was accepted; sessionPresent says whether the broker still had our session. */
  connect(connack: { readonly sessionPresent: boolean }): void;
  message(topic: string, payload: Buffer): void;
  /** The connection closed or an attempt failed. */
  close(): void;
  error(error: Error): void;
}

export type SubscribeOutcome = { readonly granted: true; readonly qos?: number } | { readonly granted: false; readonly reason: string };

export interface MqttClientPort {
  /** Resolves with the broker's answer; rejects when the connection dropped before it came. */
  subscribe(filter: string, qos: MqttQos): Promise<SubscribeOutcome>;
  /** Starts a new connection attempt after a close (for sessions that schedule their own retries). */
  reconnect(): void;
  /** Disconnects for good. Messages not yet acknowledged stay with the broker. */
  end(): Promise<void>;
}

export type ConnectMqtt = (options: MqttConnectOptions, events: MqttClientEvents) => MqttClientPort;

/**
 * Makes the MQTT.js client for a URL. `onPublish` is for transports that take PUBLISH packets off
 * the wire themselves (the plant adapter's fast path): it returns false to leave a message to MQTT.js.
 */
export type OpenMqttClient = (url: string, options: IClientOptions, onPublish: (topic: string, payload: Buffer) => boolean) => MqttClient;

/** MQTT.js as it is: every packet through its own parser. */
export const openMqttJsClient: OpenMqttClient = (url, options) => connect(url, options);

/** SUBACK return codes ≥ 0x80 are refusals (MQTT 3.1.1 §3.9.3, MQTT 5 §3.9.3). */
const SUBACK_FAILURE = 0x80;

/** The port on MQTT.js v5, its client made by `open`. */
export function mqttJsConnector(open: OpenMqttClient = openMqttJsClient): ConnectMqtt {
  return (options, events) => {
    let ending = false;
    const client = open(options.url, toClientOptions(options, () => ending), (topic, payload) => {
      if (ending) return false;
      events.message(topic, payload);
      return true;
    });
    client.on('connect', (connack) => events.connect({ sessionPresent: connack.sessionPresent }));
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
            else resolve({ granted: true, qos: typeof code === 'number' ? code : qos });
          });
        }),
      reconnect: () => {
        if (!ending) client.reconnect();
      },
      end: async () => {
        ending = true;
        // A graceful DISCONNECT when connected; when not, there is nobody to tell and a
        // non-forced end would wait for queued packets that can never be sent.
        await client.endAsync(!client.connected);
      },
    };
  };
}

/** The port on plain MQTT.js. */
export const connectMqttJs: ConnectMqtt = mqttJsConnector();

function toClientOptions(options: MqttConnectOptions, isEnding: () => boolean): IClientOptions {
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    clean: options.clean,
    keepalive: options.keepaliveS,
    reconnectPeriod: options.reconnectMs,
    connectTimeout: options.connectTimeoutMs,
    protocolVersion: 4,
    // The session resubscribes itself, from connack.sessionPresent.
    resubscribe: false,
    // A refused CONNECT (bad credentials, server unavailable) is retried like a lost connection.
    reconnectOnConnackError: true,
    // QoS 1/2 are acknowledged only after this callback; while ending we never answer, so a
    // message the adapter no longer emits is redelivered by the broker instead of being lost.
    customHandleAcks: (_topic, _message, _packet, done) => {
      if (!isEnding()) done(0);
    },
  };
  if (options.username !== undefined) clientOptions.username = options.username;
  if (options.password !== undefined) clientOptions.password = options.password;
  const tls = options.tls;
  if (tls !== undefined) {
    clientOptions.rejectUnauthorized = tls.rejectUnauthorized;
    if (tls.ca !== undefined) clientOptions.ca = tls.ca;
    if (tls.cert !== undefined) clientOptions.cert = tls.cert;
    if (tls.key !== undefined) clientOptions.key = tls.key;
  }
  return clientOptions;
}
