import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The site of the `opcua` bench section: one OPC UA server (hazgate's simulator with `loadItems`
 * synthetic Double variables `ns=1;s=Load.<n>`, each changing every tick) and one `opcua` adapter
 * monitoring all of them, one point per item. Written as files so `hazgate simulate` and
 * `hazgate start --config` start exactly as a user starts them.
 */
export const SCENARIO_FILE = 'bench-opcua-scenario.yaml';
export const SITE_FILE = 'bench-opcua-site.yaml';

export interface OpcuaBenchSiteOptions {
  /** Monitored items, one per simulator load variable and one point each. */
  readonly items: number;
  /** Items per subscription (the adapter's `maxItemsPerSubscription`). */
  readonly itemsPerSubscription: number;
  readonly publishingIntervalMs: number;
  readonly tickMs: number;
  /** The simulator listens and the gateway connects here. */
  readonly opcuaPort: number;
  readonly httpPort: number;
  readonly dataDir: string;
  /** The simulator's PKI, kept across its restarts as a real server keeps its certificate. */
  readonly simPkiDir: string;
  readonly gatewayPkiDir: string;
  /** The adapter's reconnect back-off as YAML values (durations), or the adapter's defaults. */
  readonly reconnect?: { readonly initial: string; readonly max: string };
}

/** The point (and the simulator's NodeId string) of load item n: the same text, `Load.<n>`. */
export const loadPointId = (n: number): string => `Load.${n}`;

/** The first and last item of every subscription the adapter makes (it fills them in order). */
export function watchedItems(items: number, itemsPerSubscription: number): number[] {
  const watched: number[] = [];
  for (let first = 0; first < items; first += itemsPerSubscription) {
    watched.push(first);
    const last = Math.min(first + itemsPerSubscription, items) - 1;
    if (last !== first) watched.push(last);
  }
  return watched;
}

/** The scenario only sets the tick; the load variables need no signal of their own. */
export function scenarioYaml(tickMs: number): string {
  return `scenario: opcua-bench\ntickMs: ${tickMs}\nloop: true\ndurationS: 60\nseed: 5\npoints:\n  BENCH-TICK: { base: 1, noise: 0.5, range: [0, 10], decimals: 2 }\n`;
}

/**
 * Security None with anonymous access: the bench measures subscriptions and recovery, not
 * crypto (a secure channel adds its handshake to every reconnect; see BENCHMARKS.md). A threshold
 * rule on every load point that never fires, as a real site evaluates its analog values.
 */
export function siteYaml(o: OpcuaBenchSiteOptions): string {
  const ids = Array.from({ length: o.items }, (_, n) => loadPointId(n));
  const points = ids.map((id) => `  - { id: ${id}, kind: analog, attrs: { bench: load } }`);
  const items = ids.map((id) => `          - { point: ${id}, nodeId: 'ns=1;s=${id}' }`);
  const reconnect = o.reconnect === undefined ? '' : `\n    reconnect: { initial: ${o.reconnect.initial}, max: ${o.reconnect.max} }`;
  return `site: { id: bench-opcua }
points:
${points.join('\n')}
rules:
  - id: bench-load-high
    kind: threshold
    select: { match: { bench: load } }
    levels:
      - { name: HI, direction: high, limit: 1000000, deadband: 1, priority: 2 }
adapters:
  - kind: opcua
    id: bench-opcua
    endpointUrl: opc.tcp://127.0.0.1:${o.opcuaPort}
    securityPolicy: None
    securityMode: None
    pkiDir: ${o.gatewayPkiDir}
    maxItemsPerSubscription: ${o.itemsPerSubscription}${reconnect}
    subscriptions:
      - publishingInterval: ${o.publishingIntervalMs}ms
        items:
${items.join('\n')}
store: { dir: ${o.dataDir} }
server: { host: 127.0.0.1, port: ${o.httpPort} }
simulator:
  scenario: ./${SCENARIO_FILE}
  opcua:
    host: 127.0.0.1
    port: ${o.opcuaPort}
    securityPolicies: [None]
    pkiDir: ${o.simPkiDir}
    loadItems: ${o.items}
`;
}

/** Writes the scenario and the site into `dir`; returns the site file. */
export function writeOpcuaBenchSite(dir: string, o: OpcuaBenchSiteOptions): string {
  writeFileSync(join(dir, SCENARIO_FILE), scenarioYaml(o.tickMs));
  const site = join(dir, SITE_FILE);
  writeFileSync(site, siteYaml(o));
  return site;
}

/**
 * `BENCH_OPCUA_RECONNECT=initial,max` (durations, e.g. `500ms,2s`) overrides the adapter's
 * reconnect back-off in the generated site, to see its effect on recovery; undefined = defaults.
 */
export function reconnectOverride(env: string | undefined): { initial: string; max: string } | undefined {
  if (env === undefined || env.trim() === '') return undefined;
  const parts = env.split(',').map((s) => s.trim());
  const [initial, max] = parts;
  if (parts.length !== 2 || initial === undefined || max === undefined || !/^\d+(ms|s)?$/.test(initial) || !/^\d+(ms|s)?$/.test(max)) {
    throw new Error(`BENCH_OPCUA_RECONNECT is "initial,max" durations such as 500ms,2s; got "${env}"`);
  }
  return { initial, max };
}
