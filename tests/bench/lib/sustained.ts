/**
 * "Sustained" as issue 3 defines it: held for 20 s with QoS 0 publishing, every reading accounted
 * for, no growing backlog. `findMaxSustained` searches coarse to fine with short holds, then
 * confirms the best rate with a full hold and steps down until a confirm passes. It knows nothing
 * of the consumer: the caller's `trial` runs the load (runLoad) and counts what came out, so the
 * same search serves hazgate, the bare MQTT.js subscriber and Node-RED.
 */
export type TrialPhase = 'search' | 'confirm';

export interface TrialOutcome {
  /** Readings the generator sent. */
  readonly sent: number;
  /** Readings the consumer accounted for once drained (processed, and stored where it stores). */
  readonly processed: number;
  /** The generator's own achieved rate, readings/s. */
  readonly achievedRps: number;
  /** From the publishers stopping until processed reached sent; undefined when it never did. */
  readonly drainMs?: number;
  /** A consumer-side failure the counts do not show (rejections, store drops); fails the trial. */
  readonly failure?: string;
}

/** Runs one hold at `rate` readings/s. `phase` lets a consumer do costlier checks on confirms only. */
export type Trial = (rate: number, holdMs: number, phase: TrialPhase) => Promise<TrialOutcome>;

/** Geometric ramp: start, start×factor, … up to max. */
export interface RampPolicy {
  readonly start: number;
  readonly factor: number;
  readonly max: number;
}

export interface SustainedOptions {
  /** Ascending rates to try, or a ramp. The search stops climbing at the first failure. */
  readonly rates: readonly number[] | RampPolicy;
  readonly trial: Trial;
  /** Search holds (default 5 s). */
  readonly holdMs?: number;
  /** The confirming hold (default 20 s: the issue's definition). */
  readonly confirmMs?: number;
  /** Soft time limit for the whole search including confirms (default 90 s); one confirm always runs. */
  readonly budgetMs?: number;
  /** Bisection steps between the last pass and the first failure (default 2). */
  readonly refineSteps?: number;
  /** The generator must reach this share of the target (default 0.97), else the rate is not tested. */
  readonly minGeneratorRatio?: number;
  /**
   * Longest acceptable drain after the publishers stop, as a share of the hold (default 0.05). A
   * consumer running a share f behind for a hold H leaves about f·H of backlog, which takes about
   * f·H to clear: 0.05 accepts at most ~5 % behind (1 s after a 20 s hold), anything more is a
   * growing backlog. Scaling with the hold keeps short search holds as strict as the confirm.
   */
  readonly maxDrainShare?: number;
  /** Floor of that allowance, for a GC or store-flush pause at the very end (default 250 ms). */
  readonly drainFloorMs?: number;
  /** After a failed confirm, try this share of the rate (default 0.85). */
  readonly stepDown?: number;
  readonly log?: (message: string) => void;
}

export interface TrialRecord extends TrialOutcome {
  readonly rate: number;
  readonly holdMs: number;
  readonly phase: TrialPhase;
  readonly passed: boolean;
  readonly reason: string;
  readonly wallMs: number;
}

export interface SustainedResult {
  /** The highest rate that passed a confirming hold; null when none did. */
  readonly maxRps: number | null;
  /** The generator's achieved rate during that confirming hold. */
  readonly genRps: number | null;
  readonly trials: readonly TrialRecord[];
}

/** Two significant figures: trial rates read as 25000, not 25298. */
export const roundRate = (r: number): number => {
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(r, 1))) - 1);
  return Math.max(1, Math.round(r / unit) * unit);
};

export function judgeTrial(rate: number, o: TrialOutcome, minRatio: number, maxDrainMs: number): { passed: boolean; reason: string } {
  if (o.failure !== undefined) return { passed: false, reason: o.failure };
  if (o.achievedRps < rate * minRatio) return { passed: false, reason: `generator reached only ${Math.round(o.achievedRps)}/s (< ${minRatio * 100} % of target)` };
  if (o.processed !== o.sent) return { passed: false, reason: `accounted for ${o.processed} of ${o.sent} readings (${o.sent - o.processed} missing)` };
  if (o.drainMs !== undefined && o.drainMs > maxDrainMs) return { passed: false, reason: `backlog took ${Math.round(o.drainMs)} ms to clear (> ${maxDrainMs})` };
  return { passed: true, reason: `all ${o.sent} accounted for${o.drainMs === undefined ? '' : `, drained in ${Math.round(o.drainMs)} ms`}` };
}

function ascendingRates(rates: SustainedOptions['rates']): number[] {
  if (!('start' in rates)) return [...rates].sort((a, b) => a - b);
  const ramp = rates;
  if (ramp.factor <= 1 || ramp.start <= 0) throw new Error('findMaxSustained: a ramp needs start > 0 and factor > 1');
  const out: number[] = [];
  for (let r = ramp.start; r <= ramp.max; r *= ramp.factor) out.push(roundRate(r));
  return out;
}

export async function findMaxSustained(opts: SustainedOptions): Promise<SustainedResult> {
  const search = new SustainedSearch(opts);
  return search.run();
}

class SustainedSearch {
  private readonly trials: TrialRecord[] = [];
  private readonly started = Date.now();
  private readonly holdMs: number;
  private readonly confirmMs: number;
  private readonly budgetMs: number;

  constructor(private readonly o: SustainedOptions) {
    this.holdMs = o.holdMs ?? 5000;
    this.confirmMs = o.confirmMs ?? 20_000;
    this.budgetMs = o.budgetMs ?? 90_000;
  }

  async run(): Promise<SustainedResult> {
    const { lastPass, firstFail } = await this.climb();
    const best = await this.refine(lastPass, firstFail);
    if (best !== null) return this.confirm(best);
    // Nothing passed a short hold (or there was no time for one): confirm below the lowest failure.
    const fallback = firstFail === null ? ascendingRates(this.o.rates)[0] : roundRate(firstFail * (this.o.stepDown ?? 0.85));
    return this.confirm(fallback ?? 1);
  }

  /** Up the ladder until the first failure; when the first rung fails, down until one passes. */
  private async climb(): Promise<{ lastPass: number | null; firstFail: number | null }> {
    let lastPass: number | null = null;
    let firstFail: number | null = null;
    for (const rate of ascendingRates(this.o.rates)) {
      if (!this.searchTimeLeft()) break;
      if (await this.attempt(rate, this.holdMs, 'search')) lastPass = rate;
      else {
        firstFail = rate;
        break;
      }
    }
    while (lastPass === null && firstFail !== null && this.searchTimeLeft()) {
      const rate = roundRate(firstFail / 2);
      if (rate === firstFail) break;
      if (await this.attempt(rate, this.holdMs, 'search')) lastPass = rate;
      else firstFail = rate;
    }
    return { lastPass, firstFail };
  }

  private async refine(lastPass: number | null, firstFail: number | null): Promise<number | null> {
    let lo = lastPass;
    let hi = firstFail;
    for (let step = 0; step < (this.o.refineSteps ?? 2); step++) {
      if (lo === null || hi === null || hi / lo < 1.08 || !this.searchTimeLeft()) break;
      const mid = roundRate(Math.sqrt(lo * hi));
      if (mid <= lo || mid >= hi) break;
      if (await this.attempt(mid, this.holdMs, 'search')) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Confirms `rate`, stepping down after each failure. The first two confirms always run (a result
   * needs a confirm, and one noisy 20 s hold on a shared machine should not cost the figure);
   * later ones only within the budget.
   */
  private async confirm(first: number): Promise<SustainedResult> {
    const minRatio = this.o.minGeneratorRatio ?? 0.97;
    const stepDown = this.o.stepDown ?? 0.85;
    let rate = first;
    for (let n = 0; ; n++) {
      if (n >= 2 && this.elapsed() + this.confirmMs + this.overheadMs() > this.budgetMs) break;
      if (await this.attempt(rate, this.confirmMs, 'confirm')) {
        const passed = this.trials[this.trials.length - 1];
        return { maxRps: rate, genRps: passed === undefined ? null : Math.round(passed.achievedRps), trials: this.trials };
      }
      const achieved = this.trials[this.trials.length - 1]?.achievedRps ?? 0;
      // When the generator (really the broker behind it) could not carry the rate, a 15 % step
      // may still be above what it carries: go just under what it did carry instead.
      const next = achieved < rate * minRatio ? Math.min(rate * stepDown, achieved * 0.95) : rate * stepDown;
      rate = roundRate(next);
      if (rate < 1) break;
    }
    return { maxRps: null, genRps: null, trials: this.trials };
  }

  private async attempt(rate: number, holdMs: number, phase: TrialPhase): Promise<boolean> {
    const t0 = Date.now();
    const outcome = await this.o.trial(rate, holdMs, phase);
    const maxDrainMs = Math.max(this.o.drainFloorMs ?? 250, holdMs * (this.o.maxDrainShare ?? 0.05));
    const verdict = judgeTrial(rate, outcome, this.o.minGeneratorRatio ?? 0.97, maxDrainMs);
    const record: TrialRecord = { ...outcome, rate, holdMs, phase, ...verdict, wallMs: Date.now() - t0 };
    this.trials.push(record);
    this.o.log?.(`${phase} ${rate}/s for ${holdMs / 1000} s: ${verdict.passed ? 'pass' : 'FAIL'} (${verdict.reason}; generator ${Math.round(outcome.achievedRps)}/s)`);
    return verdict.passed;
  }

  /** Time a trial costs beyond its hold (startup, drain, checks), learnt from the trials so far. */
  private overheadMs(): number {
    if (this.trials.length === 0) return 3000;
    return this.trials.reduce((sum, t) => sum + t.wallMs - t.holdMs, 0) / this.trials.length;
  }

  private elapsed(): number {
    return Date.now() - this.started;
  }

  /** Another search hold fits only if a confirm still fits after it. */
  private searchTimeLeft(): boolean {
    const oneTrial = this.holdMs + this.overheadMs();
    const reserve = this.confirmMs + this.overheadMs();
    return this.elapsed() + oneTrial + reserve <= this.budgetMs;
  }
}

/**
 * Polls `read` (the consumer's running total since the trial began) until it reaches `sent`.
 * Gives up after `windowMs`, or sooner when the count has stopped moving for `stallMs` over at
 * least 8 reads (QoS 0 messages the broker dropped never arrive, so there is nothing to wait for;
 * several reads, because one slow answer from a busy consumer says nothing).
 */
export async function waitAccounted(
  read: () => Promise<number>,
  sent: number,
  windowMs = 3000,
  stallMs = 1500,
  pollMs = 50,
): Promise<{ processed: number; drainMs: number | undefined }> {
  const t0 = performance.now();
  let processed = await read();
  let lastChange = t0;
  let unchangedReads = 0;
  while (processed < sent) {
    const now = performance.now();
    if (now - t0 >= windowMs || (now - lastChange >= stallMs && unchangedReads >= 8)) return { processed, drainMs: undefined };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const next = await read();
    if (next !== processed) {
      lastChange = performance.now();
      unchangedReads = 0;
    } else unchangedReads += 1;
    processed = next;
  }
  return { processed, drainMs: performance.now() - t0 };
}

/** Waits until `read` has not changed for `stableMs`, so a trial never starts on the last one's backlog. */
export async function waitQuiet(read: () => Promise<number>, stableMs = 300, timeoutMs = 30_000, pollMs = 100): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = await read();
  let since = performance.now();
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const next = await read();
    if (next !== last) {
      last = next;
      since = performance.now();
    } else if (performance.now() - since >= stableMs) return;
  }
  throw new Error(`the consumer was still busy after ${timeoutMs} ms (a previous trial's backlog)`);
}
