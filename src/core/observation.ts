import type { ReaderEvent, TagPosition, TagStatus } from './people.js';

/** What video analytics (AI boxes, NVRs) detect, normalised from each vendor's event names. */
export type VideoEventType = 'no-helmet' | 'smoking' | 'intrusion' | 'fire-smoke' | 'crowd' | 'fall' | 'phone' | 'tamper';

export const VIDEO_EVENT_TYPES: readonly VideoEventType[] = ['no-helmet', 'smoking', 'intrusion', 'fire-smoke', 'crowd', 'fall', 'phone', 'tamper'];

/** One detection of a camera's analytics. */
export interface VideoEvent {
  /** The vendor's event id when it gives one, else one made from camera, type and time. */
  readonly eventId: string;
  readonly cameraId: string;
  readonly type: VideoEventType;
  /** The vendor's own event name (`ISAPI eventType`/`targetType`), for the record. */
  readonly vendorType: string;
  /** Zone the camera's rule or region names, when it says. */
  readonly zoneId?: string | undefined;
  /** Source time, epoch ms. */
  readonly ts: number;
  /** 0-1 when the analytics give one. */
  readonly confidence?: number | undefined;
  readonly snapshotUrl?: string | undefined;
  readonly clipUrl?: string | undefined;
}

/** A camera (or its box) says it is alive: heartbeats, or any event. */
export interface CameraHeartbeat {
  readonly cameraId: string;
  readonly ts: number;
}

/**
 * What an adapter observes besides point readings: tag positions, tag states without a position
 * and reader events (personnel location), video detections and camera heartbeats. The gateway routes each to its engine.
 */
export type Observation =
  | { readonly type: 'position'; readonly position: TagPosition }
  | { readonly type: 'reader'; readonly event: ReaderEvent }
  /** A tag's SOS button, motion or battery from a blink without a fix (personnel location). */
  | { readonly type: 'tag-status'; readonly status: TagStatus }
  | { readonly type: 'video'; readonly event: VideoEvent }
  | { readonly type: 'camera-heartbeat'; readonly heartbeat: CameraHeartbeat };

export type EmitObservation = (o: Observation) => void;
