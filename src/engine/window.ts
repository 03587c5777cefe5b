/**
 * The minimum (or maximum) of a sliding time window in O(1) amortised per sample: a monotonic deque
 * kept in a growable ring of two Float64Arrays, so steady-state pushes allocate nothing.
 * Samples must be pushed in non-decreasing time order.
 */
export class MonotonicWindow {
  private times: Float64Array;
  private values: Float64Array;
  private head = 0;
  private size = 0;

  /** `min` keeps the window minimum at the front, `max` the maximum. */
  constructor(
    private readonly keep: 'min' | 'max',
    capacity = 16,
  ) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** The window's minimum (or maximum); NaN when empty. */
  front(): number {
    return this.size === 0 ? NaN : (this.values[this.head] ?? NaN);
  }

  push(time: number, value: number): void {
    // Values the new one dominates can never be the extreme again: drop them from the back.
    while (this.size > 0 && this.dominated(this.at(this.size - 1), value)) this.size--;
    if (this.size === this.times.length) this.grow();
    const i = (this.head + this.size) % this.times.length;
    this.times[i] = time;
    this.values[i] = value;
    this.size++;
  }

  /** Drops every entry with time < cutoff. */
  evictBefore(cutoff: number): void {
    while (this.size > 0 && (this.times[this.head] ?? Infinity) < cutoff) {
      this.head = (this.head + 1) % this.times.length;
      this.size--;
    }
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  private at(offset: number): number {
    return this.values[(this.head + offset) % this.values.length] ?? NaN;
  }

  private dominated(old: number, incoming: number): boolean {
    return this.keep === 'min' ? old >= incoming : old <= incoming;
  }

  private grow(): void {
    const n = this.times.length;
    const times = new Float64Array(n * 2);
    const values = new Float64Array(n * 2);
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) % n;
      times[k] = this.times[i] ?? NaN;
      values[k] = this.values[i] ?? NaN;
    }
    this.times = times;
    this.values = values;
    this.head = 0;
  }
}
