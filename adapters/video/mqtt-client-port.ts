import { connect, type IClientOptions } from 'mqtt';

/**
 * The few MQTT client calls the video-mqtt adapter uses, so unit tests can drive it with a small
 * fake and integration tests with MQTT.js against a real broker. Video traffic is light (events
 * and heartbeats, not 1 Hz readings), so MQTT.js is used as it is.
 */

export type VideoMqttQos = 0 | 1 | 2;

export interface VideoMqttConnectOptions {
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
export interface VideoMqttEvents {
  connect(connack: { readonly sessionPresent: boolean }): void;
  message(topic: string, payload: Buffer): void;
  /** The connection closed or an attempt failed; the client retries on its own. */
  close(): void;
  error(error: Error): void;
}

export type VideoSubscribeOutcome = { readonly granted: true } | { readonly granted: false; readonly reason: string };

export interface VideoMqttClient {
  /** Resolves with the broker's answer; rejects when the connection dropped before it came. */
  subscribe(filter: string, qos: VideoMqttQos): Promise<VideoSubscribeOutcome>;
  /** Disconnects and stops reconnecting. */
  end(): Promise<void>;
}

export type ConnectVideoMqtt = (options: VideoMqttConnectOptions, events: VideoMqttEvents) => VideoMqttClient;

/** SUBACK return codes ≥ 0x80 are refusals (MQTT 3.1.1 §3.9.3). */
const SUBACK_FAILURE = 0x80;

/** The port on MQTT.js v5. */
export const connectVideoMqtt: ConnectVideoMqtt = (options, events) => {
  let ending = false;
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    clean: options.clean,
    keepalive: options.keepaliveS,
    reconnectPeriod: options.reconnectMs,
    connectTimeout: options.connectTimeoutMs,
    protocolVersion: 4,
    // The session resubscribes itself, from connack.sessionPresent.
    resubscribe: false,
    reconnectOnConnackError: true,
    // A QoS 1/2 message is acknowledged after it was handled; while ending, never, so the broker
    // redelivers what the adapter no longer emits instead of it being lost.
    customHandleAcks: (_topic, _message, _packet, done) => {
      if (!ending) done(0);
    },
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
  };
  const client = connect(options.url, clientOptions);
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
          else resolve({ granted: true });
        });
      }),
    end: async () => {
      ending = true;
      await client.endAsync(!client.connected);
    },
  };
};
