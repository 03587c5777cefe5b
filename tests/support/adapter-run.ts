import type { Adapter, ComponentStatus, HazgateError, Observation, RawReading } from '../../src/core/index.js';

/** An adapter started in a test, with everything it emitted recorded (and when). */
export interface AdapterRun<A extends Adapter> {
  readonly adapter: A;
  readonly readings: (RawReading & { t: number })[];
  readonly errors: HazgateError[];
  readonly statuses: ComponentStatus[];
  /** Positions, reader events, detections (location and video adapters). */
  readonly observations: Observation[];
  latest(pointId: string): (RawReading & { t: number }) | undefined;
}

/** Starts `adapter`, recording readings, errors and statuses; `onStop` gets its stop for cleanup. */
export async function runAdapter<A extends Adapter>(adapter: A, onStop: (stop: () => Promise<void>) => void): Promise<AdapterRun<A>> {
  const readings: AdapterRun<A>['readings'] = [];
  const errors: HazgateError[] = [];
  const statuses: ComponentStatus[] = [];
  const observations: Observation[] = [];
  await adapter.start((r) => void readings.push({ ...r, t: Date.now() }), (e) => void errors.push(e), (s) => void statuses.push(s), (o) => void observations.push(o));
  onStop(() => adapter.stop());
  return { adapter, readings, errors, statuses, observations, latest: (id) => readings.findLast((r) => r.pointId === id) };
}
