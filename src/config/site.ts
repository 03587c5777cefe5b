import { z } from 'zod';
import { pointSchema } from './points.js';
import { peopleSectionSchema } from './people.js';
import { videoSectionSchema } from './video.js';
import { uplinkSectionSchema } from './uplink.js';
import { durationSchema, ruleSchema } from './rules.js';
import { bytesSchema } from './rule-parts.js';
import { authSectionSchema } from './auth.js';
import { serverLimitKeys } from './server-limits.js';

const siteInfoSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a site id is 1-64 of letters, digits, . _ -'),
    name: z.string().optional(),
    /** Regulatory codes carried into the provincial feed. */
    enterpriseCode: z.string().optional(),
  })
  .strict();

const ingestSchema = z
  .object({
    /** Readings stamped further ahead than this are rejected (HG_ERR_INGEST_FUTURE_TIMESTAMP). */
    maxFutureMs: durationSchema.default(300_000),
  })
  .strict();

const storeSchema = z
  .object({
    dir: z.string().default('data'),
    retentionDays: z.number().positive().default(30),
    flushInterval: durationSchema.default(1_000),
    maxBufferedSamples: z.number().int().positive().default(1_000_000),
    /** All survive kill -9. Power loss: full loses nothing (2-8 ms per alarm), group at most the last 50 ms, normal more. */
    journalSync: z.enum(['full', 'group', 'normal']).default('group'),
  })
  .strict();

/** InfluxDB (or VictoriaMetrics) as the production historian, with a disk spool for outages. */
const influxSchema = z
  .object({
    url: z.string().regex(/^https?:\/\/\S+$/, 'an http:// or https:// URL'),
    org: z.string().default(''),
    bucket: z.string().min(1),
    /** Use `${INFLUX_TOKEN}`: the token is never logged. */
    token: z.string().optional(),
    batchSize: z.number().int().min(1).max(100_000).default(5_000),
    flushInterval: durationSchema.default(1_000),
    /** Lines per request while a backlog drains. */
    maxRequestLines: z.number().int().min(1).max(1_000_000).default(50_000),
    gzip: z.boolean().default(true),
    timeout: durationSchema.default(10_000),
    retry: z
      // A short max: after an outage the next try is at most this late (the spool waits meanwhile).
      .object({ min: durationSchema.default(1_000), max: durationSchema.default(10_000), refused: durationSchema.default(30_000) })
      .strict()
      .default({ min: 1_000, max: 10_000, refused: 30_000 }),
    spool: z
      .object({ dir: z.string().optional(), maxBytes: bytesSchema.default(1024 ** 3), maxAge: durationSchema.default(7 * 86_400_000) })
      .strict()
      .default({ maxBytes: 1024 ** 3, maxAge: 7 * 86_400_000 }),
  })
  .strict();

/** Site-wide alarm philosophy. */
const alarmsSchema = z
  .object({
    /** The longest timed shelve an operator may ask for (ISA-18.2: shelving is time-limited). */
    maxShelve: durationSchema.default(8 * 3_600_000),
  })
  .strict();

/** HTTPS and WSS on the one port: PEM files, relative to the site file, read at start. */
const serverTlsSchema = z
  .object({
    cert: z.string().min(1),
    key: z.string().min(1),
    /** The CA client certificates must chain to; only with clientAuth: require. */
    ca: z.string().min(1).optional(),
    /** require: every HTTPS request and WebSocket (probes too) needs a client certificate signed by `ca`. */
    clientAuth: z.enum(['none', 'require']).default('none'),
  })
  .strict()
  .superRefine((tls, ctx) => {
    if (tls.clientAuth === 'require' && tls.ca === undefined) ctx.addIssue({ code: 'custom', path: ['ca'], message: 'clientAuth: require needs the ca that signs client certificates' });
    if (tls.clientAuth === 'none' && tls.ca !== undefined) ctx.addIssue({ code: 'custom', path: ['ca'], message: 'ca verifies client certificates only: set clientAuth: require, or leave ca out' });
  });

const serverSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Bytes a WebSocket client may have queued before it falls behind (re-snapshotted once it catches up; 4× this: cut off). */
    wsMaxBufferedBytes: z.number().int().positive().default(8 * 1024 * 1024),
    /** Without it plain HTTP and WS (the default; keep host 127.0.0.1 or put a TLS proxy in front). */
    tls: serverTlsSchema.optional(),
    ...serverLimitKeys,
  })
  .strict();

/** The simulator section; `modbus` lists Modbus servers (their schema comes from devices/ through the app). */
function simulatorSchema<M extends z.ZodType, O extends z.ZodType>(modbusServer: M, opcuaServer: O) {
  return z
    .object({
      scenario: z.string(),
      /** The MQTT simulator's broker; without it (and with Modbus servers) no MQTT simulator runs. */
      url: z.string().optional(),
      topicPrefix: z.string().default('hazgate/demo'),
      seed: z.number().int().optional(),
      modbus: z.array(modbusServer).optional(),
      opcua: opcuaServer.optional(),
      /** The location engine simulator: tags walking a plant (devices/location), Pozyx-style over MQTT. */
      location: z
        .object({ scenario: z.string(), url: z.string().optional(), topic: z.string().default('tags') })
        .strict()
        .optional(),
      /** A Sparkplug B edge node (devices/sparkplug) playing the scenario: its devices publish the points they list, the node the rest. */
      sparkplug: z
        .object({ url: z.string().optional(), group: z.string().min(1), node: z.string().min(1), devices: z.array(z.object({ id: z.string().min(1), points: z.array(z.string().min(1)).min(1) }).strict()).default([]) })
        .strict()
        .optional(),
      /** A camera box posting ISAPI alerts to a video-webhook adapter (devices/video). */
      video: z
        .object({ url: z.string().regex(/^http:\/\/\S+$/, 'an http:// URL (the webhook\'s ISAPI path)'), heartbeat: durationSchema.default(10_000), loop: durationSchema.optional() })
        .strict()
        .optional(),
    })
    .strict();
}

/** Keys an included rule pack may carry. */
export const includeFileSchema = z
  .object({ points: z.array(z.unknown()).optional(), rules: z.array(z.unknown()).optional() })
  .strict();

/**
 * The site schema. src/config knows no adapter: the composition root passes the adapters'
 * own schemas (and the embedded broker's) in.
 */
export function buildSiteSchema<A extends z.ZodType, B extends z.ZodType, M extends z.ZodType = z.ZodNever, O extends z.ZodType = z.ZodNever>(
  adapterSchema: A,
  brokerSchema: B,
  modbusSimSchema?: M,
  opcuaSimSchema?: O,
) {
  return z
    .object({
      site: siteInfoSchema,
      include: z.array(z.string()).default([]),
      ingest: ingestSchema.default({ maxFutureMs: 300_000 }),
      points: z.array(pointSchema).default([]),
      adapters: z.array(adapterSchema).default([]),
      rules: z.array(ruleSchema).default([]),
      store: storeSchema.default(storeSchema.parse({})),
      alarms: alarmsSchema.default({ maxShelve: 8 * 3_600_000 }),
      /** Personnel location: zones, tags and settings (issue 9). */
      people: peopleSectionSchema.optional(),
      /** Video analytics: cameras, detection hold, camera-offline (issue 9). */
      video: videoSectionSchema.optional(),
      influx: influxSchema.optional(),
      /** The provincial feed (issue 10): outbox, transport, legacy KJ exporter. */
      uplink: uplinkSectionSchema.optional(),
      server: serverSchema.default(serverSchema.parse({})),
      /** Users, tokens, lockout, sessions, JWT (issue 11, docs/auth.md); absent: the defaults (auth is always on). */
      auth: authSectionSchema.optional(),
      broker: brokerSchema.optional(),
      simulator: simulatorSchema(modbusSimSchema ?? z.never(), opcuaSimSchema ?? z.never()).optional(),
    })
    .strict();
}

export type SiteSchema<A extends z.ZodType, B extends z.ZodType, M extends z.ZodType = z.ZodNever, O extends z.ZodType = z.ZodNever> = ReturnType<typeof buildSiteSchema<A, B, M, O>>;
