import { parseAdapterConfig } from '../../src/core/adapter-config.js';
import type { EmitObservation } from '../../src/core/observation.js';
import type { Adapter, AdapterDeps, AdapterFactory, AdapterMetric, EmitReading, OnAdapterError, OnStatus } from '../../src/core/ports.js';
import { VideoIngest } from './ingest.js';
import { emptyVideoStats, videoMetrics, type VideoStats } from './metrics.js';
import { connectMqttJs, SessionSlot, type ConnectMqtt, type SessionCounters } from '../lib/mqtt/index.js';
import { compileVideoSubscriptions, openVideoMqttSession, type VideoSessionSubscription } from './mqtt-session.js';
import { videoMqttSchema, type VideoMqttConfig } from './schema.js';

/**
 * Video analytics over MQTT: AI boxes publish hazgate's generic JSON events or ISAPI alerts (JSON,
 * or XML) to topics on a broker. Emits detections and camera heartbeats, never readings.
 */
export class VideoMqttAdapter implements Adapter {
  readonly kind = 'video-mqtt';
  readonly id: string;
  /** Live counters, kept across start/stop. */
  readonly stats: Readonly<VideoStats>;
  /** Reconnects and connection errors by code; read them, do not write them. */
  readonly connection: Readonly<SessionCounters>;
  private readonly counters: VideoStats = emptyVideoStats();
  private readonly sessionCounters: SessionCounters = { reconnects: 0, errors: {} };
  private readonly subscriptions: readonly VideoSessionSubscription[];
  private readonly ingest: VideoIngest;
  private readonly session: SessionSlot;

  /** Validates; opens nothing. */
  constructor(
    private readonly config: VideoMqttConfig,
    private readonly deps: AdapterDeps,
    private readonly connect: ConnectMqtt = connectMqttJs,
  ) {
    this.id = config.id;
    this.stats = this.counters;
    this.connection = this.sessionCounters;
    this.subscriptions = compileVideoSubscriptions(config);
    this.session = new SessionSlot(`video-mqtt adapter ${config.id}`);
    this.ingest = new VideoIngest(config, deps.clock, this.counters);
  }

  /**
   * Resolves once the first connection attempt has succeeded (connected and subscribed) or failed;
   * after a failure the client keeps retrying and onStatus says 'down' until it connects.
   */
  async start(_emit: EmitReading, onError: OnAdapterError, onStatus: OnStatus, observe: EmitObservation): Promise<void> {
    const setup = { config: this.config, subscriptions: this.subscriptions, deps: this.deps, ingest: this.ingest, stats: this.counters, counters: this.sessionCounters, connect: this.connect };
    await this.session.start(() => openVideoMqttSession(setup, { observe, onError }, onStatus));
  }

  /** Disconnects; nothing is emitted once this resolves. The adapter may be started again. */
  stop(): Promise<void> {
    return this.session.stop();
  }

  metrics(): readonly AdapterMetric[] {
    return videoMetrics(this.id, this.counters);
  }
}

/** Parses (again) so direct callers get the defaults and one coded error listing every problem. */
export function parseVideoMqttConfig(config: unknown): VideoMqttConfig {
  return parseAdapterConfig('video-mqtt', videoMqttSchema, config);
}

export function createVideoMqttAdapter(config: VideoMqttConfig, deps: AdapterDeps, connect: ConnectMqtt = connectMqttJs): VideoMqttAdapter {
  return new VideoMqttAdapter(parseVideoMqttConfig(config), deps, connect);
}

export const videoMqttFactory: AdapterFactory<VideoMqttConfig> = {
  kind: 'video-mqtt',
  schema: videoMqttSchema,
  create: (config, deps) => createVideoMqttAdapter(config, deps),
};
