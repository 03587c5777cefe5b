import { describe, expect, it } from 'vitest';
import type { ConnectOptions, QoS, SimulatorConnection } from '../../devices/simulator/mqtt-connection.js';
import { buildMqttMessages } from '../../devices/simulator/mqtt-messages.js';
import { startMqttSimulator, type MqttSimulatorOptions } from '../../devices/simulator/mqtt-publisher.js';
import { parseScenario } from '../../devices/simulator/parse.js';
import { startTickLoop, type Timers } from '../../devices/simulator/tick-loop.js';

const START = 1_764_300_000_000;

/** Fake clock and timers: advance() runs what is due, in order. */
class FakeTime implements Timers {
  now = START;
  private pending: { due: number; callback: () => void; cancelled: boolean }[] = [];
  readonly clock = { now: (): number => this.now };

  schedule(callback: () => void, delayMs: number): () => void {
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
      this.now = Math.max(this.now, next.due);
      next.callback();
    }
    this.now = end;
  }
}

interface Published {
  readonly topic: string;
  readonly payload: unknown;
  readonly qos: QoS;
}

/** A broker connection that records what is published. */
class FakeConnection implements SimulatorConnection {
  connected = true;
  failPublishes = false;
  closes = 0;
  readonly published: Published[] = [];
  options: ConnectOptions | undefined;

  readonly connect = async (options: ConnectOptions): Promise<SimulatorConnection> => {
    this.options = options;
    options.listener.onConnect();
    return this;
  };

  isConnected(): boolean {
    return this.connected;
  }

  async publish(topic: string, payload: string, qos: QoS): Promise<void> {
    if (this.failPublishes) throw new Error('broker said no');
    this.published.push({ topic, payload: JSON.parse(payload), qos });
  }

  async close(): Promise<void> {
    this.closes += 1;
  }
}

const scenario = parseScenario(
  `scenario: tiny
tickMs: 1000
loop: true
durationS: 10
points:
  GT-101: { base: 1.5 }
  XV-1: { base: true }
events:
  - { at: 2s, point: GT-101, silent: { for: 2s } }
`,
  'tiny.yaml',
);

async function start(overrides: Partial<MqttSimulatorOptions> = {}): Promise<{ time: FakeTime; broker: FakeConnection; sim: Awaited<ReturnType<typeof startMqttSimulator>> }> {
  const time = new FakeTime();
  const broker = new FakeConnection();
  const sim = await startMqttSimulator({ scenario, url: 'mqtt://test', clock: time.clock, timers: time, connect: broker.connect, ...overrides });
  return { time, broker, sim };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('startMqttSimulator', () => {
  it('publishes every point each tick as <prefix>/<id> {value, ts} with QoS 1, leaving silent points out', async () => {
    const { time, broker, sim } = await start();
    time.advance(3000);
    await flush();
    expect(broker.published.map((p) => [p.topic, p.payload, p.qos])).toEqual([
      ['hazgate/demo/GT-101', { value: 1.5, ts: START }, 1],
      ['hazgate/demo/XV-1', { value: true, ts: START }, 1],
      ['hazgate/demo/GT-101', { value: 1.5, ts: START + 1000 }, 1],
      ['hazgate/demo/XV-1', { value: true, ts: START + 1000 }, 1],
      ['hazgate/demo/XV-1', { value: true, ts: START + 2000 }, 1],
      ['hazgate/demo/XV-1', { value: true, ts: START + 3000 }, 1],
    ]);
    expect(sim.stats).toMatchObject({ ticks: 4, published: 6, connects: 1 });
    expect(broker.options).toMatchObject({ url: 'mqtt://test', clientId: `hazgate-sim-tiny-${process.pid}` });
  });

  it('in array mode publishes one message per tick on the prefix', async () => {
    const { time, broker } = await start({ batch: 'array', topicPrefix: 'site/a', qos: 0 });
    time.advance(2000);
    await flush();
    expect(broker.published).toEqual([
      { topic: 'site/a', qos: 0, payload: [{ id: 'GT-101', value: 1.5, ts: START }, { id: 'XV-1', value: true, ts: START }] },
      { topic: 'site/a', qos: 0, payload: [{ id: 'GT-101', value: 1.5, ts: START + 1000 }, { id: 'XV-1', value: true, ts: START + 1000 }] },
      { topic: 'site/a', qos: 0, payload: [{ id: 'XV-1', value: true, ts: START + 2000 }] },
    ]);
  });

  it('publishes nothing while the broker is away and resumes when it is back', async () => {
    const { time, broker, sim } = await start();
    broker.connected = false;
    broker.options?.listener.onDown('offline');
    time.advance(3000);
    broker.connected = true;
    broker.options?.listener.onConnect();
    time.advance(1000);
    await flush();
    expect(broker.published.map((p) => p.topic)).toEqual(['hazgate/demo/GT-101', 'hazgate/demo/XV-1']);
    expect(sim.stats).toMatchObject({ ticks: 5, ticksOffline: 4, connects: 2, disconnects: 1 });
  });

  it('publishes nothing after stop and closes the connection once', async () => {
    const { time, broker, sim } = await start();
    time.advance(1000);
    await Promise.all([sim.stop(), sim.stop()]);
    const count = broker.published.length;
    time.advance(10_000);
    await flush();
    expect(broker.published.length).toBe(count);
    expect(broker.closes).toBe(1);
  });

  it('counts failed publishes and keeps ticking', async () => {
    const { time, broker, sim } = await start();
    broker.failPublishes = true;
    time.advance(1000);
    await flush();
    expect(sim.stats).toMatchObject({ ticks: 2, published: 0, publishErrors: 4 });
  });

  it('the seed option overrides the scenario seed', async () => {
    const noisy = parseScenario('scenario: n\ntickMs: 1000\ndurationS: 60\nseed: 5\npoints:\n  GT-101: { base: 10, noise: 1 }\n', 'n.yaml');
    const values = async (seed?: number): Promise<unknown[]> => {
      const { time, broker } = await start(seed === undefined ? { scenario: noisy } : { scenario: noisy, seed });
      time.advance(5000);
      await flush();
      return broker.published.map((p) => p.payload);
    };
    expect(await values()).toEqual(await values(5));
    expect(await values(6)).not.toEqual(await values(5));
  });

  it.each(['', 'a/+/b', 'a/#', 'a//b', 'a/'])('rejects the topic prefix %j with HG_ERR_CLI_USAGE', async (topicPrefix) => {
    await expect(start({ topicPrefix })).rejects.toMatchObject({ code: 'HG_ERR_CLI_USAGE' });
  });

  it('passes on a connection failure', async () => {
    const failing = (): Promise<SimulatorConnection> => Promise.reject(new Error('refused'));
    await expect(start({ connect: failing })).rejects.toThrow('refused');
  });
});

describe('buildMqttMessages', () => {
  it('array mode with no readings sends nothing', () => {
    expect(buildMqttMessages('p', 'array', [], START)).toEqual([]);
  });
});

describe('startTickLoop', () => {
  it('keeps to start + n·tickMs and skips ticks missed while blocked', () => {
    const time = new FakeTime();
    const seen: [number, number][] = [];
    const loop = startTickLoop({ tickMs: 1000, clock: time.clock, timers: time, onTick: (tick, now) => seen.push([tick, now - START]) });
    time.advance(1000);
    time.now += 3500; // the event loop was blocked: ticks 2-4 are overdue
    time.advance(1000);
    loop.stop();
    time.advance(5000);
    expect(seen).toEqual([[0, 0], [1, 1000], [4, 4500], [5, 5000]]);
  });

  it('never runs a tick twice when a timer fires early', () => {
    const early: Timers = { schedule: (callback) => { queue.push(callback); return () => undefined; } };
    const queue: (() => void)[] = [];
    const seen: number[] = [];
    startTickLoop({ tickMs: 1000, clock: { now: () => START }, timers: early, onTick: (tick) => seen.push(tick) });
    for (let i = 0; i < 3; i += 1) queue.shift()?.();
    expect(seen).toEqual([0, 1, 2]);
  });
});
