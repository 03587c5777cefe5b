import { parseAdapterConfig } from '../../src/core/adapter-config.js';
import type { EmitObservation } from '../../src/core/observation.js';
import type { Adapter, AdapterDeps, AdapterFactory, AdapterMetric, EmitReading, OnAdapterError, OnStatus } from '../../src/core/ports.js';
import { VideoIngest } from './ingest.js';
import { emptyVideoStats, videoMetrics, type VideoStats } from './metrics.js';
import { connectVideoMqtt, type ConnectVideoMqtt } from './mqtt-client-port.js';
import { VideoMqttSession } from './mqtt-session.js';
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
  private readonly counters: VideoStats = emptyVideoStats();
  private readonly ingest: VideoIngest;
  private session: VideoMqttSession | undefined;

  /** Validates; opens nothing. */
  constructor(
    private readonly config: VideoMqttConfig,
    private readonly deps: AdapterDeps,
    private readonly connect: ConnectVideoMqtt = connectVideoMqtt,
  ) {
    this.id = config.id;
    this.stats = this.counters;
    this.ingest = new VideoIngest(config, deps.clock, this.counters);
  }

  /**
   * Resolves once the first connection attempt has succeeded (connected and subscribed) or failed;
   * after a failure the client keeps retrying and onStatus says 'down' until it connects.
   */
  async start(_emit: EmitReading, onError: OnAdapterError, onStatus: OnStatus, observe: EmitObservation): Promise<void> {
    if (this.session !== undefined) throw new Error(`video-mqtt adapter ${this.id} is already started`);
    const setup = { config: this.config, deps: this.deps, ingest: this.ingest, stats: this.counters, connect: this.connect };
    this.session = new VideoMqttSession(setup, { observe, onError }, onStatus);
    await this.session.firstAttempt;
  }

  /** Disconnects; nothing is emitted once this resolves. The adapter may be started again. */
  async stop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  metrics(): readonly AdapterMetric[] {
    return videoMetrics(this.id, this.counters);
  }
}

/** Parses (again) so direct callers get the defaults and one coded error listing every problem. */
export function parseVideoMqttConfig(config: unknown): VideoMqttConfig {
  return parseAdapterConfig('video-mqtt', videoMqttSchema, config);
}

export function createVideoMqttAdapter(config: VideoMqttConfig, deps: AdapterDeps, connect: ConnectVideoMqtt = connectVideoMqtt): VideoMqttAdapter {
  return new VideoMqttAdapter(parseVideoMqttConfig(config), deps, connect);
}

export const videoMqttFactory: AdapterFactory<VideoMqttConfig> = {
  kind: 'video-mqtt',
  schema: videoMqttSchema,
  create: (config, deps) => createVideoMqttAdapter(config, deps),
};
