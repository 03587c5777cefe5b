import { describe, expect, it } from 'vitest';
import { decodeLocationPayload, lengthConverter, type PayloadFormat } from '../../adapters/location/index.js';
import { loadLocationScenario, parseLocationScenario, readerPayloads, ReaderWatch, LocationModel, startLocationSimulator, zoneSpecsOf, type ReaderEventEntry } from '../../devices/location/index.js';
import type { ConnectOptions, QoS, SimulatorConnection } from '../../devices/simulator/mqtt-connection.js';
import { builtinScenarioFile } from '../../devices/simulator/load.js';
import type { Timers } from '../../devices/simulator/tick-loop.js';

/** Simulated RFID reader events (mine style): zones with `readers:` in a people scenario. */

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

/** A broker connection that records what is published, by topic. */
class FakeConnection implements SimulatorConnection {
  readonly published: { topic: string; payload: string; qos: QoS }[] = [];
  readonly connect = async (options: ConnectOptions): Promise<SimulatorConnection> => {
    options.listener.onConnect();
    return this;
  };
  isConnected(): boolean {
    return true;
  }
  async publish(topic: string, payload: string, qos: QoS): Promise<void> {
    this.published.push({ topic, payload, qos });
  }
  async close(): Promise<void> {}
  on(topic: string): unknown[] {
    return this.published.filter((p) => p.topic === topic).flatMap((p) => JSON.parse(p.payload) as unknown[]);
  }
}

const ACROSS = `
scenario: across
tickMs: 1000
durationS: 100
site: { width: 100, height: 20 }
noiseM: 0
zones:
  left:   { polygon: [[0, 0], [10, 0], [10, 20], [0, 20]] }
  gallery: { polygon: [[40, 0], [60, 0], [60, 20], [40, 20]], readers: [KJ-7] }
  right:  { polygon: [[90, 0], [100, 0], [100, 20], [90, 20]] }
groups:
  - { ids: [C1], route: [[5, 10], [95, 10]], speed: 1, speedSpread: 0, pauseS: 0, positions: false }
`;

const readerFormat: PayloadFormat = { format: 'reader', toMetres: lengthConverter('m', undefined), floor: undefined, timeUnit: 'auto' };

describe('reader events from zones with readers', () => {
  it('emits enter then leave with increasing timestamps as a card crosses a reader area', async () => {
    const scenario = parseLocationScenario(ACROSS, 'across.yaml');
    const time = new FakeTime();
    const conn = new FakeConnection();
    const sim = await startLocationSimulator({ scenario, url: 'mqtt://fake', connect: conn.connect, clock: time.clock, timers: time, readerTopic: 'mine/readers' });
    time.advance(100_500);
    await sim.stop();
    const events = conn.on('mine/readers') as ReaderEventEntry[];
    const ofC1 = events.filter((e) => e.tagId === 'C1');
    expect(ofC1.map((e) => [e.readerId, e.event])).toEqual(
      // The lap starts at a seeded phase: the card crosses the gallery on its way out and back.
      Array.from({ length: ofC1.length / 2 }, () => [['KJ-7', 'enter'], ['KJ-7', 'leave']]).flat(),
    );
    expect(ofC1.length).toBeGreaterThanOrEqual(2);
    const stamps = ofC1.map((e) => e.ts);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(new Set(stamps).size).toBe(stamps.length);
    // Each event is stamped with its tick, when the card was where the scenario puts it.
    for (const e of ofC1) {
      const t = e.ts - sim.startedAt;
      const inside = sim.model.positionAt('C1', t)!;
      expect(inside.x >= 40 && inside.x <= 60).toBe(e.event === 'enter');
    }
    // A card-only tag sends no positions.
    expect(conn.on('tags')).toEqual([]);
    expect(sim.stats).toMatchObject({ fixes: 0, readerEvents: ofC1.length });
  });

  it('publishes what adapters/location reads as reader events, refusing nothing', async () => {
    const scenario = parseLocationScenario(ACROSS, 'across.yaml');
    const watch = new ReaderWatch(new LocationModel(scenario, 1));
    const events = Array.from({ length: 100 }, (_, s) => watch.eventsAt(s * 1000)).flat();
    expect(events.length).toBeGreaterThan(0);
    const payloads = readerPayloads(events, START, 1);
    expect(payloads).toHaveLength(events.length);
    for (const payload of payloads) {
      const decoded = decodeLocationPayload(Buffer.from(payload), readerFormat, 1_048_576);
      expect(decoded.rejections).toEqual([]);
      expect(decoded.readerEvents).toHaveLength(1);
    }
  });

  it('leaves a reader when the card falls silent, and enters again when it is back', () => {
    const scenario = parseLocationScenario(`${ACROSS.replace('route: [[5, 10], [95, 10]]', 'route: [[50, 10]]')}events:\n  - { at: 10s, tags: [C1], silent: { for: 5s } }\n`, 'silent.yaml');
    const watch = new ReaderWatch(new LocationModel(scenario, 1));
    const bySecond = Array.from({ length: 20 }, (_, s) => watch.eventsAt(s * 1000).map((e) => `${s}:${e.event}`)).flat();
    expect(bySecond).toEqual(['0:enter', '10:leave', '15:enter']);
  });

  it('puts a zone’s readers in its zone spec', () => {
    const scenario = parseLocationScenario(ACROSS, 'across.yaml');
    expect(zoneSpecsOf(scenario).find((z) => z.id === 'gallery')).toEqual({ id: 'gallery', kind: 'general', polygon: [[40, 0], [60, 0], [60, 20], [40, 20]], readers: ['KJ-7'] });
  });
});

describe('the people-mine scenario', () => {
  it('walks miners past the readers in roadway order, an intrusion into the goaf, a silent card', async () => {
    const scenario = await loadLocationScenario(builtinScenarioFile('people-mine'));
    const time = new FakeTime();
    const conn = new FakeConnection();
    const sim = await startLocationSimulator({ scenario, url: 'mqtt://fake', connect: conn.connect, clock: time.clock, timers: time });
    time.advance(600_000);
    await sim.stop();
    const events = conn.on('readers') as ReaderEventEntry[];
    const of = (tagId: string) => events.filter((e) => e.tagId === tagId);
    // Only the foremen send positions.
    expect(new Set((conn.on('tags') as { tagId: string }[]).map((e) => e.tagId))).toEqual(new Set(['F01', 'F02']));
    const along = ['KJ-01', 'KJ-02', 'KJ-04', 'KJ-02'];
    for (let i = 1; i <= 20; i += 1) {
      const tagId = `M${String(i).padStart(3, '0')}`;
      const entered = of(tagId).filter((e) => e.event === 'enter').map((e) => e.readerId);
      if (tagId === 'M005' || tagId === 'M012') continue;
      expect(entered.length, tagId).toBeGreaterThanOrEqual(3);
      // Entered in roadway order, wherever along its lap the miner started.
      const start = along.findIndex((r, k) => r === entered[0] && (entered[1] === undefined || along[(k + 1) % along.length] === entered[1]));
      expect(start, `${tagId}: ${entered.join(' ')}`).toBeGreaterThanOrEqual(0);
      expect(entered, tagId).toEqual(entered.map((_, k) => along[(start + k) % along.length]));
      const stamps = of(tagId).map((e) => e.ts);
      expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    }
    const goaf = of('M005').filter((e) => e.readerId === 'KJ-05');
    expect(goaf.map((e) => e.event)).toEqual(['enter', 'leave']);
    expect(goaf[0]!.ts - sim.startedAt).toBeGreaterThan(60_000);
    expect(goaf[1]!.ts - goaf[0]!.ts).toBeGreaterThanOrEqual(60_000);
    const silent = of('M012').filter((e) => e.ts - sim.startedAt >= 200_000 && e.ts - sim.startedAt <= 260_000);
    expect(silent.map((e) => [e.event, e.ts - sim.startedAt])).toEqual([
      ['leave', 200_000],
      ['enter', 260_000],
    ]);
  });
});
