import type { CancelTimer, Timers } from '../lib/mqtt/index.js';

/**
 * An edge node's message order (spec 3.0 §6.4.1: seq 0-255, wrapping, reset by NBIRTH). A message
 * ahead of the expected seq is held while the missing ones may still arrive (MQTT keeps order per
 * connection, but bridges and shared brokers do not); when they do not within the reorder timeout,
 * the held messages are released in seq order and `onGap` asks for a rebirth. Pure apart from the
 * injected timers.
 */

/**
 * What happened to a message handed to `accept`. `late`: a seq among the last RECENT ones (a
 * duplicate, or one whose gap was already given up): dropped. `desync`: further behind than that, or
 * a jump of half the ring or more: the node and the host are out of step, dropped (ask for a rebirth).
 */
export type SeqOutcome = 'in-order' | 'held' | 'late' | 'desync';

export interface SeqTrackerOptions<T> {
  readonly reorderTimeoutMs: number;
  readonly timers: Timers;
  /** At most this many messages are held; one more releases them as a timeout would. */
  readonly maxHeld: number;
  /** At most this many bytes (by `sizeOf`) are held; more release them as a timeout would. */
  readonly maxHeldBytes?: number;
  readonly sizeOf?: (item: T) => number;
  /** The timeout passed (or too many were held): `released` in seq order, `missing` the seq that never came. */
  readonly onGap: (released: T[], missing: number) => void;
}

const SEQ_MODULO = 256;
/** Ahead by less than half the ring: later; else earlier (a duplicate, or late past its timeout). */
const HALF = SEQ_MODULO / 2;
/** A message at most this far behind the expected seq was delivered or given up lately: a duplicate, not a loss of sync. */
export const RECENT_SEQS = 32;

export class SeqTracker<T> {
  private expected = 0;
  private readonly held = new Map<number, T>();
  private heldBytes = 0;
  private cancelTimer: CancelTimer | undefined;

  constructor(private readonly options: SeqTrackerOptions<T>) {}

  /** A birth with this seq: the next message is seq + 1; what was held belongs to the old session. */
  reset(birthSeq: number): void {
    this.clear();
    this.expected = next(birthSeq);
  }

  /** Forget everything held (death, stop). */
  clear(): void {
    this.held.clear();
    this.heldBytes = 0;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** The messages to handle now, in seq order, and what became of this one. */
  accept(seq: number, item: T): { readonly ready: T[]; readonly outcome: SeqOutcome } {
    const ahead = (seq - this.expected + SEQ_MODULO) % SEQ_MODULO;
    if (ahead === 0) {
      const ready = [item];
      this.expected = next(seq);
      this.drainInto(ready);
      return { ready, outcome: 'in-order' };
    }
    if (this.held.has(seq)) return { ready: [], outcome: 'late' };
    if (ahead >= HALF) return { ready: [], outcome: SEQ_MODULO - ahead <= RECENT_SEQS ? 'late' : 'desync' };
    this.held.set(seq, item);
    this.heldBytes += this.options.sizeOf?.(item) ?? 0;
    if (this.held.size > this.options.maxHeld || this.heldBytes > (this.options.maxHeldBytes ?? Infinity)) this.expire();
    else this.cancelTimer ??= this.options.timers.schedule(() => this.expire(), this.options.reorderTimeoutMs);
    return { ready: [], outcome: 'held' };
  }

  get heldCount(): number {
    return this.held.size;
  }

  /** Moves past the first missing seq: releases what was held, in seq order. */
  private expire(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const missing = this.expected;
    const released: T[] = [];
    // Skip to the nearest held seq, then take the run from there (and any later runs).
    while (this.held.size > 0) {
      this.expected = next(this.expected);
      this.drainInto(released);
    }
    this.options.onGap(released, missing);
  }

  /** Appends the held messages that now follow in order, advancing `expected`. */
  private drainInto(out: T[]): void {
    for (let item = this.held.get(this.expected); item !== undefined; item = this.held.get(this.expected)) {
      out.push(item);
      this.held.delete(this.expected);
      this.heldBytes -= this.options.sizeOf?.(item) ?? 0;
      this.expected = next(this.expected);
    }
    if (this.held.size === 0) {
      this.heldBytes = 0;
      this.cancelTimer?.();
      this.cancelTimer = undefined;
    }
  }
}

function next(seq: number): number {
  return (seq + 1) % SEQ_MODULO;
}
