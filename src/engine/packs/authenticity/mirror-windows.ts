/**
 * The last readings of every point of one group, with a fingerprint of each point's last N readings
 * kept by a rolling hash: one point's new reading costs O(maxLag) map operations (plus an exact
 * comparison of N values for each candidate twin, which only a real or nearly real copy produces).
 * No scan over pairs.
 *
 * Each point keeps the fingerprints of its last `maxLag + 1` windows: the N readings ending at its
 * newest (age 0), at the one before (age 1)… so a copy that runs a reading or two behind its original
 * still matches, from either side. A window is indexed only once full and when it holds at least
 * `minChanges` changes: two detectors both reading 0, or both frozen, are not copies of each other
 * (the flatline rule speaks for frozen ones).
 */

/** Odd multipliers of the two polynomial hashes (mod 2^32). */
const B1 = 0x01000193;
const B2 = 0x5bd1e995;

const NONE: readonly string[] = Object.freeze([]);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function power(base: number, exp: number): number {
  let p = 1;
  for (let i = 0; i < exp; i++) p = Math.imul(p, base) >>> 0;
  return p;
}

/** One point's recent readings and the fingerprints of its windows by age. */
class Track {
  /** The last N + maxLag readings (the oldest window needs them all). */
  readonly ring: Float64Array;
  count = 0;
  /** Rolling hashes of the newest window (of fewer readings until it is full). */
  h1 = 0;
  h2 = 0;
  /** Changes between consecutive readings inside the newest window. */
  changes = 0;
  /** Fingerprint of the window of each age (53 bits, exact in a double) and whether it is indexed. */
  readonly keys: Float64Array;
  readonly valid: Uint8Array;
  /** Chains of tracks sharing a key in the index of each age (intrusive: no allocation per reading). */
  readonly next: (Track | null)[];

  constructor(
    readonly pointId: string,
    samples: number,
    maxLag: number,
  ) {
    this.ring = new Float64Array(samples + maxLag);
    this.keys = new Float64Array(maxLag + 1);
    this.valid = new Uint8Array(maxLag + 1);
    this.next = new Array<Track | null>(maxLag + 1).fill(null);
  }

  /** The reading `back` readings before the newest (0 = the newest). */
  at(back: number): number {
    const n = this.ring.length;
    return this.ring[(((this.count - 1 - back) % n) + n) % n] ?? NaN;
  }
}

export class MirrorWindows {
  private readonly tracks = new Map<string, Track>();
  /** By age: fingerprint → the first track whose window of that age has it. */
  private readonly index: Map<number, Track>[];
  /** B^(N-1): the weight of the reading that leaves the window. */
  private readonly pow1: number;
  private readonly pow2: number;
  private readonly bits = new Float64Array(1);
  private readonly words = new Uint32Array(this.bits.buffer);

  constructor(
    memberIds: readonly string[],
    private readonly samples: number,
    private readonly minChanges: number,
    private readonly maxLag: number,
  ) {
    for (const id of memberIds) this.tracks.set(id, new Track(id, samples, maxLag));
    this.index = Array.from({ length: maxLag + 1 }, () => new Map<number, Track>());
    this.pow1 = power(B1, samples - 1);
    this.pow2 = power(B2, samples - 1);
  }

  /** Adds a reading of a member (finite values only). */
  push(pointId: string, value: number): void {
    const t = this.tracks.get(pointId);
    if (t === undefined) return;
    const x = value === 0 ? 0 : value; // -0 and 0 are the same reading
    const n = this.samples;
    const full = t.count >= n;
    if (t.count >= 1 && x !== t.at(0)) t.changes++;
    if (full && t.at(n - 1) !== t.at(n - 2)) t.changes--; // the oldest change leaves the window
    const in1 = this.mix1(x);
    const in2 = this.mix2(x);
    if (full) {
      const out = t.at(n - 1);
      t.h1 = (Math.imul(t.h1 - Math.imul(this.mix1(out), this.pow1), B1) + in1) >>> 0;
      t.h2 = (Math.imul(t.h2 - Math.imul(this.mix2(out), this.pow2), B2) + in2) >>> 0;
    } else {
      t.h1 = (Math.imul(t.h1, B1) + in1) >>> 0;
      t.h2 = (Math.imul(t.h2, B2) + in2) >>> 0;
    }
    t.ring[t.count % t.ring.length] = x;
    t.count++;
    // Every window grows one reading older: out of the index of its old age, into the next one.
    for (let age = 0; age <= this.maxLag; age++) if (t.valid[age] === 1) this.unlink(age, t);
    for (let age = this.maxLag; age >= 1; age--) {
      t.keys[age] = t.keys[age - 1] ?? 0;
      t.valid[age] = t.valid[age - 1] ?? 0;
    }
    t.keys[0] = (t.h2 >>> 11) * 4294967296 + t.h1;
    t.valid[0] = t.count >= n && t.changes >= this.minChanges ? 1 : 0;
    for (let age = 0; age <= this.maxLag; age++) if (t.valid[age] === 1) this.link(age, t);
  }

  /**
   * Whether a member holds all its windows again (N + maxLag readings): only then can a copy that
   * runs up to `maxLag` readings behind it be matched from either side.
   */
  filled(pointId: string): boolean {
    const t = this.tracks.get(pointId);
    return t !== undefined && t.count >= t.ring.length;
  }

  /**
   * The members whose newest N readings equal N readings of this member ending at most `maxLag`
   * readings back, or the other way round: value for value; sorted; empty when none.
   */
  twinsOf(pointId: string): readonly string[] {
    const t = this.tracks.get(pointId);
    if (t === undefined) return NONE;
    let found: string[] | undefined;
    for (let age = 0; age <= this.maxLag; age++) {
      // t's newest window against the others' windows of every age (t runs behind them)…
      if (t.valid[0] === 1) found = this.collect(age, t.keys[0] ?? 0, t, 0, found);
      // …and t's older windows against the others' newest (they run behind t).
      if (age >= 1 && t.valid[age] === 1) found = this.collect(0, t.keys[age] ?? 0, t, age, found);
    }
    return found === undefined ? NONE : found.sort();
  }

  /** The tracks whose window of age `uAge` has `key` and really equals t's window ending `tBack` readings back. */
  private collect(uAge: number, key: number, t: Track, tBack: number, found: string[] | undefined): string[] | undefined {
    for (let u = this.index[uAge]?.get(key) ?? null; u !== null; u = u.next[uAge] ?? null) {
      if (u === t || found?.includes(u.pointId) === true || !this.same(t, tBack, u, uAge)) continue;
      (found ??= []).push(u.pointId);
    }
    return found;
  }

  /** Exact check behind a hash match: N readings of `a` ending `aBack` before its newest against `b`'s. */
  private same(a: Track, aBack: number, b: Track, bBack: number): boolean {
    for (let i = 0; i < this.samples; i++) if (a.at(aBack + i) !== b.at(bBack + i)) return false;
    return true;
  }

  private mix1(x: number): number {
    this.bits[0] = x;
    return fmix((this.words[0] ?? 0) ^ Math.imul(this.words[1] ?? 0, 0x9e3779b1));
  }

  private mix2(x: number): number {
    this.bits[0] = x;
    return fmix((this.words[1] ?? 0) ^ Math.imul(this.words[0] ?? 0, 0x7feb352d) ^ 0x68e31da4);
  }

  private link(age: number, t: Track): void {
    const index = this.index[age];
    if (index === undefined) return;
    const key = t.keys[age] ?? 0;
    t.next[age] = index.get(key) ?? null;
    index.set(key, t);
  }

  private unlink(age: number, t: Track): void {
    const index = this.index[age];
    if (index === undefined) return;
    const key = t.keys[age] ?? 0;
    const head = index.get(key);
    if (head === t) {
      const rest = t.next[age] ?? null;
      if (rest === null) index.delete(key);
      else index.set(key, rest);
    } else {
      let p = head ?? null;
      while (p !== null && p.next[age] !== t) p = p.next[age] ?? null;
      if (p !== null) p.next[age] = t.next[age] ?? null;
    }
    t.next[age] = null;
  }
}
