import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocationMqttAdapter } from '../../adapters/location/index.js';
import { loadLocationScenario, startLocationSimulator } from '../../devices/location/index.js';
import { builtinScenarioFile } from '../../devices/simulator/load.js';
import type { Timers } from '../../devices/simulator/tick-loop.js';
import type { Clock } from '../../src/core/clock.js';
import { systemClock } from '../../src/core/clock.js';
import type { HazgateError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { ReaderEvent, TagPosition } from '../../src/core/people.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';

/**
 * The mine scenario's RFID reader events, from the location simulator through a real Mosquitto
 * into the location-mqtt adapter (`format: reader`), beside the foremen's UWB positions. The
 * simulator runs 40 times faster than the wall.
 */
const SPEED = 40;
const WAIT_MS = 20_000;

function fastTime(): { clock: Clock; timers: Timers } {
  const wall0 = Date.now();
  return {
    clock: { now: () => wall0 + (Date.now() - wall0) * SPEED },
    timers: {
      schedule(callback, delayMs) {
        const handle = setTimeout(callback, delayMs / SPEED);
        return () => clearTimeout(handle);
      },
    },
  };
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
    const sim = await startLocationSimulator({ scenario, url: broker.url, topic: 'mine/tags', readerTopic: 'mine/readers', clientId: `it-sim-${randomUUID().slice(0, 8)}`, ...fastTime() });
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
