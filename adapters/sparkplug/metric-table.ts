import type { SparkplugMetric } from '../../src/core/sparkplug-payload.js';

/** What a birth certificate declared about one metric. */
export interface MetricDef {
  readonly name: string;
  readonly datatype: number | undefined;
  /** The hazgate point it feeds, undefined when the mapping names none. */
  readonly pointId: string | undefined;
}

/**
 * The metrics of one edge node or device as its last birth declared them, by name and by alias
 * (spec 3.0 §6.4.20: data messages may name a metric by alias only). Replaced as a whole at each
 * birth: an alias means what the newest birth says. Pure.
 */
export class MetricTable {
  private readonly byName = new Map<string, MetricDef>();
  private readonly byAlias = new Map<bigint, MetricDef>();

  /** `pointOf` maps a metric name to its point. Birth metrics without a name are left out (the caller counts them). */
  static fromBirth(metrics: readonly SparkplugMetric[], pointOf: (metricName: string) => string | undefined): MetricTable {
    const table = new MetricTable();
    for (const m of metrics) {
      if (m.name === undefined) continue;
      const def: MetricDef = { name: m.name, datatype: m.datatype, pointId: pointOf(m.name) };
      table.byName.set(m.name, def);
      if (m.alias !== undefined) table.byAlias.set(m.alias, def);
    }
    return table;
  }

  /** The birth's definition of a data message's metric (by name first, else alias), or why there is none. */
  resolve(m: SparkplugMetric): MetricDef | 'unknown-alias' | 'unnamed' | 'unknown-name' {
    if (m.name !== undefined) return this.byName.get(m.name) ?? 'unknown-name';
    if (m.alias === undefined) return 'unnamed';
    return this.byAlias.get(m.alias) ?? 'unknown-alias';
  }

  /** The points this birth's metrics feed. */
  pointIds(): Set<string> {
    const ids = new Set<string>();
    for (const def of this.byName.values()) if (def.pointId !== undefined) ids.add(def.pointId);
    return ids;
  }

  get size(): number {
    return this.byName.size;
  }
}
