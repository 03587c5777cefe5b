import type { Scenario } from './scenario.js';
import { pointOutputAt, wireValue } from './signal.js';

/** One value a simulated device puts on the wire at a tick. */
export interface SimReading {
  readonly pointId: string;
  readonly value: number | boolean;
}

/** What every point sends at a tick, in scenario order; silent points are left out. */
export function readingsAt(scenario: Scenario, elapsedMs: number, seed: number): SimReading[] {
  const readings: SimReading[] = [];
  for (const point of scenario.points) {
    const output = pointOutputAt(scenario, point, elapsedMs, seed);
    if (output.kind !== 'silent') readings.push({ pointId: point.id, value: wireValue(point, output) });
  }
  return readings;
}
