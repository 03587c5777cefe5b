import { uniformAt } from '../simulator/prng.js';
import { boundsOf, centroid, distance, distanceToOutline, insidePolygon, lerp } from './geometry.js';
import type { SimZone, TagGroup, Vec } from './scenario.js';

/** A tag's walk: its own stops, speed and starting point along the loop. */
export interface RoutePlan {
  readonly stops: readonly Vec[];
  /** m/s */
  readonly speed: number;
  readonly pauseMs: number;
  /** Time of one lap (pause at each stop, walk to the next, back to the first); 0 for a tag that stands. */
  readonly lapMs: number;
  /** Where in its lap the tag is at route time 0, so a group does not walk in single file. */
  readonly phaseMs: number;
  /** Per stop i: when the walk from stop i to stop i+1 starts and ends, within a lap. */
  readonly legs: readonly { readonly walkStart: number; readonly walkEnd: number }[];
}

/** Tries for a random stop inside a zone before settling for any inside point, then the centroid. */
const STOP_TRIES = 64;
/** Stops keep this far from a zone's outline when the zone is big enough: tags do not flap on its edge. */
const STOP_MARGIN_M = 1.5;

export function planRoute(tagId: string, group: TagGroup, zones: ReadonlyMap<string, SimZone>, seed: number): RoutePlan {
  const stops = group.route.map((stop, i) => ('point' in stop ? stop.point : pointInZone(zones.get(stop.zone), seed, `${tagId}/stop${i}`)));
  const speed = group.speed * (1 + group.speedSpread * (2 * uniformAt(seed, `${tagId}/speed`, 0) - 1));
  const legs: { walkStart: number; walkEnd: number }[] = [];
  let t = 0;
  for (let i = 0; i < stops.length; i += 1) {
    const walkStart = t + group.pauseMs;
    const walkMs = stops.length === 1 ? 0 : (distance(stops[i] as Vec, stops[(i + 1) % stops.length] as Vec) / speed) * 1000;
    legs.push({ walkStart, walkEnd: walkStart + walkMs });
    t = walkStart + walkMs;
  }
  const lapMs = stops.length === 1 ? 0 : t;
  return { stops, speed, pauseMs: group.pauseMs, lapMs, phaseMs: uniformAt(seed, `${tagId}/phase`, 0) * lapMs, legs };
}

/** Where the tag is after walking its route for routeMs (pauses included). */
export function routePositionAt(plan: RoutePlan, routeMs: number): Vec {
  const first = plan.stops[0] as Vec;
  if (plan.lapMs === 0) return first;
  const t = (((plan.phaseMs + routeMs) % plan.lapMs) + plan.lapMs) % plan.lapMs;
  for (let i = 0; i < plan.legs.length; i += 1) {
    const leg = plan.legs[i] as { walkStart: number; walkEnd: number };
    const here = plan.stops[i] as Vec;
    if (t < leg.walkStart) return here;
    if (t < leg.walkEnd) return lerp(here, plan.stops[(i + 1) % plan.stops.length] as Vec, (t - leg.walkStart) / (leg.walkEnd - leg.walkStart));
  }
  return first;
}

/** A seeded point well inside the zone: stops of different tags spread over it. */
export function pointInZone(zone: SimZone | undefined, seed: number, key: string): Vec {
  if (zone === undefined) return { x: 0, y: 0 };
  const b = boundsOf(zone.polygon);
  let inside: Vec | undefined;
  for (let attempt = 0; attempt < STOP_TRIES; attempt += 1) {
    const p = { x: b.minX + uniformAt(seed, `${key}/x`, attempt) * (b.maxX - b.minX), y: b.minY + uniformAt(seed, `${key}/y`, attempt) * (b.maxY - b.minY) };
    if (!insidePolygon(p, zone.polygon)) continue;
    if (distanceToOutline(p, zone.polygon) >= STOP_MARGIN_M) return p;
    inside ??= p;
  }
  return inside ?? centroid(zone.polygon);
}

/** A seeded spot within radius of the centre, uniform over the disc. */
export function spotNear(centre: Vec, radius: number, seed: number, key: string): Vec {
  const r = radius * Math.sqrt(uniformAt(seed, `${key}/r`, 0));
  const angle = 2 * Math.PI * uniformAt(seed, `${key}/a`, 0);
  return { x: centre.x + r * Math.cos(angle), y: centre.y + r * Math.sin(angle) };
}
