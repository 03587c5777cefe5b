import { HazgateError, parseAdapterConfig, type Adapter, type AdapterDeps, type AdapterFactory, type AdapterMetric, type EmitReading, type OnAdapterError, type OnStatus } from '../../src/core/index.js';
import { modbusSerialClient, type OpenModbusClient } from './client-port.js';
import { compileLine, type CompiledDevice } from './device-map.js';
import { deviceFamilies } from './device-metrics.js';
import { ModbusLine, type ModbusLineStats } from './line.js';
import { modbusAdapterSchema, type ModbusAdapterConfig } from './schema.js';

/**
 * Modbus TCP/RTU poller: one adapter instance is one line (a TCP connection or a serial port) and
 * the devices on it. It only reads: hazgate never writes to ESD/SIS or any other device.
 */
export class ModbusAdapter implements Adapter {
  readonly kind = 'modbus';
  readonly id: string;
  readonly devices: readonly CompiledDevice[];
  private line: ModbusLine | undefined;
  private lastStats: ModbusLineStats | undefined;

  /** Validates and plans; opens nothing. Throws HG_ERR_CONFIG_INVALID naming device and register. */
  constructor(
    private readonly config: ModbusAdapterConfig,
    private readonly deps: AdapterDeps,
    private readonly openClient: OpenModbusClient = modbusSerialClient,
  ) {
    this.id = config.id;
    const compiled = compileLine(config);
    if (!compiled.ok) {
      const problems = compiled.problems.map((p) => `${p.path.join('.')}: ${p.message}`);
      throw new HazgateError('HG_ERR_CONFIG_INVALID', `modbus adapter ${config.id}: ${problems.join('; ')}`, { adapter: config.id, problems });
    }
    this.devices = compiled.devices;
  }

  /** Live counters of the running line (or of the last run after stop). */
  get stats(): ModbusLineStats | undefined {
    return this.line?.stats ?? this.lastStats;
  }

  /** Resolves after the first attempt to open the line; polling goes on (and reconnects) either way. */
  async start(emit: EmitReading, onError: OnAdapterError, onStatus: OnStatus): Promise<void> {
    if (this.line !== undefined) throw new Error(`modbus adapter ${this.id} is already started`);
    const port = this.openClient(this.config.transport, this.config.timeoutMs);
    this.line = new ModbusLine(
      {
        source: this.id,
        devices: this.devices,
        port,
        clock: this.deps.clock,
        backoff: { initialMs: this.config.backoff.initial, maxMs: this.config.backoff.max },
        reconnectMs: this.config.reconnectMs,
      },
      { emit, onError, onStatus },
    );
    await this.line.start();
  }

  async stop(): Promise<void> {
    const line = this.line;
    this.line = undefined;
    if (line === undefined) return;
    this.lastStats = line.stats;
    await line.stop();
  }

  metrics(): readonly AdapterMetric[] {
    return modbusMetrics(this.id, this.stats);
  }
}

export function modbusMetrics(adapter: string, stats: ModbusLineStats | undefined): AdapterMetric[] {
  const devices = Object.entries(stats?.devices ?? {});
  const outcomes = (['ok', 'timeouts', 'frameErrors', 'disconnected'] as const).map((k) => [k, { ok: 'ok', timeouts: 'timeout', frameErrors: 'frame-error', disconnected: 'disconnected' }[k]] as const);
  return [
    {
      name: 'hazgate_modbus_requests_total',
      help: 'Modbus read requests per device, by outcome (ok, timeout, frame-error, disconnected, exception)',
      type: 'counter',
      labelNames: ['adapter', 'device', 'outcome'],
      values: devices.flatMap(([device, s]) => [
        ...outcomes.map(([key, outcome]) => ({ labels: { adapter, device, outcome }, value: s[key] })),
        { labels: { adapter, device, outcome: 'exception' }, value: Object.values(s.exceptions).reduce((a, b) => a + b, 0) },
      ]),
    },
    {
      name: 'hazgate_modbus_exceptions_total',
      help: 'Modbus exception responses per device, by exception code',
      type: 'counter',
      labelNames: ['adapter', 'device', 'code'],
      values: devices.flatMap(([device, s]) => Object.entries(s.exceptions).map(([code, value]) => ({ labels: { adapter, device, code }, value }))),
    },
    {
      name: 'hazgate_modbus_registers_read_total',
      help: 'Registers and bits read per device',
      type: 'counter',
      labelNames: ['adapter', 'device'],
      values: devices.map(([device, s]) => ({ labels: { adapter, device }, value: s.registersRead })),
    },
    ...deviceFamilies(adapter, devices),
    {
      name: 'hazgate_modbus_poll_overruns_total',
      help: 'Poll cycles skipped because the line was still busy when they came due',
      type: 'counter',
      labelNames: ['adapter'],
      values: [{ labels: { adapter }, value: stats?.overruns ?? 0 }],
    },
  ];
}

/** Parses (again) so direct callers get the defaults and one coded error listing every problem. */
export function parseModbusAdapterConfig(config: unknown): ModbusAdapterConfig {
  return parseAdapterConfig('modbus', modbusAdapterSchema, config);
}

export function createModbusAdapter(config: ModbusAdapterConfig, deps: AdapterDeps, openClient: OpenModbusClient = modbusSerialClient): ModbusAdapter {
  return new ModbusAdapter(parseModbusAdapterConfig(config), deps, openClient);
}

export const modbusAdapterFactory: AdapterFactory<ModbusAdapterConfig> = {
  kind: 'modbus',
  schema: modbusAdapterSchema,
  create: (config, deps) => createModbusAdapter(config, deps),
};
