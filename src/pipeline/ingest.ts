import { isHazgateError, type Clock, type HazgateError, type Point, type RawReading, type Sample } from '../core/index.js';
import { normalizeReading } from './normalize.js';

export interface IngestOptions {
  readonly points: readonly Point[];
  readonly clock: Clock;
  readonly maxFutureMs: number;
  /** Every accepted sample, synchronously (rules first, then the bounded store buffer). */
  readonly onSample: (sample: Sample) => void;
  /** Every refused reading and every adapter decode error, already counted. */
  readonly onReject: (error: HazgateError) => void;
}

export interface IngestStats {
  readings: number;
  samples: number;
  /** Refusals by error code. */
  readonly rejected: Map<string, number>;
}

/**
 * The entry of the pipeline: adapters emit raw readings here; each becomes a Sample for the
 * consumers or a counted, coded rejection. Synchronous and allocation-light: this is the hot path.
 */
export class Ingest {
  readonly stats: IngestStats = { readings: 0, samples: 0, rejected: new Map() };
  private readonly points: Map<string, Point>;
  private readonly opts: IngestOptions;

  /** Reused for every reading: the hot path allocates nothing it does not hand on. */
  private readonly ctx: { points: ReadonlyMap<string, Point>; now: number; maxFutureMs: number };

  constructor(opts: IngestOptions) {
    this.opts = opts;
    this.points = new Map(opts.points.map((p) => [p.id, p]));
    this.ctx = { points: this.points, now: 0, maxFutureMs: opts.maxFutureMs };
  }

  /** Bound so adapters can take it as their emit callback. */
  readonly accept = (reading: RawReading): void => {
    this.stats.readings++;
    this.ctx.now = this.opts.clock.now();
    const out = normalizeReading(reading, this.ctx);
    if (isHazgateError(out)) {
      this.refuse(out);
      return;
    }
    this.stats.samples++;
    this.opts.onSample(out);
  };

  /** Counts and reports an error found before a reading could be formed (bad JSON, say). */
  readonly refuse = (error: HazgateError): void => {
    this.stats.rejected.set(error.code, (this.stats.rejected.get(error.code) ?? 0) + 1);
    this.opts.onReject(error);
  };

  hasPoint(id: string): boolean {
    return this.points.has(id);
  }
}
