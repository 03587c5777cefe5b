import type { BooleanPoint, FaultEvent, NumericPoint, Scenario, ScenarioEvent, ScenarioPoint, StepEvent, WindowEvent } from './scenario.js';
import { uniformAt } from './prng.js';

/*
 * The signal math: what a point sends at a moment of a scenario. Pure: scenario, point, time and
 * seed in, output out; no clock, no timers, no I/O.
 */

/** What a point sends at one moment. */
export type PointOutput =
  /** The engineering value the device measures. */
  | { readonly kind: 'value'; readonly value: number | boolean }
  /** A raw signal value in the point's wire unit (mA for a 4-20 mA point), from a fault event. */
  | { readonly kind: 'fault'; readonly value: number }
  /** The device sends nothing. */
  | { readonly kind: 'silent' };

/** Position inside the scenario: wraps when it loops, stays at the end when it holds. */
export function scenarioTimeMs(scenario: Pick<Scenario, 'atEnd' | 'durationMs'>, elapsedMs: number): number {
  return scenario.atEnd === 'loop' ? elapsedMs % scenario.durationMs : Math.min(elapsedMs, scenario.durationMs);
}

/** What `point` sends `elapsedMs` after the simulator started. */
export function pointOutputAt(scenario: Scenario, point: ScenarioPoint, elapsedMs: number, seed: number): PointOutput {
  const t = scenarioTimeMs(scenario, elapsedMs);
  const events = scenario.events.filter((event) => event.pointId === point.id);
  const windows = events.filter(isWindow).filter((event) => t >= event.atMs && t < event.atMs + event.forMs);
  // Silent beats fault: a dead detector sends nothing at all, not even its fault current.
  if (windows.some((event) => event.kind === 'silent')) return { kind: 'silent' };
  const fault = windows.findLast((event): event is FaultEvent => event.kind === 'fault');
  if (fault !== undefined) return { kind: 'fault', value: fault.value };
  return { kind: 'value', value: valueAt({ scenario, point, events, seed }, t, elapsedMs) };
}

interface SampleContext {
  readonly scenario: Scenario;
  readonly point: ScenarioPoint;
  /** The point's events still in play (a stuck event looks back without itself). */
  readonly events: readonly ScenarioEvent[];
  readonly seed: number;
}

/**
 * The measured value at scenario time t (elapsedMs since start): held by the latest stuck event,
 * otherwise the signal plus noise.
 */
function valueAt(ctx: SampleContext, t: number, elapsedMs: number): number | boolean {
  const stuck = ctx.events.findLast((event) => event.kind === 'stuck' && t >= event.atMs && t < event.atMs + event.forMs);
  if (stuck !== undefined) {
    const withoutStuck = ctx.events.filter((event) => event !== stuck);
    return valueAt({ ...ctx, events: withoutStuck }, stuck.atMs, elapsedMs - (t - stuck.atMs));
  }
  if (ctx.point.type === 'boolean') return booleanLevelAt(ctx.point, ctx.events, t);
  // Noise is keyed on the tick since start, not on scenario time: each loop gets fresh noise.
  const tick = Math.floor(elapsedMs / ctx.scenario.tickMs);
  const noise = ctx.point.noise * (2 * uniformAt(ctx.seed, ctx.point.id, tick) - 1);
  return finish(ctx.point, numericLevelAt(ctx.point, ctx.events, t) + noise);
}

function isWindow(event: ScenarioEvent): event is WindowEvent {
  return event.kind === 'stuck' || event.kind === 'silent' || event.kind === 'fault';
}

/** Where the signal is heading before noise: one segment of base line, hold or ramp at a time. */
type Segment =
  | { readonly kind: 'base' }
  | { readonly kind: 'hold'; readonly value: number }
  | { readonly kind: 'ramp'; readonly from: number; readonly to: number; readonly atMs: number; readonly overMs: number };

function segmentValue(point: NumericPoint, segment: Segment, t: number): number {
  switch (segment.kind) {
    case 'base':
      return point.base + (point.driftPerS * t) / 1000;
    case 'hold':
      return segment.value;
    case 'ramp':
      // The end is returned as given, not computed, so a ramp lands exactly on `to`.
      if (t >= segment.atMs + segment.overMs) return segment.to;
      return segment.from + ((segment.to - segment.from) * (t - segment.atMs)) / segment.overMs;
  }
}

/** Folds the steps and ramps up to t; each starts from where the previous segment had got to. */
function numericLevelAt(point: NumericPoint, events: readonly ScenarioEvent[], t: number): number {
  let segment: Segment = { kind: 'base' };
  for (const event of events) {
    if (event.atMs > t) break;
    if (event.kind === 'step' && typeof event.to === 'number') segment = { kind: 'hold', value: event.to };
    if (event.kind === 'ramp') {
      segment = { kind: 'ramp', from: segmentValue(point, segment, event.atMs), to: event.to, atMs: event.atMs, overMs: event.overMs };
    }
  }
  return segmentValue(point, segment, t);
}

function booleanLevelAt(point: BooleanPoint, events: readonly ScenarioEvent[], t: number): boolean {
  const step = events.findLast((event): event is StepEvent => event.kind === 'step' && event.atMs <= t && typeof event.to === 'boolean');
  return typeof step?.to === 'boolean' ? step.to : point.base;
}

/** Rounds to the point's decimals, then clamps to its limits (rounding must not step over a limit). */
function finish(point: NumericPoint, value: number): number {
  const rounded = point.decimals === undefined ? value : Math.round(value * 10 ** point.decimals) / 10 ** point.decimals;
  return Math.min(point.max ?? Infinity, Math.max(point.min ?? -Infinity, rounded));
}

/**
 * The value a device puts on the wire: engineering value, or loop current for a 4-20 mA point
 * (I = 4 + 16·(PV − LRV)/(URV − LRV), µA resolution), or the raw value of a fault.
 */
export function wireValue(point: ScenarioPoint, output: Exclude<PointOutput, { kind: 'silent' }>): number | boolean {
  if (output.kind === 'fault' || point.type === 'boolean' || typeof output.value === 'boolean') return output.value;
  if (point.signal !== '4-20mA' || point.range === undefined) return output.value;
  const [low, high] = point.range;
  return Math.round((4 + (16 * (output.value - low)) / (high - low)) * 1000) / 1000;
}
