import { z } from 'zod';
import { durationSchema } from '../../src/core/duration.js';
import { brokerConnectionShape, checkCredentials, checkUniqueTopics, mqttQosSchema, topicFilterSchema } from '../lib/mqtt/index.js';
import { DEFAULT_MAX_ENTRIES, LOCATION_FORMATS } from './payload.js';

/** Epoch seconds, epoch milliseconds, or `auto`: below 1e11 seconds, else milliseconds. */
export const locationTimeUnitSchema = z.enum(['auto', 's', 'ms']);

export const locationSubscriptionSchema = z
  .object({
    /** MQTT filter; `+` and `#` (last level) allowed. Pozyx publishes on `tags` (and `tags/<tagId>`). */
    topic: topicFilterSchema,
    /** `pozyx` (Pozyx-style position arrays), `position` (hazgate's generic JSON), `reader` (RFID reader events). */
    format: z.enum(LOCATION_FORMATS as ['pozyx', 'position', 'reader']),
    qos: mqttQosSchema.default(1),
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

export const locationMqttAdapterSchema = z
  .object({
    kind: z.literal('location-mqtt'),
    id: z.string().min(1),
    /**
     * url, clientId, cleanSession, username, password, keepaliveS, connectTimeoutMs, tls (adapters/lib/mqtt).
     * cleanSession false (the default): QoS 1/2 messages (an SOS among them) queued while hazgate is away arrive on reconnect.
     */
    ...brokerConnectionShape,
    /** After a lost connection or a failed attempt, wait `initial`, doubling up to `max`; reset once a connection stayed up (adapters/lib/mqtt). */
    backoff: z
      .object({ initial: durationSchema.default(1_000), max: durationSchema.default(30_000) })
      .strict()
      .default({ initial: 1_000, max: 30_000 }),
    /** Larger payloads are refused unparsed (HG_ERR_INGEST_TOO_LARGE). 500 Pozyx entries are about 150 kB. */
    maxPayloadBytes: z.number().int().min(1).max(268_435_455).default(1_048_576),
    /** Entries of one message read at most; the rest are refused unread (HG_ERR_INGEST_TOO_LARGE, reason too-many-entries). */
    maxEntries: z.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_ENTRIES),
    subscriptions: z.array(locationSubscriptionSchema).min(1).readonly(),
  })
  .strict()
  .superRefine((config, ctx) => {
    checkCredentials(config, ctx);
    if (config.backoff.initial < 1) ctx.addIssue({ code: 'custom', path: ['backoff', 'initial'], message: 'must be at least 1ms' });
    if (config.backoff.max < config.backoff.initial) ctx.addIssue({ code: 'custom', path: ['backoff', 'max'], message: 'backoff.max must be at least backoff.initial' });
    checkUniqueTopics(config.subscriptions, ctx);
  })
  .readonly();

/** The validated, defaulted config of one location adapter instance. */
export type LocationMqttAdapterConfig = z.output<typeof locationMqttAdapterSchema>;
/** What a config file may say (defaults not yet applied). */
export type LocationMqttAdapterConfigInput = z.input<typeof locationMqttAdapterSchema>;
