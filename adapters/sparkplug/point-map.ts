import type { SparkplugPointConfig } from './schema.js';

/**
 * Which hazgate point a metric feeds: an explicit `points` entry (group/node/device/metric) first,
 * else the `point` template. Pure; resolved once per metric at each birth, not per message.
 */

const PLACEHOLDERS = ['group', 'node', 'device', 'metric'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

/** Every problem with a `point` template; empty when it is valid. */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  const names = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? '');
  for (const name of names) if (!(PLACEHOLDERS as readonly string[]).includes(name)) problems.push(`unknown placeholder {${name}}: use {group}, {node}, {device} or {metric}`);
  if (!names.includes('metric')) problems.push('the template must use {metric}');
  return problems;
}

/** Where a metric comes from. `device` is undefined for the edge node's own metrics. */
export interface MetricSource {
  readonly group: string;
  readonly node: string;
  readonly device: string | undefined;
}

export class PointMap {
  private readonly explicit = new Map<string, string>();

  constructor(
    points: readonly SparkplugPointConfig[],
    private readonly template: string | undefined,
  ) {
    for (const p of points) this.explicit.set(keyOf(p.group ?? '*', p.node, p.device, p.metric), p.id);
  }

  pointOf(source: MetricSource, metric: string): string | undefined {
    const { group, node, device } = source;
    const named = this.explicit.get(keyOf(group, node, device, metric)) ?? this.explicit.get(keyOf('*', node, device, metric));
    if (named !== undefined || this.template === undefined || isControlMetric(metric)) return named;
    // A template naming {device} maps device metrics only.
    if (device === undefined && this.template.includes('{device}')) return undefined;
    const values: Record<Placeholder, string> = { group, node, device: device ?? '', metric };
    return this.template.replace(/\{(group|node|device|metric)\}/g, (_m, name: Placeholder) => values[name]);
  }
}

/** Metrics the spec reserves for node management (spec 3.0 §6.4.18-19), never process values. */
function isControlMetric(metric: string): boolean {
  return metric === 'bdSeq' || metric.startsWith('Node Control/') || metric.startsWith('Device Control/');
}

function keyOf(group: string, node: string, device: string | undefined, metric: string): string {
  return `${group}\u0000${node}\u0000${device ?? ''}\u0000${metric}`;
}
