import type { Point, Priority, Sample } from '../../../core/index.js';
import { isUsable } from '../../evaluator.js';
import type { GroupEvaluator } from '../../group.js';
import { formatNumber, formatValue } from '../../message.js';
import type { MethaneLimits } from './methane-limits.js';
import { nextMethaneLevel, type MethaneLevel } from './methane-level.js';

/** A CH4 sensor as the power-off verification follows it. `since`: receive time its power-off began, NaN when none. */
interface SensorTrack {
  readonly point: Point;
  readonly limits: MethaneLimits;
  level: MethaneLevel;
  since: number;
  value: number | null;
}

/** A feeder of the group's scope. `live`: null until its feed-status point gave a usable value. */
interface FeederTrack {
  readonly name: string;
  readonly point: Point;
  /** Every sensor of the group whose power-off cuts this feeder (the group's own sensor among them). */
  readonly cutBy: readonly SensorTrack[];
  live: boolean | null;
  /** Receive time it went dead with no power-off asked by any sensor that cuts it; NaN when not. */
  unexplainedOffSince: number;
  /** Read dead since the own sensor's power-off began (so live again means re-energised). */
  offInPowerOff: boolean;
}

export interface FeedCheckSetup {
  readonly sensor: { readonly point: Point; readonly limits: MethaneLimits };
  /** Other sensors that cut some of the same feeders: their power-off explains a dead feeder too. */
  readonly others: readonly { readonly point: Point; readonly limits: MethaneLimits }[];
  /** The sensor's feeders, in its `attrs.feeders` order, with the ids of every sensor that cuts each. */
  readonly feeders: readonly { readonly name: string; readonly point: Point; readonly cutBy: readonly string[] }[];
  readonly timeoutMs: number;
  readonly unexpectedOff: 'alarm' | 'ignore';
}

export type FeedLevel = 'FEED_FAULT' | 'FEED_OFF';
const PRIORITY: Readonly<Record<FeedLevel, Priority>> = { FEED_FAULT: 1, FEED_OFF: 3 };

/**
 * Power-off verification of one CH4 sensor (馈电异常). FEED_FAULT: the sensor has been at its
 * power-off level for more than the timeout (and methane is not yet below restore), and a feeder
 * of its scope is live, live again, or has never reported. FEED_OFF: a feeder went from live to
 * dead while no sensor that cuts it asked for a power-off, and stayed so past the timeout (a
 * local methane power-lock tripped where this sensor reads low, a protection tripped, or someone
 * switched it off). Feed-status samples of bad quality hold the feeder's last usable state.
 */
export class FeedCheckEvaluator implements GroupEvaluator {
  readonly needsTick = true;
  private current: FeedLevel | null = null;
  private shown: FeedLevel = 'FEED_FAULT';
  private readonly own: SensorTrack;
  private readonly sensors = new Map<string, SensorTrack>();
  private readonly feeders: FeederTrack[];
  private readonly byFeedPoint = new Map<string, FeederTrack>();
  private readonly timeoutMs: number;
  private readonly alarmUnexpectedOff: boolean;
  /** The time of the last evaluation, for describing it. */
  private now = -Infinity;

  constructor(setup: FeedCheckSetup) {
    const track = (s: { point: Point; limits: MethaneLimits }): SensorTrack => ({ point: s.point, limits: s.limits, level: null, since: NaN, value: null });
    this.own = track(setup.sensor);
    for (const s of [this.own, ...setup.others.map(track)]) this.sensors.set(s.point.id, s);
    this.feeders = setup.feeders.map((f) => ({
      name: f.name,
      point: f.point,
      cutBy: f.cutBy.flatMap((id) => this.sensors.get(id) ?? []),
      live: null,
      unexplainedOffSince: NaN,
      offInPowerOff: false,
    }));
    for (const f of this.feeders) this.byFeedPoint.set(f.point.id, f);
    this.timeoutMs = setup.timeoutMs;
    this.alarmUnexpectedOff = setup.unexpectedOff === 'alarm';
  }

  get level(): string | null {
    return this.current;
  }

  get priority(): Priority {
    return PRIORITY[this.shown];
  }

  /** The group's methane reading: what decided. */
  get value(): number | null {
    return this.own.value;
  }

  update(sample: Sample): boolean {
    const sensor = this.sensors.get(sample.pointId);
    if (sensor !== undefined) this.sensorSample(sensor, sample);
    const feeder = this.byFeedPoint.get(sample.pointId);
    if (feeder !== undefined) this.feederSample(feeder, sample);
    return this.evaluate(sample.rts);
  }

  tick(now: number): boolean {
    return this.evaluate(now);
  }

  /**
   * After a restart: a retained FEED_FAULT assumes the power-off began long ago and nothing is
   * confirmed yet (every feeder must report dead again); a retained FEED_OFF assumes every feeder
   * may be the dead one until it reports live.
   */
  seed(level: string | null): boolean {
    if (level !== null && level !== 'FEED_FAULT' && level !== 'FEED_OFF') return false;
    if (level === 'FEED_FAULT') {
      this.own.level = 'POWER_OFF';
      this.own.since = -Infinity;
    }
    if (level === 'FEED_OFF') for (const f of this.feeders) f.unexplainedOffSince = -Infinity;
    this.current = level;
    if (level !== null) this.shown = level;
    return true;
  }

  describe(): string {
    const s = this.own;
    const methane = `methane ${formatValue(s.value, s.point.unit)}`;
    if (this.current === 'FEED_FAULT') {
      const after = formatNumber(this.timeoutMs / 1000);
      return `馈电异常: power-off (${methane}, power-off level ${formatNumber(s.limits.powerOff)} %) not confirmed by the feed status after ${after} s: ${this.unconfirmed().join(', ')}`;
    }
    if (this.current === 'FEED_OFF') {
      const dead = this.feeders.filter((f) => this.now - f.unexplainedOffSince > this.timeoutMs).map((f) => f.name);
      return `${dead.join(', ')} de-energised though no sensor that cuts it asked for a power-off (${methane})`;
    }
    if (s.level === 'POWER_OFF') return `power-off (${methane}): ${this.feeders.map((f) => `${f.name} ${f.live === null ? 'no status' : f.live ? 'live' : 'off'}`).join(', ')}`;
    return `no power-off, ${methane}`;
  }

  private sensorSample(s: SensorTrack, sample: Sample): void {
    if (!isUsable(sample) || typeof sample.value !== 'number' || !Number.isFinite(sample.value)) return;
    s.value = sample.value;
    const was = s.level;
    s.level = nextMethaneLevel(s.level, sample.value, s.limits);
    if (was === 'POWER_OFF' || s.level !== 'POWER_OFF') {
      if (s.level !== 'POWER_OFF') s.since = NaN;
      return;
    }
    s.since = sample.rts;
    // A power-off explains the feeders it cuts going dead, also a moment before its reading arrived.
    for (const f of this.feeders) {
      if (f.cutBy.includes(s)) f.unexplainedOffSince = NaN;
      if (s === this.own) f.offInPowerOff = f.live === false;
    }
  }

  private feederSample(f: FeederTrack, sample: Sample): void {
    if (!isUsable(sample)) return;
    const live = sample.value === true || (typeof sample.value === 'number' && sample.value >= 0.5);
    if (live) f.unexplainedOffSince = NaN;
    else if (f.live === true && !f.cutBy.some((s) => s.level === 'POWER_OFF')) f.unexplainedOffSince = sample.rts;
    if (!live && this.own.level === 'POWER_OFF') f.offInPowerOff = true;
    f.live = live;
  }

  private evaluate(now: number): boolean {
    this.now = now;
    const next: FeedLevel | null = this.faulted(now) ? 'FEED_FAULT' : this.alarmUnexpectedOff && this.deadUnexplained(now) ? 'FEED_OFF' : null;
    if (next === this.current) return false;
    this.current = next;
    if (next !== null) this.shown = next;
    return true;
  }

  /** The power-off has run longer than the timeout and some feeder is not known to be dead. */
  private faulted(now: number): boolean {
    if (this.own.level !== 'POWER_OFF' || !(now - this.own.since > this.timeoutMs)) return false;
    for (const f of this.feeders) if (f.live !== false) return true;
    return false;
  }

  private deadUnexplained(now: number): boolean {
    for (const f of this.feeders) if (now - f.unexplainedOffSince > this.timeoutMs) return true;
    return false;
  }

  /** The feeders a power-off has not (or no longer) cut: `F-102 live`, `F-101 re-energised`, `F-103 no status`. */
  private unconfirmed(): string[] {
    return this.feeders.flatMap((f) => {
      if (f.live === false) return [];
      if (f.live === null) return [`${f.name} no status`];
      return [f.offInPowerOff ? `${f.name} re-energised` : `${f.name} live`];
    });
  }
}
