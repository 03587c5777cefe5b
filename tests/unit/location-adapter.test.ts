import { beforeEach, describe, expect, it } from 'vitest';
import type { HazgateError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Observation } from '../../src/core/observation.js';
import type { AdapterDeps, AdapterMetric } from '../../src/core/ports.js';
import type { ComponentStatus } from '../../src/core/status.js';
import { createLocationMqttAdapter, locationMetrics, REJECT_REASONS, type LocationMqttAdapter, type LocationMqttAdapterConfigInput } from '../../adapters/location/index.js';
import { backoffDelay, type ConnectMqtt, type MqttClientEvents, type MqttConnectOptions, type SubscribeOutcome, type Timers } from '../../adapters/lib/mqtt/index.js';

/** Fake timers: the test says when time passes. */
class FakeTimers implements Timers {
  now = 0;
  delays: number[] = [];
  private pending: { due: number; callback: () => void; cancelled: boolean }[] = [];

  schedule(callback: () => void, delayMs: number): () => void {
    this.delays.push(delayMs);
    const entry = { due: this.now + delayMs, callback, cancelled: false };
    this.pending.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = this.pending.filter((e) => !e.cancelled && e.due <= end).sort((a, b) => a.due - b.due)[0];
      if (next === undefined) break;
      this.pending = this.pending.filter((e) => e !== next);
      this.now = next.due;
      next.callback();
    }
    this.now = end;
  }

  get waiting(): number {
    return this.pending.filter((e) => !e.cancelled).length;
  }
}

/** A scripted client: the test decides when connections open and drop and what SUBACK says. */
class FakeClient {
  connects: MqttConnectOptions[] = [];
  subscribes: { filter: string; qos: number }[] = [];
  reconnects = 0;
  ended = 0;
  answer: (filter: string) => SubscribeOutcome = () => ({ granted: true });
  private events: MqttClientEvents | undefined;

  readonly connect: ConnectMqtt = (options, events) => {
    this.connects.push(options);
    this.events = events;
    return {
      subscribe: async (filter, qos) => {
        this.subscribes.push({ filter, qos });
        return this.answer(filter);
      },
      reconnect: () => {
        this.reconnects += 1;
      },
      end: async () => {
        this.ended += 1;
      },
    };
  };

  private get on(): MqttClientEvents {
    if (this.events === undefined) throw new Error('the adapter has not connected');
    return this.events;
  }
  accept(sessionPresent = false): void {
    this.on.connect({ sessionPresent });
  }
  fail(message: string): void {
    this.on.error(new Error(message));
    this.on.close();
  }
  deliver(topic: string, payload: unknown): void {
    this.on.message(topic, Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)));
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
/** The adapter's clock follows the fake timers (42 at the start): the session judges uptime by it. */
const depsOn = (timers: FakeTimers): AdapterDeps => ({ clock: { now: () => 42 + timers.now }, logger: silentLogger, dataDir: '/nonexistent' });
const TS = 1_700_000_000_000;

const config: LocationMqttAdapterConfigInput = {
  kind: 'location-mqtt',
  id: 'uwb',
  url: 'mqtt://user:secret@127.0.0.1:1883',
  clientId: 'hazgate-uwb',
  username: 'user',
  password: 'secret',
  backoff: { initial: 100, max: 1_000 },
  maxPayloadBytes: 4_096,
  subscriptions: [
    { topic: 'tags', format: 'pozyx', floor: '1F' },
    { topic: 'mine/readers/+', format: 'reader', qos: 2 },
    { topic: 'site/positions', format: 'position', units: 'cm' },
  ],
};

interface Run {
  readonly adapter: LocationMqttAdapter;
  readonly client: FakeClient;
  readonly timers: FakeTimers;
  readonly observations: Observation[];
  readonly errors: HazgateError[];
  readonly statuses: ComponentStatus[];
  readonly started: Promise<void>;
}

function run(overrides: Partial<LocationMqttAdapterConfigInput> = {}): Run {
  const client = new FakeClient();
  const timers = new FakeTimers();
  const adapter = createLocationMqttAdapter({ ...config, ...overrides }, depsOn(timers), { connect: client.connect, timers });
  const r = { adapter, client, timers, observations: [] as Observation[], errors: [] as HazgateError[], statuses: [] as ComponentStatus[] };
  const started = adapter.start(
    () => {
      throw new Error('a location adapter emits no readings');
    },
    (e) => r.errors.push(e),
    (s) => r.statuses.push(s),
    (o) => r.observations.push(o),
  );
  return { ...r, started };
}

function metric(metrics: readonly AdapterMetric[], name: string, labels: Record<string, string> = {}): number | undefined {
  return metrics.find((m) => m.name === name)?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
}

describe('LocationMqttAdapter with a fake client', () => {
  let r: Run;
  beforeEach(async () => {
    r = run();
    r.client.accept();
    await r.started;
  });

  it('connects as configured, subscribes every topic and reports up', () => {
    expect(r.client.connects).toEqual([{ url: 'mqtt://user:secret@127.0.0.1:1883', clientId: 'hazgate-uwb', clean: false, keepaliveS: 30, reconnectMs: 0, connectTimeoutMs: 10_000, username: 'user', password: 'secret' }]);
    expect(r.client.subscribes).toEqual([
      { filter: 'tags', qos: 1 },
      { filter: 'mine/readers/+', qos: 2 },
      { filter: 'site/positions', qos: 1 },
    ]);
    expect(r.statuses.map((s) => s.state)).toEqual(['starting', 'up']);
  });

  it('observes positions and reader events by the format of the topic they came on', () => {
    r.client.deliver('tags', [{ tagId: 'W001', timestamp: TS / 1000, success: true, data: { coordinates: { x: 1500, y: 2500 } }, sos: true }]);
    r.client.deliver('mine/readers/KJ-1', { tagId: 'M-7', readerId: 'KJ-1', event: 'enter', ts: TS });
    r.client.deliver('site/positions', { tagId: 'V-1', x: 150, y: 25, ts: TS });
    expect(r.observations).toEqual([
      { type: 'position', position: { tagId: 'W001', x: 1.5, y: 2.5, floor: '1F', ts: TS, sos: true } },
      { type: 'reader', event: { tagId: 'M-7', readerId: 'KJ-1', kind: 'enter', ts: TS } },
      { type: 'position', position: { tagId: 'V-1', x: 1.5, y: 0.25, ts: TS } },
    ]);
    expect(r.adapter.stats).toMatchObject({ messages: 3, positions: 2, readerEvents: 1, unmatched: 0 });
  });

  it('counts rejections per reason, reports one coded error per reason and message, and keeps going', () => {
    r.client.deliver('tags', 'not json');
    r.client.deliver('tags', 'x'.repeat(5_000));
    r.client.deliver('tags', [
      { tagId: 'A', timestamp: TS, data: { coordinates: { x: 'NaN', y: 0 } } },
      { tagId: 'B', timestamp: TS, data: { coordinates: { x: 'NaN', y: 0 } } },
      { tagId: 'C', timestamp: TS, success: false },
      { tagId: 'D', timestamp: TS, data: { coordinates: { x: 0, y: 0 } } },
    ]);
    r.client.deliver('site/positions', { tagId: 'V', x: 1, y: 2, ts: TS, colour: 'red' });
    expect(r.errors.map((e) => e.code)).toEqual(['HG_ERR_INGEST_MALFORMED', 'HG_ERR_INGEST_TOO_LARGE', 'HG_ERR_INGEST_MALFORMED', 'HG_ERR_INGEST_MALFORMED']);
    expect(r.errors[2]?.details).toMatchObject({ adapter: 'uwb', topic: 'tags', reason: 'wrong-type', count: 2, indexes: [0, 1] });
    expect(r.adapter.stats.rejected).toMatchObject({ 'not-json': 1, 'too-large': 1, 'wrong-type': 2, 'unknown-field': 1 });
    expect(r.adapter.stats).toMatchObject({ messages: 4, positions: 1, noFix: 1, errors: { HG_ERR_INGEST_MALFORMED: 3, HG_ERR_INGEST_TOO_LARGE: 1 } });
    r.client.deliver('tags', [{ tagId: 'E', timestamp: TS, data: { coordinates: { x: 0, y: 0 } } }]);
    expect(r.observations.map((o) => (o.type === 'position' ? o.position.tagId : '?'))).toEqual(['D', 'E']);
  });

  it('counts messages on topics no subscription matches', () => {
    r.client.deliver('old/filter', []);
    expect(r.adapter.stats.unmatched).toBe(1);
    expect(r.observations).toEqual([]);
  });

  it('goes down on a lost connection, reports it once per outage and retries with back-off', async () => {
    r.client.fail('ECONNRESET');
    r.client.fail('ECONNREFUSED');
    r.client.fail('ECONNREFUSED');
    expect(r.statuses.at(-1)).toEqual({ state: 'down', reason: 'ECONNREFUSED', since: 42 });
    expect(r.errors.map((e) => e.code)).toEqual(['HG_ERR_MQTT_CONNECT']);
    expect(r.errors[0]?.message).toBe('location uwb: lost the connection to mqtt://user:***@127.0.0.1:1883: ECONNRESET');
    expect(r.adapter.stats.errors['HG_ERR_MQTT_CONNECT']).toBe(3);
    // One retry is pending at a time; each failure after a retry doubles the wait.
    expect(r.timers.delays).toEqual([100]);
    r.timers.advance(100);
    expect(r.client.reconnects).toBe(1);
    for (const expected of [200, 400, 800, 1_000, 1_000]) {
      r.client.fail('ECONNREFUSED');
      expect(r.timers.delays.at(-1)).toBe(expected);
      r.timers.advance(expected);
    }
    expect(r.client.reconnects).toBe(6);
    r.client.accept(true);
    await settle();
    expect(r.statuses.at(-1)?.state).toBe('up');
    expect(r.adapter.stats.reconnects).toBe(1);
    // Once the connection stayed up for the back-off max (1 s here, 30 s at most), a new outage
    // starts the back-off again and is reported again.
    r.timers.advance(1_000);
    r.client.fail('ECONNRESET');
    expect(r.timers.delays.at(-1)).toBe(100);
    expect(r.errors.map((e) => e.code)).toEqual(['HG_ERR_MQTT_CONNECT', 'HG_ERR_MQTT_CONNECT']);
  });

  it('resubscribes when the broker lost the session, not when it kept it', async () => {
    r.client.fail('gone');
    r.timers.advance(100);
    r.client.accept(true);
    await settle();
    expect(r.client.subscribes).toHaveLength(3);
    r.client.fail('gone');
    r.timers.advance(100);
    r.client.accept(false);
    await settle();
    expect(r.client.subscribes).toHaveLength(6);
  });

  it('observes nothing after stop, cancels a pending retry and reports stopped', async () => {
    r.client.fail('gone');
    expect(r.timers.waiting).toBe(1);
    await r.adapter.stop();
    expect(r.timers.waiting).toBe(0);
    expect(r.client.ended).toBe(1);
    expect(r.statuses.at(-1)?.state).toBe('stopped');
    r.client.deliver('tags', [{ tagId: 'late', timestamp: TS, data: { coordinates: { x: 0, y: 0 } } }]);
    expect(r.observations).toEqual([]);
  });

  it('refuses a second start', async () => {
    await expect(r.adapter.start(() => undefined, () => undefined, () => undefined, () => undefined)).rejects.toThrow('already started');
  });

  it('reports its counters as metric families', () => {
    r.client.deliver('tags', '[');
    r.client.deliver('tags', [{ tagId: 'A', timestamp: TS, data: { coordinates: { x: 0, y: 0 } } }, { tagId: 'B', timestamp: TS, success: false }]);
    const metrics = r.adapter.metrics();
    expect(metrics.map((m) => m.name)).toEqual([
      'hazgate_location_messages_total',
      'hazgate_location_positions_total',
      'hazgate_location_reader_events_total',
      'hazgate_location_no_fix_total',
      'hazgate_location_tag_statuses_total',
      'hazgate_location_unmatched_total',
      'hazgate_location_reconnects_total',
      'hazgate_location_rejected_total',
    ]);
    expect(metric(metrics, 'hazgate_location_messages_total', { adapter: 'uwb' })).toBe(2);
    expect(metric(metrics, 'hazgate_location_positions_total')).toBe(1);
    expect(metric(metrics, 'hazgate_location_no_fix_total')).toBe(1);
    expect(metric(metrics, 'hazgate_location_rejected_total', { reason: 'not-json' })).toBe(1);
    expect(metrics.find((m) => m.name === 'hazgate_location_rejected_total')?.values.map((v) => v.labels['reason'])).toEqual(REJECT_REASONS);
  });
});

describe('entries without a fix that carry the tag state (SOS, motion, battery)', () => {
  let r: Run;
  beforeEach(async () => {
    r = run();
    r.client.accept();
    await r.started;
  });

  const fix = (tagId: string, ts: number, extra: Record<string, unknown> = {}) => ({ tagId, timestamp: ts, success: true, data: { coordinates: { x: 1500, y: 2500, z: 1200 } }, ...extra });
  const noFix = (tagId: string, ts: number, extra: Record<string, unknown> = {}) => ({ tagId, timestamp: ts, success: false, ...extra });
  const kinds = () => r.observations.map((o) => (o.type === 'position' ? `position ${o.position.tagId}` : o.type === 'tag-status' ? `tag-status ${o.status.tagId}` : o.type));

  it('go out as tag states with their own time and fields, never as a position at an old fix', () => {
    r.client.deliver('tags', [fix('W001', TS, { motion: 'still', battery: 80 })]);
    r.client.deliver('tags', [noFix('W001', TS + 1_000, { sos: true, battery: 79 })]);
    r.client.deliver('tags', [noFix('W001', TS + 2_000, { sos: false }), noFix('W001', TS + 3_000, { motion: 'fallen' }), noFix('W001', TS + 4_000)]);
    expect(kinds()).toEqual(['position W001', 'tag-status W001', 'tag-status W001', 'tag-status W001']);
    expect(r.observations.flatMap((o) => (o.type === 'tag-status' ? [o.status] : []))).toEqual([
      { tagId: 'W001', ts: TS + 1_000, sos: true, battery: 79, floor: '1F' },
      { tagId: 'W001', ts: TS + 2_000, sos: false, floor: '1F' },
      { tagId: 'W001', ts: TS + 3_000, motion: 'fallen', floor: '1F' },
    ]);
    expect(r.adapter.stats).toMatchObject({ positions: 1, statuses: 3, noFix: 4 });
    expect(metric(r.adapter.metrics(), 'hazgate_location_tag_statuses_total')).toBe(3);
    expect(r.errors).toEqual([]);
  });

  it('from a tag never placed are passed on too (an SOS press is not refused for want of a position)', () => {
    r.client.deliver('tags', [noFix('NEW', TS, { sos: true }), noFix('NEW2', TS, { sos: false }), fix('OTHER', TS)]);
    expect(kinds()).toEqual(['position OTHER', 'tag-status NEW', 'tag-status NEW2']);
    expect(r.errors).toEqual([]);
    expect(Object.values(r.adapter.stats.rejected).every((n) => n === 0)).toBe(true);
  });
});

describe('maxEntries', () => {
  it('reads at most maxEntries entries of a message and refuses the rest with one HG_ERR_INGEST_TOO_LARGE', async () => {
    const r = run({ maxEntries: 2 });
    r.client.accept();
    await r.started;
    r.client.deliver('site/positions', [1, 2, 3, 4, 5].map((i) => ({ tagId: `T${i}`, x: i, y: 0, ts: TS })));
    expect(r.observations).toHaveLength(2);
    expect(r.errors.map((e) => [e.code, e.details['reason'], e.details['count']])).toEqual([['HG_ERR_INGEST_TOO_LARGE', 'too-many-entries', 3]]);
    expect(r.adapter.stats.rejected['too-many-entries']).toBe(3);
    expect(r.adapter.stats.errors['HG_ERR_INGEST_TOO_LARGE']).toBe(1);
  });
});

describe('start against a broker that is not there', () => {
  it('resolves after the first failed attempt, down, and connects later', async () => {
    const r = run();
    r.client.fail('ECONNREFUSED');
    await r.started;
    expect(r.statuses.map((s) => s.state)).toEqual(['starting', 'down']);
    expect(r.errors[0]?.message).toBe('location uwb: cannot connect to mqtt://user:***@127.0.0.1:1883: ECONNREFUSED');
    r.timers.advance(100);
    r.client.accept();
    await settle();
    expect(r.statuses.at(-1)?.state).toBe('up');
    // The first connection of a start is not a reconnect.
    expect(r.adapter.stats.reconnects).toBe(0);
  });

  it('is degraded when the broker refuses a subscription', async () => {
    const r = run();
    r.client.answer = (filter) => (filter === 'mine/readers/+' ? { granted: false, reason: 'the broker refused it (SUBACK 0x80)' } : { granted: true });
    r.client.accept();
    await r.started;
    expect(r.statuses.at(-1)).toEqual({ state: 'degraded', reason: 'not subscribed: mine/readers/+', since: 42 });
    expect(r.errors.map((e) => e.code)).toEqual(['HG_ERR_MQTT_SUBSCRIBE']);
  });
});

describe('back-off and metrics without a run', () => {
  it('doubles from initial up to max', () => {
    expect([0, 1, 2, 3, 4, 5, 40].map((n) => backoffDelay(n, 1_000, 30_000))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('has every family before the first message (zeros)', () => {
    const metrics = locationMetrics('uwb');
    expect(metrics).toHaveLength(8);
    expect(metrics.flatMap((m) => m.values).every((v) => v.value === 0)).toBe(true);
  });
});
