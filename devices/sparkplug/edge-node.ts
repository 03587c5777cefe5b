import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { HazgateError } from '../../src/core/errors.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { decodeSparkplugPayload, encodeSparkplugPayload, SPARKPLUG_DATATYPE, type SparkplugMetricInput } from '../../src/core/sparkplug-payload.js';
import { readingsAt, type SimReading } from '../simulator/readings.js';
import { DEFAULT_SEED, type Scenario } from '../simulator/scenario.js';
import { startTickLoop, systemTimers, type TickLoop, type Timers } from '../simulator/tick-loop.js';
import { birthMetrics, dataMetrics, edgeLayout, type EdgeDeviceSpec, type EdgeLayout, type EdgeMetricDef } from './edge-metrics.js';

export interface SparkplugEdgeOptions {
  readonly scenario: Scenario;
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883`. */
  readonly url: string;
  readonly group: string;
  readonly node: string;
  /** Devices and the scenario points each publishes; the others are the node's own metrics. */
  readonly devices?: readonly EdgeDeviceSpec[];
  /** First alias (default 1). */
  readonly aliasBase?: number;
  readonly seed?: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly logger?: Logger;
  /** Default 10 s: the first connection must succeed within it. */
  readonly connectTimeoutMs?: number;
}

export interface SparkplugEdgeStats {
  connections: number;
  births: number;
  dataMessages: number;
  rebirthCommands: number;
}

export interface RunningSparkplugEdge {
  readonly stats: Readonly<SparkplugEdgeStats>;
  /** bdSeq of the current connection (its will and its NBIRTH carry it). */
  readonly bdSeq: number;
  /** Test hook: the next data message's seq is one more than it should be (a gap hazgate must notice). */
  skipSeq(): void;
  /** Test hook: the next data message is held back `ms` and sent after the one following it. */
  delayNext(ms: number): void;
  /** Test hook: aliases start at `base` from the next birth on. */
  setAliasBase(base: number): void;
  /** Publishes NBIRTH and the DBIRTHs now (as after an NCMD Rebirth). */
  rebirth(): Promise<void>;
  /** Test hook: drops the connection without DISCONNECT, so the broker publishes the NDEATH will. */
  die(): Promise<void>;
  /** Connects again after die(): bdSeq + 1, new births. */
  revive(): Promise<void>;
  /** Publishes NDEATH, disconnects, stops ticking. */
  stop(): Promise<void>;
}

const NS = 'spBv1.0';
const REBIRTH = 'Node Control/Rebirth';

/**
 * A simulated Sparkplug B edge node (spec 3.0 §5, edge node side): connects with NDEATH (bdSeq) as
 * its will, publishes NBIRTH with every node metric and a DBIRTH per device, then every scenario
 * tick NDATA/DDATA by alias with seq 0-255 (wrapping), and answers NCMD Node Control/Rebirth with
 * new births. bdSeq grows by one per connection. Test hooks force a seq gap, reorder two
 * messages, change the aliases, and kill the connection without DISCONNECT.
 */
export async function startSparkplugEdge(options: SparkplugEdgeOptions): Promise<RunningSparkplugEdge> {
  const edge = new SparkplugEdge(options);
  await edge.connect();
  return edge;
}

class SparkplugEdge implements RunningSparkplugEdge {
  readonly stats: SparkplugEdgeStats = { connections: 0, births: 0, dataMessages: 0, rebirthCommands: 0 };
  bdSeq = -1;
  private client: MqttClient | undefined;
  private seq = 0;
  private layout: EdgeLayout;
  private loop: TickLoop | undefined;
  private tickIndex = 0;
  private skipPending = false;
  /** Births published on the current connection: data waits for them (false while births are going out). */
  private born = false;
  /** Births and ticks one after the other: no data between an NBIRTH and its DBIRTHs, no two sets of births interleaved. */
  private turn: Promise<void> = Promise.resolve();
  private delay: number | undefined;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly seed: number;

  constructor(private readonly options: SparkplugEdgeOptions) {
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
    this.logger = options.logger ?? silentLogger;
    this.seed = options.seed ?? options.scenario.seed ?? DEFAULT_SEED;
    this.layout = edgeLayout(options.scenario, options.devices ?? [], options.aliasBase ?? 1);
  }

  async connect(): Promise<void> {
    const { url, group, node } = this.options;
    this.bdSeq = (this.bdSeq + 1) % 256;
    const clientOptions: IClientOptions = {
      clientId: `hazgate-sim-spb-${group}-${node}-${process.pid}`,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      queueQoSZero: false,
      will: { topic: this.topic('NDEATH'), payload: Buffer.from(this.deathPayload()), qos: 1, retain: false },
    };
    const client = connect(url, clientOptions);
    this.client = client;
    // Each later connection of this client is a new session: a new bdSeq in its will and its birth.
    client.on('close', () => {
      if (this.client !== client) return;
      this.born = false;
      this.bdSeq = (this.bdSeq + 1) % 256;
      client.options.will = { topic: this.topic('NDEATH'), payload: Buffer.from(this.deathPayload()), qos: 1, retain: false };
    });
    client.on('message', (topic, payload) => this.command(topic, payload));
    client.on('connect', () => void this.online(client).catch((e: unknown) => this.logger.warn({ err: e }, 'sparkplug simulator: births failed')));
    await waitForConnect(client, url, clientOptions.connectTimeout ?? 10_000);
    this.loop ??= startTickLoop({ tickMs: this.options.scenario.tickMs, clock: this.clock, timers: this.timers, onTick: (tick) => void this.serially(() => this.tick(tick)).catch(() => undefined) });
  }

  skipSeq(): void {
    this.skipPending = true;
  }

  delayNext(ms: number): void {
    this.delay = ms;
  }

  setAliasBase(base: number): void {
    this.layout = edgeLayout(this.options.scenario, this.options.devices ?? [], base);
  }

  async rebirth(): Promise<void> {
    const client = this.client;
    if (client?.connected === true) await this.serially(() => this.births(client));
  }

  async die(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.born = false;
    if (client === undefined) return;
    // No DISCONNECT: the broker sees the socket close and publishes the will (MQTT 3.1.1 §3.1.2.5).
    client.stream.destroy();
    await client.endAsync(true);
  }

  revive(): Promise<void> {
    return this.connect();
  }

  async stop(): Promise<void> {
    this.loop?.stop();
    this.loop = undefined;
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    if (client.connected) await client.publishAsync(this.topic('NDEATH'), Buffer.from(this.deathPayload()), { qos: 1 }).catch(() => undefined);
    await client.endAsync(!client.connected);
  }

  /** Connected: listen for commands, then be born. */
  private async online(client: MqttClient): Promise<void> {
    this.stats.connections += 1;
    await client.subscribeAsync(this.topic('NCMD'), { qos: 0 });
    await this.serially(() => this.births(client));
  }

  /** Runs `step` after every step queued before it; a failed step does not stop the ones after. */
  private serially(step: () => Promise<void>): Promise<void> {
    const run = this.turn.then(step);
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** Only through serially(). */
  private async births(client: MqttClient): Promise<void> {
    this.born = false;
    const now = this.clock.now();
    const readings = this.readingsNow();
    this.seq = 0;
    const node: SparkplugMetricInput[] = [
      { name: 'bdSeq', datatype: SPARKPLUG_DATATYPE.Int64, value: this.bdSeq, timestamp: now },
      { name: REBIRTH, datatype: SPARKPLUG_DATATYPE.Boolean, value: false, timestamp: now },
      ...birthMetrics(this.layout.node, readings, now),
    ];
    await this.send(client, this.topic('NBIRTH'), node, now, 0);
    for (const [device, defs] of this.layout.devices) await this.send(client, this.topic('DBIRTH', device), birthMetrics(defs, readings, now), now, this.nextSeq());
    this.born = true;
    this.stats.births += 1;
  }

  private async tick(tick: number): Promise<void> {
    this.tickIndex = tick;
    const client = this.client;
    if (client?.connected !== true || !this.born) return;
    const now = this.clock.now();
    const readings = this.readingsNow();
    const messages: [string, readonly EdgeMetricDef[]][] = [[this.topic('NDATA'), this.layout.node], ...[...this.layout.devices].map(([d, defs]): [string, readonly EdgeMetricDef[]] => [this.topic('DDATA', d), defs])];
    for (const [topic, defs] of messages) {
      const metrics = dataMetrics(defs, readings, now);
      if (metrics.length === 0) continue;
      if (this.skipPending) {
        this.skipPending = false;
        this.nextSeq();
      }
      const seq = this.nextSeq();
      const delay = this.delay;
      this.delay = undefined;
      if (delay === undefined) await this.send(client, topic, metrics, now, seq);
      else this.timers.schedule(() => void this.send(client, topic, metrics, now, seq).catch(() => undefined), delay);
      this.stats.dataMessages += 1;
    }
  }

  /** NCMD Node Control/Rebirth = true: births again. Nothing else is obeyed (the simulator has no outputs). */
  private command(topic: string, payload: Buffer): void {
    if (topic !== this.topic('NCMD')) return;
    let rebirth = false;
    try {
      rebirth = decodeSparkplugPayload(payload).metrics.some((m) => m.name === REBIRTH && m.booleanValue === true);
    } catch (e) {
      this.logger.warn({ err: e instanceof HazgateError ? e.code : e }, 'sparkplug simulator: an NCMD that does not decode');
    }
    if (!rebirth || this.client === undefined) return;
    this.stats.rebirthCommands += 1;
    const client = this.client;
    void this.serially(() => this.births(client)).catch(() => undefined);
  }

  private readingsNow(): Map<string, SimReading> {
    const { scenario } = this.options;
    return new Map(readingsAt(scenario, this.tickIndex * scenario.tickMs, this.seed).map((r) => [r.pointId, r]));
  }

  private async send(client: MqttClient, topic: string, metrics: readonly SparkplugMetricInput[], timestamp: number, seq: number): Promise<void> {
    await client.publishAsync(topic, Buffer.from(encodeSparkplugPayload({ timestamp, seq, metrics })), { qos: 0 });
  }

  /** The seq of the next message (NBIRTH is 0; 255 wraps to 0). */
  private nextSeq(): number {
    this.seq = (this.seq + 1) % 256;
    return this.seq;
  }

  private deathPayload(): Uint8Array {
    return encodeSparkplugPayload({ timestamp: this.clock.now(), metrics: [{ name: 'bdSeq', datatype: SPARKPLUG_DATATYPE.Int64, value: this.bdSeq }] });
  }

  private topic(type: string, device?: string): string {
    const { group, node } = this.options;
    return device === undefined ? `${NS}/${group}/${type}/${node}` : `${NS}/${group}/${type}/${node}/${device}`;
  }
}

function waitForConnect(client: MqttClient, url: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.end(true);
      reject(new HazgateError('HG_ERR_MQTT_CONNECT', `Sparkplug simulator cannot connect to ${url} within ${timeoutMs} ms`, { url }));
    }, timeoutMs);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
