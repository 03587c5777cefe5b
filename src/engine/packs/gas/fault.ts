import type { DetectorFaultRule, Point, Priority, Sample } from '../../../core/index.js';
import { Condition } from '../../condition.js';
import { isUsable, type Evaluator } from '../../evaluator.js';
import { formatValue, renderTemplate, type MessageFacts } from '../../message.js';

/** The reason a silent detector is in fault (no sample of any quality for `silentAfter`). */
export const SILENT = 'silent';

/** What the operator reads for a quality reason; unknown reasons are shown as they are. */
const EXPLAINED: Readonly<Record<string, string>> = {
  // NAMUR NE 43: below 3.6 mA a broken wire or a detector fault; the value would read as 0 %LEL.
  'signal-fault-low': 'loop current below the NAMUR NE 43 fault limit (broken wire or detector fault)',
  'signal-fault-high': 'loop current above the NAMUR NE 43 fault limit (short circuit or detector fault)',
  'detector-fault': 'the detector or its controller reports a fault',
  'comm-lost': 'communication with the detector lost',
  'comm-timeout': 'the detector does not answer',
  'comm-frame-error': 'damaged answers from the detector',
  device: 'the device reports bad quality',
};

/** `signal-fault-low (loop current below …)`. */
export function explainReason(reason: string, silentAfterMs: number | undefined): string {
  if (reason === SILENT) return `silent: no data for ${Math.round((silentAfterMs ?? 0) / 1000)} s`;
  const text = EXPLAINED[reason] ?? (reason.startsWith('comm-') ? 'communication fault' : undefined);
  return text === undefined ? reason : `${reason} (${text})`;
}

/**
 * `FAULT` while the latest sample is bad, whatever its reason (NE 43 bands, a vendor status word,
 * comm loss), or while nothing arrived for `silentAfterMs`: a faulty detector never reads as normal.
 * The next good or uncertain sample returns it to normal. The first reason of a fault is kept for
 * its message (a reason change is not a new alarm).
 */
export class DetectorFaultEvaluator implements Evaluator {
  readonly needsTick: boolean;
  readonly priority: Priority;
  readonly limit: number;
  private current: 'FAULT' | null = null;
  private why: string | null = null;
  /** Receive time of the last sample of any quality (gateway clock, as tick uses). */
  private lastRts: number;

  constructor(
    private readonly silentAfterMs: number | undefined,
    priority: Priority,
    startedAt: number,
  ) {
    this.needsTick = silentAfterMs !== undefined;
    this.priority = priority;
    this.limit = silentAfterMs ?? 0;
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
    if (this.silentAfterMs === undefined || this.current !== null || now - this.lastRts < this.silentAfterMs) return false;
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

function faultMessage(rule: DetectorFaultRule, evaluator: DetectorFaultEvaluator, f: MessageFacts): string {
  const id = f.point.id;
  if (f.level === null) return `${id} detector fault cleared (${formatValue(f.value, f.point.unit)})`;
  const reason = explainReason(evaluator.reason ?? 'bad', rule.silentAfterMs);
  if (rule.message !== undefined) return renderTemplate(rule.message, f).replaceAll('{reason}', reason);
  return `${id} FAULT: ${reason}; the reading cannot be trusted (last usable ${formatValue(f.value, f.point.unit)})`;
}

/** `detector-fault`: one condition per selected point. */
export function detectorFaultConditions(rule: DetectorFaultRule, selected: readonly Point[], startedAt: number): Condition[] {
  return selected.map((point) => {
    const evaluator = new DetectorFaultEvaluator(rule.silentAfterMs, rule.priority, startedAt);
    return new Condition(rule, point, evaluator, (f) => faultMessage(rule, evaluator, f));
  });
}
