/**
 * Plane geometry for zones, in metres. Polygons are vertex lists in order (either winding), the
 * closing edge implied; degenerate and self-touching outlines give answers, never exceptions.
 */
export type Vertex = readonly [number, number];
export type Polygon = readonly Vertex[];

/** A point this close to an edge is on it, m (far below any location engine's accuracy). */
export const ON_EDGE_M = 1e-6;

export interface Box {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

export function boundsOf(polygon: Polygon): Box {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of polygon) {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { minX, minY, maxX, maxY };
}

/** Area enclosed by the outline, m² (either winding; 0 for fewer than 3 vertices or a degenerate one). */
export function polygonArea(polygon: Polygon): number {
  let twice = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as Vertex;
    const [xj, yj] = polygon[j] as Vertex;
    twice += xj * yi - xi * yj;
  }
  return Math.abs(twice) / 2;
}

/** Whether (x, y) lies in the box grown by `margin` on every side. */
export function inBox(box: Box, x: number, y: number, margin: number): boolean {
  return x >= box.minX - margin && x <= box.maxX + margin && y >= box.minY - margin && y <= box.maxY + margin;
}

/**
 * Inside, or on the boundary (within ON_EDGE_M). The crossing test alone decides edge points by
 * which side rounding falls on; a tag standing on a fence line must be in the zone it guards.
 */
export function pointInPolygon(polygon: Polygon, x: number, y: number): boolean {
  return outsideBy(polygon, x, y) <= ON_EDGE_M;
}

/** 0 inside; outside, the distance to the outline, m. */
export function outsideBy(polygon: Polygon, x: number, y: number): number {
  return crossesOddly(polygon, x, y) ? 0 : distanceToBoundary(polygon, x, y);
}

/** Crossing-number test: a ray to +x crosses the outline an odd number of times. */
function crossesOddly(polygon: Polygon, x: number, y: number): boolean {
  let inside = false;
  const n = polygon.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi] = polygon[i] as Vertex;
    const [xj, yj] = polygon[j] as Vertex;
    // Half-open in y: a vertex on the ray is counted for one of its two edges only.
    if (yi > y !== yj > y && x < xi + ((y - yi) * (xj - xi)) / (yj - yi)) inside = !inside;
  }
  return inside;
}

/** Shortest distance from (x, y) to the outline (its edges), m; Infinity for an empty polygon. */
export function distanceToBoundary(polygon: Polygon, x: number, y: number): number {
  const n = polygon.length;
  if (n === 0) return Infinity;
  let best = Infinity;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const d2 = segmentDistance2(polygon[j] as Vertex, polygon[i] as Vertex, x, y);
    if (d2 < best) best = d2;
  }
  return Math.sqrt(best);
}

/** Squared distance from (x, y) to the segment a-b (a point when a = b). */
function segmentDistance2(a: Vertex, b: Vertex, x: number, y: number): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((x - a[0]) * dx + (y - a[1]) * dy) / len2;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = a[0] + t * dx - x;
  const ey = a[1] + t * dy - y;
  return ex * ex + ey * ey;
}
