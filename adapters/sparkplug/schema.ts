import { z } from 'zod';
import { durationSchema } from '../../src/core/duration.js';
import { brokerConnectionShape, checkCredentials } from '../lib/mqtt/index.js';
import { templateProblems } from './point-map.js';

/** A Sparkplug id (group, edge node, device, host): one topic level (spec 3.0 §4.1.1: no '/', '+', '#'). */
export const sparkplugIdSchema = z
  .string()
  .min(1)
  .regex(/^[^/+#\u0000]+$/, "a Sparkplug id is one topic level: no '/', '+', '#'");

/** One point fed by one metric of one edge node (or one of its devices). */
export const sparkplugPointSchema = z
  .object({
    /** The hazgate point id. */
    id: z.string().min(1),
    /** Absent: any of the adapter's groups. */
    group: sparkplugIdSchema.optional(),
    /** The edge node id. */
    node: sparkplugIdSchema,
    /** Absent: a metric of the node itself (NBIRTH/NDATA), not of a device. */
    device: sparkplugIdSchema.optional(),
    /** The metric name as the birth declares it, e.g. `Gas/GT-101/LEL`. */
    metric: z.string().min(1),
  })
  .strict()
  .readonly();

export type SparkplugPointConfig = z.output<typeof sparkplugPointSchema>;

export const sparkplugAdapterSchema = z
  .object({
    kind: z.literal('sparkplug'),
    id: z.string().min(1),
    /** url, clientId, username, password, keepaliveS, connectTimeoutMs, tls (adapters/lib/mqtt). */
    ...brokerConnectionShape,
    /** Sparkplug 3.0 hosts connect with a clean session: births are asked for again, never replayed. */
    cleanSession: z.boolean().default(true),
    /** The host application id: STATE goes to `spBv1.0/STATE/<hostId>`. */
    hostId: sparkplugIdSchema,
    /** Groups subscribed to (`spBv1.0/<group>/#`). */
    groups: z.array(sparkplugIdSchema.refine((g) => g !== 'STATE', 'STATE is the host state topic, not a group')).min(1).readonly(),
    /** How long a seq gap may wait for the missing message before a rebirth is requested. */
    reorderTimeout: durationSchema.default(2_000),
    /** At most one rebirth request per edge node in this time; one needed sooner waits for it. */
    rebirthInterval: durationSchema.default(5_000),
    /** At most this many rebirth requests a second over all edge nodes; more wait their turn. */
    maxRebirthsPerSecond: z.number().int().min(1).max(10_000).default(10),
    /** Edge nodes tracked at once; past it a node never born is forgotten, else a new node's messages are dropped. */
    maxNodes: z.number().int().min(1).max(1_000_000).default(1_000),
    /** Devices tracked per edge node; a new device's messages past it are dropped. */
    maxDevicesPerNode: z.number().int().min(1).max(100_000).default(256),
    /** Points whose last value is kept per edge node (with its devices); readings of new points past it are dropped. */
    maxValuesPerNode: z.number().int().min(1).max(10_000_000).default(10_000),
    /** Bytes of payloads held per edge node while a seq gap waits; past it the gap is given up at once. */
    maxHeldBytes: z.number().int().min(1).max(268_435_455).default(262_144),
    /** After a lost connection or a failed attempt, wait `initial`, doubling up to `max` (adapters/lib/mqtt). */
    backoff: z
      .object({ initial: durationSchema.default(1_000), max: durationSchema.default(30_000) })
      .strict()
      .default({ initial: 1_000, max: 30_000 }),
    /** Larger payloads are refused undecoded (HG_ERR_INGEST_TOO_LARGE). */
    maxPayloadBytes: z.number().int().min(1).max(268_435_455).default(1_048_576),
    /** Points by group/node/device/metric. */
    points: z.array(sparkplugPointSchema).default([]).readonly(),
    /** Every other metric: its point id from `{group}`, `{node}`, `{device}`, `{metric}`, e.g. `{metric}` or `{node}.{metric}`. */
    point: z
      .string()
      .min(1)
      .superRefine((t, ctx) => {
        for (const problem of templateProblems(t)) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    checkCredentials(config, ctx);
    if (config.backoff.initial < 1) ctx.addIssue({ code: 'custom', path: ['backoff', 'initial'], message: 'must be at least 1ms' });
    if (config.backoff.max < config.backoff.initial) ctx.addIssue({ code: 'custom', path: ['backoff', 'max'], message: 'backoff.max must be at least backoff.initial' });
    if (config.reorderTimeout < 1) ctx.addIssue({ code: 'custom', path: ['reorderTimeout'], message: 'must be at least 1ms' });
    if (config.points.length === 0 && config.point === undefined) ctx.addIssue({ code: 'custom', path: ['points'], message: 'give points, a point template, or both' });
    const seen = new Set<string>();
    config.points.forEach((p, i) => {
      if (p.group !== undefined && !config.groups.includes(p.group)) ctx.addIssue({ code: 'custom', path: ['points', i, 'group'], message: `group "${p.group}" is not in groups` });
      const key = [p.group ?? '*', p.node, p.device ?? '', p.metric].join('\u0000');
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['points', i], message: `metric "${p.metric}" of ${p.node}${p.device === undefined ? '' : `/${p.device}`} is mapped twice` });
      seen.add(key);
    });
  })
  .readonly();

/** The validated, defaulted config of one Sparkplug host adapter. */
export type SparkplugAdapterConfig = z.output<typeof sparkplugAdapterSchema>;
/** What a config file may say (defaults not yet applied). */
export type SparkplugAdapterConfigInput = z.input<typeof sparkplugAdapterSchema>;
