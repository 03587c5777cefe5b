import { distance, lerp } from './geometry.js';
import { routePositionAt, type RoutePlan } from './route.js';
import type { Vec } from './scenario.js';

/** A `goto` of one tag in one round: walk out, stay, walk back the same way. Times are round times. */
export interface Detour {
  readonly start: number;
  readonly from: Vec;
  readonly to: Vec;
  readonly travelMs: number;
  readonly stayMs: number;
  readonly end: number;
}

/** A tag's `goto` orders, sorted by time: where to (its own spot) and how long to stay. */
export interface GotoOrder {
  readonly atMs: number;
  readonly to: Vec;
  readonly stayMs: number;
}

/** One round of one tag: its route time when the round starts and its detours in it. */
export interface RoundPlan {
  readonly routeStartMs: number;
  readonly detours: readonly Detour[];
  /** Time spent on detours this round (the route clock stands still meanwhile). */
  readonly detourMs: number;
}

/**
 * Plans a round's detours. A `goto` that comes while the tag is still away starts when it is back.
 * With `roundMs` (looping scenarios) every tag is back on its route when the round ends: a detour
 * that would run past it stays shorter, or turns back half-way through the time left.
 */
export function planRound(route: RoutePlan, orders: readonly GotoOrder[], routeStartMs: number, roundMs: number | undefined): RoundPlan {
  const detours: Detour[] = [];
  let away = 0;
  let free = 0;
  for (const order of orders) {
    const start = Math.max(order.atMs, free);
    const left = roundMs === undefined ? Infinity : roundMs - start;
    if (left <= 0) continue;
    const from = routePositionAt(route, routeStartMs + start - away);
    const full = (distance(from, order.to) / route.speed) * 1000;
    let to = order.to;
    let travelMs = full;
    let stayMs = order.stayMs;
    if (2 * travelMs + stayMs > left) {
      if (2 * travelMs <= left) stayMs = left - 2 * travelMs;
      else {
        travelMs = left / 2;
        to = lerp(from, order.to, full === 0 ? 0 : travelMs / full);
        stayMs = 0;
      }
    }
    const end = start + 2 * travelMs + stayMs;
    detours.push({ start, from, to, travelMs, stayMs, end });
    away += end - start;
    free = end;
  }
  return { routeStartMs, detours, detourMs: away };
}

/** Where the tag is at round time t: on a detour, or on its route (the route clock paused while away). */
export function positionInRound(route: RoutePlan, plan: RoundPlan, t: number): Vec {
  let away = 0;
  for (const d of plan.detours) {
    if (t < d.start) break;
    if (t < d.end) return detourPosition(d, t);
    away += d.end - d.start;
  }
  return routePositionAt(route, plan.routeStartMs + t - away);
}

function detourPosition(d: Detour, t: number): Vec {
  const out = t - d.start;
  if (out < d.travelMs) return lerp(d.from, d.to, out / d.travelMs);
  const back = out - d.travelMs - d.stayMs;
  if (back < 0 || d.travelMs === 0) return back < 0 ? d.to : d.from;
  return lerp(d.to, d.from, Math.min(1, back / d.travelMs));
}
