import { z } from 'zod';
import { isMediaUrl } from './isapi-alert.js';

/**
 * hazgate's generic video event JSON (documented in README.md), for AI boxes that can be told
 * what to post: one object or an array of them.
 *
 *   { "cameraId": "cam-07", "type": "no-helmet", "ts": 1714975391000, "zoneId": "unit-2",
 *     "confidence": 0.91, "snapshotUrl": "http://…/a.jpg", "clipUrl": "rtsp://…", "eventId": "…" }
 *
 * `type` is a hazgate type, `heartbeat`, or a name the site's eventTypeMap knows. Fields not
 * listed are ignored (room for a box's own extras). Pure.
 */
export interface GenericEvent {
  readonly cameraId: string;
  readonly type: string;
  /** As sent: epoch ms or ISO 8601 text; checked later against the receive time. */
  readonly ts: number | string | undefined;
  readonly zoneId: string | undefined;
  readonly confidence: number | undefined;
  readonly snapshotUrl: string | undefined;
  readonly clipUrl: string | undefined;
  readonly eventId: string | undefined;
}

export type GenericParse = { readonly ok: true; readonly event: GenericEvent } | { readonly ok: false; readonly problem: string };

const text = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'has control characters');
const mediaUrl = z.string().refine(isMediaUrl, 'is not an http(s):// or rtsp(s):// URL');

const genericEventSchema = z.object({
  cameraId: text,
  type: text,
  ts: z.union([z.number(), z.string().max(64)]).optional(),
  zoneId: text.optional(),
  confidence: z.number().min(0).max(1).optional(),
  snapshotUrl: mediaUrl.optional(),
  clipUrl: mediaUrl.optional(),
  eventId: z.string().min(1).max(256).optional(),
});

/** At most this many events in one array (one HTTP post or MQTT message). */
export const MAX_GENERIC_BATCH = 1_000;

/** One result per event; a value that is neither an object nor an array is one failure. */
export function genericEventsFromJson(value: unknown): GenericParse[] {
  if (Array.isArray(value)) {
    if (value.length > MAX_GENERIC_BATCH) return [{ ok: false, problem: `is an array of ${value.length} events, more than ${MAX_GENERIC_BATCH}` }];
    return value.map((item, i) => parseOne(item, `[${i}]`));
  }
  return [parseOne(value, '')];
}

function parseOne(value: unknown, where: string): GenericParse {
  const result = genericEventSchema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    const path = first === undefined || first.path.length === 0 ? '' : ` ${first.path.join('.')}`;
    const problem = typeof value !== 'object' || value === null || Array.isArray(value) ? 'is not an event object' : `${path.trim()} ${first?.message ?? 'is invalid'}`.trim();
    return { ok: false, problem: `${where === '' ? '' : `${where} `}${problem}` };
  }
  const e = result.data;
  return {
    ok: true,
    event: {
      cameraId: e.cameraId,
      type: e.type,
      ts: e.ts,
      zoneId: e.zoneId,
      confidence: e.confidence,
      snapshotUrl: e.snapshotUrl,
      clipUrl: e.clipUrl,
      eventId: e.eventId,
    },
  };
}
