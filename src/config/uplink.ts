import { z } from 'zod';
import { bytesSchema, durationSchema } from './rule-parts.js';

/**
 * The site's `uplink` section: the provincial feed (docs/uplink/README.md). The outbox keeps every
 * journal record, snapshot and status until the centre acknowledges it, within its bounds.
 */
export const uplinkOutboxSchema = z
  .object({
    /** Folder of `uplink.db` (default `<store dir>/uplink`). */
    dir: z.string().optional().describe('folder of `uplink.db` (default `<store dir>/uplink`).'),
    maxBytes: bytesSchema.default(256 * 1024 ** 2),
    maxAge: durationSchema.default(7 * 86_400_000),
    /** `full` syncs every commit (a sequence number the centre saw is never reused after a power loss). */
    sync: z.enum(['full', 'normal']).default('full').describe('`full` syncs every commit (a sequence number the centre saw is never reused after a power loss).'),
  })
  .strict();

export const uplinkSnapshotSchema = z
  .object({
    interval: durationSchema.refine((ms) => ms >= 1000, 'at least 1s').default(10_000),
    /** Points sent in each snapshot (default: every configured point). */
    points: z.array(z.string()).optional().describe('points sent in each snapshot (default: every configured point).'),
  })
  .strict();

export const uplinkBaseShape = {
  /** The site id the centre knows this gateway by (default `site.id`). */
  site: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a site id is 1-64 of letters, digits, . _ -').optional().describe('the site id the centre knows this gateway by (default `site.id`).'),
  outbox: uplinkOutboxSchema.default(uplinkOutboxSchema.parse({})),
  snapshot: uplinkSnapshotSchema.default(uplinkSnapshotSchema.parse({})),
  /** How often the gateway's status and the journal's chain head are sent. */
  statusInterval: durationSchema.refine((ms) => ms >= 1000, 'at least 1s').default(60_000).describe('how often the gateway\'s status and the journal\'s chain head are sent.'),
};

const tlsSchema = z
  .object({ ca: z.string().optional(), cert: z.string().optional(), key: z.string().optional(), rejectUnauthorized: z.boolean().default(true) })
  .strict();

const backoffSchema = z.object({ min: durationSchema.default(1000), max: durationSchema.default(60_000) }).strict();

const mqttSchema = z
  .object({
    url: z.string().regex(/^(mqtts?|wss?):\/\/\S+$/, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
    /** Must equal the centre's: a site's batches go to `hazgate/v1/feed/<fnv1a(site) mod partitions>/<site>`. */
    partitions: z.number().int().min(1).max(65_536).default(16).describe('must equal the centre\'s: a site\'s batches go to `hazgate/v1/feed/<fnv1a(site) mod partitions>/<site>`.'),
    /** Default `hazgate-<site>`: one persistent session per site. */
    clientId: z.string().min(1).max(128).optional().describe('default `hazgate-<site>`: one persistent session per site.'),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
    username: z.string().optional(),
    password: z.string().optional(),
    tls: tlsSchema.optional(),
    keepalive: durationSchema.default(30_000),
    /** MQTT 5: an HMAC-SHA256 signature of each batch as a user property. */
    signingKey: z.string().min(16).optional().describe('MQTT 5: an HMAC-SHA256 signature of each batch as a user property.'),
  })
  .strict();

const httpsSchema = z
  .object({
    url: z.string().regex(/^https?:\/\/\S+$/, 'an https:// (or http:// for a lab) URL'),
    /** The HMAC-SHA256 key the centre knows this site by (X-Hazgate-Signature). */
    key: z.string().min(16, 'an HMAC key of at least 16 characters').describe('the HMAC-SHA256 key the centre knows this site by (X-Hazgate-Signature).'),
    tls: tlsSchema.optional(),
    timeout: durationSchema.default(30_000),
  })
  .strict();

const batchSchema = z
  .object({
    maxMessages: z.number().int().min(1).max(10_000).default(100),
    maxBytes: bytesSchema.default(256 * 1024),
    /** Batches sent and not yet acknowledged, at most. */
    window: z.number().int().min(1).max(64).default(4).describe('batches sent and not yet acknowledged, at most.'),
    /** No ack for this long: send again from the oldest unacknowledged message. */
    ackTimeout: durationSchema.default(10_000).describe('no ack for this long: send again from the oldest unacknowledged message.'),
    backoff: backoffSchema.default({ min: 1000, max: 60_000 }),
  })
  .strict();

const kjFieldSchema = z
  .object({
    name: z.string().min(1),
    from: z.string().min(1),
    format: z.enum(['text', 'number', 'integer', 'datetime', 'bool']).optional(),
    decimals: z.number().int().min(0).max(12).optional(),
    map: z.record(z.string(), z.string()).optional(),
    default: z.string().optional(),
  })
  .strict();

const kjLayoutSchema = z.object({ table: z.string().min(1), fields: z.array(kjFieldSchema).min(1) }).strict();

/** The coal-mine networking text format over TCP, for centres that still take it (docs/uplink/kj.md: layouts unverified). */
const kjSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535),
    database: z.string().default('KJ'),
    /** The centre's clock: datetimes are written at this offset from UTC (default +8 h). */
    utcOffsetMinutes: z.number().int().min(-720).max(840).default(480).describe('the centre\'s clock: datetimes are written at this offset from UTC (default +8 h).'),
    /** Table layouts; null leaves a table out. Default: the real-time and alarm layouts of docs/uplink/kj.md. */
    layouts: z.object({ realtime: kjLayoutSchema.nullable().optional(), alarm: kjLayoutSchema.nullable().optional() }).strict().optional().describe('table layouts; null leaves a table out. Default: the real-time and alarm layouts of docs/uplink/kj.md.'),
    /** Folder of its own outbox (default `<store dir>/uplink-kj`). */
    dir: z.string().optional().describe('folder of its own outbox (default `<store dir>/uplink-kj`).'),
  })
  .strict();

export const uplinkSectionSchema = z
  .object({
    ...uplinkBaseShape,
    transport: z.enum(['mqtt', 'https']),
    mqtt: mqttSchema.optional(),
    https: httpsSchema.optional(),
    batch: batchSchema.default(batchSchema.parse({})),
    kj: kjSchema.optional(),
  })
  .strict()
  .superRefine((u, ctx) => {
    if (u.transport === 'mqtt' && u.mqtt === undefined) ctx.addIssue({ code: 'custom', path: ['mqtt'], message: 'transport mqtt needs an mqtt section (url, partitions…)' });
    if (u.transport === 'https' && u.https === undefined) ctx.addIssue({ code: 'custom', path: ['https'], message: 'transport https needs an https section (url, key…)' });
  });

export type UplinkSection = z.output<typeof uplinkSectionSchema>;
