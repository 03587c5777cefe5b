import type { VideoEvent, VideoEventType } from '../../src/core/observation.js';
import type { CameraDirectory } from './cameras.js';
import { meaningOf, typeKey, type TypeMeaning, type TypeTable } from './event-types.js';
import type { GenericEvent } from './generic.js';
import type { IsapiAlert } from './isapi-alert.js';
import { sourceTime } from './source-time.js';

/**
 * What one alert or generic event amounts to. Every outcome but `malformed` names its camera, and
 * the camera is alive (a heartbeat) unless `alive` says otherwise. Pure.
 */
export type VideoOutcome =
  | { readonly kind: 'event'; readonly cameraId: string; readonly alive: boolean; readonly event: VideoEvent; readonly receiveTimeUsed: boolean }
  /** A keepalive and nothing more. */
  | { readonly kind: 'heartbeat'; readonly cameraId: string }
  /** ISAPI eventState inactive: the device says a detection is over; it starts nothing. */
  | { readonly kind: 'inactive'; readonly cameraId: string; readonly vendorType: string }
  /** The site's eventTypeMap says `ignore`. */
  | { readonly kind: 'ignored'; readonly cameraId: string; readonly vendorType: string }
  | { readonly kind: 'unknown-type'; readonly cameraId: string; readonly vendorType: string }
  | { readonly kind: 'malformed'; readonly problem: string };

export interface NormaliseContext {
  readonly types: TypeTable;
  readonly cameras: CameraDirectory;
  /** Receive time (the gateway's clock), epoch ms. */
  readonly now: number;
}

/**
 * ISAPI event types whose active state means the camera's picture is gone: the alert still comes
 * (from the camera or its NVR) but must not count as the camera being alive.
 */
const NOT_ALIVE_WHEN_ACTIVE = new Set([typeKey('videoloss')]);

export function normaliseIsapi(alert: IsapiAlert, ctx: NormaliseContext): VideoOutcome {
  if (alert.ipAddress === undefined) return { kind: 'malformed', problem: 'names no camera (no ipAddress or ipv6Address)' };
  const { cameraId, zoneId } = ctx.cameras.resolveIsapi(alert.ipAddress, alert.channelId, alert.regionIds);
  // `inactive` ends an alarm on the device; hazgate's video conditions end on their own timers.
  // (Hikvision's keepalive is `videoloss` + `inactive`: a heartbeat like any inactive message.)
  if (alert.eventState === 'inactive') return { kind: 'inactive', cameraId, vendorType: alert.eventType };
  const resolved = resolveIsapiType(ctx.types, alert);
  if (resolved === undefined) {
    const targets = alert.targetTypes.length > 0 ? ` (targetType ${alert.targetTypes.join(', ')})` : '';
    return { kind: 'unknown-type', cameraId, vendorType: `${alert.eventType}${targets}` };
  }
  const { meaning, vendorType } = resolved;
  if (meaning === 'heartbeat') return { kind: 'heartbeat', cameraId };
  if (meaning === 'ignore') return { kind: 'ignored', cameraId, vendorType };
  const ts = sourceTime(alert.dateTime, ctx.now);
  const at = ts ?? ctx.now;
  const post = alert.activePostCount === undefined ? '' : `#${alert.activePostCount}`;
  const event = videoEvent({
    eventId: alert.vendorEventId ?? `${cameraId}:${meaning}:${at}${post}`,
    cameraId,
    type: meaning,
    vendorType,
    zoneId,
    ts: at,
    confidence: alert.confidence,
    snapshotUrl: alert.snapshotUrl,
    clipUrl: alert.clipUrl,
  });
  return { kind: 'event', cameraId, alive: !NOT_ALIVE_WHEN_ACTIVE.has(typeKey(alert.eventType)), event, receiveTimeUsed: ts === undefined };
}

/** The eventType's meaning; a targetType's when the eventType is one nobody mapped. */
function resolveIsapiType(types: TypeTable, alert: IsapiAlert): { meaning: TypeMeaning; vendorType: string } | undefined {
  const byEvent = meaningOf(types, alert.eventType);
  if (byEvent !== undefined) return { meaning: byEvent, vendorType: alert.eventType };
  for (const target of alert.targetTypes) {
    const byTarget = meaningOf(types, target);
    if (byTarget !== undefined && byTarget !== 'heartbeat') return { meaning: byTarget, vendorType: `${alert.eventType}/${target}` };
  }
  return undefined;
}

export function normaliseGeneric(e: GenericEvent, ctx: NormaliseContext): VideoOutcome {
  const meaning = meaningOf(ctx.types, e.type);
  if (meaning === undefined) return { kind: 'unknown-type', cameraId: e.cameraId, vendorType: e.type };
  if (meaning === 'heartbeat') return { kind: 'heartbeat', cameraId: e.cameraId };
  if (meaning === 'ignore') return { kind: 'ignored', cameraId: e.cameraId, vendorType: e.type };
  const ts = sourceTime(e.ts, ctx.now);
  const at = ts ?? ctx.now;
  const event = videoEvent({
    eventId: e.eventId ?? `${e.cameraId}:${meaning}:${at}`,
    cameraId: e.cameraId,
    type: meaning,
    vendorType: e.type,
    zoneId: e.zoneId ?? ctx.cameras.zoneOf(e.cameraId),
    ts: at,
    confidence: e.confidence,
    snapshotUrl: e.snapshotUrl,
    clipUrl: e.clipUrl,
  });
  return { kind: 'event', cameraId: e.cameraId, alive: true, event, receiveTimeUsed: ts === undefined };
}

interface EventFields {
  readonly eventId: string;
  readonly cameraId: string;
  readonly type: VideoEventType;
  readonly vendorType: string;
  readonly zoneId: string | undefined;
  readonly ts: number;
  readonly confidence: number | undefined;
  readonly snapshotUrl: string | undefined;
  readonly clipUrl: string | undefined;
}

/** Leaves absent optional fields out, so events compare and serialise without `undefined` keys. */
function videoEvent(f: EventFields): VideoEvent {
  return {
    eventId: f.eventId,
    cameraId: f.cameraId,
    type: f.type,
    vendorType: f.vendorType,
    ts: f.ts,
    ...(f.zoneId === undefined ? {} : { zoneId: f.zoneId }),
    ...(f.confidence === undefined ? {} : { confidence: f.confidence }),
    ...(f.snapshotUrl === undefined ? {} : { snapshotUrl: f.snapshotUrl }),
    ...(f.clipUrl === undefined ? {} : { clipUrl: f.clipUrl }),
  };
}
