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

/**
 * TLS towards the broker (an mqtts:// or wss:// URL): PEM files, relative to the site file, read
 * when the adapter starts (adapters/lib/mqtt/tls-files.ts).
 */
export const brokerTlsSchema = z
  .object({
    /** CA certificate(s) the broker's certificate must chain to; without it Node's built-in roots. */
    ca: z.string().min(1).optional(),
    /** Client certificate and its key, for brokers that ask for one (Mosquitto `require_certificate true`). */
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    /** false accepts any broker certificate: for a lab only. */
    rejectUnauthorized: z.boolean().default(true),
  })
  .strict();

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
  tls: brokerTlsSchema.optional(),
};

/** The broker's `tls` keys, as configured (file paths). */
export interface BrokerTlsFiles {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly rejectUnauthorized: boolean;
}

/** What the session needs of an adapter's config to reach the broker. */
export interface BrokerConnectionConfig {
  readonly url: string;
  readonly clientId: string;
  readonly cleanSession: boolean;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly keepaliveS: number;
  readonly connectTimeoutMs: number;
  readonly tls?: BrokerTlsFiles | undefined;
}

interface Issues {
  addIssue(issue: { code: 'custom'; path: (string | number)[]; message: string }): void;
}

const TLS_PROTOCOLS: readonly string[] = ['mqtts:', 'wss:'];

/**
 * How the adapter proves who it is: MQTT 3.1.1 §3.1.2.9, a password without a user name is a
 * protocol violation; a client certificate needs its key; TLS files on a plain mqtt:// or ws://
 * URL would be silently unused.
 */
export function checkCredentials(config: BrokerConnectionConfig, ctx: Issues): void {
  if (config.password !== undefined && config.username === undefined) {
    ctx.addIssue({ code: 'custom', path: ['password'], message: 'a password needs a username' });
  }
  const tls = config.tls;
  if (tls === undefined) return;
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['tls', tls.cert === undefined ? 'cert' : 'key'], message: 'tls.cert and tls.key go together' });
  }
  if (URL.canParse(config.url) && !TLS_PROTOCOLS.includes(new URL(config.url).protocol)) {
    ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls needs an mqtts:// or wss:// url' });
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
