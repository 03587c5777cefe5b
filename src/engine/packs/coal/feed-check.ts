import type { Point, Priority, Sample } from '../../../core/index.js';
import { isUsable } from '../../evaluator.js';
import type { GroupEvaluator } from '../../group.js';
import { formatNumber, formatValue } from '../../message.js';
import type { MethaneLimits } from './methane-limits.js';
import { nextMethaneLevel, type MethaneLevel } from './methane-level.js';
import { explainFault } from './sensor-fault.js';

/**
 * Why a CH4 sensor demands a power-off: methane at its power-off level (until below restore), its
 * latest sample bad (a broken line, a comms fault: 断线断电), or nothing from it for more than
 * `silentAfter`.
 */
type Demand = 'over-limit' | 'fault' | 'silent';

/** A CH4 sensor as the power-off verification follows it. */
interface SensorTrack {
  readonly point: Point;
  readonly limits: MethaneLimits;
  /** The methane level from its usable readings (held through bad ones). */
  level: MethaneLevel;
  /** The last usable reading. */
  value: number | null;
  /** The quality reason of the latest sample when it is bad; null when usable. */
  bad: string | null;
  /** Receive time of the latest sample of any quality (engine start before the first). */
  lastRts: number;
  /** Receive time the current power-off demand began; NaN when none. */
  since: number;
}

/** A feeder of the group's scope. `live`: null until its feed-status point gave a usable value. */
interface FeederTrack {
  readonly name: string;
  readonly point: Point;
  /** Every sensor of the group whose power-off cuts this feeder (the group's own sensor among them). */
  readonly cutBy: readonly SensorTrack[];
  live: boolean | null;
  /** Receive time of its last usable feed status. */
  lastRts: number;
  /** Receive time it went dead with no power-off demanded by any sensor that cuts it; NaN when not. */
  unexplainedOffSince: number;
  /** Read dead since the own sensor's power-off demand began (so live again means re-energised). */
  offInPowerOff: boolean;
}

export interface FeedCheckSetup {
  readonly sensor: { readonly point: Point; readonly limits: MethaneLimits };
  /** Other sensors that cut some of the same feeders: their power-off explains a dead feeder too. */
  readonly others: readonly { readonly point: Point; readonly limits: MethaneLimits }[];
  /** The sensor's feeders, in its `attrs.feeders` order, with the ids of every sensor that cuts each. */
  readonly feeders: readonly { readonly name: string; readonly point: Point; readonly cutBy: readonly string[] }[];
  readonly timeoutMs: number;
  readonly silentAfterMs: number;
  readonly unexpectedOff: 'alarm' | 'ignore';
  /** Engine start: a sensor that never reported is silent from here. */
  readonly startedAt: number;
}

export type FeedLevel = 'FEED_FAULT' | 'FEED_OFF';
const PRIORITY: Readonly<Record<FeedLevel, Priority>> = { FEED_FAULT: 1, FEED_OFF: 3 };

/**
 * Power-off verification of one CH4 sensor (馈电异常). A power-off is demanded while the sensor is
 * at its power-off level (until below restore), while its latest sample is bad (断线断电: a broken
 * line or a comms fault cuts the power of its scope like an over-limit) and while it has sent
 * nothing for more than `silentAfterMs`. FEED_FAULT: a demand has lasted more than the timeout and
 * a feeder of its scope is live, live again, or has never reported. FEED_OFF: a feeder went from
 * live to dead while no sensor that cuts it demanded a power-off, and stayed so past the timeout (a
 * local methane power-lock tripped where this sensor reads low, a protection tripped, or someone
 * switched it off); a demand that begins within the timeout explains it. Feed-status samples of
 * bad quality hold the feeder's last usable state.
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
  private readonly silentAfterMs: number;
  private readonly alarmUnexpectedOff: boolean;
  /** The time of the last evaluation, for describing it. */
  private now = -Infinity;

  constructor(setup: FeedCheckSetup) {
    const track = (s: { point: Point; limits: MethaneLimits }): SensorTrack => ({ point: s.point, limits: s.limits, level: null, value: null, bad: null, lastRts: setup.startedAt, since: NaN });
    this.own = track(setup.sensor);
    for (const s of [this.own, ...setup.others.map(track)]) this.sensors.set(s.point.id, s);
    this.feeders = setup.feeders.map((f) => ({
      name: f.name,
      point: f.point,
      cutBy: f.cutBy.flatMap((id) => this.sensors.get(id) ?? []),
      live: null,
      lastRts: -Infinity,
      unexplainedOffSince: NaN,
      offInPowerOff: false,
    }));
    for (const f of this.feeders) this.byFeedPoint.set(f.point.id, f);
    this.timeoutMs = setup.timeoutMs;
    this.silentAfterMs = setup.silentAfterMs;
    this.alarmUnexpectedOff = setup.unexpectedOff === 'alarm';
  }

  get level(): string | null {
    return this.current;
  }

  get priority(): Priority {
    return PRIORITY[this.shown];
  }

  /** The group's methane reading: what decided (the last usable one). */
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
    const demand = this.demandOf(s, this.now);
    if (this.current === 'FEED_FAULT') {
      const after = formatNumber(this.timeoutMs / 1000);
      return `馈电异常: power-off (${this.why(demand, methane)}) not confirmed by the feed status after ${after} s: ${this.unconfirmed().join(', ')}`;
    }
    if (this.current === 'FEED_OFF') {
      const dead = this.feeders.filter((f) => this.now - f.unexplainedOffSince > this.timeoutMs).map((f) => f.name);
      return `${dead.join(', ')} de-energised though no sensor that cuts it asked for a power-off (${methane})`;
    }
    if (demand !== null) return `power-off (${this.why(demand, methane)}): ${this.feeders.map((f) => `${f.name} ${f.live === null ? 'no status' : f.live ? 'live' : 'off'}`).join(', ')}`;
    return `no power-off, ${methane}`;
  }

  /** What the power-off is for: `methane 1.6 %, power-off level 1.5 %`, `断线断电: signal-fault-low (…), last usable methane 0.7 %`. */
  private why(demand: Demand | null, methane: string): string {
    if (demand === 'fault') return `断线断电: ${explainFault(this.own.bad ?? 'bad', this.silentAfterMs)}; last usable ${methane}`;
    if (demand === 'silent') return `sensor ${explainFault('silent', this.silentAfterMs)}; last usable ${methane}`;
    return `${methane}, power-off level ${formatNumber(this.own.limits.powerOff)} %`;
  }

  private sensorSample(s: SensorTrack, sample: Sample): void {
    s.lastRts = sample.rts;
    if (!isUsable(sample)) {
      s.bad = sample.quality.reason ?? 'bad';
      return;
    }
    s.bad = null;
    if (typeof sample.value !== 'number' || !Number.isFinite(sample.value)) return;
    s.value = sample.value;
    s.level = nextMethaneLevel(s.level, sample.value, s.limits);
  }

  private feederSample(f: FeederTrack, sample: Sample): void {
    if (!isUsable(sample)) return;
    const live = sample.value === true || (typeof sample.value === 'number' && sample.value >= 0.5);
    if (live) f.unexplainedOffSince = NaN;
    else if (f.live === true && !f.cutBy.some((s) => this.demandOf(s, sample.rts) !== null)) f.unexplainedOffSince = sample.rts;
    if (!live && this.demandOf(this.own, sample.rts) !== null) f.offInPowerOff = true;
    f.live = live;
    f.lastRts = sample.rts;
  }

  /** Over-limit first (it says the most), then a bad sample, then silence. */
  private demandOf(s: SensorTrack, now: number): Demand | null {
    if (s.level === 'POWER_OFF') return 'over-limit';
    if (s.bad !== null) return 'fault';
    return now - s.lastRts > this.silentAfterMs ? 'silent' : null;
  }

  /**
   * Starts and ends the sensors' demands. A demand that begins explains the feeders it cuts going
   * dead, also a moment (up to the timeout) before its reading arrived; a silence begins when the
   * sensor was last heard of plus `silentAfter`.
   */
  private refresh(now: number): void {
    for (const s of this.sensors.values()) {
      const demand = this.demandOf(s, now);
      if (demand === null) {
        s.since = NaN;
        continue;
      }
      if (!Number.isNaN(s.since)) continue;
      s.since = demand === 'silent' ? s.lastRts + this.silentAfterMs : now;
      for (const f of this.feeders) {
        if (f.cutBy.includes(s)) f.unexplainedOffSince = NaN;
        if (s === this.own) f.offInPowerOff = f.live === false;
      }
    }
  }

  private evaluate(now: number): boolean {
    this.now = now;
    this.refresh(now);
    const next: FeedLevel | null = this.faulted(now) ? 'FEED_FAULT' : this.alarmUnexpectedOff && this.deadUnexplained(now) ? 'FEED_OFF' : null;
    if (next === this.current) return false;
    this.current = next;
    if (next !== null) this.shown = next;
    return true;
  }

  /** A power-off demand has run longer than the timeout and some feeder is not known to be dead. */
  private faulted(now: number): boolean {
    if (!(now - this.own.since > this.timeoutMs)) return false;
    for (const f of this.feeders) if (f.live !== false) return true;
    return false;
  }

  private deadUnexplained(now: number): boolean {
    for (const f of this.feeders) if (now - f.unexplainedOffSince > this.timeoutMs) return true;
    return false;
  }

  /**
   * The feeders a power-off has not (or no longer) cut: `F-102 live`, `F-101 re-energised`,
   * `F-103 no status`; a live status older than `silentAfter` says how old it is.
   */
  private unconfirmed(): string[] {
    return this.feeders.flatMap((f) => {
      if (f.live === false) return [];
      if (f.live === null) return [`${f.name} no status`];
      const text = f.offInPowerOff ? `${f.name} re-energised` : `${f.name} live`;
      const age = this.now - f.lastRts;
      return [age > this.silentAfterMs ? `${text} (last status ${Math.round(age / 1000)} s ago)` : text];
    });
  }
}
