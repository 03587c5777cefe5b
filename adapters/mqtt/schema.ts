import { z } from 'zod';
import { brokerConnectionShape, checkCredentials, checkUniqueTopics, mqttQosSchema } from '../lib/mqtt/index.js';
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
    qos: mqttQosSchema.default(1),
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

export const mqttAdapterSchema = z
  .object({
    kind: z.literal('mqtt'),
    id: z.string().min(1),
    /** url, clientId, cleanSession, username, password, keepaliveS, connectTimeoutMs, tls (adapters/lib/mqtt). */
    ...brokerConnectionShape,
    /** Pause between reconnect attempts (mqtt.js reconnectPeriod); 0 would disable reconnecting. */
    reconnectMs: z.number().int().min(1).default(1000),
    /** Larger payloads are rejected unparsed with HG_ERR_INGEST_TOO_LARGE. */
    maxPayloadBytes: z.number().int().min(1).max(268_435_455).default(262_144),
    subscriptions: z.array(mqttSubscriptionSchema).min(1).readonly(),
  })
  .strict()
  .superRefine((config, ctx) => {
    checkCredentials(config, ctx);
    checkUniqueTopics(config.subscriptions, ctx);
  })
  .readonly();

/** The validated, defaulted config of one MQTT adapter instance. */
export type MqttAdapterConfig = z.output<typeof mqttAdapterSchema>;
/** What a config file may say (defaults not yet applied). */
export type MqttAdapterConfigInput = z.input<typeof mqttAdapterSchema>;
