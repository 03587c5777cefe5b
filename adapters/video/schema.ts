import { z } from 'zod';
import { durationSchema } from '../../src/core/duration.js';
import { brokerConnectionShape, checkCredentials, checkUniqueTopics, mqttQosSchema, topicFilterSchema } from '../lib/mqtt/index.js';
import { TYPE_MEANINGS } from './event-types.js';

/**
 * Config of the two video adapter kinds: `video-webhook` (an HTTP listener AI boxes and cameras
 * post to) and `video-mqtt` (topics on a broker). Both share camera mapping, type mapping and the
 * de-duplication window.
 */

const idText = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters');

/** One camera: names the camera (and its zone) an ISAPI alert's ipAddress + channelID stand for. */
export const videoCameraSchema = z
  .object({
    cameraId: idText,
    /** The `ipAddress` (or `ipv6Address`) the camera or NVR writes in its alerts. */
    ipAddress: z.string().min(1).max(64).optional(),
    /** ISAPI `channelID` (1 on a single camera; the channel number on an NVR). */
    channel: z.number().int().min(1).max(9_999).default(1),
    /** Zone the camera covers: the zone of its detections when the payload names none. */
    zoneId: idText.optional(),
    /** ISAPI detection region (`regionID`) → zone, for a camera whose regions cover different zones. */
    regionZones: z.record(z.string(), idText).default({}),
  })
  .strict()
  .readonly();

export type VideoCameraConfig = z.output<typeof videoCameraSchema>;

const commonShape = {
  /** Repeats of one camera/type/zone within this window of the last detection passed are dropped; 0 = keep all. */
  dedupWindow: durationSchema.default(30_000),
  cameras: z.array(videoCameraSchema).default([]).readonly(),
  /** Vendor event names → a hazgate type, `heartbeat` or `ignore`; these win over the built-in table. */
  eventTypeMap: z.record(z.string().min(1).max(128), z.enum(TYPE_MEANINGS)).default({}),
};

interface CommonConfig {
  readonly cameras: readonly VideoCameraConfig[];
}

function checkCameras(config: CommonConfig, ctx: z.RefinementCtx): void {
  const ids = new Set<string>();
  const addresses = new Set<string>();
  config.cameras.forEach((camera, i) => {
    if (ids.has(camera.cameraId)) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'cameraId'], message: `duplicate cameraId "${camera.cameraId}"` });
    ids.add(camera.cameraId);
    for (const region of Object.keys(camera.regionZones)) {
      if (!/^\d{1,4}$/.test(region)) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'regionZones', region], message: `"${region}" is not a regionID (a number)` });
    }
    if (camera.ipAddress === undefined) {
      if (Object.keys(camera.regionZones).length > 0) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'regionZones'], message: 'regionZones needs the ipAddress the alerts come with' });
      return;
    }
    const key = `${camera.ipAddress}/${camera.channel}`;
    if (addresses.has(key)) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'channel'], message: `another camera has ipAddress ${camera.ipAddress} channel ${camera.channel}` });
    addresses.add(key);
  });
}

const urlPath = z
  .string()
  .max(200)
  .regex(/^\/[A-Za-z0-9._~\/-]*$/, 'a path starts with "/" and has no query, spaces or "#"');

const headerAuth = z
  .object({
    type: z.literal('header'),
    /** Request header carrying the shared secret. */
    header: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name is letters, digits and "-"')
      .transform((h) => h.toLowerCase())
      .default('x-hazgate-secret'),
    secret: z.string().min(16, 'a shared secret has at least 16 characters'),
  })
  .strict();

const basicAuth = z
  .object({
    type: z.literal('basic'),
    username: z.string().min(1).regex(/^[^:]*$/, 'a basic-auth user name has no ":"'),
    password: z.string().min(8, 'a password has at least 8 characters'),
  })
  .strict();

export const videoAuthSchema = z.discriminatedUnion('type', [headerAuth, basicAuth]);
export type VideoAuthConfig = z.output<typeof videoAuthSchema>;

export const videoWebhookSchema = z
  .object({
    kind: z.literal('video-webhook'),
    id: z.string().min(1),
    /** 127.0.0.1 unless cameras post from other hosts (then e.g. 0.0.0.0, ideally with auth). */
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests); the adapter's `address()` tells which. */
    port: z.number().int().min(0).max(65_535),
    paths: z
      .object({
        /** Hikvision ISAPI EventNotificationAlert: XML, JSON or multipart/form-data. */
        isapi: urlPath.default('/isapi'),
        /** hazgate's generic JSON events. */
        events: urlPath.default('/events'),
      })
      .strict()
      .prefault({}),
    /** Larger bodies are answered 413 unread (multipart alerts carry JPEGs: allow for them). */
    maxBodyBytes: z.number().int().min(1_024).max(64 * 1_048_576).default(2 * 1_048_576),
    /**
     * The cap on a whole request, however steadily it comes (minBodyBytesPerSecond decides about
     * slow ones): 2 MiB in 120 s needs 17 KiB/s on average. Raise it for large pictures over slow links.
     */
    requestTimeoutMs: durationSchema.refine((ms) => ms >= 100, 'requestTimeoutMs must be at least 100ms').default(120_000),
    /** Its headers within this (an idle connection too); at most requestTimeoutMs applies. */
    headersTimeoutMs: durationSchema.refine((ms) => ms >= 100, 'headersTimeoutMs must be at least 100ms').default(5_000),
    /** After its headers and an allowance of headersTimeoutMs, a body must average at least this (bytes/s), else 408; 0 = no check. */
    minBodyBytesPerSecond: z.number().int().min(0).max(1_073_741_824).default(8_192),
    /**
     * Open connections at most (AI boxes keep theirs alive); a new one beyond takes the place of the
     * connection idle the longest, and is closed itself only when all are mid-request.
     */
    maxConnections: z.number().int().min(1).max(10_000).default(64),
    /** The same per remote address, among that address's own connections: one host cannot take them all. An NVR posting for many cameras may need more. */
    maxConnectionsPerAddress: z.number().int().min(1).max(10_000).default(8),
    auth: videoAuthSchema.optional(),
    ...commonShape,
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.paths.isapi === config.paths.events) ctx.addIssue({ code: 'custom', path: ['paths', 'events'], message: 'paths.isapi and paths.events must differ' });
    checkCameras(config, ctx);
  })
  .readonly();

export type VideoWebhookConfig = z.output<typeof videoWebhookSchema>;
export type VideoWebhookConfigInput = z.input<typeof videoWebhookSchema>;

export const videoPayloadFormatSchema = z.enum(['generic', 'isapi']);
export type VideoPayloadFormat = z.output<typeof videoPayloadFormatSchema>;

export const videoMqttSubscriptionSchema = z
  .object({
    topic: topicFilterSchema.max(1_024),
    qos: mqttQosSchema.default(1),
    /** `generic`: hazgate's JSON events; `isapi`: ISAPI EventNotificationAlert (JSON, or XML). */
    format: videoPayloadFormatSchema.default('generic'),
  })
  .strict()
  .readonly();

export type VideoMqttSubscriptionConfig = z.output<typeof videoMqttSubscriptionSchema>;

export const videoMqttSchema = z
  .object({
    kind: z.literal('video-mqtt'),
    id: z.string().min(1),
    /** url, clientId, cleanSession, username, password, keepaliveS, connectTimeoutMs, tls (adapters/lib/mqtt). */
    ...brokerConnectionShape,
    reconnectMs: z.number().int().min(1).default(1_000),
    maxPayloadBytes: z.number().int().min(1).max(268_435_455).default(262_144),
    subscriptions: z.array(videoMqttSubscriptionSchema).min(1).readonly(),
    ...commonShape,
  })
  .strict()
  .superRefine((config, ctx) => {
    checkCredentials(config, ctx);
    checkUniqueTopics(config.subscriptions, ctx);
    checkCameras(config, ctx);
  })
  .readonly();

export type VideoMqttConfig = z.output<typeof videoMqttSchema>;
export type VideoMqttConfigInput = z.input<typeof videoMqttSchema>;

/** What both kinds share, as the ingest sees it. */
export type VideoIngestConfig = Pick<VideoWebhookConfig, 'id' | 'dedupWindow' | 'cameras' | 'eventTypeMap'>;
