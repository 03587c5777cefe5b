import type { FeedKind } from '../core/index.js';

export const OUTBOX_DEFAULTS = {
  /** 256 MiB of message bodies: days of a site's feed (U: size it to the disk and the longest outage you plan for). */
  maxBytes: 256 * 1024 * 1024,
  /** 7 days (U): longer than a long weekend without a link. */
  maxAgeMs: 7 * 24 * 3600 * 1000,
} as const;

export type DropReason = 'age' | 'size';

export interface OutboxStats {
  /** Unacknowledged messages. */
  readonly depth: number;
  /** Their body bytes. */
  readonly bytes: number;
  /** Sequence number and time (epoch ms) of the oldest of them; null when none. */
  readonly oldestSeq: number | null;
  readonly oldestTime: number | null;
  /** The last feed sequence number given. */
  readonly lastSeq: number;
  /** Everything up to here is acknowledged by the centre. */
  readonly ackedSeq: number;
  /** The highest journal sequence number copied in. */
  readonly journalSeq: number;
  /** Messages dropped at the bounds since the outbox was created, by kind. */
  readonly dropped: Readonly<Record<FeedKind, number>>;
}

export function zeroByKind(): Record<FeedKind, number> {
  return { journal: 0, snapshot: 0, status: 0, head: 0 };
}

/** Fill levels at which the gateway warns (%), long before the bounds drop anything. */
export const FILL_WARNINGS = [50, 80] as const;

export interface FillCrossing {
  /** The warning level in force before and after, % (0, 50, 80; 100: at the bound, messages are being dropped). */
  readonly from: number;
  readonly to: number;
  readonly fill: number;
}

/**
 * Turns the outbox's fill ratio into one log line per crossing of 50 %, 80 % and 100 % (up or
 * down) instead of one per append: feed it `outbox.fill(now)` after appends and on a timer.
 */
export class FillWatch {
  private level = 0;

  constructor(private readonly levels: readonly number[] = [...FILL_WARNINGS, 100]) {}

  update(fill: number): FillCrossing | null {
    const pct = fill * 100;
    const level = this.levels.filter((l) => pct >= l).reduce((a, b) => Math.max(a, b), 0);
    if (level === this.level) return null;
    const crossing = { from: this.level, to: level, fill };
    this.level = level;
    return crossing;
  }

  /** The warning level in force now (0, 50, 80 or 100). */
  current(): number {
    return this.level;
  }
}
