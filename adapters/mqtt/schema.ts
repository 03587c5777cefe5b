import { z } from 'zod';
import { topicTemplateProblems } from './topic.js';

/** How a payload's timestamp field is written: epoch milliseconds, epoch seconds or ISO 8601 text. */
export const timeUnitSchema = z.enum(['ms', 's', 'iso']);
export type TimeUnit = z.output<typeof timeUnitSchema>;

const fieldName = z.string().min(1);

const topicTemplate = z
  .string()
  .superRefine((topic, ctx) => {
    for (const problem of topicTemplateProblems(topic)) ctx.addIssue({ code: 'custom', message: problem });
  });

export const mqttSubscriptionSchema = z
  .object({
    /** MQTT filter; a `{point}` level stands for '+' and names the point id. */
    topic: topicTemplate,
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
    /** Field naming the point in objects (needed for arrays of readings from many points). */
    pointField: fieldName.default('id'),
    valueField: fieldName.default('value'),
    /** Optional in the payload: without it the pipeline stamps the receive time. */
    timeField: fieldName.default('ts'),
    timeUnit: timeUnitSchema.default('ms'),
    /** Optional in the payload: 'good' | 'uncertain' | 'bad'. */
    qualityField: fieldName.default('quality'),
  })
  .strict()
  .readonly();

export type MqttSubscriptionConfig = z.output<typeof mqttSubscriptionSchema>;

const URL_PROTOCOLS: readonly string[] = ['mqtt:', 'mqtts:', 'ws:', 'wss:'];

const brokerUrl = z.string().refine(
  (url) => URL.canParse(url) && URL_PROTOCOLS.includes(new URL(url).protocol),
  { message: 'must be an mqtt://, mqtts://, ws:// or wss:// URL' },
);

export const mqttAdapterSchema = z
  .object({
    kind: z.literal('mqtt'),
    id: z.string().min(1),
    url: brokerUrl,
    /** Required: a persistent session is found again by its client id. */
    clientId: z.string().min(1),
    /** false = persistent session: QoS 1/2 messages queued while hazgate is away are delivered on reconnect. */
    cleanSession: z.boolean().default(false),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    keepaliveS: z.number().int().min(0).max(65_535).default(30),
    /** Pause between reconnect attempts (mqtt.js reconnectPeriod); 0 would disable reconnecting. */
    reconnectMs: z.number().int().min(1).default(1000),
    connectTimeoutMs: z.number().int().min(1).default(10_000),
    /** Larger payloads are rejected unparsed with HG_ERR_INGEST_TOO_LARGE. */
    maxPayloadBytes: z.number().int().min(1).max(268_435_455).default(262_144),
    subscriptions: z.array(mqttSubscriptionSchema).min(1).readonly(),
  })
  .strict()
  .superRefine((config, ctx) => {
    // MQTT 3.1.1 §3.1.2.9: a password without a user name is a protocol violation.
    if (config.password !== undefined && config.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'a password needs a username' });
    }
    const seen = new Set<string>();
    config.subscriptions.forEach((sub, i) => {
      if (seen.has(sub.topic)) {
        ctx.addIssue({ code: 'custom', path: ['subscriptions', i, 'topic'], message: `duplicate topic "${sub.topic}"` });
      }
      seen.add(sub.topic);
    });
  })
  .readonly();

/** The validated, defaulted config of one MQTT adapter instance. */
export type MqttAdapterConfig = z.output<typeof mqttAdapterSchema>;
/** What a config file may say (defaults not yet applied). */
export type MqttAdapterConfigInput = z.input<typeof mqttAdapterSchema>;
