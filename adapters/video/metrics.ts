import type { AdapterMetric } from '../../src/core/ports.js';
import type { VideoEventType } from '../../src/core/observation.js';

/**
 * Why a message (or one event of it) was refused; for the webhook also why a connection was closed
 * before a request was read (`too-many-connections`, `timeout`).
 */
export type VideoRejectReason = 'malformed' | 'too-large' | 'unknown-type' | 'unauthorised' | 'no-route' | 'too-many-connections' | 'timeout';
/** Messages that were understood and deliberately not turned into detections. */
export type VideoIgnoreReason = 'inactive' | 'mapped';

export const VIDEO_REJECT_REASONS: readonly VideoRejectReason[] = ['malformed', 'too-large', 'unknown-type', 'unauthorised', 'no-route', 'too-many-connections', 'timeout'];

/** Live counters of one video adapter, kept across start/stop; read them, do not write them. */
export interface VideoStats {
  /** HTTP requests or MQTT messages received. */
  messages: number;
  /** Detections emitted, by type. */
  events: Partial<Record<VideoEventType, number>>;
  /** Detections dropped as repeats within the de-duplication window, by type. */
  duplicates: Partial<Record<VideoEventType, number>>;
  rejected: Partial<Record<VideoRejectReason, number>>;
  ignored: Partial<Record<VideoIgnoreReason, number>>;
  /** camera-heartbeat observations emitted. */
  heartbeats: number;
  /** Detections stamped with the receive time because their own time was missing or unusable. */
  receiveTimeUsed: number;
  /** Picture parts of multipart alerts, not kept (see README: storing them is not done yet). */
  attachmentsDropped: number;
}

export function emptyVideoStats(): VideoStats {
  return { messages: 0, events: {}, duplicates: {}, rejected: {}, ignored: {}, heartbeats: 0, receiveTimeUsed: 0, attachmentsDropped: 0 };
}

export function countInto<K extends string>(counts: Partial<Record<K, number>>, key: K, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/**
 * The counter families of both video kinds (same names and labels, so /metrics sums them). The
 * names do not depend on the values: a family with no values yet is still reported.
 */
export function videoMetrics(adapter: string, stats: Readonly<VideoStats>): AdapterMetric[] {
  const byKey = (counts: Readonly<Record<string, number | undefined>>, label: string): AdapterMetric['values'] =>
    Object.entries(counts).map(([key, value]) => ({ labels: { adapter, [label]: key }, value: value ?? 0 }));
  const single = (value: number): AdapterMetric['values'] => [{ labels: { adapter }, value }];
  return [
    family('hazgate_video_messages_total', 'HTTP posts or MQTT messages received by a video adapter', ['adapter'], single(stats.messages)),
    family('hazgate_video_events_total', 'Video detections emitted, by normalised type', ['adapter', 'type'], byKey(stats.events, 'type')),
    family('hazgate_video_duplicates_total', 'Video detections dropped as repeats of one camera/type/zone within the de-duplication window', ['adapter', 'type'], byKey(stats.duplicates, 'type')),
    family('hazgate_video_rejected_total', 'Video messages or events refused, by reason (malformed, too-large, unknown-type, unauthorised, no-route; webhook connections: too-many-connections, timeout)', ['adapter', 'reason'], byKey(stats.rejected, 'reason')),
    family('hazgate_video_ignored_total', 'Video messages understood but not detections (inactive state, mapped to ignore)', ['adapter', 'reason'], byKey(stats.ignored, 'reason')),
    family('hazgate_video_heartbeats_total', 'Camera heartbeat observations emitted (every heartbeat or event of a camera)', ['adapter'], single(stats.heartbeats)),
    family('hazgate_video_receive_time_used_total', 'Video detections stamped with the receive time (source time missing or unusable)', ['adapter'], single(stats.receiveTimeUsed)),
    family('hazgate_video_attachments_dropped_total', 'Pictures attached to multipart alerts and not kept', ['adapter'], single(stats.attachmentsDropped)),
  ];
}

function family(name: string, help: string, labelNames: readonly string[], values: AdapterMetric['values']): AdapterMetric {
  return { name, help, type: 'counter', labelNames, values };
}
