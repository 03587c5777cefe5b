import { Histogram, type Registry } from 'prom-client';

type HistogramObject = Awaited<ReturnType<Histogram<string>['get']>>;
type HistogramValue = HistogramObject['values'][number];

/** Bucket counts a component keeps itself: per bucket (not cumulative), the last one past every bound. */
export interface BucketCounts {
  readonly counts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/**
 * A histogram read at scrape time from counts the component keeps as plain numbers (the hot path
 * never calls observe()). prom-client has no way to set a histogram's buckets, so its reads are ours.
 */
class MirroredHistogram extends Histogram<string> {
  constructor(
    reg: Registry,
    private readonly spec: { readonly name: string; readonly help: string; readonly label: string; readonly bounds: readonly number[] },
    private readonly read: () => ReadonlyArray<readonly [string, BucketCounts]>,
  ) {
    super({ name: spec.name, help: spec.help, labelNames: [spec.label], buckets: [...spec.bounds], registers: [reg] });
  }

  override async get(): Promise<HistogramObject> {
    return this.getForPromString();
  }

  /**
   * What Registry.metrics() reads (prom-client 15 calls it instead of get() when a metric has it;
   * untyped, pinned by tests/unit/ops-metrics.test.ts, which reads the exposition text).
   */
  async getForPromString(): Promise<HistogramObject> {
    const { name, help, label, bounds } = this.spec;
    const values: HistogramValue[] = [];
    for (const [value, h] of this.read()) {
      let cumulative = 0;
      bounds.forEach((le, i) => {
        cumulative += h.counts[i] ?? 0;
        values.push({ metricName: `${name}_bucket`, labels: { [label]: value, le }, value: cumulative });
      });
      values.push({ metricName: `${name}_bucket`, labels: { [label]: value, le: '+Inf' }, value: h.count });
      values.push({ metricName: `${name}_sum`, labels: { [label]: value }, value: h.sum });
      values.push({ metricName: `${name}_count`, labels: { [label]: value }, value: h.count });
    }
    // prom-client's typings declare `type` a numeric enum; at run time, and in the exposition, it is the string.
    return { name, help, type: 'histogram' as unknown as HistogramObject['type'], aggregator: 'sum', collect: () => undefined, values };
  }
}

/** Registers a histogram with one label whose buckets are counted elsewhere. */
export function mirroredHistogram(reg: Registry, spec: ConstructorParameters<typeof MirroredHistogram>[1], read: () => ReadonlyArray<readonly [string, BucketCounts]>): void {
  new MirroredHistogram(reg, spec, read);
}
