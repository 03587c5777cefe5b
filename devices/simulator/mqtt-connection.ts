import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { HazgateError } from '../../src/core/errors.js';

export type QoS = 0 | 1 | 2;

/**
 * The few MQTT calls the simulator makes, so the publisher is tested with a small fake and the
 * integration test with a real broker.
 */
export interface SimulatorConnection {
  /** False while the broker is away (the client keeps reconnecting). */
  isConnected(): boolean;
  /** Resolves when the message is handed over (QoS 0) or acknowledged (QoS 1, 2). */
  publish(topic: string, payload: string, qos: QoS): Promise<void>;
  /** Disconnects and stops reconnecting. */
  close(): Promise<void>;
}

export interface ConnectionListener {
  /** Connected, the first time or again after an outage. */
  onConnect(): void;
  /** Lost the broker, or an error the client will retry after. */
  onDown(reason: string): void;
}

export interface ConnectOptions {
  readonly url: string;
  readonly clientId: string;
  /** How long to wait for the first connection before giving up with HG_ERR_MQTT_CONNECT. */
  readonly connectTimeoutMs: number;
  readonly listener: ConnectionListener;
}

export type ConnectSimulator = (options: ConnectOptions) => Promise<SimulatorConnection>;

const RECONNECT_PERIOD_MS = 1000;
/** A graceful disconnect waits for in-flight QoS 1/2 acks; a broker that is gone never sends them. */
const GRACEFUL_CLOSE_MS = 2000;

/** Connects with mqtt.js and resolves on the first CONNACK; mqtt.js reconnects after that. */
export const connectWithMqttJs: ConnectSimulator = async (options) => {
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    clean: true,
    reconnectPeriod: RECONNECT_PERIOD_MS,
    connectTimeout: options.connectTimeoutMs,
    // Hardware does not queue readings while the broker is away; the publisher skips offline ticks.
    queueQoSZero: false,
  };
  const client = connect(options.url, clientOptions);
  client.on('connect', () => options.listener.onConnect());
  client.on('offline', () => options.listener.onDown('offline'));
  client.on('error', (error) => options.listener.onDown(error.message));
  await waitForFirstConnect(client, options);
  return {
    isConnected: () => client.connected,
    publish: async (topic, payload, qos) => {
      await client.publishAsync(topic, payload, { qos });
    },
    close: () => closeClient(client),
  };
};

function waitForFirstConnect(client: MqttClient, options: ConnectOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error): void => {
      lastError = error;
    };
    const timer = setTimeout(() => {
      client.off('error', onError);
      client.end(true);
      const reason = lastError?.message ?? 'no answer';
      reject(new HazgateError('HG_ERR_MQTT_CONNECT', `Simulator cannot connect to ${options.url} within ${options.connectTimeoutMs} ms: ${reason}`, { url: options.url, clientId: options.clientId }, lastError));
    }, options.connectTimeoutMs);
    client.on('error', onError);
    client.once('connect', () => {
      clearTimeout(timer);
      client.off('error', onError);
      resolve();
    });
  });
}

/**
 * Ends the client: gracefully while connected (in-flight QoS 1/2 messages get their acks), at once
 * while the broker is away (no ack will come). If a graceful end still hangs because the broker
 * died meanwhile, the socket is destroyed so stop() always returns.
 */
async function closeClient(client: MqttClient): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), GRACEFUL_CLOSE_MS);
  });
  const ended = client.endAsync(!client.connected).then(() => 'ended' as const);
  const outcome = await Promise.race([ended, gaveUp]);
  clearTimeout(timer);
  if (outcome === 'timeout') client.stream.destroy();
}
