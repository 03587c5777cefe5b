import { z } from 'zod';
import { durationSchema } from '../../src/core/duration.js';
import { LOCATION_FORMATS } from './payload.js';
import { topicFilterProblems } from './topic-filter.js';

/** Epoch seconds, epoch milliseconds, or `auto`: below 1e11 seconds, else milliseconds. */
export const locationTimeUnitSchema = z.enum(['auto', 's', 'ms']);

const topicFilter = z.string().superRefine((topic, ctx) => {
  for (const problem of topicFilterProblems(topic)) ctx.addIssue({ code: 'custom', message: problem });
});

export const locationSubscriptionSchema = z
  .object({
    /** MQTT filter; `+` and `#` (last level) allowed. Pozyx publishes on `tags` (and `tags/<tagId>`). */
    topic: topicFilter,
    /** `pozyx` (Pozyx-style position arrays), `position` (hazgate's generic JSON), `reader` (RFID reader events). */
    format: z.enum(LOCATION_FORMATS as ['pozyx', 'position', 'reader']),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
    /** Length unit of x/y/z in the payload; default `mm` for pozyx, `m` for position. */
    units: z.enum(['mm', 'cm', 'm']).optional(),
    /** Metres per payload unit, for engines in other units; instead of `units`. */
    scale: z.number().positive().finite().optional(),
    /** Floor of positions whose payload names none. */
    floor: z.string().min(1).max(64).optional(),
    timeUnit: locationTimeUnitSchema.default('auto'),
  })
  .strict()
  .superRefine((sub, ctx) => {
    if (sub.units !== undefined && sub.scale !== undefined) ctx.addIssue({ code: 'custom', path: ['scale'], message: 'give units or scale, not both' });
    if (sub.format === 'reader') {
      for (const key of ['units', 'scale', 'floor'] as const) {
        if (sub[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'reader events carry no coordinates: only position formats take this key' });
      }
    }
  })
  .readonly();

export type LocationSubscriptionConfig = z.output<typeof locationSubscriptionSchema>;

const URL_PROTOCOLS: readonly string[] = ['mqtt:', 'mqtts:', 'ws:', 'wss:'];

const brokerUrl = z.string().refine((url) => URL.canParse(url) && URL_PROTOCOLS.includes(new URL(url).protocol), {
  message: 'must be an mqtt://, mqtts://, ws:// or wss:// URL',
});

export const locationMqttAdapterSchema = z
  .object({
    kind: z.literal('location-mqtt'),
    id: z.string().min(1),
    url: brokerUrl,
    /** Required: a persistent session is found again by its client id. */
    clientId: z.string().min(1),
    /** false = persistent session: QoS 1/2 messages (an SOS among them) queued while hazgate is away arrive on reconnect. */
    cleanSession: z.boolean().default(false),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    keepaliveS: z.number().int().min(0).max(65_535).default(30),
    connectTimeoutMs: z.number().int().min(1).default(10_000),
    /** After a lost connection or a failed attempt, wait `initial`, doubling up to `max`; reset once connected. */
    backoff: z
      .object({ initial: durationSchema.default(1_000), max: durationSchema.default(30_000) })
      .strict()
      .default({ initial: 1_000, max: 30_000 }),
    /** Larger payloads are refused unparsed (HG_ERR_INGEST_TOO_LARGE). 500 Pozyx entries are about 150 kB. */
    maxPayloadBytes: z.number().int().min(1).max(268_435_455).default(1_048_576),
    subscriptions: z.array(locationSubscriptionSchema).min(1).readonly(),
  })
  .strict()
  .superRefine((config, ctx) => {
    // MQTT 3.1.1 §3.1.2.9: a password without a user name is a protocol violation.
    if (config.password !== undefined && config.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'a password needs a username' });
    }
    if (config.backoff.initial < 1) ctx.addIssue({ code: 'custom', path: ['backoff', 'initial'], message: 'must be at least 1ms' });
    if (config.backoff.max < config.backoff.initial) ctx.addIssue({ code: 'custom', path: ['backoff', 'max'], message: 'backoff.max must be at least backoff.initial' });
    const seen = new Set<string>();
    config.subscriptions.forEach((sub, i) => {
      if (seen.has(sub.topic)) ctx.addIssue({ code: 'custom', path: ['subscriptions', i, 'topic'], message: `duplicate topic "${sub.topic}"` });
      seen.add(sub.topic);
    });
  })
  .readonly();

/** The validated, defaulted config of one location adapter instance. */
export type LocationMqttAdapterConfig = z.output<typeof locationMqttAdapterSchema>;
/** What a config file may say (defaults not yet applied). */
export type LocationMqttAdapterConfigInput = z.input<typeof locationMqttAdapterSchema>;
