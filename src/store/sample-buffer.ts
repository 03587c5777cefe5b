import { allocColumns, type SampleBatch, type SampleColumns } from './sample-batch.js';

const INITIAL_CAPACITY = 4096;

/** What a flush did with the samples it took: the buffer forgets them only once they are written. */
export type FlushOutcome = 'written' | 'failed';

/**
 * The write buffer: a columnar ring of at most `maxSamples` samples, so `write()` allocates no
 * object per sample. It grows by doubling up to the cap; when full it drops the oldest sample
 * (eKuiper's drop-oldest policy) and counts it.
 *
 * A flush copies the buffered samples (`beginFlush`) and the buffer keeps them until the flush
 * ends: written ones are then forgotten, failed ones stay to be retried. A sample that overflow
 * drops while its flush is in flight is counted as dropped only if that flush fails.
 */
export class SampleBuffer {
  private capacity: number;
  private point: Int32Array;
  private ts: Float64Array;
  private value: Float64Array;
  private quality: Uint8Array;
  private reason: Int32Array;
  /** Physical index of the oldest sample, and how many are buffered. */
  private head = 0;
  private size = 0;
  /** Sequence number of the oldest buffered sample; sequence numbers never repeat. */
  private firstSeq = 0;
  /** Samples with a sequence number below this are being written by the flush in flight. */
  private inFlightEnd = 0;
  private droppedInFlight = 0;
  private overflowing = false;
  private droppedCount = 0;

  constructor(
    private readonly maxSamples: number,
    /** Called once when the buffer starts dropping, again only after a flush made room. */
    private readonly onOverflow: () => void,
  ) {
    this.capacity = Math.min(maxSamples, INITIAL_CAPACITY);
    this.point = new Int32Array(this.capacity);
    this.ts = new Float64Array(this.capacity);
    this.value = new Float64Array(this.capacity);
    this.quality = new Uint8Array(this.capacity);
    this.reason = new Int32Array(this.capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Samples lost to overflow (not counting those whose flush later succeeded). */
  get dropped(): number {
    return this.droppedCount;
  }

  push(point: number, ts: number, value: number, quality: number, reason: number): void {
    if (this.size === this.capacity) this.makeRoom();
    const i = (this.head + this.size) % this.capacity;
    this.point[i] = point;
    this.ts[i] = ts;
    this.value[i] = value;
    this.quality[i] = quality;
    this.reason[i] = reason;
    this.size++;
  }

  /** Copies everything buffered; the samples stay until `endFlush`. */
  beginFlush(): SampleBatch {
    this.inFlightEnd = this.firstSeq + this.size;
    return this.copy();
  }

  endFlush(outcome: FlushOutcome): void {
    if (outcome === 'written') {
      this.discard(Math.max(0, this.inFlightEnd - this.firstSeq));
      this.overflowing = false;
    } else {
      this.droppedCount += this.droppedInFlight;
    }
    this.droppedInFlight = 0;
    this.inFlightEnd = this.firstSeq;
  }

  /** Buffered samples of one point with from ≤ ts ≤ to, oldest first (for queries). */
  collect(point: number, from: number, to: number): SampleColumns {
    const hits: number[] = [];
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) % this.capacity;
      const ts = this.ts[i] ?? 0;
      if (this.point[i] === point && ts >= from && ts <= to) hits.push(i);
    }
    // Stable: samples of equal ts keep their arrival order.
    hits.sort((x, y) => (this.ts[x] ?? 0) - (this.ts[y] ?? 0));
    const out = allocColumns(hits.length);
    hits.forEach((i, k) => {
      out.ts[k] = this.ts[i] ?? 0;
      out.value[k] = this.value[i] ?? 0;
      out.quality[k] = this.quality[i] ?? 0;
      out.reason[k] = this.reason[i] ?? 0;
    });
    return out;
  }

  private makeRoom(): void {
    if (this.capacity < this.maxSamples) this.grow();
    else this.dropOldest();
  }

  private dropOldest(): void {
    if (this.firstSeq < this.inFlightEnd) this.droppedInFlight++;
    else this.droppedCount++;
    this.discard(1);
    if (!this.overflowing) {
      this.overflowing = true;
      this.onOverflow();
    }
  }

  private discard(n: number): void {
    this.head = (this.head + n) % this.capacity;
    this.size -= n;
    this.firstSeq += n;
  }

  private grow(): void {
    const old = this.copy();
    this.capacity = Math.min(this.maxSamples, this.capacity * 2);
    this.point = new Int32Array(this.capacity);
    this.ts = new Float64Array(this.capacity);
    this.value = new Float64Array(this.capacity);
    this.quality = new Uint8Array(this.capacity);
    this.reason = new Int32Array(this.capacity);
    this.point.set(old.point);
    this.ts.set(old.ts);
    this.value.set(old.value);
    this.quality.set(old.quality);
    this.reason.set(old.reason);
    this.head = 0;
  }

  /** The buffered samples in order, as fresh arrays (the ring wraps at most once). */
  private copy(): SampleBatch {
    const n = this.size;
    const firstPart = Math.min(n, this.capacity - this.head);
    const take = <T extends Int32Array | Float64Array | Uint8Array>(col: T, out: T): T => {
      out.set(col.subarray(this.head, this.head + firstPart));
      out.set(col.subarray(0, n - firstPart), firstPart);
      return out;
    };
    return {
      length: n,
      point: take(this.point, new Int32Array(n)),
      ts: take(this.ts, new Float64Array(n)),
      value: take(this.value, new Float64Array(n)),
      quality: take(this.quality, new Uint8Array(n)),
      reason: take(this.reason, new Int32Array(n)),
    };
  }
}
