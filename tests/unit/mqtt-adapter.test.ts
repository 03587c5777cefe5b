import { beforeEach, describe, expect, it } from 'vitest';
import type { HazgateError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { AdapterDeps } from '../../src/core/ports.js';
import type { RawReading } from '../../src/core/sample.js';
import type { ComponentStatus } from '../../src/core/status.js';
import { createMqttAdapter, mqttAdapterFactory, type MqttAdapter } from '../../adapters/mqtt/adapter.js';
import type {
  ConnectMqtt,
  MqttClientEvents,
  MqttConnectOptions,
  MqttQos,
  SubscribeOutcome,
} from '../../adapters/mqtt/client-port.js';
import { mqttAdapterSchema, type MqttAdapterConfig, type MqttAdapterConfigInput } from '../../adapters/mqtt/schema.js';

/** A scripted MQTT client: the test decides when connections open, drop and what SUBACK says. */
class FakeMqtt {
  connects: MqttConnectOptions[] = [];
  subscribes: { filter: string; qos: MqttQos }[] = [];
  ended = 0;
  /** How the broker answers a subscription; 'hold' leaves it unanswered until released. */
  answer: (filter: string) => SubscribeOutcome | 'hold' = (_f) => ({ granted: true, qos: 1 });
  private held: { resolve: (o: SubscribeOutcome) => void; reject: (e: Error) => void }[] = [];
  private events: MqttClientEvents | undefined;

  readonly connect: ConnectMqtt = (options, events) => {
    this.connects.push(options);
    this.events = events;
    return {
      subscribe: (filter, qos) => {
        this.subscribes.push({ filter, qos });
        const outcome = this.answer(filter);
        if (outcome !== 'hold') return Promise.resolve(outcome);
        return new Promise((resolve, reject) => this.held.push({ resolve, reject }));
      },
      reconnect: () => undefined,
      end: async () => {
        this.ended += 1;
      },
    };
  };

  private get on(): MqttClientEvents {
    if (this.events === undefined) throw new Error('the adapter has not connected');
    return this.events;
  }

  accept(sessionPresent: boolean): void {
    this.on.connect({ sessionPresent });
  }
  fail(message: string): void {
    this.on.error(new Error(message));
    this.on.close();
  }
  drop(): void {
    // MQTT.js fails in-flight subscriptions when the connection closes.
    for (const h of this.held.splice(0)) h.reject(new Error('Connection closed'));
    this.on.close();
  }
  deliver(topic: string, payload: string): void {
    this.on.message(topic, Buffer.from(payload));
  }
}

const deps: AdapterDeps = { clock: { now: () => 42 }, logger: silentLogger, dataDir: '/nonexistent' };

const baseConfig: MqttAdapterConfigInput = {
  kind: 'mqtt',
  id: 'plant-broker',
  url: 'mqtt://user:secret@127.0.0.1:1883',
  clientId: 'hazgate-test',
  username: 'user',
  password: 'pw',
  subscriptions: [{ topic: 'hazgate/demo/{point}', qos: 1 }, { topic: 'hazgate/batch', qos: 0 }],
};

/** Lets promise continuations (subscription answers) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MqttAdapter with a fake client', () => {
  let fake: FakeMqtt;
  let adapter: MqttAdapter;
  let readings: RawReading[];
  let errors: HazgateError[];
  let statuses: ComponentStatus[];
  const start = () =>
    adapter.start(
      (r) => readings.push(r),
      (e) => errors.push(e),
      (s) => statuses.push(s),
    );
  const states = () => statuses.map((s) => s.state);

  beforeEach(() => {
    fake = new FakeMqtt();
    adapter = createMqttAdapter(mqttAdapterSchema.parse(baseConfig), deps, fake.connect);
    readings = [];
    errors = [];
    statuses = [];
  });

  it('opens nothing at create; start connects with a persistent session and subscribes each filter at its QoS', async () => {
    expect(fake.connects).toHaveLength(0);
    const started = start();
    expect(fake.connects[0]).toMatchObject({ clientId: 'hazgate-test', clean: false, username: 'user', password: 'pw' });
    fake.accept(false);
    await started;
    expect(fake.subscribes).toEqual([
      { filter: 'hazgate/demo/+', qos: 1 },
      { filter: 'hazgate/batch', qos: 0 },
    ]);
    expect(statuses).toEqual([{ state: 'starting', since: 42 }, { state: 'up', since: 42 }]);
  });

  it('resolves start only after the subscriptions are granted', async () => {
    fake.answer = () => 'hold';
    let resolved = false;
    const started = start().then(() => {
      resolved = true;
    });
    fake.accept(false);
    await settle();
    expect(resolved).toBe(false);
    fake.drop();
    await started;
    expect(states()).toEqual(['starting', 'down']);
  });

  it('resubscribes after a reconnect when the broker lost the session, not when it kept it', async () => {
    const started = start();
    fake.accept(false);
    await started;
    fake.drop();
    fake.accept(true);
    await settle();
    expect(fake.subscribes).toHaveLength(2);
    fake.drop();
    fake.accept(false);
    await settle();
    expect(fake.subscribes).toHaveLength(4);
    expect(adapter.stats.reconnects).toBe(2);
    expect(states()).toEqual(['starting', 'up', 'down', 'up', 'down', 'up']);
  });

  it('resubscribes what was not yet granted when the connection dropped, even with a session', async () => {
    fake.answer = (filter) => (filter === 'hazgate/batch' ? 'hold' : { granted: true, qos: 1 });
    const started = start();
    fake.accept(false);
    await settle();
    fake.drop();
    await started;
    fake.answer = () => ({ granted: true, qos: 0 });
    fake.accept(true);
    await settle();
    expect(fake.subscribes.map((s) => s.filter)).toEqual(['hazgate/demo/+', 'hazgate/batch', 'hazgate/batch']);
    expect(statuses.at(-1)?.state).toBe('up');
  });

  it('does not throw when the broker is down at start; reports down once per outage and recovers', async () => {
    const started = start();
    fake.fail('connect ECONNREFUSED 127.0.0.1:1883');
    await expect(started).resolves.toBeUndefined();
    expect(statuses.at(-1)).toEqual({ state: 'down', reason: 'connect ECONNREFUSED 127.0.0.1:1883', since: 42 });
    fake.fail('connect ECONNREFUSED 127.0.0.1:1883');
    fake.fail('connect ECONNREFUSED 127.0.0.1:1883');
    expect(errors.map((e) => e.code)).toEqual(['HG_ERR_MQTT_CONNECT']);
    expect(errors[0]?.message).toContain('plant-broker');
    expect(errors[0]?.message).toContain('ECONNREFUSED');
    // Credentials in the URL never reach messages or details.
    expect(errors[0]?.message).not.toContain('secret');
    expect(JSON.stringify(errors[0]?.details)).not.toContain('secret');
    expect(adapter.stats.errors.HG_ERR_MQTT_CONNECT).toBe(3);
    fake.accept(false);
    await settle();
    expect(states()).toEqual(['starting', 'down', 'up']);
    expect(adapter.stats.reconnects).toBe(0);
  });

  it('reports a refused subscription as degraded, and retries it on the next session', async () => {
    fake.answer = (filter) => (filter === 'hazgate/batch' ? { granted: false, reason: 'not authorised' } : { granted: true, qos: 1 });
    const started = start();
    fake.accept(false);
    await started;
    expect(statuses.at(-1)).toMatchObject({ state: 'degraded', reason: 'not subscribed: hazgate/batch' });
    expect(errors.map((e) => [e.code, e.details['topic']])).toEqual([['HG_ERR_MQTT_SUBSCRIBE', 'hazgate/batch']]);
    fake.answer = () => ({ granted: true, qos: 0 });
    fake.drop();
    fake.accept(true);
    await settle();
    expect(fake.subscribes.map((s) => s.filter)).toEqual(['hazgate/demo/+', 'hazgate/batch', 'hazgate/batch']);
    expect(statuses.at(-1)?.state).toBe('up');
  });

  it('emits readings, reports payload errors and counts everything', async () => {
    const started = start();
    fake.accept(false);
    await started;
    fake.deliver('hazgate/demo/GT-101', '12.5');
    fake.deliver('hazgate/batch', '[{"id":"A","value":1},{"value":2}]');
    fake.deliver('hazgate/demo/GT-102', '{not json');
    fake.deliver('old/filter/topic', '1');
    expect(readings.map((r) => [r.pointId, r.value, r.origin])).toEqual([
      ['GT-101', 12.5, 'hazgate/demo/GT-101'],
      ['A', 1, 'hazgate/batch'],
    ]);
    expect(errors.map((e) => e.code)).toEqual(['HG_ERR_INGEST_NO_POINT', 'HG_ERR_INGEST_MALFORMED']);
    expect(adapter.stats).toMatchObject({
      messages: 4,
      readings: 2,
      unmatched: 1,
      errors: { HG_ERR_INGEST_NO_POINT: 1, HG_ERR_INGEST_MALFORMED: 1 },
    });
  });

  it('emits nothing, and reports nothing, after stop resolves', async () => {
    const started = start();
    fake.accept(false);
    await started;
    await adapter.stop();
    expect(fake.ended).toBe(1);
    expect(statuses.at(-1)?.state).toBe('stopped');
    const seen = statuses.length;
    fake.deliver('hazgate/demo/GT-101', '1');
    fake.deliver('hazgate/demo/GT-101', 'garbage');
    fake.fail('socket hang up');
    fake.accept(false);
    expect(readings).toEqual([]);
    expect(errors).toEqual([]);
    expect(statuses).toHaveLength(seen);
    expect(adapter.stats.messages).toBe(0);
  });

  it('lets stop end a start that is still waiting for its first connection', async () => {
    const started = start();
    await adapter.stop();
    await expect(started).resolves.toBeUndefined();
    expect(fake.ended).toBe(1);
  });

  it('ignores SUBACKs meant for an older connection', async () => {
    fake.answer = () => 'hold';
    const started = start();
    fake.accept(false);
    fake.drop(); // rejects the held subscriptions: they belong to the dropped connection
    await started;
    fake.answer = () => ({ granted: false, reason: 'nope' });
    fake.accept(true);
    await settle();
    // Only the new connection's refusals count, once per subscription.
    expect(errors.filter((e) => e.code === 'HG_ERR_MQTT_SUBSCRIBE')).toHaveLength(2);
  });

  it('refuses a second start, and can start again after stop with a fresh client', async () => {
    const started = start();
    fake.accept(false);
    await started;
    await expect(start()).rejects.toThrow(/already started/);
    await adapter.stop();
    const restarted = start();
    fake.accept(true);
    await restarted;
    // A new run cannot know what the old session holds: it subscribes everything again.
    expect(fake.subscribes).toHaveLength(4);
    expect(fake.connects).toHaveLength(2);
    fake.deliver('hazgate/demo/GT-7', '3');
    expect(readings.map((r) => r.pointId)).toEqual(['GT-7']);
  });
});

describe('mqttAdapterFactory', () => {
  it('is the mqtt kind and applies the documented defaults', () => {
    expect(mqttAdapterFactory.kind).toBe('mqtt');
    const config = mqttAdapterFactory.schema.parse({
      kind: 'mqtt',
      id: 'b',
      url: 'mqtt://127.0.0.1:1883',
      clientId: 'c',
      subscriptions: [{ topic: 'a/{point}' }],
    });
    expect(config).toMatchObject({
      cleanSession: false,
      keepaliveS: 30,
      reconnectMs: 1000,
      connectTimeoutMs: 10_000,
      maxPayloadBytes: 262_144,
      subscriptions: [{ topic: 'a/{point}', qos: 1, pointField: 'id', valueField: 'value', timeField: 'ts', timeUnit: 'ms', qualityField: 'quality' }],
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown key', { extra: 1 }, 'Unrecognized key: "extra"'],
    ['a bad url scheme', { url: 'http://x' }, 'url:'],
    ['no clientId', { clientId: undefined }, 'clientId:'],
    ['no subscriptions', { subscriptions: [] }, 'subscriptions:'],
    ['a bad topic', { subscriptions: [{ topic: 'a/#/b' }] }, 'subscriptions.0.topic:'],
    ['a duplicate topic', { subscriptions: [{ topic: 'a' }, { topic: 'a' }] }, 'subscriptions.1.topic: duplicate'],
    ['an unknown subscription key', { subscriptions: [{ topic: 'a', qos: 1, point: 'x' }] }, 'subscriptions.0: Unrecognized key: "point"'],
    ['qos 3', { subscriptions: [{ topic: 'a', qos: 3 }] }, 'subscriptions.0.qos:'],
    ['a password without username', { password: 'x' }, 'password: a password needs a username'],
  ])('create rejects %s with HG_ERR_CONFIG_INVALID naming %s', (_name, patch, problem) => {
    const config = { ...baseConfig, username: undefined, password: undefined, ...patch };
    try {
      // The factory validates even configs that skipped the site schema.
      mqttAdapterFactory.create(config as unknown as MqttAdapterConfig, deps);
      expect.unreachable('an invalid config was accepted');
    } catch (error) {
      expect((error as HazgateError).code).toBe('HG_ERR_CONFIG_INVALID');
      expect((error as HazgateError).details['problems']).toEqual(
        expect.arrayContaining([expect.stringContaining(problem)]),
      );
    }
  });
});
