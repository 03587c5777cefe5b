import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchSiteOptions {
  /** Points `B-0` … `B-<n-1>`, kind gas, %LEL, range 0-100. */
  readonly points: number;
  readonly httpPort: number;
  readonly mqttUrl: string;
  readonly dataDir: string;
  /** MQTT topic prefix: single readings on `<prefix>/<pointId>`, batches on `<prefix>`. */
  readonly topicPrefix: string;
  /** Subscription QoS (the bench publishes QoS 0; peers subscribe at the same QoS). */
  readonly qos: 0 | 1;
  /** Extra point and rule items (YAML flow mappings, one per entry), e.g. the latency probe. */
  readonly extraPoints?: readonly string[];
  readonly extraRules?: readonly string[];
  /** The MQTT client id (default hazgate-bench). */
  readonly clientId?: string;
  /** Subscriptions (YAML flow mappings) instead of the per-point and batch topics. */
  readonly subscriptions?: readonly string[];
  /** Top-level sections appended as they are (e.g. an `influx:` section). */
  readonly extraYaml?: string;
  /** File name in `dir` (default bench-site-<points>.yaml). */
  readonly fileName?: string;
}

export const benchPointId = (i: number): string => `B-${i}`;

/**
 * A site where every point has a threshold, a rate and a stale rule, as issue 3 asks. Written as
 * a file so the gateway is started exactly as a user starts it (`hazgate start --config`).
 */
export function writeBenchSite(dir: string, o: BenchSiteOptions): string {
  const points: string[] = [];
  for (let i = 0; i < o.points; i++) points.push(`  - { id: ${benchPointId(i)}, kind: gas, unit: "%LEL", range: [0, 100], attrs: { bench: "yes" } }`);
  for (const p of o.extraPoints ?? []) points.push(`  - ${p}`);
  const extraRules = (o.extraRules ?? []).map((r) => `  - ${r}`).join('\n');
  const subscriptions = o.subscriptions ?? [`{ topic: "${o.topicPrefix}/{point}", qos: ${o.qos} }`, `{ topic: "${o.topicPrefix}", qos: ${o.qos} }`];
  const yaml = `site: { id: bench }
points:
${points.join('\n')}
rules:
  - id: bench-threshold
    kind: threshold
    select: { match: { bench: "yes" } }
    levels:
      - { name: AL1, direction: high, limit: 25, deadband: 2, priority: 2 }
      - { name: AL2, direction: high, limit: 50, deadband: 2, priority: 1 }
  - id: bench-rate
    kind: rate
    select: { match: { bench: "yes" } }
    window: 30s
    rise: 10
    priority: 3
  - id: bench-stale
    kind: stale
    select: { match: { bench: "yes" } }
    after: 5m
    priority: 2
${extraRules}
adapters:
  - kind: mqtt
    id: bench-mqtt
    url: ${o.mqttUrl}
    clientId: ${o.clientId ?? 'hazgate-bench'}
    cleanSession: true
    subscriptions:
${subscriptions.map((sub) => `      - ${sub}`).join('\n')}
store: { dir: ${o.dataDir}, maxBufferedSamples: 5000000 }
server: { port: ${o.httpPort}, wsMaxBufferedBytes: 67108864 }
${o.extraYaml ?? ''}`;
  const file = join(dir, o.fileName ?? `bench-site-${o.points}.yaml`);
  writeFileSync(file, yaml);
  return file;
}
