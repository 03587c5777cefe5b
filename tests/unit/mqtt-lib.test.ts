import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { HazgateError } from '../../src/core/errors.js';
import type { ComponentStatus } from '../../src/core/status.js';
import {
  backoffDelay,
  brokerConnectionShape,
  checkCredentials,
  checkUniqueTopics,
  MqttSession,
  redactUrl,
  topicFilterProblems,
  topicFilterSchema,
  topicMatches,
  type ConnectMqtt,
  type MqttClientEvents,
  type MqttConnectOptions,
  type ReconnectPolicy,
  type SessionCounters,
  type SessionSubscription,
  type Timers,
} from '../../adapters/lib/mqtt/index.js';

/**
 * The shared MQTT library of the adapters (adapters/lib/mqtt). The three adapters' own tests run
 * it through their behaviour; these pin the parts every one of them relies on.
 */

describe('topic filters', () => {
  it.each([
    ['tags', 'tags', true],
    ['tags', 'tags/30331', false],
    ['tags/#', 'tags', true],
    ['tags/#', 'tags/30331', true],
    ['site/+/uwb', 'site/a/uwb', true],
    ['site/+/uwb', 'site/a/b/uwb', false],
    ['a/b/c', 'a/b', false],
    ['#', '$SYS/broker', false],
    ['+/x', '$SYS/x', false],
    ['$SYS/#', '$SYS/broker', true],
  ])('%s ~ %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });

  it('names every problem of an invalid filter', () => {
    expect(topicFilterProblems('tags/#')).toEqual([]);
    expect(topicFilterProblems('')).toEqual(['the topic is empty']);
    expect(topicFilterProblems('a/b+/#/c')).toEqual(["level 2 \"b+\": '+' must be a whole level", "level 3: '#' is allowed only as the last level"]);
    expect(topicFilterProblems('a/\u0000')).toEqual(['the topic contains a NUL character']);
  });
});

describe('broker config keys', () => {
  const schema = z
    .object({ ...brokerConnectionShape, subscriptions: z.array(z.object({ topic: topicFilterSchema })) })
    .superRefine((config, ctx) => {
      checkCredentials(config, ctx);
      checkUniqueTopics(config.subscriptions, ctx);
    });
  const problems = (input: unknown): string[] => {
    const result = schema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('fills the shared defaults', () => {
    expect(schema.parse({ url: 'mqtt://b', clientId: 'c', subscriptions: [] })).toEqual({ url: 'mqtt://b', clientId: 'c', cleanSession: false, keepaliveS: 30, connectTimeoutMs: 10_000, subscriptions: [] });
  });

  it('refuses other URL schemes, a password without a user and duplicate topics', () => {
    expect(problems({ url: 'http://b', clientId: 'c', subscriptions: [] })).toEqual(['url: must be an mqtt://, mqtts://, ws:// or wss:// URL']);
    expect(problems({ url: 'mqtt://b', clientId: 'c', password: 'p', subscriptions: [{ topic: 'a' }, { topic: 'a' }] })).toEqual([
      'password: a password needs a username',
      'subscriptions.1.topic: duplicate topic "a"',
    ]);
  });
});

describe('back-off and redaction', () => {
  it('doubles from initial up to max', () => {
    expect([0, 1, 2, 3, 4, 5, 40].map((n) => backoffDelay(n, 1_000, 30_000))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('hides a password in a broker URL', () => {
    expect(redactUrl('mqtt://user:secret@b:1883')).toBe('mqtt://user:***@b:1883');
    expect(redactUrl('mqtt://b:1883')).toBe('mqtt://b:1883');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});

/** A session on a scripted client and hand-run timers. */
function session(reconnect: ReconnectPolicy | 'backoff') {
  const pending: { callback: () => void; delayMs: number }[] = [];
  const timers: Timers = {
    schedule: (callback, delayMs) => {
      const entry = { callback, delayMs };
      pending.push(entry);
      return () => pending.splice(pending.indexOf(entry), 1);
    },
  };
  const policy: ReconnectPolicy = reconnect === 'backoff' ? { kind: 'backoff', initialMs: 10, maxMs: 40, timers } : reconnect;
  let events: MqttClientEvents | undefined;
  const client = { options: [] as MqttConnectOptions[], filters: [] as string[], reconnects: 0, ended: 0 };
  const connect: ConnectMqtt = (options, e) => {
    client.options.push(options);
    events = e;
    return {
      subscribe: async (filter) => (client.filters.push(filter), { granted: true }),
      reconnect: () => void (client.reconnects += 1),
      end: async () => void (client.ended += 1),
    };
  };
  const subscriptions: SessionSubscription[] = [{ topic: 'plant/{point}', filter: 'plant/+', qos: 1 }];
  const counters: SessionCounters = { reconnects: 0, errors: {} };
  const out = { messages: [] as string[], errors: [] as HazgateError[], statuses: [] as ComponentStatus[] };
  const s = new MqttSession(
    { label: 'test', id: 'one', broker: { url: 'mqtt://u:pw@b', clientId: 'c', cleanSession: false, keepaliveS: 30, connectTimeoutMs: 5 }, reconnect: policy, subscriptions, clock: { now: () => 1 }, counters, connect },
    { message: (topic) => out.messages.push(topic), onError: (e) => out.errors.push(e), onStatus: (st) => out.statuses.push(st) },
  );
  const on = (): MqttClientEvents => events as MqttClientEvents;
  return { s, on, client, counters, out, pending };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MqttSession', () => {
  it('lets MQTT.js retry under the client policy, and retries itself with back-off under the backoff policy', async () => {
    const byClient = session({ kind: 'client', everyMs: 500 });
    expect(byClient.client.options[0]?.reconnectMs).toBe(500);
    byClient.on().close();
    expect(byClient.pending).toHaveLength(0);

    const byBackoff = session('backoff');
    expect(byBackoff.client.options[0]?.reconnectMs).toBe(0);
    byBackoff.on().error(new Error('ECONNREFUSED'));
    byBackoff.on().close();
    byBackoff.on().close();
    expect(byBackoff.pending.map((p) => p.delayMs)).toEqual([10]);
    byBackoff.pending[0]?.callback();
    expect(byBackoff.client.reconnects).toBe(1);
    await byBackoff.s.firstAttempt;
    expect(byBackoff.out.errors.map((e) => e.message)).toEqual(['test one: cannot connect to mqtt://u:***@b: ECONNREFUSED']);
    expect(byBackoff.counters.errors).toEqual({ HG_ERR_MQTT_CONNECT: 2 });
  });

  it('subscribes the filters, passes messages on until closed, and counts reconnects', async () => {
    const r = session('backoff');
    r.on().connect({ sessionPresent: false });
    await r.s.firstAttempt;
    expect(r.client.filters).toEqual(['plant/+']);
    expect(r.out.statuses.map((st) => st.state)).toEqual(['starting', 'up']);
    r.on().message('plant/TK101', Buffer.from('1'));
    r.on().close();
    r.on().connect({ sessionPresent: true });
    await settle();
    expect(r.client.filters).toHaveLength(1);
    expect(r.counters.reconnects).toBe(1);
    await r.s.close();
    r.on().message('plant/TK102', Buffer.from('2'));
    expect(r.out.messages).toEqual(['plant/TK101']);
    expect(r.out.statuses.at(-1)?.state).toBe('stopped');
    expect(r.client.ended).toBe(1);
  });
});
