import { parseAdapterConfig } from '../../src/core/adapter-config.js';
import type { EmitObservation } from '../../src/core/observation.js';
import type { Adapter, AdapterDeps, AdapterFactory, AdapterMetric, EmitReading, OnAdapterError, OnStatus } from '../../src/core/ports.js';
import { connectMqttJs, SessionSlot, systemTimers, type ConnectMqtt, type Timers } from '../lib/mqtt/index.js';
import { locationMqttAdapterSchema, type LocationMqttAdapterConfig } from './schema.js';
import { openLocationSession } from './session.js';
import { emptyLocationStats, locationMetrics, type LocationAdapterStats } from './stats.js';
import { compileLocationSubscription, type CompiledLocationSubscription } from './subscription.js';

/** What the adapter uses besides its config: the MQTT client and timers (tests pass fakes). */
export interface LocationAdapterIo {
  readonly connect?: ConnectMqtt;
  readonly timers?: Timers;
}

/**
 * Location input over MQTT (`kind: location-mqtt`): subscribes to a location engine's topics and
 * observes tag positions (Pozyx-style arrays, hazgate's generic JSON), tag states of blinks without
 * a fix, and reader events. It emits no point readings; all of them go to personnel location
 * through `observe`.
 */
export class LocationMqttAdapter implements Adapter {
  readonly kind = 'location-mqtt';
  readonly id: string;
  /** Live counters; read them, do not write them. */
  readonly stats: Readonly<LocationAdapterStats>;
  private readonly counters = emptyLocationStats();
  private readonly subscriptions: readonly CompiledLocationSubscription[];
  private readonly connect: ConnectMqtt;
  private readonly timers: Timers;
  private readonly session: SessionSlot;

  /** Compiles the subscriptions; opens nothing. */
  constructor(
    private readonly config: LocationMqttAdapterConfig,
    private readonly deps: AdapterDeps,
    io: LocationAdapterIo = {},
  ) {
    this.id = config.id;
    this.stats = this.counters;
    this.subscriptions = config.subscriptions.map(compileLocationSubscription);
    this.connect = io.connect ?? connectMqttJs;
    this.timers = io.timers ?? systemTimers;
    this.session = new SessionSlot(`location adapter ${config.id}`);
  }

  /**
   * Resolves once the first connection attempt has succeeded (connected and subscribed) or failed;
   * after a failure the session retries with back-off and onStatus says 'down' until it connects.
   */
  async start(_emit: EmitReading, onError: OnAdapterError, onStatus: OnStatus, observe: EmitObservation): Promise<void> {
    const setup = { config: this.config, subscriptions: this.subscriptions, deps: this.deps, stats: this.counters, connect: this.connect, timers: this.timers };
    await this.session.start(() => openLocationSession(setup, { observe, onError, onStatus }));
  }

  /** Disconnects; nothing is observed once this resolves. The adapter may be started again. */
  stop(): Promise<void> {
    return this.session.stop();
  }

  metrics(): readonly AdapterMetric[] {
    return locationMetrics(this.id, this.counters);
  }
}

/** Parses (again) so direct callers get the defaults and one coded error listing every problem. */
export function parseLocationMqttAdapterConfig(config: unknown): LocationMqttAdapterConfig {
  return parseAdapterConfig('location-mqtt', locationMqttAdapterSchema, config);
}

export function createLocationMqttAdapter(config: unknown, deps: AdapterDeps, io: LocationAdapterIo = {}): LocationMqttAdapter {
  return new LocationMqttAdapter(parseLocationMqttAdapterConfig(config), deps, io);
}

export const locationMqttFactory: AdapterFactory<LocationMqttAdapterConfig> = {
  kind: 'location-mqtt',
  schema: locationMqttAdapterSchema,
  create: (config, deps) => createLocationMqttAdapter(config, deps),
};
