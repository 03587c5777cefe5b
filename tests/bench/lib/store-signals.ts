/**
 * The plant day issue 3 asks the store benchmark to record: 1,000 points at 1 Hz, 40 % random
 * walks at 2-decimal resolution, 30 % noise of ±0.5 % of span around a setpoint, 20 % steps every
 * few minutes, 10 % booleans changing rarely. Deterministic (seeded), so every run stores the same
 * day and figures compare across commits.
 *
 * Choices the issue leaves open, and why:
 * - Kinds interleave by point id (0-3 walk, 4-6 noise, 7-8 step, 9 boolean, repeating), as in a
 *   plant where tags are numbered by unit, not by signal shape.
 * - Span 0-100 for every analog point; noise is published at 3 decimals (0.001 % of span, about
 *   a 16-bit transmitter's resolution), steps at 1 decimal (setpoints and valve positions).
 * - Timestamps: each point is scanned at its own phase within the second (0-999 ms) with up to
 *   ±25 ms of scan jitter, as a PLC or RTU stamps them; not whole seconds (too kind to the
 *   compression) and not uniformly random (a 1 Hz scan never gives 10 ms and 1,990 ms gaps).
 */
export type SignalKind = 'walk' | 'noise' | 'step' | 'boolean';

const KIND_BY_DIGIT: readonly SignalKind[] = ['walk', 'walk', 'walk', 'walk', 'noise', 'noise', 'noise', 'step', 'step', 'boolean'];
const MEAN_BOOLEAN_CHANGE_S = 3_600;
const STEP_EVERY_MIN_S = 120;
const STEP_EVERY_SPREAD_S = 360;
const JITTER_MS = 25;

export function signalKind(point: number): SignalKind {
  return KIND_BY_DIGIT[point % KIND_BY_DIGIT.length] ?? 'walk';
}

/** mulberry32: small, fast and good enough to make signals look like signals. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const round = (v: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
};

/** One second of every point: `value[i]` and `ts[i]` of point i, refilled by `next()`. */
export class PlantDay {
  readonly value: Float64Array;
  readonly ts: Float64Array;
  private readonly state: Float64Array;
  private readonly setpoint: Float64Array;
  private readonly nextStepS: Float64Array;
  private readonly phaseMs: Float64Array;
  private readonly random: () => number;
  private second = 0;

  constructor(
    readonly points: number,
    private readonly startMs: number,
    seed = 20250101,
  ) {
    this.random = seededRandom(seed);
    this.value = new Float64Array(points);
    this.ts = new Float64Array(points);
    this.state = new Float64Array(points);
    this.setpoint = new Float64Array(points);
    this.nextStepS = new Float64Array(points);
    this.phaseMs = new Float64Array(points);
    for (let i = 0; i < points; i++) {
      this.setpoint[i] = round(20 + this.random() * 60, 1);
      this.state[i] = signalKind(i) === 'boolean' ? (this.random() < 0.5 ? 1 : 0) : this.setpoint[i] ?? 0;
      this.phaseMs[i] = JITTER_MS + Math.floor(this.random() * (1000 - 2 * JITTER_MS));
    }
  }

  /** Advances one second and fills `value` and `ts`. */
  next(): void {
    const base = this.startMs + this.second * 1000;
    for (let i = 0; i < this.points; i++) {
      this.value[i] = this.sample(i);
      this.ts[i] = base + (this.phaseMs[i] ?? 0) + Math.round((this.random() * 2 - 1) * JITTER_MS);
    }
    this.second++;
  }

  private sample(i: number): number {
    const s = this.state[i] ?? 0;
    switch (signalKind(i)) {
      case 'walk': {
        let v = round(s + (this.random() - 0.5) * 0.1, 2);
        if (v < 0 || v > 100) v = round(s - (v - s), 2); // reflect at the range ends
        return (this.state[i] = v);
      }
      case 'noise':
        return round((this.setpoint[i] ?? 50) + (this.random() * 2 - 1) * 0.5, 3);
      case 'step':
        if (this.second >= (this.nextStepS[i] ?? 0)) {
          this.state[i] = round(this.random() * 100, 1);
          this.nextStepS[i] = this.second + STEP_EVERY_MIN_S + Math.floor(this.random() * STEP_EVERY_SPREAD_S);
        }
        return this.state[i] ?? 0;
      case 'boolean':
        if (this.random() < 1 / MEAN_BOOLEAN_CHANGE_S) this.state[i] = 1 - s;
        return this.state[i] ?? 0;
    }
  }
}
