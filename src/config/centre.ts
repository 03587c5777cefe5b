import { z } from 'zod';
import { duplicateIds } from './checks.js';
import type { CrossCheckProblem } from './loader.js';
import { authSectionSchema } from './auth.js';
import { serverLimitKeys } from './server-limits.js';

/**
 * The monitoring centre's config (`hazgate centre --config centre.yaml`, docs/centre.md): where its
 * store lives, where it listens, the MQTT broker it takes feeds from, and the sites it knows with
 * their feed keys. Secrets come from the environment (`key: ${PLANT3_FEED_KEY}`).
 */

const siteIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a site id is 1-64 of letters, digits, . _ -');

export const centreSiteSchema = z
  .object({
    id: siteIdSchema,
    name: z.string().optional(),
    /** HMAC-SHA256 key of the site's X-Hazgate-Signature; write `${ENV}`, it is never logged. */
    key: z.string().min(16, 'a feed key is at least 16 characters (generate one: openssl rand -hex 32)').describe('HMAC-SHA256 key of the site\'s X-Hazgate-Signature; write `${ENV}`, it is never logged.'),
  })
  .strict();

const storeSchema = z
  .object({
    /** Folder of `centre.db`. */
    dir: z.string().default('data').describe('folder of `centre.db`.'),
    /** `full` syncs every commit: an ack is sent only for what a power loss cannot take back (the gateway deletes what is acked). */
    synchronous: z.enum(['full', 'normal']).default('full').describe('`full` syncs every commit: an ack is sent only for what a power loss cannot take back (the gateway deletes what is acked).'),
  })
  .strict();

const tlsSchema = z
  .object({
    /** PEM files, relative to the config file. */
    cert: z.string().min(1).describe('PEM files, relative to the config file.'),
    key: z.string().min(1),
  })
  .strict();

const serverSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8090),
    /** Serve HTTPS with these files; without them plain HTTP (put it behind a TLS proxy). */
    tls: tlsSchema.optional().describe('serve HTTPS with these files; without them plain HTTP (put it behind a TLS proxy).'),
    /** The largest feed batch body accepted (413 above it). */
    maxBatchBytes: z.number().int().min(1024).default(16 * 1024 * 1024).describe('the largest feed batch body accepted (413 above it).'),
    /** Bytes a WebSocket client may have queued before it falls behind (4× this: cut off). */
    wsMaxBufferedBytes: z.number().int().positive().default(8 * 1024 * 1024).describe('bytes a WebSocket client may have queued before it falls behind (4× this: cut off).'),
    ...serverLimitKeys,
  })
  .strict();

const MAX_PARTITIONS = 65_536;

const mqttSchema = z
  .object({
    url: z.string().refine((u) => URL.canParse(u) && ['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(new URL(u).protocol), 'must be an mqtt://, mqtts://, ws:// or wss:// URL'),
    /** Required: the persistent session (queued batches while the centre is away) is found by it. */
    clientId: z.string().min(1).describe('required: the persistent session (queued batches while the centre is away) is found by it.'),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    /** Must equal the gateways' uplink partitions: a batch's partition is fnv1a32(site) mod partitions. */
    partitions: z.number().int().min(1).max(MAX_PARTITIONS).default(16).describe('must equal the gateways\' uplink partitions: a batch\'s partition is fnv1a32(site) mod partitions.'),
    /** Partitions this process takes: all of them, or a list (several centre processes sharing the load). */
    /** `leases`: the processes that name the same broker share the partitions under leases (docs/centre.md). */
    serve: z.union([z.literal('all'), z.literal('leases'), z.array(z.number().int().min(0)).min(1)]).default('all').describe('`leases`: the processes that name the same broker share the partitions under leases (docs/centre.md).'),
    /** With `serve: leases`: this process's member id (default its clientId) and how long a silent process keeps its partitions. */
    leases: z.object({ member: z.string().min(1).max(128).optional(), lease: z.number().int().min(1000).default(15_000) }).strict().default({ lease: 15_000 }).describe('with `serve: leases`: this process\'s member id (default its clientId) and how long a silent process keeps its partitions.'),
    /** 5 (default) carries the batch's signature as the user property x-hazgate-signature; 4 cannot. */
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5).describe('5 (default) carries the batch\'s signature as the user property x-hazgate-signature; 4 cannot.'),
    /** MQTT 5: how long the broker keeps our session (and queues batches) while the centre is away. */
    sessionExpiryS: z.number().int().min(1).default(7 * 86_400).describe('MQTT 5: how long the broker keeps our session (and queues batches) while the centre is away.'),
    /** Refuse batches without a valid signature (MQTT 5, configured sites only); off: checked when present. */
    requireSignature: z.boolean().default(false).describe('refuse batches without a valid signature (MQTT 5, configured sites only); off: checked when present.'),
    keepaliveS: z.number().int().min(0).max(65_535).default(30),
    connectTimeoutMs: z.number().int().min(1).default(10_000),
    reconnectMs: z.number().int().min(100).default(1_000),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.password !== undefined && m.username === undefined) ctx.addIssue({ code: 'custom', path: ['password'], message: 'a password needs a username' });
    if (m.requireSignature && m.protocolVersion === 4) ctx.addIssue({ code: 'custom', path: ['requireSignature'], message: 'signatures travel as MQTT 5 user properties: set protocolVersion 5' });
    const serve = m.serve;
    if (serve === 'all' || serve === 'leases') return;
    serve.forEach((p, i) => {
      if (p >= m.partitions) ctx.addIssue({ code: 'custom', path: ['serve', i], message: `partition ${p} does not exist (partitions: ${m.partitions})` });
      if (serve.indexOf(p) !== i) ctx.addIssue({ code: 'custom', path: ['serve', i], message: `partition ${p} is listed twice` });
    });
  });

export const centreConfigSchema = z
  .object({
    centre: z.object({ id: siteIdSchema.default('centre').describe('names this centre in logs and the WebSocket hello'), name: z.string().optional() }).strict().default({ id: 'centre' }).describe('the centre'),
    store: storeSchema.default(storeSchema.parse({})).describe('where centre.db lives and how it syncs'),
    server: serverSchema.default(serverSchema.parse({})).describe('the REST, WebSocket, feed, console and metrics server'),
    /** Take feeds from an MQTT broker too (besides POST /api/feed). */
    mqtt: mqttSchema.optional().describe('take feeds from an MQTT broker too (besides POST /api/feed).'),
    sites: z.array(centreSiteSchema).default([]).describe('the sites whose feeds are taken, with their HMAC feed keys'),
    /** Users, tokens, lockout, sessions, JWT, as a gateway's (docs/auth.md); the feed itself is signed, not logged in. */
    auth: authSectionSchema.optional().describe('users, tokens, lockout, sessions, JWT, as a gateway\'s (docs/auth.md); the feed itself is signed, not logged in.'),
    /**
     * MQTT only: apply feeds of sites not listed (the broker's ACLs decide who may publish).
     * Over HTTP(S) an unlisted site has no key to verify and is always refused.
     */
    acceptUnknownSites: z.boolean().default(false).describe('MQTT only: apply feeds of sites not listed (the broker\'s ACLs decide who may publish); over HTTP(S) an unlisted site is always refused'),
  })
  .strict();

export type CentreConfig = z.output<typeof centreConfigSchema>;
export type CentreSiteConfig = z.output<typeof centreSiteSchema>;

export function centreCrossChecks(config: CentreConfig): CrossCheckProblem[] {
  return duplicateIds(config.sites, 'sites', 'site');
}
