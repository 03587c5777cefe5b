import { randomUUID } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { systemClock } from '../../src/core/clock.js';
import type { HazgateError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Observation } from '../../src/core/observation.js';
import type { ReaderEvent, TagPosition, ZoneSpec } from '../../src/core/people.js';
import type { AdapterMetric } from '../../src/core/ports.js';
import type { ComponentStatus } from '../../src/core/status.js';
import { PeopleMonitor, type PeopleAlarm } from '../../src/engine/people/index.js';
import { createLocationMqttAdapter, type LocationMqttAdapter } from '../../adapters/location/index.js';
import { builtinScenarioFile } from '../../devices/simulator/load.js';
import type { Timers } from '../../devices/simulator/tick-loop.js';
import { loadLocationScenario, parseLocationScenario, startLocationSimulator, zoneSpecsOf, type LocationScenario, type RunningLocationSimulator } from '../../devices/location/index.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';

/**
 * The real location simulator publishing Pozyx-style arrays to a real Mosquitto, the real
 * location-mqtt adapter receiving them, and what it observes fed into the pure PeopleMonitor:
 * end to end through the adapter, no gateway wiring. The simulator runs on a clock 20 times
 * faster than the wall, so a 300 s round takes 15 s and the 60 s crowd timer 3 s.
 */
const SPEED = 20;
const WAIT_MS = 20_000;

/** Scenario time passes `speed` times faster than the wall; timers wait `speed` times less. */
function fastTime(speed = SPEED): { clock: Clock; timers: Timers } {
  const wall0 = Date.now();
  const t0 = wall0;
  return {
    clock: { now: () => t0 + (Date.now() - wall0) * speed },
    timers: {
      schedule(callback, delayMs) {
        const handle = setTimeout(callback, delayMs / speed);
        return () => clearTimeout(handle);
      },
    },
  };
}

/** An adapter run: everything it observed and reported, and the people engine fed from it. */
interface Receiver {
  readonly adapter: LocationMqttAdapter;
  readonly positions: TagPosition[];
  readonly errors: HazgateError[];
  readonly statuses: ComponentStatus[];
  readonly alarms: PeopleAlarm[];
}

let broker: MosquittoInstance;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  broker = await startMosquitto({ persistence: false });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await broker.dispose();
});

async function receive(topic: string, zones: readonly ZoneSpec[]): Promise<Receiver> {
  const adapter = createLocationMqttAdapter(
    {
      kind: 'location-mqtt',
      id: 'it-uwb',
      url: broker.url,
      clientId: `hazgate-it-${randomUUID().slice(0, 8)}`,
      cleanSession: true,
      connectTimeoutMs: 2_000,
      backoff: { initial: 100, max: 1_000 },
      maxPayloadBytes: 200_000,
      subscriptions: [{ topic, format: 'pozyx' }],
    },
    { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' },
  );
  const monitor = new PeopleMonitor({ zones });
  const r: Receiver = { adapter, positions: [], errors: [], statuses: [], alarms: [] };
  let lastTick = -Infinity;
  const observe = (o: Observation): void => {
    if (o.type !== 'position') return;
    const p = o.position;
    r.positions.push(p);
    // The engine runs on the fixes' own time: tick once a second of it has passed.
    if (p.ts >= lastTick + 1000) {
      if (Number.isFinite(lastTick)) r.alarms.push(...monitor.tick(p.ts));
      lastTick = p.ts;
    }
    r.alarms.push(...monitor.position(p, p.ts).alarms);
  };
  await adapter.start(() => undefined, (e) => void r.errors.push(e), (s) => void r.statuses.push(s), observe);
  cleanups.push(() => adapter.stop());
  return r;
}

async function simulate(scenario: LocationScenario, topic: string, time = fastTime()): Promise<RunningLocationSimulator> {
  const sim = await startLocationSimulator({ scenario, url: broker.url, topic, clientId: `it-sim-${randomUUID().slice(0, 8)}`, ...time });
  cleanups.push(() => sim.stop());
  return sim;
}

async function publisher(): Promise<MqttClient> {
  const client = await connectAsync(broker.url, { clientId: `it-pub-${randomUUID().slice(0, 8)}`, reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync(true));
  return client;
}

function metric(metrics: readonly AdapterMetric[], name: string, labels: Record<string, string> = {}): number | undefined {
  return metrics.find((m) => m.name === name)?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
}

const raised = (r: Receiver, conditionId: string, level: string): PeopleAlarm | undefined => r.alarms.find((a) => a.conditionId === conditionId && a.level === level);

describe('location simulator → Mosquitto → location-mqtt adapter → people engine', () => {
  it('delivers 300 moving tags in metres, a crowd, an intrusion and an SOS, and survives malformed publishes', async () => {
    const scenario = await loadLocationScenario(builtinScenarioFile('people-plant'));
    const zones = zoneSpecsOf(scenario).map((z) => (z.id === 'tank-farm' ? { ...z, crowd: { minPeople: 10 } } : z));
    const topic = `hazgate/it/${randomUUID().slice(0, 8)}/tags`;
    const r = await receive(topic, zones);
    expect(r.statuses.at(-1)?.state).toBe('up');
    const sim = await simulate(scenario, topic);

    // Every tag arrives (W050 goes silent only at 20 s), in metres, where the scenario puts it.
    await waitFor(() => new Set(r.positions.map((p) => p.tagId)).size === 300, WAIT_MS, 'a fix from each of the 300 tags');
    const checked = r.positions.slice();
    for (const p of checked) {
      const fix = sim.model.fixAt(p.tagId, p.ts - sim.startedAt);
      expect(fix, `${p.tagId} at ${p.ts - sim.startedAt} ms`).toBeDefined();
      // Millimetres on the wire: the adapter's metres are the simulator's, to the millimetre.
      expect(p.x).toBe(Math.round((fix?.x ?? NaN) * 1000) / 1000);
      expect(p.y).toBe(Math.round((fix?.y ?? NaN) * 1000) / 1000);
      expect(p.z).toBe(1.2);
    }
    expect(checked.length).toBeGreaterThanOrEqual(300);

    // Bad publishes on the same topic: refused, counted, and the stream goes on.
    const pub = await publisher();
    const before = r.positions.length;
    await pub.publishAsync(topic, 'this is not JSON', { qos: 1 });
    await pub.publishAsync(topic, JSON.stringify([{ tagId: 'Z-BAD', timestamp: Date.now() / 1000, data: { coordinates: { x: 'NaN', y: 0 } } }, { tagId: 'Z-OK', timestamp: Date.now() / 1000, success: true, data: { coordinates: { x: 1000, y: 2000 } } }]), { qos: 1 });
    await pub.publishAsync(topic, Buffer.alloc(300_000, 0x20), { qos: 1 });
    await waitFor(() => (metric(r.adapter.metrics(), 'hazgate_location_rejected_total', { reason: 'too-large' }) ?? 0) === 1, WAIT_MS, 'the oversized payload to be refused');
    const metrics = r.adapter.metrics();
    expect(metric(metrics, 'hazgate_location_rejected_total', { reason: 'not-json' })).toBe(1);
    expect(metric(metrics, 'hazgate_location_rejected_total', { reason: 'wrong-type' })).toBe(1);
    expect(r.errors.map((e) => e.code).sort()).toEqual(['HG_ERR_INGEST_MALFORMED', 'HG_ERR_INGEST_MALFORMED', 'HG_ERR_INGEST_TOO_LARGE']);
    expect(r.positions.some((p) => p.tagId === 'Z-OK' && p.x === 1 && p.y === 2)).toBe(true);
    await waitFor(() => r.positions.length > before + 3_000, WAIT_MS, 'positions to keep coming after the bad publishes');

    // The SOS press arrives as sos: true, and the engine raises it.
    await waitFor(() => raised(r, 'sos/O005', 'SOS') !== undefined, WAIT_MS, 'the SOS of O005');
    expect(r.positions.some((p) => p.tagId === 'O005' && p.sos === true)).toBe(true);

    // P013 walks into the reactor hall: unauthorised entry into a restricted zone.
    await waitFor(() => raised(r, 'unauthorised/reactor/P013', 'INTRUSION') !== undefined, WAIT_MS, 'the intrusion of P013');

    // The twelve sent to the tank farm converge on it, and after 60 s the engine calls it a crowd.
    await waitFor(() => raised(r, 'crowd/tank-farm', 'CROWD') !== undefined, WAIT_MS, 'the crowd in the tank farm');
    const crowd = raised(r, 'crowd/tank-farm', 'CROWD');
    expect(crowd?.people.map((p) => p.tagId).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `P${String(i + 1).padStart(3, '0')}`));
    const latest = new Map(r.positions.filter((p) => /^P0(0\d|1[0-2])$/.test(p.tagId)).map((p) => [p.tagId, p]));
    const cx = [...latest.values()].reduce((s, p) => s + p.x, 0) / latest.size;
    const cy = [...latest.values()].reduce((s, p) => s + p.y, 0) / latest.size;
    for (const p of latest.values()) expect(Math.hypot(p.x - cx, p.y - cy), p.tagId).toBeLessThan(15);

    // W150's success: false blinks were counted and skipped; nothing was raised that the scenario
    // does not say (Z-OK, our one-off publish, falls silent, so it is rightly offline).
    expect(r.adapter.stats.noFix).toBeGreaterThan(0);
    const conditions = new Set(r.alarms.filter((a) => a.level !== null).map((a) => a.conditionId));
    const expected = ['crowd/tank-farm', 'unauthorised/reactor/P013', 'sos/O005', 'tag-offline/W050', 'battery-low/W100', 'man-down/W120', 'tag-offline/Z-OK'];
    for (const id of conditions) expect(expected).toContain(id);
    expect(sim.stats.publishErrors).toBe(0);

    // And every fix of the whole run was where the scenario put it.
    const fromSim = r.positions.filter((p) => !p.tagId.startsWith('Z-'));
    expect(fromSim.length).toBeGreaterThan(20_000);
    const misplaced = fromSim.filter((p) => {
      const fix = sim.model.fixAt(p.tagId, p.ts - sim.startedAt);
      return fix === undefined || p.x !== Math.round(fix.x * 1000) / 1000 || p.y !== Math.round(fix.y * 1000) / 1000;
    });
    expect(misplaced).toEqual([]);
  });

  it('goes down when the broker goes away, backs off, and receives again once it is back', async () => {
    const scenario = parseLocationScenario(
      `scenario: it-small
tickMs: 1000
loop: true
durationS: 60
site: { width: 50, height: 50 }
groups:
  - { prefix: T, count: 5, route: [[5, 5], [45, 5], [45, 45]] }
`,
      'it-small.yaml',
    );
    const topic = `hazgate/it/${randomUUID().slice(0, 8)}/tags`;
    const r = await receive(topic, []);
    // Real time here: one fix per tag a second is enough.
    await simulate(scenario, topic, { clock: systemClock, timers: { schedule: (cb, ms) => { const h = setTimeout(cb, ms); return () => clearTimeout(h); } } });
    await waitFor(() => r.positions.length >= 5, WAIT_MS, 'the first fixes');
    await broker.stop();
    await waitFor(() => r.statuses.at(-1)?.state === 'down', WAIT_MS, 'the adapter to report down');
    expect(r.errors.map((e) => e.code)).toContain('HG_ERR_MQTT_CONNECT');
    await broker.restart();
    await waitFor(() => r.statuses.at(-1)?.state === 'up', WAIT_MS, 'the adapter to reconnect');
    const after = r.positions.length;
    await waitFor(() => r.positions.length >= after + 10, WAIT_MS, 'fixes again after the outage');
    expect(r.adapter.stats.reconnects).toBe(1);
    expect(metric(r.adapter.metrics(), 'hazgate_location_reconnects_total')).toBe(1);
  });
});

/**
 * The mine scenario's RFID reader events (`format: reader`) beside the foremen's UWB positions,
 * 40 times faster than the wall.
 */
const MINE_SPEED = 40;

describe('location simulator (mine, readers) → Mosquitto → location-mqtt adapter', () => {
  it('delivers reader enter/leave events in order and the foremen positions, refusing nothing', async () => {
    const adapter = createLocationMqttAdapter(
      {
        kind: 'location-mqtt',
        id: 'it-mine',
        url: broker.url,
        clientId: `hazgate-it-${randomUUID().slice(0, 8)}`,
        cleanSession: true,
        connectTimeoutMs: 2_000,
        subscriptions: [
          { topic: 'mine/tags', format: 'pozyx', floor: '-350m' },
          { topic: 'mine/readers', format: 'reader' },
        ],
      },
      { clock: systemClock, logger: silentLogger, dataDir: '/nonexistent' },
    );
    const readerEvents: ReaderEvent[] = [];
    const positions: TagPosition[] = [];
    const errors: HazgateError[] = [];
    await adapter.start(
      () => undefined,
      (e) => void errors.push(e),
      () => undefined,
      (o) => {
        if (o.type === 'reader') readerEvents.push(o.event);
        if (o.type === 'position') positions.push(o.position);
      },
    );
    cleanups.push(() => adapter.stop());

    const scenario = await loadLocationScenario(builtinScenarioFile('people-mine'));
    const sim = await startLocationSimulator({ scenario, url: broker.url, topic: 'mine/tags', readerTopic: 'mine/readers', clientId: `it-sim-${randomUUID().slice(0, 8)}`, ...fastTime(MINE_SPEED) });
    cleanups.push(() => sim.stop());

    // M005 goes into the goaf at 60 s and stays 60 s: its KJ-05 enter and leave.
    const goaf = (): ReaderEvent[] => readerEvents.filter((e) => e.tagId === 'M005' && e.readerId === 'KJ-05');
    await waitFor(() => goaf().length >= 2, WAIT_MS, 'M005 entering and leaving the goaf');
    expect(goaf().map((e) => e.kind)).toEqual(['enter', 'leave']);
    expect(goaf()[1]!.ts - goaf()[0]!.ts).toBeGreaterThanOrEqual(60_000);

    for (const tagId of new Set(readerEvents.map((e) => e.tagId))) {
      const own = readerEvents.filter((e) => e.tagId === tagId);
      const stamps = own.map((e) => e.ts);
      expect(stamps, tagId).toEqual([...stamps].sort((a, b) => a - b));
      // Per reader: enter, leave, enter… (the first may be a leave only if the run started inside: it does not).
      for (const readerId of new Set(own.map((e) => e.readerId))) {
        const kinds = own.filter((e) => e.readerId === readerId).map((e) => e.kind);
        expect(kinds, `${tagId} ${readerId}`).toEqual(kinds.map((_, i) => (i % 2 === 0 ? 'enter' : 'leave')));
      }
    }
    expect(new Set(positions.map((p) => p.tagId))).toEqual(new Set(['F01', 'F02']));
    expect(errors).toEqual([]);
    expect(adapter.stats.readerEvents).toBe(readerEvents.length);
    expect(Object.values(adapter.stats.rejected).every((n) => n === 0)).toBe(true);
  });
});
