import { z } from 'zod';
import { topicFilterProblems } from './topic-filter.js';

/**
 * Config keys every MQTT-based adapter has, with the same defaults and checks: how to reach and
 * log in to the broker. Each adapter's schema spreads `brokerConnectionShape` into its own object
 * and calls `checkCredentials` and `checkUniqueTopics` in its superRefine.
 */

const URL_PROTOCOLS: readonly string[] = ['mqtt:', 'mqtts:', 'ws:', 'wss:'];

export const brokerUrlSchema = z.string().refine((url) => URL.canParse(url) && URL_PROTOCOLS.includes(new URL(url).protocol), {
  message: 'must be an mqtt://, mqtts://, ws:// or wss:// URL',
});

export const mqttQosSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]);

/** An MQTT filter: `+` and `#` (last level only) allowed. */
export const topicFilterSchema = z.string().superRefine((topic, ctx) => {
  for (const problem of topicFilterProblems(topic)) ctx.addIssue({ code: 'custom', message: problem });
});

export const brokerConnectionShape = {
  url: brokerUrlSchema,
  /** Required: a persistent session is found again by its client id. */
  clientId: z.string().min(1),
  /** false = persistent session: QoS 1/2 messages queued while hazgate is away are delivered on reconnect. */
  cleanSession: z.boolean().default(false),
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  keepaliveS: z.number().int().min(0).max(65_535).default(30),
  connectTimeoutMs: z.number().int().min(1).default(10_000),
};

/** What the session needs of an adapter's config to reach the broker. */
export interface BrokerConnectionConfig {
  readonly url: string;
  readonly clientId: string;
  readonly cleanSession: boolean;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly keepaliveS: number;
  readonly connectTimeoutMs: number;
}

interface Issues {
  addIssue(issue: { code: 'custom'; path: (string | number)[]; message: string }): void;
}

/** MQTT 3.1.1 §3.1.2.9: a password without a user name is a protocol violation. */
export function checkCredentials(config: BrokerConnectionConfig, ctx: Issues): void {
  if (config.password !== undefined && config.username === undefined) {
    ctx.addIssue({ code: 'custom', path: ['password'], message: 'a password needs a username' });
  }
}

/** One subscription per topic: a second one would never see a message (the first match wins). */
export function checkUniqueTopics(subscriptions: readonly { readonly topic: string }[], ctx: Issues): void {
  const seen = new Set<string>();
  subscriptions.forEach((sub, i) => {
    if (seen.has(sub.topic)) ctx.addIssue({ code: 'custom', path: ['subscriptions', i, 'topic'], message: `duplicate topic "${sub.topic}"` });
    seen.add(sub.topic);
  });
}
