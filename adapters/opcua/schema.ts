import { z } from 'zod';
import { durationSchema } from '../../src/core/duration.js';
import { browsePathProblems } from './browse-path.js';

/**
 * Config of one OPC UA server connection: one session, its subscriptions and monitored items.
 * hazgate only reads (subscribes): it never writes to a DCS or SIS.
 */

const durationMs = durationSchema;

export const SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;
export const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;

const userSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('anonymous') }).strict(),
  z.object({ type: z.literal('username'), username: z.string().min(1), password: z.string() }).strict(),
  z.object({ type: z.literal('certificate'), certificateFile: z.string().min(1), privateKeyFile: z.string().min(1) }).strict(),
]);

/** A NodeId in OPC UA's text form: `ns=2;s=GT-101`, `ns=3;i=1001`, `i=2258`, `ns=1;g=…`, `ns=1;b=…`. */
const nodeIdText = z.string().regex(/^(ns=\d+;)?[isgb]=.+$/, 'a NodeId looks like ns=2;s=GT-101 or ns=3;i=1001');

const deadbandSchema = z
  .object({ type: z.enum(['absolute', 'percent']), value: z.number().nonnegative() })
  .strict()
  .refine((d) => d.type !== 'percent' || d.value <= 100, { message: 'a percent deadband is 0..100', path: ['value'] });

export const opcuaItemSchema = z
  .object({
    /** The point this item feeds. */
    point: z.string().min(1),
    nodeId: nodeIdText.optional(),
    /** `/Objects/2:Plant/2:GT-101`: resolved to a NodeId on every (re)connect. */
    browsePath: z.string().superRefine((p, ctx) => {
      for (const message of browsePathProblems(p)) ctx.addIssue({ code: 'custom', message });
    }).optional(),
    /** How often the server samples the value (the server may revise it); default the subscription's publishing interval. */
    samplingInterval: durationMs.optional(),
    queueSize: z.number().int().min(1).max(10_000).default(10),
    /** Data-change filter: report only changes larger than this (absolute, or percent of the EURange). */
    deadband: deadbandSchema.optional(),
  })
  .strict()
  .refine((i) => (i.nodeId === undefined) !== (i.browsePath === undefined), { message: 'an item needs exactly one of nodeId or browsePath' });
export type OpcuaItemConfig = z.output<typeof opcuaItemSchema>;

export const opcuaSubscriptionSchema = z
  .object({
    publishingInterval: durationMs.default(1_000),
    items: z.array(opcuaItemSchema).min(1),
  })
  .strict();

export const opcuaAdapterSchema = z
  .object({
    kind: z.literal('opcua'),
    id: z.string().min(1),
    endpointUrl: z.string().regex(/^opc\.tcp:\/\/[^/\s]+(\/.*)?$/, 'an endpoint is opc.tcp://host:port[/path]'),
    securityPolicy: z.enum(SECURITY_POLICIES).default('None'),
    securityMode: z.enum(SECURITY_MODES).default('None'),
    user: userSchema.default({ type: 'anonymous' }),
    /** Own certificate and trust lists (own/, trusted/, rejected/); default `<data dir>/adapters/<id>/pki`. */
    pkiDir: z.string().min(1).optional(),
    /**
     * Reconnect back-off: first retry after `initial`, growing to `max`; it never gives up. A short
     * `max` brings a restarted server back within seconds (recovery ≈ 1.1 × max + 0.7 s at worst).
     * `refused`: the pause after the server refused us (untrusted certificate, wrong user).
     */
    reconnect: z
      .object({ initial: durationMs.default(1_000), max: durationMs.default(2_000), refused: durationMs.default(15_000) })
      .strict()
      .default({ initial: 1_000, max: 2_000, refused: 15_000 }),
    requestedSessionTimeout: durationMs.default(60_000),
    /** Monitored items per subscription; the server's own limits lower it further. */
    maxItemsPerSubscription: z.number().int().min(1).max(100_000).default(5_000),
    subscriptions: z.array(opcuaSubscriptionSchema).min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.securityPolicy === 'None') !== (c.securityMode === 'None')) {
      ctx.addIssue({ code: 'custom', path: ['securityMode'], message: 'securityPolicy None goes with securityMode None, and only with it' });
    }
    if (c.user.type === 'username' && c.securityPolicy === 'None') {
      // OPC UA encrypts the password with the server certificate; over None it would cross the wire in clear.
      ctx.addIssue({ code: 'custom', path: ['user'], message: 'a username and password need a securityPolicy other than None (they would travel in clear)' });
    }
    const points = new Map<string, string>();
    c.subscriptions.forEach((s, i) =>
      s.items.forEach((item, j) => {
        const where = `subscriptions[${i}].items[${j}]`;
        const first = points.get(item.point);
        if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['subscriptions', i, 'items', j, 'point'], message: `point "${item.point}" is already fed by ${first}` });
        points.set(item.point, where);
      }),
    );
  });

export type OpcuaAdapterConfig = z.output<typeof opcuaAdapterSchema>;
export type OpcuaAdapterConfigInput = z.input<typeof opcuaAdapterSchema>;
