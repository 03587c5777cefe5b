import { performance } from 'node:perf_hooks';
import type { Person, TagPosition, ZoneKind, ZoneSpec } from '../../../src/core/index.js';
import { PeopleMonitor, TrackBuffer, type PeopleAlarm } from '../../../src/engine/people/index.js';
import { median } from '../lib/median.js';
import type { BenchContext, BenchSection, Figures } from '../lib/section.js';

/**
 * Issue 9's `crowd_tick_ms`: one second of a large plant through personnel location, in process.
 * 5,000 tags on a 1 km × 1 km site report once a second; each tick feeds their 5,000 fixes (zone
 * membership with hysteresis, per-tag rules, headcounts of the zones entered or left) and then
 * runs the 1 Hz tick (dwell, no motion, offline, shift limits, and the crowd detector of every
 * warning zone). Generating the walks is outside the timing. Goal: ≤ 50 ms (5 % of the tick).
 *
 * `track_bytes_per_tag_hour`: the same 5,000 tags walk for a simulated hour into the gateway's
 * TrackBuffer (default options: a point per metre moved or 30 s); the bytes of its typed arrays
 * (TrackBuffer.stats(), capacity included) per tag, not the process memory.
 */
const TAGS = 5_000;
const SITE_M = 1_000;
const WARMUP_TICKS = 60;
const MEASURED_TICKS = 60;
const WALK_MPS = 1.2;
/** Location noise (UWB ±0.3 m or so), so tags on zone edges wobble as real ones do. */
const NOISE_M = 0.3;
/** Groups that gather in warning zones from the start and stay: crowd alarms fall in the measured ticks. */
const GROUPS = 6;
const GROUP_SIZE = 20;

const TRACK_HOUR_S = 3_600;

const KEYS = ['crowd_tick_ms', 'crowd_tick_p95_ms', 'crowd_eval_ms', 'people_fixes_ms', 'people_crowd_alarms', 'track_bytes_per_tag_hour', 'track_points_per_tag_hour', 'track_add_us'] as const;

/** A small seeded generator: every run walks the same site. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Rand = () => number;

/** A rectangle with a corner notch (six vertices), as process units with a pipe rack often are. */
function unitOutline(x: number, y: number, w: number, h: number): [number, number][] {
  return [
    [x, y],
    [x + w, y],
    [x + w, y + h * 0.6],
    [x + w * 0.7, y + h * 0.6],
    [x + w * 0.7, y + h],
    [x, y + h],
  ];
}

function rectangle(x: number, y: number, w: number, h: number): [number, number][] {
  return [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ];
}

/** 10 warning units (two of each colour, some with a tighter threshold of their own) and 40 other zones. */
function siteZones(rand: Rand): ZoneSpec[] {
  const colours = ['red', 'orange', 'yellow', 'blue'] as const;
  const zones: ZoneSpec[] = [];
  for (let i = 0; i < 10; i++) {
    const [w, h] = [100 + rand() * 60, 60 + rand() * 60];
    const polygon = unitOutline(50 + rand() * (SITE_M - 260), 50 + rand() * (SITE_M - 230), w, h);
    zones.push({ id: `unit-${i}`, kind: 'warning', colour: colours[i % 4], polygon, ...(i === 9 ? { crowd: { minPeople: 6 } } : {}) });
  }
  const others: [ZoneKind, number][] = [
    ['restricted', 5],
    ['authorised-only', 5],
    ['key', 10],
    ['danger', 5],
    ['muster', 5],
    ['general', 10],
  ];
  for (const [kind, n] of others) {
    for (let i = 0; i < n; i++) {
      const [w, h] = [20 + rand() * 40, 20 + rand() * 40];
      const zone: ZoneSpec = {
        id: `${kind}-${i}`,
        kind,
        polygon: rectangle(rand() * (SITE_M - w), rand() * (SITE_M - h), w, h),
        ...(kind === 'key' ? { headcountLimit: [{ from: '08:00', to: '20:00', limit: 12 }, { from: '20:00', to: '08:00', limit: 4 }], maxDwellMs: 30 * 60_000 } : {}),
      };
      zones.push(zone);
    }
  }
  return zones;
}

function roster(zones: readonly ZoneSpec[], rand: Rand): Person[] {
  const guarded = zones.filter((z) => z.kind === 'restricted' || z.kind === 'authorised-only' || z.kind === 'danger').map((z) => z.id);
  return Array.from({ length: TAGS }, (_, i) => ({
    tagId: `T${i}`,
    personId: `P${i}`,
    name: `Worker ${i}`,
    ...(rand() < 0.2 ? { authorisedZones: guarded.filter(() => rand() < 0.3) } : {}),
  }));
}

/** Walkers head for a random point (often inside a zone) at 1.2 m/s; group members hold a spot in a warning unit. */
class Walks {
  readonly xs = new Float64Array(TAGS);
  readonly ys = new Float64Array(TAGS);
  private readonly tx = new Float64Array(TAGS);
  private readonly ty = new Float64Array(TAGS);

  constructor(
    private readonly zones: readonly ZoneSpec[],
    private readonly rand: Rand,
  ) {
    for (let i = 0; i < TAGS; i++) {
      this.xs[i] = rand() * SITE_M;
      this.ys[i] = rand() * SITE_M;
      this.retarget(i);
    }
    for (let g = 0; g < GROUPS; g++) {
      const [cx, cy] = this.spotIn(this.zones[g] as ZoneSpec);
      for (let k = 0; k < GROUP_SIZE; k++) {
        const i = g * GROUP_SIZE + k;
        this.xs[i] = this.tx[i] = cx + (rand() - 0.5) * 14;
        this.ys[i] = this.ty[i] = cy + (rand() - 0.5) * 14;
      }
    }
  }

  /** One second: every tag's fix at time t. */
  step(t: number): TagPosition[] {
    const fixes: TagPosition[] = new Array<TagPosition>(TAGS);
    for (let i = 0; i < TAGS; i++) {
      const grouped = i < GROUPS * GROUP_SIZE;
      const dx = (this.tx[i] as number) - (this.xs[i] as number);
      const dy = (this.ty[i] as number) - (this.ys[i] as number);
      const d = Math.hypot(dx, dy);
      if (!grouped && d <= WALK_MPS) this.retarget(i);
      else if (!grouped) {
        this.xs[i] = (this.xs[i] as number) + (dx / d) * WALK_MPS;
        this.ys[i] = (this.ys[i] as number) + (dy / d) * WALK_MPS;
      }
      const x = (this.xs[i] as number) + (this.rand() - 0.5) * 2 * NOISE_M;
      const y = (this.ys[i] as number) + (this.rand() - 0.5) * 2 * NOISE_M;
      fixes[i] = { tagId: `T${i}`, x, y, ts: t, battery: 80, motion: 'moving' };
    }
    return fixes;
  }

  private retarget(i: number): void {
    const [x, y] = this.rand() < 0.4 ? this.spotIn(this.zones[Math.floor(this.rand() * this.zones.length)] as ZoneSpec) : [this.rand() * SITE_M, this.rand() * SITE_M];
    this.tx[i] = x;
    this.ty[i] = y;
  }

  /** A point well inside a zone's bounding box (its lower part, inside the notched outlines too). */
  private spotIn(zone: ZoneSpec): [number, number] {
    const poly = zone.polygon ?? [[0, 0]];
    const xs = poly.map((v) => v[0]);
    const ys = poly.map((v) => v[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    return [x0 + (0.15 + this.rand() * 0.4) * (x1 - x0), y0 + (0.15 + this.rand() * 0.4) * (y1 - y0)];
  }
}

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

const round = (v: number, decimals: number): number => Math.round(v * 10 ** decimals) / 10 ** decimals;

/** An hour of the walks into a TrackBuffer: its size by stats(), and the time of one add (walk generation outside the timing). */
function trackHour(zones: readonly ZoneSpec[], start: number): { bytesPerTag: number; pointsPerTag: number; addUs: number } {
  const walks = new Walks(zones, lcg(11));
  const tracks = new TrackBuffer();
  let addMs = 0;
  for (let s = 0; s < TRACK_HOUR_S; s++) {
    const now = start + s * 1000;
    const fixes = walks.step(now);
    const t0 = performance.now();
    for (const fix of fixes) tracks.add(fix, now);
    addMs += performance.now() - t0;
  }
  const { tags, points, bytes } = tracks.stats();
  return { bytesPerTag: bytes / tags, pointsPerTag: points / tags, addUs: (addMs * 1000) / (TRACK_HOUR_S * TAGS) };
}

async function run(ctx: BenchContext): Promise<Figures> {
  const rand = lcg(9);
  const zones = siteZones(rand);
  const monitor = new PeopleMonitor({
    zones,
    people: roster(zones, rand),
    settings: { crowdByColour: { red: { minPeople: 10 }, orange: { minPeople: 12 }, yellow: { minPeople: 15 }, blue: { minPeople: 20 } } },
  });
  const walks = new Walks(zones, rand);
  // 10:00 CST: the day shift's limits.
  const start = Date.UTC(2025, 0, 6, 2);
  const totals: number[] = [];
  const fixesMs: number[] = [];
  const evalMs: number[] = [];
  let crowdAlarms = 0;
  const byRule = new Map<string, number>();
  const count = (alarms: readonly PeopleAlarm[]): void => {
    for (const a of alarms) if (a.level !== null) byRule.set(a.rule, (byRule.get(a.rule) ?? 0) + 1);
  };
  for (let tick = 0; tick < WARMUP_TICKS + MEASURED_TICKS; tick++) {
    const now = start + tick * 1000;
    const fixes = walks.step(now);
    const t0 = performance.now();
    const raised: (readonly PeopleAlarm[])[] = [];
    for (const fix of fixes) raised.push(monitor.position(fix, now).alarms);
    const t1 = performance.now();
    const alarms = monitor.tick(now);
    const t2 = performance.now();
    raised.push(alarms);
    for (const list of raised) count(list);
    crowdAlarms += alarms.filter((a) => a.rule === 'crowd' && a.level !== null).length;
    if (tick >= WARMUP_TICKS) {
      totals.push(t2 - t0);
      fixesMs.push(t1 - t0);
      evalMs.push(t2 - t1);
    }
  }
  const occupied = [...monitor.state.headcounts().values()].filter((n) => n > 0).length;
  const raisedText = [...byRule].map(([rule, n]) => `${rule} ${n}`).join(', ');
  ctx.log(`people: ${TAGS} tags, ${zones.length} zones (${occupied} occupied at the end); alarms raised over ${WARMUP_TICKS + MEASURED_TICKS} ticks: ${raisedText}`);
  ctx.log(`people: per tick over the last ${MEASURED_TICKS}: total median ${median(totals).toFixed(2)} ms, p95 ${percentile(totals, 95).toFixed(2)} ms, max ${Math.max(...totals).toFixed(2)} ms`);
  if (crowdAlarms === 0) ctx.error('people_crowd_alarms', `none of the ${GROUPS} gathered groups raised a crowd alarm: the detector had no crowd to find`);
  const track = trackHour(zones, start);
  ctx.log(`people: tracks after ${TRACK_HOUR_S} s of ${TAGS} tags: ${Math.round(track.pointsPerTag)} points and ${Math.round(track.bytesPerTag)} bytes per tag, ${track.addUs.toFixed(2)} µs per add`);
  await Promise.resolve();
  return {
    crowd_tick_ms: round(median(totals), 2),
    crowd_tick_p95_ms: round(percentile(totals, 95), 2),
    crowd_eval_ms: round(median(evalMs), 2),
    people_fixes_ms: round(median(fixesMs), 2),
    people_crowd_alarms: crowdAlarms,
    track_bytes_per_tag_hour: Math.round(track.bytesPerTag),
    track_points_per_tag_hour: Math.round(track.pointsPerTag),
    track_add_us: round(track.addUs, 3),
  };
}

export const peopleSection: BenchSection = {
  name: 'people',
  description: `personnel location: ${TAGS} tags at 1 Hz on a 1 km² site, 50 zones (10 warning); per 1 s tick, fixes through zone rules then the tick with the crowd detector; an hour of their tracks`,
  keys: KEYS,
  run,
};
