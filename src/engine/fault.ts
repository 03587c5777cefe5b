import type { Priority, Sample } from '../core/index.js';
import { isUsable, type Evaluator } from './evaluator.js';

/** The reason of a device that sent nothing for its `silentAfter`. */
export const SILENT = 'silent';

/** What the operator reads for a quality reason (`device` names the thing: detector, sensor). */
function explained(reason: string, device: string): string | undefined {
  switch (reason) {
    // NAMUR NE 43: below 3.6 mA a broken line or a device fault (it would otherwise read 0).
    case 'signal-fault-low':
      return `loop current below the NAMUR NE 43 fault limit: broken line or ${device} fault`;
    case 'signal-fault-high':
      return `loop current above the NAMUR NE 43 fault limit: short circuit or ${device} fault`;
    case 'detector-fault':
      return `the ${device} or its controller reports a fault`;
    case 'comm-lost':
      return `communication with the ${device} lost`;
    case 'comm-timeout':
      return `the ${device} does not answer`;
    case 'comm-frame-error':
      return `damaged answers from the ${device}`;
    case 'device':
      return 'the device reports bad quality';
    default:
      return reason.startsWith('comm-') ? 'communication fault' : undefined;
  }
}

/** `signal-fault-low (loop current below …)`, `silent: no data for 60 s`; unknown reasons as they are. */
export function explainQuality(reason: string, device: string, silentAfterMs: number | undefined): string {
  if (reason === SILENT) return `silent: no data for ${Math.round((silentAfterMs ?? 0) / 1000)} s`;
  const text = explained(reason, device);
  return text === undefined ? reason : `${reason} (${text})`;
}

/**
 * `FAULT` while the latest sample is bad, whatever its reason (NE 43 bands, a vendor status word,
 * comm loss), or once nothing of any quality arrived for `silentAfterMs` of gateway time (a device
 * that never reported counts from engine start): a faulty device never reads as normal. The next
 * good or uncertain sample returns it to normal. The first reason of a fault is kept for its
 * message: a reason change is not a new alarm. Shared by the gas and coal packs.
 */
export class FaultEvaluator implements Evaluator {
  readonly needsTick: boolean;
  readonly limit: number;
  private current: 'FAULT' | null = null;
  private why: string | null = null;
  /** Receive time of the last sample of any quality (gateway clock, as tick uses). */
  private lastRts: number;

  constructor(
    private readonly silentAfterMs: number | undefined,
    readonly priority: Priority,
    startedAt: number,
  ) {
    this.needsTick = silentAfterMs !== undefined;
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
