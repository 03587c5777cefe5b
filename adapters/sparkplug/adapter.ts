import { parseAdapterConfig } from '../../src/core/adapter-config.js';
import type { Adapter, AdapterDeps, AdapterFactory, AdapterMetric, EmitReading, OnAdapterError, OnStatus } from '../../src/core/ports.js';
import { systemTimers, type Timers } from '../lib/mqtt/index.js';
import { connectHostMqttJs, type ConnectHost } from './host-link.js';
import { PointMap } from './point-map.js';
import { sparkplugAdapterSchema, type SparkplugAdapterConfig } from './schema.js';
import { HostSession } from './session.js';
import { emptySparkplugStats, sparkplugMetrics, type SparkplugStats } from './stats.js';

/** What the adapter uses besides its config: the MQTT client and timers (tests pass fakes). */
export interface SparkplugAdapterIo {
  readonly connect?: ConnectHost;
  readonly timers?: Timers;
}

/**
 * Sparkplug B host application (`kind: sparkplug`): subscribes to its groups, takes births, data
 * and deaths of edge nodes and their devices, emits one reading per mapped metric, marks a dead
 * node's points bad (comm-lost), asks for rebirths on gaps, and announces itself with STATE.
 * It sends no command but NCMD Node Control/Rebirth.
 */
export class SparkplugAdapter implements Adapter {
  readonly kind = 'sparkplug';
  readonly id: string;
  /** Live counters; read them, do not write them. */
  readonly stats: Readonly<SparkplugStats>;
  private readonly counters = emptySparkplugStats();
  private readonly pointMap: PointMap;
  private readonly connect: ConnectHost;
  private readonly timers: Timers;
  private session: HostSession | undefined;

  /** Compiles the point mapping; opens nothing. */
  constructor(
    private readonly config: SparkplugAdapterConfig,
    private readonly deps: AdapterDeps,
    io: SparkplugAdapterIo = {},
  ) {
    this.id = config.id;
    this.stats = this.counters;
    this.pointMap = new PointMap(config.points, config.point);
    this.connect = io.connect ?? connectHostMqttJs;
    this.timers = io.timers ?? systemTimers;
  }

  /**
   * Resolves once the first connection attempt has succeeded (connected, subscribed, STATE online
   * on its way) or failed; after a failure the session retries with back-off and onStatus says 'down'.
   */
  async start(emit: EmitReading, onError: OnAdapterError, onStatus: OnStatus): Promise<void> {
    if (this.session !== undefined) throw new Error(`sparkplug adapter ${this.id} is already started`);
    const setup = { config: this.config, deps: this.deps, stats: this.counters, pointMap: this.pointMap, connect: this.connect, timers: this.timers };
    this.session = new HostSession(setup, { emit, onError, onStatus });
    await this.session.firstAttempt;
  }

  /** Publishes STATE offline, disconnects; nothing is emitted once this resolves. May be started again. */
  async stop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  metrics(): readonly AdapterMetric[] {
    return sparkplugMetrics(this.id, this.counters);
  }
}

/** Parses (again) so direct callers get the defaults and one coded error listing every problem. */
export function parseSparkplugAdapterConfig(config: unknown): SparkplugAdapterConfig {
  return parseAdapterConfig('sparkplug', sparkplugAdapterSchema, config);
}

export function createSparkplugAdapter(config: unknown, deps: AdapterDeps, io: SparkplugAdapterIo = {}): SparkplugAdapter {
  return new SparkplugAdapter(parseSparkplugAdapterConfig(config), deps, io);
}

export const sparkplugAdapterFactory: AdapterFactory<SparkplugAdapterConfig> = {
  kind: 'sparkplug',
  schema: sparkplugAdapterSchema,
  create: (config, deps) => createSparkplugAdapter(config, deps),
};
