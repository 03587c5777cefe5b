/**
 * When each device of a line is polled next. Pure: times are passed in. A device that answers is
 * polled on its own grid (start + n · interval; cycles missed while the line was busy are skipped
 * and counted, never bunched up); a device that does not is backed off exponentially, so a dead
 * device costs its neighbours one timeout per back-off period, not one per poll.
 */

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

interface Slot {
  readonly intervalMs: number;
  due: number;
  failures: number;
}

export class PollSchedule {
  private readonly slots: Slot[];
  /** Poll cycles skipped because the line was still busy when they were due. */
  overruns = 0;

  constructor(intervals: readonly number[], start: number, private readonly backoff: BackoffPolicy) {
    this.slots = intervals.map((intervalMs) => ({ intervalMs, due: start, failures: 0 }));
  }

  /** The device to poll next (earliest due; ties go to the lower index) and when. */
  next(): { readonly index: number; readonly due: number } {
    let index = 0;
    let due = Number.POSITIVE_INFINITY;
    this.slots.forEach((slot, i) => {
      if (slot.due < due) {
        due = slot.due;
        index = i;
      }
    });
    return { index, due };
  }

  /** The device answered (exceptions count as answers: it is alive). */
  succeeded(index: number, now: number): void {
    const slot = this.slot(index);
    if (slot.failures > 0) {
      // Back on the grid from now, not from the time it went silent.
      slot.failures = 0;
      slot.due = now + slot.intervalMs;
      return;
    }
    let due = slot.due + slot.intervalMs;
    if (due <= now) {
      const missed = Math.floor((now - due) / slot.intervalMs) + 1;
      this.overruns += missed;
      due += missed * slot.intervalMs;
    }
    slot.due = due;
  }

  /** The device did not answer (timeout, no connection): try again after the back-off. */
  failed(index: number, now: number): number {
    const slot = this.slot(index);
    slot.failures++;
    const wait = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(slot.failures - 1, 30));
    // Never poll a failing device more often than a healthy one.
    slot.due = now + Math.max(wait, slot.intervalMs);
    return slot.due - now;
  }

  /** Every backed-off device is due now (the line they could not be reached over is back). */
  resetFailures(now: number): void {
    for (const slot of this.slots) {
      if (slot.failures === 0) continue;
      slot.failures = 0;
      slot.due = Math.min(slot.due, now);
    }
  }

  failures(index: number): number {
    return this.slot(index).failures;
  }

  private slot(index: number): Slot {
    const slot = this.slots[index];
    if (slot === undefined) throw new RangeError(`no device ${index} in this schedule`);
    return slot;
  }
}
