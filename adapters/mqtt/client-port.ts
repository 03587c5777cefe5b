import { connect, MqttClient, type IClientOptions } from 'mqtt';
import { createFastStream } from './fast-stream.js';

/**
 * The few MQTT client calls the adapter uses, so unit tests can drive it with a small fake and
 * integration tests with MQTT.js against a real broker.
 */

export type MqttQos = 0 | 1 | 2;

export interface MqttConnectOptions {
  readonly url: string;
  readonly clientId: string;
  /** false asks the broker to keep the session (subscriptions, queued QoS 1/2 messages). */
  readonly clean: boolean;
  readonly keepaliveS: number;
  readonly reconnectMs: number;
  readonly connectTimeoutMs: number;
  readonly username?: string;
  readonly password?: string;
}

/** Callbacks the client calls; given at connect time so none can fire before they are attached. */
export interface MqttClientEvents {
  /** A connection was accepted; sessionPresent says whether the broker still had our session. */
  connect(connack: { readonly sessionPresent: boolean }): void;
  message(topic: string, payload: Buffer): void;
  /** The connection closed or an attempt failed; the client retries on its own. */
  close(): void;
  error(error: Error): void;
}

export type SubscribeOutcome =
  | { readonly granted: true; readonly qos: number }
  | { readonly granted: false; readonly reason: string };

export interface MqttClientPort {
  /** Resolves with the broker's answer; rejects when the connection dropped before it came. */
  subscribe(filter: string, qos: MqttQos): Promise<SubscribeOutcome>;
  /** Disconnects and stops reconnecting. Messages not yet acknowledged stay with the broker. */
  end(): Promise<void>;
}

export type ConnectMqtt = (options: MqttConnectOptions, events: MqttClientEvents) => MqttClientPort;

/** SUBACK return codes ≥ 0x80 are refusals (MQTT 3.1.1 §3.9.3, MQTT 5 §3.9.3). */
const SUBACK_FAILURE = 0x80;

/** The port on MQTT.js v5. */
export const connectMqttJs: ConnectMqtt = (options, events) => {
  let ending = false;
  const clientOptions = toClientOptions(options, () => ending);
  const client = createClient(options.url, clientOptions, (topic, payload) => {
    if (ending) return false;
    events.message(topic, payload);
    return true;
  });
  client.on('connect', (connack) => events.connect({ sessionPresent: connack.sessionPresent }));
  client.on('message', (topic, payload) => events.message(topic, payload));
  client.on('close', () => events.close());
  client.on('error', (error) => events.error(error));
  return {
    subscribe: (filter, qos) =>
      new Promise((resolve, reject) => {
        client.subscribe(filter, { qos }, (err, _granted, suback) => {
          const code = suback?.granted[0];
          if (typeof code === 'number' && code >= SUBACK_FAILURE) {
            resolve({ granted: false, reason: `the broker refused it (SUBACK 0x${code.toString(16)})` });
          } else if (err) reject(err);
          else resolve({ granted: true, qos: typeof code === 'number' ? code : qos });
        });
      }),
    end: async () => {
      ending = true;
      // A graceful DISCONNECT when connected; when not, there is nobody to tell and a
      // non-forced end would wait for queued packets that can never be sent.
      await client.endAsync(!client.connected);
    },
  };
};

/**
 * Plain TCP (mqtt://) takes the fast PUBLISH path (publish-framer.ts): the load-carrying packets
 * skip MQTT.js's parser. TLS and WebSocket URLs use MQTT.js as it is.
 */
function createClient(url: string, options: IClientOptions, onPublish: (topic: string, payload: Buffer) => boolean): MqttClient {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'tcp:') return connect(url, options);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port === '' ? 1883 : Number(parsed.port);
  return new MqttClient(() => createFastStream({ host, port, onPublish }), { ...options, host, port, protocol: 'mqtt' });
}

function toClientOptions(options: MqttConnectOptions, isEnding: () => boolean): IClientOptions {
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    clean: options.clean,
    keepalive: options.keepaliveS,
    reconnectPeriod: options.reconnectMs,
    connectTimeout: options.connectTimeoutMs,
    protocolVersion: 4,
    // The adapter resubscribes itself, from connack.sessionPresent.
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
  return clientOptions;
}
