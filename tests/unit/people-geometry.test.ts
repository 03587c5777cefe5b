import { describe, expect, it } from 'vitest';
import { boundsOf, cstMinuteOfDay, distanceToBoundary, limitAt, outsideBy, parseClockTime, pointInPolygon, type Polygon } from '../../src/engine/people/index.js';

/** Zone geometry (metres) and CST shift times for personnel location. */

const SQUARE: Polygon = [
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 10],
];
/** An L: the square [0,10]² without its top-right quarter [5,10]². */
const L_SHAPE: Polygon = [
  [0, 0],
  [10, 0],
  [10, 5],
  [5, 5],
  [5, 10],
  [0, 10],
];
/** 00:00 CST on Monday 6 January 2025. */
const MIDNIGHT_CST = Date.UTC(2025, 0, 6) - 8 * 3_600_000;
const at = (hhmm: string): number => MIDNIGHT_CST + (parseClockTime(hhmm) ?? NaN) * 60_000;

describe('point in polygon', () => {
  it('tells inside from outside, either winding', () => {
    for (const poly of [SQUARE, [...SQUARE].reverse()]) {
      expect(pointInPolygon(poly, 5, 5)).toBe(true);
      expect(pointInPolygon(poly, 11, 5)).toBe(false);
      expect(pointInPolygon(poly, -0.01, 5)).toBe(false);
      expect(pointInPolygon(poly, 5, 10.01)).toBe(false);
    }
  });

  it('counts edges and vertices as inside', () => {
    for (const [x, y] of [
      [10, 5],
      [0, 5],
      [5, 0],
      [5, 10],
      [0, 0],
      [10, 10],
    ] as const) {
      expect(pointInPolygon(SQUARE, x, y), `(${x}, ${y})`).toBe(true);
    }
    expect(pointInPolygon(L_SHAPE, 7, 5)).toBe(true);
    expect(pointInPolygon(L_SHAPE, 5, 7)).toBe(true);
  });

  it('leaves out the notch of a concave outline, also on a ray through a vertex', () => {
    expect(pointInPolygon(L_SHAPE, 7, 7)).toBe(false);
    expect(pointInPolygon(L_SHAPE, 2, 7)).toBe(true);
    // The ray to +x from (2, 5) passes exactly through the vertices (5, 5) and (10, 5).
    expect(pointInPolygon(L_SHAPE, 2, 5)).toBe(true);
    expect(pointInPolygon(L_SHAPE, -1, 5)).toBe(false);
    expect(pointInPolygon(L_SHAPE, 7, 10)).toBe(false);
  });

  it('holds every point of a slanted edge, despite rounding, and not a point 1 cm beyond it', () => {
    const a = [413.9, 97.1] as const;
    const b = [77.7, 512.3] as const;
    const tri: Polygon = [[0.3, 0.7], a, b];
    const [nx, ny] = [b[1] - a[1], a[0] - b[0]];
    const len = Math.hypot(nx, ny);
    for (let i = 0; i <= 100; i++) {
      const t = i / 100;
      const x = a[0] + t * (b[0] - a[0]);
      const y = a[1] + t * (b[1] - a[1]);
      expect(pointInPolygon(tri, x, y), `t = ${t}`).toBe(true);
      // (nx, ny) is the outward normal of a→b on this counter-clockwise triangle.
      expect(pointInPolygon(tri, x + (0.01 * nx) / len, y + (0.01 * ny) / len)).toBe(false);
      if (i > 0 && i < 100) expect(pointInPolygon(tri, x - (0.01 * nx) / len, y - (0.01 * ny) / len)).toBe(true);
    }
  });

  it('does not throw on degenerate outlines', () => {
    expect(pointInPolygon([], 0, 0)).toBe(false);
    expect(pointInPolygon([[1, 1]], 1, 1)).toBe(true);
    expect(pointInPolygon([[1, 1]], 2, 1)).toBe(false);
    expect(pointInPolygon([[0, 0], [10, 0], [10, 0], [10, 10], [0, 10]], 5, 5)).toBe(true);
  });
});

describe('distance to the boundary', () => {
  it('is the distance to the nearest edge, inside or out', () => {
    expect(distanceToBoundary(SQUARE, 5, 5)).toBeCloseTo(5, 12);
    expect(distanceToBoundary(SQUARE, 2, 5)).toBeCloseTo(2, 12);
    expect(distanceToBoundary(SQUARE, 12, 5)).toBeCloseTo(2, 12);
    expect(distanceToBoundary(SQUARE, 13, 14)).toBeCloseTo(5, 12);
    expect(distanceToBoundary(L_SHAPE, 6, 7)).toBeCloseTo(1, 12);
    expect(distanceToBoundary(L_SHAPE, 11, 6)).toBeCloseTo(Math.SQRT2, 12);
    expect(distanceToBoundary([], 0, 0)).toBe(Infinity);
  });

  it('outsideBy is 0 inside and the distance outside', () => {
    expect(outsideBy(SQUARE, 5, 5)).toBe(0);
    expect(outsideBy(SQUARE, 10.5, 5)).toBeCloseTo(0.5, 12);
    expect(outsideBy(L_SHAPE, 7, 6)).toBeCloseTo(1, 12);
  });

  it('bounds a polygon', () => {
    expect(boundsOf(L_SHAPE)).toEqual({ minX: 0, minY: 0, maxX: 10, maxY: 10 });
  });
});

describe('CST shift limits', () => {
  it('reads times of day in China Standard Time', () => {
    expect(cstMinuteOfDay(MIDNIGHT_CST)).toBe(0);
    expect(cstMinuteOfDay(MIDNIGHT_CST - 60_000)).toBe(1439);
    expect(cstMinuteOfDay(Date.UTC(2025, 0, 6, 0, 30))).toBe(8 * 60 + 30);
    expect(parseClockTime('08:00')).toBe(480);
    expect(parseClockTime('24:00')).toBe(1440);
    for (const bad of ['8', '25:00', '12:60', '24:01', 'noon']) expect(parseClockTime(bad), bad).toBeUndefined();
  });

  it('applies a fixed limit at any time and none when absent', () => {
    expect(limitAt(3, at('03:00'))).toBe(3);
    expect(limitAt(undefined, at('03:00'))).toBeUndefined();
  });

  it('switches day and night limits, the night shift spanning midnight', () => {
    const shifts = [
      { from: '08:00', to: '20:00', limit: 6 },
      { from: '20:00', to: '08:00', limit: 2 },
    ];
    expect(limitAt(shifts, at('07:59'))).toBe(2);
    expect(limitAt(shifts, at('08:00'))).toBe(6);
    expect(limitAt(shifts, at('19:59'))).toBe(6);
    expect(limitAt(shifts, at('20:00'))).toBe(2);
    expect(limitAt(shifts, at('23:59'))).toBe(2);
    expect(limitAt(shifts, at('00:00') + 86_400_000)).toBe(2);
    expect(limitAt(shifts, at('03:00') + 86_400_000)).toBe(2);
  });

  it('takes the strictest of overlapping shifts and has no limit outside every shift', () => {
    const shifts = [
      { from: '08:00', to: '18:00', limit: 6 },
      { from: '12:00', to: '13:00', limit: 3 },
      { from: '08:00', to: '24:00', limit: 9 },
    ];
    expect(limitAt(shifts, at('12:30'))).toBe(3);
    expect(limitAt(shifts, at('17:00'))).toBe(6);
    expect(limitAt(shifts, at('20:00'))).toBe(9);
    expect(limitAt(shifts, at('06:00'))).toBeUndefined();
    expect(limitAt([{ from: '00:00', to: '00:00', limit: 4 }], at('13:13'))).toBe(4);
  });
});
