import { HazgateError, type Point, type Priority, type Sample, type ThresholdLevel, type ThresholdRule } from '../core/index.js';
import { isUsable, type Evaluator } from './evaluator.js';

/** Mutable state of one level of an exclusive limit condition. NaN = no delay pending. */
interface LevelState {
  readonly spec: ThresholdLevel;
  readonly high: boolean;
  /** Absolute deadband in engineering units (resolved from `deadbandPct` and the point's span). */
  readonly deadband: number;
  active: boolean;
  /**
   * Receive time (gateway clock) at which the raw condition started to hold (on-delay running).
   * Delays run on the gateway's clock, the one `tick(now)` uses: a device clock that is off, or a
   * replayed backlog, must not make a delay complete early or late.
   */
  onSince: number;
  /** Receive time at which the value came back inside (off-delay running). */
  offSince: number;
}

/** Absolute deadband of a level: `deadband`, else `deadbandPct` of the point's span, else 0. */
export function resolveDeadband(level: ThresholdLevel, point: Point): number {
  if (level.deadband !== undefined) return level.deadband;
  if (level.deadbandPct === undefined || point.range === undefined) return 0;
  return (Math.abs(point.range[1] - point.range[0]) * level.deadbandPct) / 100;
}

/** The raw alarm condition: high at value ≥ limit, low at value ≤ limit. */
function beyond(s: LevelState, x: number): boolean {
  return s.high ? x >= s.spec.limit : x <= s.spec.limit;
}

/**
 * Back inside, hysteresis included: a high level stays active while x > limit − deadband (and, with
 * no deadband, while x ≥ limit, so a value sitting on the limit does not chatter).
 */
function returned(s: LevelState, x: number): boolean {
  const { limit } = s.spec;
  return s.high ? x < limit && x <= limit - s.deadband : x > limit && x >= limit + s.deadband;
}

/** One level's step on a sample: on-delay before activating, off-delay before clearing. */
function stepLevel(s: LevelState, x: number, ts: number): void {
  if (!s.active) {
    s.offSince = NaN;
    if (!beyond(s, x)) {
      s.onSince = NaN;
    } else {
      if (Number.isNaN(s.onSince)) s.onSince = ts;
      if (ts - s.onSince >= s.spec.onDelayMs) activate(s, true);
    }
  } else if (!returned(s, x)) {
    s.offSince = NaN;
  } else {
    if (Number.isNaN(s.offSince)) s.offSince = ts;
    if (ts - s.offSince >= s.spec.offDelayMs) activate(s, false);
  }
}

/**
 * Completes pending delays whose time has come: a pending delay means the last usable sample still
 * holds the condition. A level with no delay pending has NaN there, and `now - NaN >= d` is false.
 */
function tickLevel(s: LevelState, now: number): void {
  if (!s.active && now - s.onSince >= s.spec.onDelayMs) activate(s, true);
  else if (s.active && now - s.offSince >= s.spec.offDelayMs) activate(s, false);
}

function activate(s: LevelState, active: boolean): void {
  s.active = active;
  s.onSince = NaN;
  s.offSince = NaN;
}

/**
 * Which of two active levels the condition shows: the highest active high, the lowest active low;
 * if a high and a low are both active (overlapping limits), the better priority, the high on a tie.
 */
function moreSevere(a: LevelState, b: LevelState): boolean {
  if (a.high === b.high) return a.high ? a.spec.limit > b.spec.limit : a.spec.limit < b.spec.limit;
  if (a.spec.priority !== b.spec.priority) return a.spec.priority < b.spec.priority;
  return a.high;
}

/** Same side of normal and no further out than `s` (a seeded HH implies H is active too). */
function impliedBy(s: LevelState, other: LevelState): boolean {
  if (other.high !== s.high) return false;
  return s.high ? other.spec.limit <= s.spec.limit : other.spec.limit >= s.spec.limit;
}

/**
 * An exclusive multi-level limit condition (OPC UA ExclusiveLimitAlarm): every level keeps its own
 * hysteresis and delays; the condition is in the most severe active level.
 */
export class ThresholdEvaluator implements Evaluator {
  readonly needsTick: boolean;
  private readonly levels: LevelState[];
  private current: LevelState | null = null;
  /** The last sample was bad: hold every level as it is until a usable one arrives. */
  private holding = false;
  /** The active level, or the one last left (for the priority and limit of a return to normal). */
  private shown: LevelState;

  constructor(rule: ThresholdRule, point: Point) {
    this.levels = rule.levels.map((spec) => ({
      spec,
      high: spec.direction === 'high',
      deadband: resolveDeadband(spec, point),
      active: false,
      onSince: NaN,
      offSince: NaN,
    }));
    const first = this.levels[0];
    if (first === undefined) {
      throw new HazgateError('HG_ERR_CONFIG_INVALID', `threshold rule "${rule.id}" has no levels`, { ruleId: rule.id });
    }
    this.shown = first;
    this.needsTick = rule.levels.some((l) => l.onDelayMs > 0 || l.offDelayMs > 0);
  }

  get level(): string | null {
    return this.current === null ? null : this.current.spec.name;
  }

  get priority(): Priority {
    return this.shown.spec.priority;
  }

  get limit(): number {
    return this.shown.spec.limit;
  }

  get audiences(): readonly string[] | undefined {
    return this.shown.spec.audiences;
  }

  update(x: number, sample: Sample): boolean {
    if (!isUsable(sample) || !Number.isFinite(x)) {
      this.holding = true; // no usable value: delays must not complete on time alone
      return false;
    }
    this.holding = false;
    for (const s of this.levels) stepLevel(s, x, sample.rts);
    this.activateImplied(x);
    return this.resolve();
  }

  tick(now: number): boolean {
    if (this.holding) return false;
    for (const s of this.levels) tickLevel(s, now);
    return this.resolve();
  }

  /**
   * A more severe level on the same side proves the milder ones: when HH clears at a value still
   * beyond H, the condition de-escalates to H at once instead of returning to normal while H waits
   * out its own on-delay.
   */
  private activateImplied(x: number): void {
    let best: LevelState | null = null;
    for (const s of this.levels) if (s.active && (best === null || moreSevere(s, best))) best = s;
    const top = best ?? this.current;
    if (top === null) return;
    for (const s of this.levels) if (!s.active && s !== top && impliedBy(top, s) && beyond(s, x)) activate(s, true);
  }

  seed(level: string | null): boolean {
    const target = level === null ? null : this.levels.find((s) => s.spec.name === level);
    if (target === undefined) return false;
    for (const s of this.levels) activate(s, target !== null && impliedBy(target, s));
    this.resolve();
    return true;
  }

  private resolve(): boolean {
    let best: LevelState | null = null;
    for (const s of this.levels) {
      if (s.active && (best === null || moreSevere(s, best))) best = s;
    }
    if (best === this.current) return false;
    this.current = best;
    if (best !== null) this.shown = best;
    return true;
  }
}
