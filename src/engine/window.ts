/**
 * The minimum (or maximum) of a sliding time window in O(1) amortised per sample: a monotonic deque
 * kept in a growable ring of two Float64Arrays, so steady-state pushes allocate nothing.
 * Samples must be pushed in non-decreasing time order.
 */
export class MonotonicWindow {
  /** Interleaved [time, value] pairs in one buffer: one allocation per window, not two (memory per point). */
  private buf: Float64Array;
  private capacity: number;
  private head = 0;
  private size = 0;

  /** `min` keeps the window minimum at the front, `max` the maximum. */
  constructor(
    private readonly keep: 'min' | 'max',
    capacity = 4,
  ) {
    this.capacity = capacity;
    this.buf = new Float64Array(capacity * 2);
  }

  get length(): number {
    return this.size;
  }

  /** The window's minimum (or maximum); NaN when empty. */
  front(): number {
    return this.size === 0 ? NaN : (this.buf[this.head * 2 + 1] ?? NaN);
  }

  push(time: number, value: number): void {
    // Values the new one dominates can never be the extreme again: drop them from the back.
    while (this.size > 0 && this.dominated(this.valueAt(this.size - 1), value)) this.size--;
    if (this.size === this.capacity) this.grow();
    const i = ((this.head + this.size) % this.capacity) * 2;
    this.buf[i] = time;
    this.buf[i + 1] = value;
    this.size++;
  }

  /** Drops every entry with time < cutoff. */
  evictBefore(cutoff: number): void {
    while (this.size > 0 && (this.buf[this.head * 2] ?? Infinity) < cutoff) {
      this.head = (this.head + 1) % this.capacity;
      this.size--;
    }
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  private valueAt(offset: number): number {
    return this.buf[((this.head + offset) % this.capacity) * 2 + 1] ?? NaN;
  }

  private dominated(old: number, incoming: number): boolean {
    return this.keep === 'min' ? old >= incoming : old <= incoming;
  }

  private grow(): void {
    const n = this.capacity;
    const next = new Float64Array(n * 4);
    for (let k = 0; k < this.size; k++) {
      const i = ((this.head + k) % n) * 2;
      next[k * 2] = this.buf[i] ?? NaN;
      next[k * 2 + 1] = this.buf[i + 1] ?? NaN;
    }
    this.buf = next;
    this.capacity = n * 2;
    this.head = 0;
  }
}
