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
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a site id is 1-64 of letters, digits, . _ -').describe('the site id, carried by every alarm transition and the provincial feed'),
    name: z.string().optional().describe('the site\'s name, for people'),
    /** Regulatory codes carried into the provincial feed. */
    enterpriseCode: z.string().optional().describe('the enterprise code (regulatory), carried into the provincial feed'),
  })
  .strict()
  .describe('the site');

const ingestSchema = z
  .object({
    /** Readings stamped further ahead than this are rejected (HG_ERR_INGEST_FUTURE_TIMESTAMP). */
    maxFutureMs: durationSchema.default(300_000).describe('readings stamped further ahead than this are refused (HG_ERR_INGEST_FUTURE_TIMESTAMP)'),
  })
  .strict();

const storeSchema = z
  .object({
    dir: z.string().default('data').describe('folder of the embedded store, the journal (journal.db), users.db (auth/), the outbox (uplink/) and people-state.json; relative to the site file'),
    retentionDays: z.number().positive().default(30).describe('days of samples the embedded store keeps'),
    flushInterval: durationSchema.default(1_000).describe('how often buffered samples are written'),
    maxBufferedSamples: z.number().int().positive().default(1_000_000).describe('samples held in memory before new ones are dropped (counted)'),
    /** All survive kill -9. Power loss: full loses nothing (2-8 ms per alarm), group at most the last 50 ms, normal more. */
    journalSync: z.enum(['full', 'group', 'normal']).default('group').describe('journal durability against power loss (all survive kill -9): full fsyncs each alarm (2-8 ms), group within 50 ms, normal at SQLite checkpoints'),
  })
  .strict();

/** InfluxDB (or VictoriaMetrics) as the production historian, with a disk spool for outages. */
const influxSchema = z
  .object({
    url: z.string().regex(/^https?:\/\/\S+$/, 'an http:// or https:// URL').describe('InfluxDB (2.x/3.x, 1.8+) or VictoriaMetrics base URL'),
    org: z.string().default('').describe('InfluxDB organisation'),
    bucket: z.string().min(1).describe('InfluxDB bucket (database for 1.8 and VictoriaMetrics)'),
    /** Use `${INFLUX_TOKEN}`: the token is never logged. */
    token: z.string().optional().describe('API token: write ${INFLUX_TOKEN}; never logged'),
    batchSize: z.number().int().min(1).max(100_000).default(5_000).describe('lines per batch'),
    flushInterval: durationSchema.default(1_000).describe('a batch is written at least this often'),
    /** Lines per request while a backlog drains. */
    maxRequestLines: z.number().int().min(1).max(1_000_000).default(50_000).describe('lines per request while a backlog drains'),
    gzip: z.boolean().default(true).describe('gzip request bodies'),
    timeout: durationSchema.default(10_000).describe('request timeout'),
    retry: z
      // A short max: after an outage the next try is at most this late (the spool waits meanwhile).
      .object({ min: durationSchema.default(1_000), max: durationSchema.default(10_000), refused: durationSchema.default(30_000) })
      .strict()
      .default({ min: 1_000, max: 10_000, refused: 30_000 })
      .describe('back-off between failed writes: min, max, and after a refusal (4xx)'),
    spool: z
      .object({ dir: z.string().optional(), maxBytes: bytesSchema.default(1024 ** 3), maxAge: durationSchema.default(7 * 86_400_000) })
      .strict()
      .default({ maxBytes: 1024 ** 3, maxAge: 7 * 86_400_000 })
      .describe('the disk spool every batch goes through (dir default <store dir>/influx-spool): outages and restarts lose nothing within maxBytes and maxAge'),
  })
  .strict()
  .describe('InfluxDB or VictoriaMetrics as the production historian, through a disk spool');

/** Site-wide alarm philosophy. */
const alarmsSchema = z
  .object({
    /** The longest timed shelve an operator may ask for (ISA-18.2: shelving is time-limited). */
    maxShelve: durationSchema.default(8 * 3_600_000).describe('the longest timed shelve an operator may ask for (ISA-18.2: shelving is time-limited; longer is refused)'),
  })
  .strict()
  .describe('site-wide alarm philosophy');

/** HTTPS and WSS on the one port: PEM files, relative to the site file, read at start. */
const serverTlsSchema = z
  .object({
    cert: z.string().min(1).describe('PEM certificate file (may hold the chain after it), relative to the site file'),
    key: z.string().min(1).describe('PEM private key file of the certificate'),
    /** The CA client certificates must chain to; only with clientAuth: require. */
    ca: z.string().min(1).optional().describe('the CA client certificates must chain to; only with clientAuth: require'),
    /** require: every HTTPS request and WebSocket (probes too) needs a client certificate signed by `ca`. */
    clientAuth: z.enum(['none', 'require']).default('none').describe('require: every request and WebSocket, probes included, needs a client certificate signed by ca'),
  })
  .strict()
  .superRefine((tls, ctx) => {
    if (tls.clientAuth === 'require' && tls.ca === undefined) ctx.addIssue({ code: 'custom', path: ['ca'], message: 'clientAuth: require needs the ca that signs client certificates' });
    if (tls.clientAuth === 'none' && tls.ca !== undefined) ctx.addIssue({ code: 'custom', path: ['ca'], message: 'ca verifies client certificates only: set clientAuth: require, or leave ca out' });
  });

const serverSchema = z
  .object({
    host: z.string().default('127.0.0.1').describe('address the HTTP/WebSocket server listens on'),
    port: z.number().int().min(0).max(65535).default(8080).describe('its port (0: any free port)'),
    /** Bytes a WebSocket client may have queued before it falls behind (re-snapshotted once it catches up; 4× this: cut off). */
    wsMaxBufferedBytes: z.number().int().positive().default(8 * 1024 * 1024).describe('bytes a WebSocket client may have queued before it falls behind (re-snapshotted once it catches up; 4× this: cut off)'),
    /** Without it plain HTTP and WS (the default; keep host 127.0.0.1 or put a TLS proxy in front). */
    tls: serverTlsSchema.optional().describe('HTTPS and WSS on the same port; absent: plain HTTP and WS (keep host 127.0.0.1 or put a TLS proxy in front)'),
    ...serverLimitKeys,
  })
  .strict()
  .describe('the REST, WebSocket, console and metrics server');

/** The simulator section; `modbus` lists Modbus servers (their schema comes from devices/ through the app). */
function simulatorSchema<M extends z.ZodType, O extends z.ZodType>(modbusServer: M, opcuaServer: O) {
  return z
    .object({
      scenario: z.string().describe('scenario file (devices/scenarios): signals per point over time'),
      /** The MQTT simulator's broker; without it (and with Modbus servers) no MQTT simulator runs. */
      url: z.string().optional().describe('broker of the MQTT simulator; without it (and with modbus or opcua) no MQTT simulator runs'),
      topicPrefix: z.string().default('hazgate/demo').describe('topic prefix the MQTT simulator publishes under'),
      seed: z.number().int().optional().describe('random seed of the scenario\'s noise'),
      modbus: z.array(modbusServer).optional().describe('Modbus TCP/RTU servers and the simulated devices on them (devices/README.md)'),
      opcua: opcuaServer.optional().describe('an OPC UA server with the SIS/ESD model (devices/README.md)'),
      /** The location engine simulator: tags walking a plant (devices/location), Pozyx-style over MQTT. */
      location: z
        .object({ scenario: z.string(), url: z.string().optional(), topic: z.string().default('tags') })
        .strict()
        .optional()
        .describe('the location engine simulator: tags walking a plant (devices/location), Pozyx-style over MQTT'),
      /** A Sparkplug B edge node (devices/sparkplug) playing the scenario: its devices publish the points they list, the node the rest. */
      sparkplug: z
        .object({ url: z.string().optional(), group: z.string().min(1), node: z.string().min(1), devices: z.array(z.object({ id: z.string().min(1), points: z.array(z.string().min(1)).min(1) }).strict()).default([]) })
        .strict()
        .optional(),
      /** A camera box posting ISAPI alerts to a video-webhook adapter (devices/video). */
      video: z
        .object({ url: z.string().regex(/^http:\/\/\S+$/, 'an http:// URL (the webhook\'s ISAPI path)'), heartbeat: durationSchema.default(10_000), loop: durationSchema.optional() })
        .strict()
        .optional()
        .describe('a camera box posting ISAPI alerts to a video-webhook adapter (devices/video)'),
    })
    .strict()
    .describe('simulated devices for hazgate simulate and hazgate demo');
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
      include: z.array(z.string()).default([]).describe('rule-pack files, each holding only points and rules, appended to the site\'s'),
      ingest: ingestSchema.default({ maxFutureMs: 300_000 }).describe('checks on incoming readings'),
      points: z.array(pointSchema).default([]).describe('the measured points'),
      adapters: z.array(adapterSchema).default([]).describe('protocol adapters by kind (mqtt, modbus, opcua, location-mqtt, video-webhook, video-mqtt): adapters/<kind>/README.md'),
      rules: z.array(ruleSchema).default([]).describe('threshold, rate and stale rules and the rule packs\' kinds; each (rule, point) is a condition <ruleId>/<pointId>'),
      store: storeSchema.default(storeSchema.parse({})).describe('the embedded historian and the data folder'),
      alarms: alarmsSchema.default({ maxShelve: 8 * 3_600_000 }),
      /** Personnel location: zones, tags and settings (issue 9). */
      people: peopleSectionSchema.optional().describe('personnel location: zones, tags and settings'),
      /** Video analytics: cameras, detection hold, camera-offline (issue 9). */
      video: videoSectionSchema.optional().describe('video analytics: cameras, detection hold, camera-offline'),
      influx: influxSchema.optional(),
      /** The provincial feed (issue 10): outbox, transport, legacy KJ exporter. */
      uplink: uplinkSectionSchema.optional().describe('the provincial feed: outbox, transport, legacy KJ exporter (docs/uplink)'),
      server: serverSchema.default(serverSchema.parse({})),
      /** Users, tokens, lockout, sessions, JWT (issue 11, docs/auth.md); absent: the defaults (auth is always on). */
      auth: authSectionSchema.optional().describe('users, tokens, lockout, sessions, JWT (docs/auth.md); absent: the defaults (auth is always on)'),
      broker: brokerSchema.optional().describe('hazgate\'s own MQTT listener, for devices to publish straight to it'),
      simulator: simulatorSchema(modbusSimSchema ?? z.never(), opcuaSimSchema ?? z.never()).optional(),
    })
    .strict();
}

export type SiteSchema<A extends z.ZodType, B extends z.ZodType, M extends z.ZodType = z.ZodNever, O extends z.ZodType = z.ZodNever> = ReturnType<typeof buildSiteSchema<A, B, M, O>>;
