import type { TagMotion } from '../../src/core/people.js';
import { uniformAt } from '../simulator/prng.js';
import { planRound, positionInRound, type GotoOrder, type RoundPlan } from './detours.js';
import { planRoute, spotNear, type RoutePlan } from './route.js';
import type { LocationScenario, SimZone, TagAction, TagGroup, Vec } from './scenario.js';

/** What one tag reports at one tick. Lengths in metres (the wire format converts). */
export interface SimFix {
  readonly tagId: string;
  /** `no-fix`: the tag blinked but the engine could not place it (Pozyx `success: false`). */
  readonly kind: 'fix' | 'no-fix';
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly floor: string | undefined;
  /** Whole %. */
  readonly battery: number;
  readonly sos: boolean;
  /** Only while a `motion` event says so; tags report no motion otherwise. */
  readonly motion: TagMotion | undefined;
}

interface Window {
  readonly from: number;
  readonly to: number;
}

interface Drain {
  readonly at: number;
  readonly to: number;
  readonly over: number;
}

interface TagPlan {
  readonly tagId: string;
  readonly group: TagGroup;
  readonly route: RoutePlan;
  readonly orders: readonly GotoOrder[];
  readonly sos: readonly Window[];
  readonly silent: readonly Window[];
  readonly noFix: readonly Window[];
  readonly motion: readonly (Window & { readonly state: TagMotion })[];
  readonly drains: readonly Drain[];
  readonly battery0: number;
  /**
   * The latest round planned: round r needs the route time the rounds before it left, so rounds
   * are planned in order. Only the latest is kept (a simulator runs for weeks); asking for an
   * earlier one plans again from round 0.
   */
  latest: { readonly r: number; readonly plan: RoundPlan } | undefined;
}

/**
 * Every tag of a scenario, computed for any time: position (route and detours, continuous across
 * rounds), seeded jitter per tick, battery, SOS, motion, silence. Same scenario and seed, same fixes.
 */
export class LocationModel {
  readonly tagIds: readonly string[];
  private readonly plans: readonly TagPlan[];
  private readonly byId: ReadonlyMap<string, TagPlan>;

  constructor(
    readonly scenario: LocationScenario,
    readonly seed: number,
  ) {
    const zones = new Map<string, SimZone>(scenario.zones.map((z) => [z.id, z]));
    this.plans = scenario.groups.flatMap((group) => group.tagIds.map((tagId) => planTag(scenario, group, tagId, zones, seed)));
    this.tagIds = this.plans.map((p) => p.tagId);
    this.byId = new Map(this.plans.map((p) => [p.tagId, p]));
  }

  /** The fixes every tag sends at scenario time tMs (silent tags and RFID-only tags send none), in tag order. */
  fixesAt(tMs: number): SimFix[] {
    const out: SimFix[] = [];
    for (const plan of this.plans) {
      if (!plan.group.positions) continue;
      const fix = this.fixOf(plan, tMs);
      if (fix !== undefined) out.push(fix);
    }
    return out;
  }

  /** One tag's fix at tMs (an RFID-only tag's too: where it is); undefined while it is silent (or for an unknown tag). */
  fixAt(tagId: string, tMs: number): SimFix | undefined {
    const plan = this.byId.get(tagId);
    return plan === undefined ? undefined : this.fixOf(plan, tMs);
  }

  /** Where a tag is at tMs, without jitter. */
  positionAt(tagId: string, tMs: number): Vec | undefined {
    const plan = this.byId.get(tagId);
    return plan === undefined ? undefined : this.truePosition(plan, tMs);
  }

  private fixOf(plan: TagPlan, tMs: number): SimFix | undefined {
    const t = this.eventTime(tMs);
    if (t !== undefined && within(plan.silent, t)) return undefined;
    const tick = Math.floor(tMs / this.scenario.tickMs);
    const p = this.truePosition(plan, tMs);
    const { noiseM, site } = this.scenario;
    const jitter = (axis: string): number => noiseM * (2 * uniformAt(this.seed, `${plan.tagId}/${axis}`, tick) - 1);
    return {
      tagId: plan.tagId,
      kind: t !== undefined && within(plan.noFix, t) ? 'no-fix' : 'fix',
      x: clamp(p.x + jitter('x'), 0, site.width),
      y: clamp(p.y + jitter('y'), 0, site.height),
      z: plan.group.z,
      floor: plan.group.floor,
      battery: Math.round(batteryAt(plan, this.batteryTime(tMs))),
      sos: t !== undefined && within(plan.sos, t),
      motion: t === undefined ? undefined : plan.motion.findLast((w) => w.from <= t && t < w.to)?.state,
    };
  }

  private truePosition(plan: TagPlan, tMs: number): Vec {
    const { durationMs, atEnd } = this.scenario;
    if (atEnd === 'hold') return positionInRound(plan.route, this.round(plan, 0), tMs);
    const r = Math.floor(tMs / durationMs);
    return positionInRound(plan.route, this.round(plan, r), tMs - r * durationMs);
  }

  /** Round r starts where round r-1 left the route clock: a round lasts durationMs, its detours stop the clock. */
  private round(plan: TagPlan, r: number): RoundPlan {
    const loopMs = this.scenario.atEnd === 'loop' ? this.scenario.durationMs : undefined;
    let latest = plan.latest !== undefined && plan.latest.r <= r ? plan.latest : { r: 0, plan: planRound(plan.route, plan.orders, 0, loopMs) };
    while (latest.r < r) {
      const prev = latest.plan;
      latest = { r: latest.r + 1, plan: planRound(plan.route, plan.orders, prev.routeStartMs + (loopMs ?? 0) - prev.detourMs, loopMs) };
    }
    plan.latest = latest;
    return latest.plan;
  }

  /** Round time for windowed events; undefined once a `hold` scenario has ended (no more events). */
  private eventTime(tMs: number): number | undefined {
    const { durationMs, atEnd } = this.scenario;
    if (atEnd === 'loop') return tMs % durationMs;
    return tMs < durationMs ? tMs : undefined;
  }

  /** Round time for the battery: a `hold` scenario keeps its final charge. */
  private batteryTime(tMs: number): number {
    const { durationMs, atEnd } = this.scenario;
    return atEnd === 'loop' ? tMs % durationMs : Math.min(tMs, durationMs);
  }
}

function planTag(scenario: LocationScenario, group: TagGroup, tagId: string, zones: ReadonlyMap<string, SimZone>, seed: number): TagPlan {
  const route = planRoute(tagId, group, zones, seed);
  const mine = scenario.events.filter((e) => e.tagIds.includes(tagId));
  const windows = (kind: TagAction['kind']): Window[] =>
    mine.flatMap((e) => (e.action.kind === kind && 'forMs' in e.action ? [{ from: e.atMs, to: e.atMs + e.action.forMs }] : []));
  const [low, high] = group.battery;
  return {
    tagId,
    group,
    route,
    orders: mine.flatMap((e) => (e.action.kind === 'goto' ? [{ atMs: e.atMs, to: spotNear(e.action.target, e.action.spreadM, seed, `${tagId}/goto${e.index}`), stayMs: e.action.stayMs }] : [])),
    sos: windows('sos'),
    silent: windows('silent'),
    noFix: windows('no-fix'),
    motion: mine.flatMap((e) => (e.action.kind === 'motion' ? [{ from: e.atMs, to: e.atMs + e.action.forMs, state: e.action.state }] : [])),
    drains: mine.flatMap((e) => (e.action.kind === 'battery' ? [{ at: e.atMs, to: e.action.to, over: e.action.overMs }] : [])),
    battery0: low + (high - low) * uniformAt(seed, `${tagId}/battery`, 0),
    latest: undefined,
  };
}

function within(windows: readonly Window[], t: number): boolean {
  return windows.some((w) => w.from <= t && t < w.to);
}

function clamp(v: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, v));
}

/** Each drain runs linearly from where the charge had got to when it starts (a later one may cut in). */
function batteryAt(plan: TagPlan, t: number): number {
  let ramp: { at: number; from: number; to: number; over: number } | undefined;
  for (const d of plan.drains) {
    if (d.at > t) break;
    const from = ramp === undefined ? plan.battery0 : rampValue(ramp, d.at);
    ramp = { at: d.at, from, to: d.to, over: d.over };
  }
  return ramp === undefined ? plan.battery0 : rampValue(ramp, t);
}

function rampValue(r: { at: number; from: number; to: number; over: number }, t: number): number {
  if (t >= r.at + r.over) return r.to;
  return r.from + ((r.to - r.from) * (t - r.at)) / r.over;
}
