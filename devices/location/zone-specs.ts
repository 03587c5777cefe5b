import type { ZoneSpec } from '../../src/core/people.js';
import type { LocationScenario } from './scenario.js';

/**
 * A scenario's zones as personnel-location zone specs (id, name, kind, colour, floor, outline,
 * readers), so a
 * demo site or a test watches the same ground the simulator walks. Limits and crowd thresholds are
 * the site's to set; add them to what this returns.
 */
export function zoneSpecsOf(scenario: LocationScenario): ZoneSpec[] {
  return scenario.zones.map((z) => ({
    id: z.id,
    kind: z.kind,
    polygon: z.polygon.map((p) => [p.x, p.y] as const),
    ...(z.name === undefined ? {} : { name: z.name }),
    ...(z.colour === undefined ? {} : { colour: z.colour }),
    ...(z.floor === undefined ? {} : { floor: z.floor }),
    ...(z.readers.length === 0 ? {} : { readers: z.readers }),
  }));
}
