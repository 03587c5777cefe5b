import { parseAdapterConfig } from '../../src/core/index.js';
import type { Adapter, AdapterDeps, AdapterFactory, EmitReading, OnAdapterError, OnStatus } from '../../src/core/ports.js';
import { connectMqttJs, type ConnectMqtt } from './client-port.js';
import { mqttAdapterSchema, type MqttAdapterConfig } from './schema.js';
import { SessionSlot } from '../lib/mqtt/index.js';
import { openReadingsSession, type MqttAdapterStats } from './session.js';
import { compileSubscription, type CompiledSubscription } from './subscription.js';

/**
 * MQTT input adapter: subscribes to plain JSON topics and emits one RawReading per value.
 * With cleanSession false and a fixed clientId the broker keeps the session while hazgate is away,
 * so QoS 1 messages published meanwhile arrive on reconnect.
 */
export class MqttAdapter implements Adapter {
  readonly kind = 'mqtt';
  readonly id: string;
  /** Live counters; read them, do not write them. */
  readonly stats: Readonly<MqttAdapterStats>;
  private readonly counters: MqttAdapterStats = { messages: 0, readings: 0, unmatched: 0, reconnects: 0, errors: {} };
  private readonly subscriptions: readonly CompiledSubscription[];
  private readonly session: SessionSlot;

  /** Validates the config and compiles its topics; opens nothing. */
  constructor(
    private readonly config: MqttAdapterConfig,
    private readonly deps: AdapterDeps,
    private readonly connect: ConnectMqtt = connectMqttJs,
  ) {
    this.id = config.id;
    this.stats = this.counters;
    this.subscriptions = config.subscriptions.map(compileSubscription);
    this.session = new SessionSlot(`mqtt adapter ${config.id}`);
  }

  /**
   * Resolves once the first connection attempt has succeeded (connected and subscribed) or failed;
   * after a failure the client keeps retrying and onStatus reports 'down' until it connects.
   */
  async start(emit: EmitReading, onError: OnAdapterError, onStatus: OnStatus): Promise<void> {
    const setup = {
      config: this.config,
      subscriptions: this.subscriptions,
      deps: this.deps,
      stats: this.counters,
      connect: this.connect,
    };
    await this.session.start(() => openReadingsSession(setup, { emit, onError, onStatus }));
  }

  /** Disconnects; nothing is emitted once this resolves. The adapter may be started again. */
  stop(): Promise<void> {
    return this.session.stop();
  }
}

/** Parses (again) so direct callers get the defaults and one coded error listing every problem. */
export function parseMqttAdapterConfig(config: unknown): MqttAdapterConfig {
  return parseAdapterConfig('mqtt', mqttAdapterSchema, config);
}

export function createMqttAdapter(config: MqttAdapterConfig, deps: AdapterDeps, connect: ConnectMqtt = connectMqttJs): MqttAdapter {
  return new MqttAdapter(parseMqttAdapterConfig(config), deps, connect);
}

export const mqttAdapterFactory: AdapterFactory<MqttAdapterConfig> = {
  kind: 'mqtt',
  schema: mqttAdapterSchema,
  create: (config, deps) => createMqttAdapter(config, deps),
};
