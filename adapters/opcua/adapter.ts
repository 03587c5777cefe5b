import { join } from 'node:path';
import { metricFamily, parseAdapterConfig, type Adapter, type AdapterDeps, type AdapterFactory, type AdapterMetric, type EmitReading, type OnAdapterError, type OnStatus } from '../../src/core/index.js';
import type { OpcuaConnection, OpcuaStats } from './connection.js';
import { routeOpcuaLogs } from './opcua-log.js';
import { opcuaAdapterSchema, type OpcuaAdapterConfig } from './schema.js';

/** OPC UA client adapter: one server, its subscriptions and monitored items. Read-only. */
export class OpcuaAdapter implements Adapter {
  readonly kind = 'opcua';
  readonly id: string;
  private connection: OpcuaConnection | undefined;
  private lastStats: OpcuaStats | undefined;

  constructor(private readonly config: OpcuaAdapterConfig, private readonly deps: AdapterDeps) {
    this.id = config.id;
  }

  /** The PKI folder: own certificate, trusted/ and rejected/ server certificates. */
  get pkiDir(): string {
    return opcuaPkiDir(this.config, this.deps.dataDir);
  }

  get stats(): OpcuaStats | undefined {
    return this.connection?.stats ?? this.lastStats;
  }

  async start(emit: EmitReading, onError: OnAdapterError, onStatus: OnStatus): Promise<void> {
    if (this.connection !== undefined) throw new Error(`opcua adapter ${this.id} is already started`);
    // node-opcua is loaded on first use: about a second, and a warning on Node 20, that a site
    // without OPC UA should not pay.
    routeOpcuaLogs(this.deps.logger);
    const { OpcuaConnection } = await import('./connection.js');
    this.connection = new OpcuaConnection(this.config, { clock: this.deps.clock, logger: this.deps.logger, pkiDir: this.pkiDir }, { emit, onError, onStatus });
    await this.connection.start();
  }

  async stop(): Promise<void> {
    const c = this.connection;
    this.connection = undefined;
    if (c === undefined) return;
    this.lastStats = c.stats;
    await c.stop();
  }

  metrics(): readonly AdapterMetric[] {
    return opcuaMetrics(this.id, this.stats);
  }
}

/** Where an OPC UA adapter keeps its PKI: `pkiDir`, or `<adapter data dir>/pki`. */
export function opcuaPkiDir(config: Pick<OpcuaAdapterConfig, 'pkiDir'>, adapterDataDir: string): string {
  return config.pkiDir ?? join(adapterDataDir, 'pki');
}

export function opcuaMetrics(adapter: string, s: OpcuaStats | undefined): AdapterMetric[] {
  const counter = (name: string, help: string, value: number): AdapterMetric => metricFamily('counter', name, help, value, { adapter });
  const gauge = (name: string, help: string, value: number): AdapterMetric => metricFamily('gauge', name, help, value, { adapter });
  return [
    counter('hazgate_opcua_data_changes_total', 'OPC UA data change notifications received', s?.dataChanges ?? 0),
    counter('hazgate_opcua_connection_losses_total', 'OPC UA connections lost (server restart, network drop)', s?.connectionLosses ?? 0),
    counter('hazgate_opcua_item_errors_total', 'Monitored items the server refused or browse paths that did not resolve', s?.itemErrors ?? 0),
    gauge('hazgate_opcua_monitored_items', 'Monitored items the server accepted', s?.itemsMonitored ?? 0),
    gauge('hazgate_opcua_subscriptions', 'OPC UA subscriptions of the session', s?.subscriptions ?? 0),
    gauge('hazgate_opcua_last_recovery_seconds', 'From losing the connection to the first new data change, last recovery', (s?.lastRecoveryMs ?? 0) / 1000),
  ];
}

export function parseOpcuaAdapterConfig(config: unknown): OpcuaAdapterConfig {
  return parseAdapterConfig('opcua', opcuaAdapterSchema, config);
}

export function createOpcuaAdapter(config: OpcuaAdapterConfig, deps: AdapterDeps): OpcuaAdapter {
  return new OpcuaAdapter(parseOpcuaAdapterConfig(config), deps);
}

export const opcuaAdapterFactory: AdapterFactory<OpcuaAdapterConfig> = {
  kind: 'opcua',
  schema: opcuaAdapterSchema,
  create: (config, deps) => createOpcuaAdapter(config, deps),
};
