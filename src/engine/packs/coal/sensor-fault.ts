import type { Point, Priority, Sample, SensorFaultRule } from '../../../core/index.js';
import { Condition } from '../../condition.js';
import { isUsable, type Evaluator } from '../../evaluator.js';
import { formatValue, renderTemplate, type MessageFacts } from '../../message.js';
import { feedersOf, feedPointsByFeeder } from './feeders.js';

/** The reason of a sensor that sent nothing for more than `silentAfter`. */
export const SILENT = 'silent';

/** What the operator reads for a quality reason; unknown `comm-*` reasons are a comms fault, others shown as they are. */
const EXPLAINED: Readonly<Record<string, string>> = {
  // NAMUR NE 43: below 3.6 mA a broken line or a sensor fault (it would otherwise read 0 % CH4).
  'signal-fault-low': 'loop current below the NAMUR NE 43 fault limit: broken line or sensor fault',
  'signal-fault-high': 'loop current above the NAMUR NE 43 fault limit: short circuit or sensor fault',
  'detector-fault': 'the sensor or its substation reports a fault',
  'comm-lost': 'communication with the sensor lost',
  'comm-timeout': 'the sensor does not answer',
  'comm-frame-error': 'damaged answers from the sensor',
  device: 'the device reports bad quality',
};

/** `signal-fault-low (loop current below …)`, `silent: no data for 65 s`. */
export function explainFault(reason: string, silentAfterMs: number): string {
  if (reason === SILENT) return `silent: no data for more than ${Math.round(silentAfterMs / 1000)} s`;
  const text = EXPLAINED[reason] ?? (reason.startsWith('comm-') ? 'communication fault' : undefined);
  return text === undefined ? reason : `${reason} (${text})`;
}

/**
 * `FAULT` while the latest sample is bad, whatever its reason, or while nothing (of any quality)
 * arrived for more than `silentAfterMs` of gateway time (a sensor that never reported counts from
 * engine start). The next good or uncertain sample returns it to normal. The first reason of a
 * fault is kept for its message: a reason change is not a new alarm.
 */
export class SensorFaultEvaluator implements Evaluator {
  readonly needsTick = true;
  readonly limit: number;
  private current: 'FAULT' | null = null;
  private why: string | null = null;
  /** Receive time of the last sample of any quality. */
  private lastRts: number;

  constructor(
    private readonly silentAfterMs: number,
    readonly priority: Priority,
    startedAt: number,
  ) {
    this.limit = silentAfterMs;
    this.lastRts = startedAt;
  }

  get level(): string | null {
    return this.current;
  }

  /** The quality reason of the current (or last) fault. */
  get reason(): string | null {
    return this.why;
  }

  update(_x: number, sample: Sample): boolean {
    this.lastRts = sample.rts;
    if (isUsable(sample)) return this.set(null, null);
    return this.set('FAULT', sample.quality.reason ?? 'bad');
  }

  tick(now: number): boolean {
    if (this.current !== null || !(now - this.lastRts > this.silentAfterMs)) return false;
    return this.set('FAULT', SILENT);
  }

  seed(level: string | null): boolean {
    if (level !== null && level !== 'FAULT') return false;
    this.current = level;
    this.why = level === null ? null : 'retained';
    return true;
  }

  private set(level: 'FAULT' | null, why: string | null): boolean {
    if (level === this.current) return false;
    this.current = level;
    if (why !== null) this.why = why;
    return true;
  }
}

/**
 * What the operator reads. For a CH4 sensor that cuts feeders, the power-off its fault demands
 * (断线断电): `T2-CH4 FAULT: signal-fault-low (…); methane unknown (last usable 0.7 %): its
 * power-off scope F-101, F-102 must be cut (断线断电)`.
 */
function faultMessage(rule: SensorFaultRule, evaluator: SensorFaultEvaluator, point: Point, f: MessageFacts): string {
  const id = f.point.id;
  if (f.level === null) return `${id} sensor fault cleared (${formatValue(f.value, f.point.unit)})`;
  const reason = explainFault(evaluator.reason ?? 'bad', rule.silentAfterMs);
  if (rule.message !== undefined) return renderTemplate(rule.message, f).replaceAll('{reason}', reason);
  const last = f.value === null ? 'no usable reading yet' : `last usable ${formatValue(f.value, f.point.unit)}`;
  const scope = point.attrs['gas'] === 'CH4' ? feedersOf(point) : undefined;
  if (scope?.kind === 'feeders') return `${id} FAULT: ${reason}; methane unknown (${last}): its power-off scope ${scope.names.join(', ')} must be cut (断线断电)`;
  return `${id} FAULT: ${reason}; the reading cannot be trusted (${last})`;
}

/**
 * The selected points, then (with `feedSensors`) the feed-status points of the feeders the selected
 * CH4 sensors cut: a power-off nobody can verify is a fault too. Each point once, in config order.
 */
function watched(rule: SensorFaultRule, selected: readonly Point[], points: readonly Point[]): Point[] {
  if (!rule.feedSensors) return [...selected];
  const names = new Set<string>();
  for (const p of selected) {
    const scope = p.attrs['gas'] === 'CH4' ? feedersOf(p) : undefined;
    if (scope?.kind === 'feeders') for (const n of scope.names) names.add(n);
  }
  const feeds = new Set([...feedPointsByFeeder(points)].flatMap(([name, list]) => (names.has(name) ? list : [])));
  const chosen = new Set(selected);
  return points.filter((p) => chosen.has(p) || feeds.has(p));
}

/** `sensor-fault`: one condition per watched point. */
export function sensorFaultConditions(rule: SensorFaultRule, selected: readonly Point[], points: readonly Point[], startedAt: number): Condition[] {
  return watched(rule, selected, points).map((point) => {
    const evaluator = new SensorFaultEvaluator(rule.silentAfterMs, rule.priority, startedAt);
    return new Condition(rule, point, evaluator, (f) => faultMessage(rule, evaluator, point, f));
  });
}
