import { parseAdapterConfig } from '../../src/core/adapter-config.js';
import { HazgateError } from '../../src/core/errors.js';
import type { EmitObservation } from '../../src/core/observation.js';
import type { Adapter, AdapterDeps, AdapterFactory, AdapterMetric, EmitReading, OnAdapterError, OnStatus } from '../../src/core/ports.js';
import { makeAuthoriser } from './auth.js';
import { startHttpListener, type ClosedConnection, type HttpListener, type WebhookAnswer, type WebhookRequest } from './http-listener.js';
import { VideoIngest, type IngestSummary, type VideoSinks } from './ingest.js';
import { countInto, emptyVideoStats, videoMetrics, type VideoRejectReason, type VideoStats } from './metrics.js';
import { videoWebhookSchema, type VideoWebhookConfig } from './schema.js';

/**
 * Video analytics over HTTP: AI boxes, cameras and NVRs post their alerts to this adapter's own
 * listener (`paths.isapi`: Hikvision ISAPI; `paths.events`: hazgate's generic JSON). It answers
 * 200 as soon as the body is read and parsed (boxes retry otherwise), 400 for a body it cannot
 * read at all, 413 for one too large. Emits detections and camera heartbeats, never readings.
 */
export class VideoWebhookAdapter implements Adapter {
  readonly kind = 'video-webhook';
  readonly id: string;
  /** Live counters, kept across start/stop. */
  readonly stats: Readonly<VideoStats>;
  private readonly counters: VideoStats = emptyVideoStats();
  /** Connections the listener closed, by why (hazgate_video_webhook_connections_closed_total), kept across start/stop. */
  readonly connectionsClosed: Readonly<Partial<Record<ClosedConnection, number>>>;
  private readonly closed: Partial<Record<ClosedConnection, number>> = {};
  private readonly ingest: VideoIngest;
  private listener: HttpListener | undefined;
  private sinks: VideoSinks | undefined;
  private onStatus: OnStatus | undefined;
  /** Gateway time of the last warning about closed connections (at most one a minute). */
  private lastConnectionWarning = -Infinity;

  /** Validates; opens nothing. */
  constructor(
    private readonly config: VideoWebhookConfig,
    private readonly deps: AdapterDeps,
  ) {
    this.id = config.id;
    this.stats = this.counters;
    this.connectionsClosed = this.closed;
    this.ingest = new VideoIngest(config, deps.clock, this.counters);
  }

  /** Resolves once listening; rejects with HG_ERR_SERVER_LISTEN when the port cannot be bound. */
  async start(_emit: EmitReading, onError: OnAdapterError, onStatus: OnStatus, observe: EmitObservation): Promise<void> {
    if (this.listener !== undefined) throw new Error(`video-webhook adapter ${this.id} is already started`);
    const { config } = this;
    onStatus({ state: 'starting', since: this.deps.clock.now() });
    const sinks: VideoSinks = { observe, onError };
    this.sinks = sinks;
    this.onStatus = onStatus;
    try {
      this.listener = await startHttpListener({
        host: config.host,
        port: config.port,
        paths: new Set([config.paths.isapi, config.paths.events]),
        maxBodyBytes: config.maxBodyBytes,
        maxConnections: config.maxConnections,
        maxConnectionsPerAddress: config.maxConnectionsPerAddress,
        headersTimeoutMs: config.headersTimeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
        minBodyBytesPerSecond: config.minBodyBytesPerSecond,
        authorise: makeAuthoriser(config.auth),
        challenge: config.auth?.type === 'basic' ? 'Basic realm="hazgate video", charset="UTF-8"' : undefined,
        handle: (request) => this.handle(request),
        onRefused: (reason, remote, what) => {
          this.counters.messages += 1;
          this.ingest.refuse(reason, remote, what, this.sinks);
        },
        onConnectionClosed: (reason, remote, what) => this.connectionClosed(reason, remote, what),
      });
    } catch (cause) {
      this.sinks = undefined;
      this.onStatus = undefined;
      const reason = cause instanceof Error ? cause.message : String(cause);
      onStatus({ state: 'down', reason, since: this.deps.clock.now() });
      throw new HazgateError('HG_ERR_SERVER_LISTEN', `video-webhook ${this.id} cannot listen on ${config.host}:${config.port}: ${reason}`, { adapter: this.id, host: config.host, port: config.port }, cause);
    }
    if (config.auth === undefined && !isLoopback(config.host)) {
      this.deps.logger.warn({ adapter: this.id, host: config.host }, `video-webhook ${this.id} listens on ${config.host} without auth: anyone who reaches the port can post detections`);
    }
    onStatus({ state: 'up', since: this.deps.clock.now() });
  }

  /** Where it listens (the bound port when the config said 0); undefined when not started. */
  address(): { readonly host: string; readonly port: number } | undefined {
    return this.listener === undefined ? undefined : { host: this.listener.host, port: this.listener.port };
  }

  /** Closes the listener; nothing is emitted once this resolves (requests in flight get 503). */
  async stop(): Promise<void> {
    const listener = this.listener;
    const onStatus = this.onStatus;
    this.listener = undefined;
    this.sinks = undefined;
    this.onStatus = undefined;
    if (listener === undefined) return;
    await listener.close();
    onStatus?.({ state: 'stopped', since: this.deps.clock.now() });
  }

  metrics(): readonly AdapterMetric[] {
    return [...videoMetrics(this.id, this.counters), connectionsClosedMetric(this.id, this.closed)];
  }

  /**
   * Counted by why (hazgate_video_webhook_connections_closed_total); a refused connection or a
   * request cut off also as a refusal (hazgate_video_rejected_total `too-many-connections`,
   * `timeout`). Not passed to onError: whoever reaches the port can cause them, as unauthorised
   * requests. A box's detections may be among those closed, though, so the log says so once a
   * minute while it goes on. An idle connection closed for a new one lost nothing and is only counted.
   */
  private connectionClosed(reason: ClosedConnection, remote: string, what: string): void {
    countInto(this.closed, reason);
    const refusal = REFUSAL_OF[reason];
    if (refusal === undefined) return;
    this.ingest.refuse(refusal, remote, what, undefined);
    const now = this.deps.clock.now();
    if (now - this.lastConnectionWarning < CONNECTION_WARNING_EVERY_MS) return;
    this.lastConnectionWarning = now;
    const { rejected } = this.counters;
    this.deps.logger.warn(
      { adapter: this.id, reason, remote, tooManyConnections: rejected['too-many-connections'] ?? 0, timeouts: rejected.timeout ?? 0, closed: { ...this.closed } },
      `video-webhook ${this.id}: ${remote}: ${what}`,
    );
  }

  private handle(request: WebhookRequest): WebhookAnswer {
    const sinks = this.sinks;
    if (sinks === undefined) return { status: 503, body: { ok: false, reason: 'stopping' } };
    this.counters.messages += 1;
    const origin = `${request.remote} POST ${request.path}`;
    try {
      const summary =
        request.path === this.config.paths.isapi
          ? this.ingest.isapi(request.body, request.contentType, origin, sinks)
          : this.ingest.generic(request.body, origin, sinks);
      return answerOf(summary);
    } catch (cause) {
      // A bug, not the sender's fault: answer 500 (the box retries) and keep listening.
      const what = cause instanceof Error ? cause.message : String(cause);
      sinks.onError(new HazgateError('HG_ERR_INTERNAL', `video-webhook ${this.id}: ${origin}: ${what}`, { adapter: this.id, origin }, cause));
      return { status: 500, body: { ok: false, reason: 'internal error' } };
    }
  }
}

const CONNECTION_WARNING_EVERY_MS = 60_000;

/** How a closed connection shows in hazgate_video_rejected_total; an idle one closed for a new one is no refusal. */
const REFUSAL_OF: Readonly<Record<ClosedConnection, Extract<VideoRejectReason, 'too-many-connections' | 'timeout'> | undefined>> = {
  'connection-limit': 'too-many-connections',
  'address-limit': 'too-many-connections',
  'idle-for-new': undefined,
  timeout: 'timeout',
  'body-too-slow': 'timeout',
};

const CLOSED_CONNECTION_REASONS: readonly ClosedConnection[] = ['connection-limit', 'address-limit', 'idle-for-new', 'timeout', 'body-too-slow'];

/** Every reason is reported, 0 included, so a rate of evictions or slow bodies can be graphed from the start. */
function connectionsClosedMetric(adapter: string, closed: Readonly<Partial<Record<ClosedConnection, number>>>): AdapterMetric {
  return {
    name: 'hazgate_video_webhook_connections_closed_total',
    help: 'Connections the video webhook closed, by reason (connection-limit, address-limit: a new one refused, all mid-request; idle-for-new: an idle one closed for a new one; timeout; body-too-slow)',
    type: 'counter',
    labelNames: ['adapter', 'reason'],
    values: CLOSED_CONNECTION_REASONS.map((reason) => ({ labels: { adapter, reason }, value: closed[reason] ?? 0 })),
  };
}

/** 200 when anything in the body was understood (bad items are counted and reported); 400 when nothing was. */
function answerOf(s: IngestSummary): WebhookAnswer {
  if (s.understood === 0) return { status: 400, body: { ok: false, reason: s.problem ?? 'nothing to read' } };
  return { status: 200, body: { ok: true, events: s.events, duplicates: s.duplicates, rejected: s.malformed } };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Parses (again) so direct callers get the defaults and one coded error listing every problem. */
export function parseVideoWebhookConfig(config: unknown): VideoWebhookConfig {
  return parseAdapterConfig('video-webhook', videoWebhookSchema, config);
}

export function createVideoWebhookAdapter(config: VideoWebhookConfig, deps: AdapterDeps): VideoWebhookAdapter {
  return new VideoWebhookAdapter(parseVideoWebhookConfig(config), deps);
}

export const videoWebhookFactory: AdapterFactory<VideoWebhookConfig> = {
  kind: 'video-webhook',
  schema: videoWebhookSchema,
  create: (config, deps) => createVideoWebhookAdapter(config, deps),
};
