import type { Clock } from '../../src/core/clock.js';
import { HazgateError, type ErrorCode } from '../../src/core/errors.js';
import { excerpt } from '../../src/core/excerpt.js';
import type { EmitObservation } from '../../src/core/observation.js';
import type { OnAdapterError } from '../../src/core/ports.js';
import { CameraDirectory } from './cameras.js';
import { DetectionDeduplicator } from './dedup.js';
import { buildTypeTable, type TypeTable } from './event-types.js';
import { genericEventsFromJson } from './generic.js';
import { isapiAlertFromJson, isapiAlertFromXml, type IsapiParse } from './isapi-alert.js';
import { countInto, type VideoRejectReason, type VideoStats } from './metrics.js';
import { multipartBoundary, splitMultipart, type MultipartPart } from './multipart.js';
import { normaliseGeneric, normaliseIsapi, type NormaliseContext, type VideoOutcome } from './normalise.js';
import type { VideoIngestConfig } from './schema.js';

/** Where the observations and errors of one running adapter go. */
export interface VideoSinks {
  readonly observe: EmitObservation;
  readonly onError: OnAdapterError;
}

/** What one message amounted to; the webhook answers from it. */
export interface IngestSummary {
  /** Items understood (events, duplicates, heartbeats, inactive, ignored and unknown types). */
  understood: number;
  events: number;
  duplicates: number;
  /** Items refused as malformed, and the first reason. */
  malformed: number;
  problem: string | undefined;
}

/**
 * The path every video message takes, whatever carried it (HTTP post, MQTT message): decode,
 * normalise, heartbeat, de-duplicate, emit, count. Errors are coded and counted; nothing throws.
 */
export class VideoIngest {
  private readonly types: TypeTable;
  private readonly cameras: CameraDirectory;
  private readonly dedup: DetectionDeduplicator;

  constructor(
    private readonly config: VideoIngestConfig,
    private readonly clock: Clock,
    private readonly stats: VideoStats,
  ) {
    this.types = buildTypeTable(config.eventTypeMap);
    this.cameras = new CameraDirectory(config.cameras);
    this.dedup = new DetectionDeduplicator(config.dedupWindow);
  }

  /** An ISAPI EventNotificationAlert: XML, JSON, or multipart/form-data with an XML/JSON part. */
  isapi(body: Buffer, contentType: string | undefined, origin: string, sinks: VideoSinks): IngestSummary {
    const summary = emptySummary();
    const boundary = contentType === undefined ? undefined : multipartBoundary(contentType);
    let payload = body;
    let type = contentType;
    if (boundary !== undefined) {
      const alertPart = this.alertPartOf(body, boundary, origin, sinks, summary);
      if (alertPart === undefined) return summary;
      payload = alertPart.body;
      type = alertPart.contentType;
    }
    for (const parsed of decodeIsapi(payload, type)) {
      this.apply(parsed.ok ? normaliseIsapi(parsed.alert, this.context()) : { kind: 'malformed', problem: parsed.problem }, origin, sinks, summary);
    }
    return summary;
  }

  /** hazgate's generic JSON: one event or an array. */
  generic(body: Buffer, origin: string, sinks: VideoSinks): IngestSummary {
    const summary = emptySummary();
    const json = parseJson(body);
    if (!json.ok) {
      this.apply({ kind: 'malformed', problem: json.problem }, origin, sinks, summary);
      return summary;
    }
    const ctx = this.context();
    for (const parsed of genericEventsFromJson(json.value)) {
      this.apply(parsed.ok ? normaliseGeneric(parsed.event, ctx) : { kind: 'malformed', problem: parsed.problem }, origin, sinks, summary);
    }
    return summary;
  }

  /**
   * A message refused before it was read: counted; a too-large one is also reported (the sender
   * is a device that needs reconfiguring). Unauthorised and unrouted requests are only counted:
   * they come from whoever can reach the port, and the log is no place for them.
   */
  refuse(reason: Exclude<VideoRejectReason, 'malformed' | 'unknown-type'>, origin: string, what: string, sinks: VideoSinks | undefined): void {
    countInto(this.stats.rejected, reason);
    if (reason === 'too-large' && sinks !== undefined) sinks.onError(this.error('HG_ERR_INGEST_TOO_LARGE', origin, what, reason));
  }

  private alertPartOf(body: Buffer, boundary: string, origin: string, sinks: VideoSinks, summary: IngestSummary): MultipartPart | undefined {
    let parts: MultipartPart[];
    try {
      parts = splitMultipart(body, boundary);
    } catch (error) {
      this.apply({ kind: 'malformed', problem: `is not readable multipart/form-data: ${(error as Error).message}` }, origin, sinks, summary);
      return undefined;
    }
    const alert = parts.find(isAlertPart);
    this.stats.attachmentsDropped += parts.filter((p) => p !== alert && p.contentType?.startsWith('image/') === true).length;
    if (alert === undefined) this.apply({ kind: 'malformed', problem: 'is multipart/form-data without an XML or JSON alert part' }, origin, sinks, summary);
    return alert;
  }

  private context(): NormaliseContext {
    return { types: this.types, cameras: this.cameras, now: this.clock.now() };
  }

  private apply(outcome: VideoOutcome, origin: string, sinks: VideoSinks, summary: IngestSummary): void {
    if (outcome.kind === 'malformed') {
      summary.malformed += 1;
      summary.problem ??= outcome.problem;
      countInto(this.stats.rejected, 'malformed');
      sinks.onError(this.error('HG_ERR_INGEST_MALFORMED', origin, outcome.problem, 'malformed'));
      return;
    }
    summary.understood += 1;
    const now = this.clock.now();
    if (outcome.kind !== 'event' || outcome.alive) {
      this.stats.heartbeats += 1;
      sinks.observe({ type: 'camera-heartbeat', heartbeat: { cameraId: outcome.cameraId, ts: now } });
    }
    switch (outcome.kind) {
      case 'heartbeat':
        return;
      case 'inactive':
        countInto(this.stats.ignored, 'inactive');
        return;
      case 'ignored':
        countInto(this.stats.ignored, 'mapped');
        return;
      case 'unknown-type': {
        countInto(this.stats.rejected, 'unknown-type');
        // Both are the sender's text (an ipAddress, an eventType) of any length: quoted in part.
        const camera = excerpt(outcome.cameraId);
        const vendorType = excerpt(outcome.vendorType);
        const what = `camera ${camera} sent event type "${vendorType}", which no table maps (add it to eventTypeMap)`;
        sinks.onError(this.error('HG_ERR_INGEST_MALFORMED', origin, what, 'unknown-type', { camera, vendorType }));
        return;
      }
      case 'event': {
        const { event } = outcome;
        if (outcome.receiveTimeUsed) this.stats.receiveTimeUsed += 1;
        if (!this.dedup.admit(event, now)) {
          summary.duplicates += 1;
          countInto(this.stats.duplicates, event.type);
          return;
        }
        summary.events += 1;
        countInto(this.stats.events, event.type);
        sinks.observe({ type: 'video', event });
      }
    }
  }

  private error(code: ErrorCode, origin: string, what: string, reason: VideoRejectReason, extra: Record<string, unknown> = {}): HazgateError {
    const { id } = this.config;
    // The origin of an MQTT message is its topic, up to 65,535 bytes.
    const from = excerpt(origin);
    return new HazgateError(code, `video ${id}: ${from}: ${what}`, { adapter: id, origin: from, reason, ...extra });
  }
}

function emptySummary(): IngestSummary {
  return { understood: 0, events: 0, duplicates: 0, malformed: 0, problem: undefined };
}

function isAlertPart(part: MultipartPart): boolean {
  const type = part.contentType ?? '';
  if (type.includes('xml') || type.includes('json')) return true;
  const name = `${part.filename ?? part.name ?? ''}`.toLowerCase();
  return name.endsWith('.xml') || name.endsWith('.json');
}

/** XML or JSON by the media type, else by the first character. */
function decodeIsapi(payload: Buffer, contentType: string | undefined): IsapiParse[] {
  const text = payload.toString('utf8');
  const type = contentType?.toLowerCase() ?? '';
  const first = text.trimStart().charAt(0);
  const isJson = type.includes('json') || (!type.includes('xml') && (first === '{' || first === '['));
  if (!isJson) return [isapiAlertFromXml(text)];
  const json = parseJson(payload);
  if (!json.ok) return [{ ok: false, problem: json.problem }];
  if (!Array.isArray(json.value)) return [isapiAlertFromJson(json.value)];
  if (json.value.length === 0) return [{ ok: false, problem: 'is an empty array' }];
  return json.value.slice(0, 1_000).map(isapiAlertFromJson);
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch (error) {
    return { ok: false, problem: `is not valid JSON: ${(error as Error).message}` };
  }
}
