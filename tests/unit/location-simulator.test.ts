import { describe, expect, it } from 'vitest';
import { decodeLocationPayload, lengthConverter, type PayloadFormat } from '../../adapters/location/index.js';
import { isHazgateError } from '../../src/core/errors.js';
import type { ConnectOptions, QoS, SimulatorConnection } from '../../devices/simulator/mqtt-connection.js';
import { builtinScenarioFile } from '../../devices/simulator/load.js';
import type { Timers } from '../../devices/simulator/tick-loop.js';
import {
  expandTagRange,
  groupTagIds,
  loadLocationScenario,
  LocationModel,
  parseLocationScenario,
  planRound,
  planRoute,
  positionInRound,
  readerPayloads,
  ReaderWatch,
  routePositionAt,
  startLocationSimulator,
  zoneSpecsOf,
  type PozyxEntry,
  type ReaderEventEntry,
  type RoutePlan,
  type TagGroup,
  type Vec,
} from '../../devices/location/index.js';

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

/** A broker connection that records what is published. */
class FakeConnection implements SimulatorConnection {
  connected = true;
  closes = 0;
  readonly published: { topic: string; entries: PozyxEntry[]; qos: QoS }[] = [];
  readonly connect = async (options: ConnectOptions): Promise<SimulatorConnection> => {
    options.listener.onConnect();
    return this;
  };
  isConnected(): boolean {
    return this.connected;
  }
  async publish(topic: string, payload: string, qos: QoS): Promise<void> {
    this.published.push({ topic, entries: JSON.parse(payload) as PozyxEntry[], qos });
  }
  async close(): Promise<void> {
    this.closes += 1;
  }
}

const group = (route: TagGroup['route'], over: Partial<TagGroup> = {}): TagGroup => ({
  tagIds: ['T001'],
  route,
  speed: 1,
  speedSpread: 0,
  pauseMs: 0,
  z: 1.2,
  floor: undefined,
  battery: [80, 80],
  positions: true,
  ...over,
});

const near = (a: Vec | undefined, b: Vec, eps = 1e-9): void => {
  expect(a?.x).toBeCloseTo(b.x, -Math.log10(eps));
  expect(a?.y).toBeCloseTo(b.y, -Math.log10(eps));
};

const SMALL = `
scenario: small
tickMs: 1000
loop: true
durationS: 120
seed: 3
site: { width: 100, height: 100 }
noiseM: 0
zones:
  a: { kind: general, polygon: [[0, 0], [20, 0], [20, 20], [0, 20]] }
  b: { kind: warning, colour: yellow, polygon: [[60, 0], [80, 0], [80, 20], [60, 20]] }
  r: { kind: restricted, polygon: [[40, 60], [60, 60], [60, 80], [40, 80]] }
groups:
  - { prefix: T, count: 5, route: [a, b], speed: 1.5, pauseS: 5, floor: 1F }
  - { ids: [X], route: [[50, 10]], battery: [90, 90] }
events:
  - { at: 10s, tags: [T001..T003], goto: { zone: r, spread: 1, stay: 20s } }
  - { at: 5s, tags: [X], sos: { for: 10s } }
  - { at: 20s, tags: [X], silent: { for: 10s } }
  - { at: 40s, tags: [X], nofix: { for: 5s } }
  - { at: 50s, tags: [X], motion: { state: fallen, for: 5s } }
  - { at: 60s, tags: [X], battery: { to: 10, over: 40s } }
`;

describe('walking a route', () => {
  const plan: RoutePlan = { ...planRoute('T', group([{ point: { x: 0, y: 0 } }, { point: { x: 10, y: 0 } }], { pauseMs: 2_000 }), new Map(), 1), phaseMs: 0 };

  it('pauses at each stop, then walks to the next at its speed, and laps', () => {
    expect(plan.lapMs).toBe(24_000);
    near(routePositionAt(plan, 0), { x: 0, y: 0 });
    near(routePositionAt(plan, 1_999), { x: 0, y: 0 });
    near(routePositionAt(plan, 7_000), { x: 5, y: 0 });
    near(routePositionAt(plan, 12_500), { x: 10, y: 0 });
    near(routePositionAt(plan, 19_000), { x: 5, y: 0 });
    near(routePositionAt(plan, 24_000 + 7_000), { x: 5, y: 0 });
  });

  it('stands at a single stop', () => {
    const one = planRoute('T', group([{ point: { x: 3, y: 4 } }]), new Map(), 1);
    expect(one.lapMs).toBe(0);
    near(routePositionAt(one, 123_456), { x: 3, y: 4 });
  });

  it('draws each tag its own speed within the spread and its own phase', () => {
    const speeds = groupTagIds('W', 200).map((id) => planRoute(id, group([{ point: { x: 0, y: 0 } }, { point: { x: 10, y: 0 } }], { speed: 1.2, speedSpread: 0.15 }), new Map(), 7));
    for (const p of speeds) {
      expect(p.speed).toBeGreaterThanOrEqual(1.02);
      expect(p.speed).toBeLessThanOrEqual(1.38);
      expect(p.phaseMs).toBeLessThan(p.lapMs);
    }
    expect(new Set(speeds.map((p) => p.phaseMs)).size).toBe(200);
  });
});

describe('detours (goto)', () => {
  const plan: RoutePlan = { ...planRoute('T', group([{ point: { x: 0, y: 0 } }, { point: { x: 100, y: 0 } }]), new Map(), 1), phaseMs: 0 };

  it('walks out, stays, walks back, and the route clock stands still meanwhile', () => {
    const round = planRound(plan, [{ atMs: 10_000, to: { x: 10, y: 30 }, stayMs: 5_000 }], 0, undefined);
    expect(round.detours).toEqual([{ start: 10_000, from: { x: 10, y: 0 }, to: { x: 10, y: 30 }, travelMs: 30_000, stayMs: 5_000, end: 75_000 }]);
    near(positionInRound(plan, round, 25_000), { x: 10, y: 15 });
    near(positionInRound(plan, round, 42_000), { x: 10, y: 30 });
    near(positionInRound(plan, round, 60_000), { x: 10, y: 15 });
    near(positionInRound(plan, round, 75_000), { x: 10, y: 0 });
    near(positionInRound(plan, round, 80_000), { x: 15, y: 0 });
  });

  it('starts a goto that comes while the tag is away when it is back', () => {
    const round = planRound(plan, [{ atMs: 0, to: { x: 0, y: 10 }, stayMs: 0 }, { atMs: 5_000, to: { x: 0, y: 5 }, stayMs: 0 }], 0, undefined);
    expect(round.detours.map((d) => [d.start, d.end])).toEqual([[0, 20_000], [20_000, 30_000]]);
    expect(round.detourMs).toBe(30_000);
  });

  it('in a looping scenario comes back by the end of the round: a shorter stay, or turning back half-way', () => {
    const shorter = planRound(plan, [{ atMs: 50_000, to: { x: 50, y: 20 }, stayMs: 30_000 }], 0, 100_000);
    expect(shorter.detours[0]).toMatchObject({ travelMs: 20_000, stayMs: 10_000, end: 100_000 });
    const turned = planRound(plan, [{ atMs: 80_000, to: { x: 80, y: 40 }, stayMs: 30_000 }], 0, 100_000);
    expect(turned.detours[0]).toMatchObject({ travelMs: 10_000, stayMs: 0, end: 100_000, to: { x: 80, y: 10 } });
  });
});

describe('the model of a scenario', () => {
  const scenario = parseLocationScenario(SMALL, 'small.yaml');

  it('gives every tag a fix per tick, deterministic for a seed', () => {
    const a = new LocationModel(scenario, 3);
    const b = new LocationModel(scenario, 3);
    const c = new LocationModel(scenario, 4);
    expect(a.tagIds).toEqual(['T001', 'T002', 'T003', 'T004', 'T005', 'X']);
    for (const t of [0, 1_000, 33_000, 119_000, 250_000]) expect(a.fixesAt(t)).toEqual(b.fixesAt(t));
    expect(a.fixesAt(1_000)).not.toEqual(c.fixesAt(1_000));
  });

  it('moves tags no faster than they walk, also across the end of a round', () => {
    const model = new LocationModel(scenario, 3);
    for (const tagId of ['T001', 'T004']) {
      for (let t = 1_000; t < 400_000; t += 1_000) {
        const a = model.positionAt(tagId, t - 1_000) as Vec;
        const b = model.positionAt(tagId, t) as Vec;
        expect(Math.hypot(b.x - a.x, b.y - a.y), `${tagId} at ${t}`).toBeLessThanOrEqual(1.5 * 1.15 + 1e-9);
      }
    }
  });

  it('sends the goto tags into their zone, each to its own spot, and back', () => {
    const model = new LocationModel(scenario, 3);
    const inR = (p: Vec | undefined): boolean => p !== undefined && p.x > 40 && p.x < 60 && p.y > 60 && p.y < 80;
    const visits = (tagId: string): number[] => Array.from({ length: 120 }, (_, s) => s).filter((s) => inR(model.positionAt(tagId, s * 1_000)));
    for (const tagId of ['T001', 'T002', 'T003']) expect(visits(tagId).length, tagId).toBeGreaterThan(15);
    for (const tagId of ['T004', 'T005']) expect(visits(tagId)).toEqual([]);
    expect(model.positionAt('T001', 60_000)).not.toEqual(model.positionAt('T002', 60_000));
  });

  it('applies SOS, silence, no-fix, motion and battery windows in round time', () => {
    const model = new LocationModel(scenario, 3);
    const x = (s: number) => model.fixAt('X', s * 1_000);
    expect([4, 5, 14, 15].map((s) => x(s)?.sos)).toEqual([false, true, true, false]);
    expect([19, 20, 29, 30].map((s) => x(s) === undefined)).toEqual([false, true, true, false]);
    expect([39, 40, 44, 45].map((s) => x(s)?.kind)).toEqual(['fix', 'no-fix', 'no-fix', 'fix']);
    expect([49, 50, 54, 55].map((s) => x(s)?.motion)).toEqual([undefined, 'fallen', 'fallen', undefined]);
    expect([59, 60, 80, 100, 119, 120].map((s) => x(s)?.battery)).toEqual([90, 90, 50, 10, 10, 90]);
    // The next round repeats the events.
    expect(x(125)?.sos).toBe(true);
  });

  it('keeps fixes on the site, with the group floor and height', () => {
    const fix = new LocationModel(scenario, 3).fixAt('T002', 7_000);
    expect(fix).toMatchObject({ floor: '1F', z: 1.2, kind: 'fix', sos: false });
  });

  it('gives the zones as personnel-location zone specs', () => {
    expect(zoneSpecsOf(scenario)[1]).toEqual({ id: 'b', kind: 'warning', colour: 'yellow', polygon: [[60, 0], [80, 0], [80, 20], [60, 20]] });
  });
});

describe('tag ids', () => {
  it('pads group ids and expands ranges', () => {
    expect(groupTagIds('W', 3)).toEqual(['W001', 'W002', 'W003']);
    expect(groupTagIds('W', 1_200).at(-1)).toBe('W1200');
    expect(expandTagRange('W009..W011')).toEqual(['W009', 'W010', 'W011']);
    expect(expandTagRange('O5')).toEqual(['O5']);
    expect(expandTagRange('W01..X03')).toMatch(/same prefix/);
    expect(expandTagRange('W03..W01')).toMatch(/backwards/);
  });
});

describe('people scenario files', () => {
  it('reports every problem with its YAML path and line', () => {
    const broken = `scenario: broken
tickMs: 1000
durationS: 60
site: { width: 50, height: 50 }
zones:
  a: { polygon: [[0, 0], [10, 0], [20, 0]] }
  b: { polygon: [[0, 0], [10, 0], [10, 90]], colour: green }
groups:
  - { prefix: W, count: 3, route: [a, nowhere] }
  - { ids: [W002], route: [[60, 10]] }
events:
  - { at: 10s, tags: [W004], sos: { for: 10s } }
  - { at: 50s, tags: [W001..W002], silent: { for: 20s } }
  - { at: 5s, tags: [W001], goto: { zone: a, point: [1, 1], stay: 5s } }
  - { at: 5s, tags: [W001], sos: { for: 1s }, silent: { for: 1s } }
`;
    try {
      parseLocationScenario(broken, 'people-broken.yaml');
      expect.unreachable();
    } catch (error) {
      expect(isHazgateError(error) && error.code).toBe('HG_ERR_SIM_SCENARIO');
      expect((error as Error).message).toContain('zones.b.colour (line 7)');
      expect((error as Error).message).toContain('events[3] (line 15): an event needs exactly one of goto, sos, silent, nofix, motion, battery');
    }
    // With the shape right, the checks across keys speak.
    const shaped = broken.replace(', colour: green', '').replace(', silent: { for: 1s }', '');
    expect(() => parseLocationScenario(shaped, 'people-broken.yaml')).toThrow(
      [
        'Scenario people-broken.yaml is invalid:',
        '  zones.a.polygon (line 6): has no area (its vertices are on one line)',
        '  zones.b.polygon[2] (line 7): is outside the site (0..50 × 0..50 m)',
        '  groups[1] (line 10): tag W002 is also in groups[0]',
        '  groups[0].route[1] (line 9): names no zone of this scenario: nowhere',
        '  groups[1].route[0] (line 10): is outside the site',
        '  events[0].tags[0] (line 12): names no tag of this scenario: W004',
        '  events[1].silent.for (line 13): ends after the end of the scenario (durationS)',
        '  events[2].goto (line 14): goto needs exactly one of zone, point',
      ].join('\n'),
    );
  });
});

describe('the location simulator on fake time', () => {
  const scenario = parseLocationScenario(SMALL, 'small.yaml');

  it('publishes every tag each tick in Pozyx-style batches, stamped with the tick time', async () => {
    const time = new FakeTime();
    const conn = new FakeConnection();
    const sim = await startLocationSimulator({ scenario, url: 'mqtt://fake', connect: conn.connect, clock: time.clock, timers: time, batchSize: 4, topic: 'site/tags' });
    time.advance(2_500);
    expect(sim.startedAt).toBe(START);
    // Ticks 0, 1, 2; six tags in batches of 4 and 2.
    expect(conn.published.map((p) => [p.topic, p.entries.length, p.qos])).toEqual(Array.from({ length: 3 }, () => [['site/tags', 4, 1], ['site/tags', 2, 1]]).flat());
    const [first] = conn.published[2]?.entries ?? [];
    const fix = sim.model.fixAt('T001', 1_000);
    expect(first).toEqual({
      version: '2.0',
      tagId: 'T001',
      timestamp: (START + 1_000) / 1_000,
      success: true,
      data: { coordinates: { x: Math.round((fix?.x ?? NaN) * 1000), y: Math.round((fix?.y ?? NaN) * 1000), z: 1200 }, tagData: { blinkIndex: 1 } },
      battery: fix?.battery,
      sos: false,
      floor: '1F',
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(sim.stats).toMatchObject({ ticks: 3, fixes: 18, noFixes: 0, published: 6 });
    await sim.stop();
    time.advance(5_000);
    expect(conn.published).toHaveLength(6);
    expect(conn.closes).toBe(1);
  });

  it('leaves silent tags out, marks no-fix blinks, and sends nothing while the broker is away', async () => {
    const time = new FakeTime();
    const conn = new FakeConnection();
    const sim = await startLocationSimulator({ scenario, url: 'mqtt://fake', connect: conn.connect, clock: time.clock, timers: time });
    time.advance(20_500);
    const tick20 = conn.published.at(-1)?.entries ?? [];
    expect(tick20.map((e) => e.tagId)).not.toContain('X');
    time.advance(20_000);
    expect(conn.published.at(-1)?.entries.find((e) => e.tagId === 'X')).toEqual({ version: '2.0', tagId: 'X', timestamp: (START + 40_000) / 1000, success: false, battery: 90, sos: false });
    conn.connected = false;
    time.advance(3_000);
    expect(sim.stats.ticksOffline).toBe(3);
    await sim.stop();
  });

  it('refuses a topic with wildcards and a batch size below 1', async () => {
    const conn = new FakeConnection();
    await expect(startLocationSimulator({ scenario, url: 'mqtt://fake', connect: conn.connect, topic: 'tags/#' })).rejects.toMatchObject({ code: 'HG_ERR_CLI_USAGE' });
    await expect(startLocationSimulator({ scenario, url: 'mqtt://fake', connect: conn.connect, batchSize: 0 })).rejects.toMatchObject({ code: 'HG_ERR_CLI_USAGE' });
  });
});

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

/** What the fake broker got on a topic, entries of every message in order. */
function sent<T>(conn: FakeConnection, topic: string): T[] {
  return conn.published.filter((p) => p.topic === topic).flatMap((p) => p.entries as unknown as T[]);
}

/** Simulated RFID reader events (mine style): zones with `readers:` in a people scenario. */
describe('reader events from zones with readers', () => {
  it('emits enter then leave with increasing timestamps as a card crosses a reader area', async () => {
    const scenario = parseLocationScenario(ACROSS, 'across.yaml');
    const time = new FakeTime();
    const conn = new FakeConnection();
    const sim = await startLocationSimulator({ scenario, url: 'mqtt://fake', connect: conn.connect, clock: time.clock, timers: time, readerTopic: 'mine/readers' });
    time.advance(100_500);
    await sim.stop();
    const events = sent<ReaderEventEntry>(conn, 'mine/readers');
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
    expect(sent(conn, 'tags')).toEqual([]);
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
    const events = sent<ReaderEventEntry>(conn, 'readers');
    const of = (tagId: string) => events.filter((e) => e.tagId === tagId);
    // Only the foremen send positions.
    expect(new Set(sent<PozyxEntry>(conn, 'tags').map((e) => e.tagId))).toEqual(new Set(['F01', 'F02']));
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
