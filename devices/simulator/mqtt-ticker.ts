import { systemClock, type Clock } from '../../src/core/clock.js';
import { HazgateError } from '../../src/core/errors.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { connectWithMqttJs, type ConnectionListener, type ConnectSimulator, type QoS, type SimulatorConnection } from './mqtt-connection.js';
import type { MqttMessage } from './mqtt-messages.js';
import { startTickLoop, systemTimers, type Timers } from './tick-loop.js';

/**
 * What every MQTT simulator does around its messages (the plant devices of mqtt-publisher.ts, the
 * location engine of devices/location): connect, tick, skip ticks while the broker is away (devices
 * send their present values, not a backlog), publish, count, log a lost broker and a failing
 * publish once per outage, stop.
 */

/** One tick as the simulator's messages need it. */
export interface Tick {
  /** Tick n is due at startedAt + n·tickMs. */
  readonly index: number;
  /** The clock when it runs. */
  readonly now: number;
  /** Epoch ms of tick 0 (scenario time 0). */
  readonly startedAt: number;
}

export interface MqttTickerOptions {
  /** For logs: `simulator`, `location simulator`. */
  readonly name: string;
  readonly url: string;
  readonly clientId: string;
  readonly connectTimeoutMs: number;
  readonly connect: ConnectSimulator;
  readonly qos: QoS;
  readonly tickMs: number;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  /** The messages of a tick the broker is there for. */
  readonly messagesAt: (tick: Tick) => readonly MqttMessage[];
}

/** The options every MQTT simulator takes besides its scenario and topics. */
export interface MqttSimulatorBaseOptions {
  /** Broker URL, e.g. `mqtt://localhost:1883`. */
  readonly url: string;
  /** Default `hazgate-sim-<scenario>-<pid>`. */
  readonly clientId?: string;
  /** Default 1. */
  readonly qos?: QoS;
  /** Overrides the scenario's seed (default 1). */
  readonly seed?: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly logger?: Logger;
  /** How long to wait for the first connection; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** How to reach the broker; default mqtt.js (tests pass a fake). */
  readonly connect?: ConnectSimulator;
}

/** What a simulator says of itself to get its ticker: name, log component, scenario, its messages. */
export interface TickerSpec {
  readonly name: string;
  readonly component: string;
  readonly scenario: { readonly name: string; readonly tickMs: number };
  readonly messagesAt: (tick: Tick) => readonly MqttMessage[];
}

/** The ticker options of a simulator, its own options' defaults applied. */
export function tickerOptions(options: MqttSimulatorBaseOptions, spec: TickerSpec): MqttTickerOptions {
  const { scenario } = spec;
  return {
    name: spec.name,
    url: options.url,
    clientId: options.clientId ?? `hazgate-sim-${scenario.name}-${process.pid}`,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    connect: options.connect ?? connectWithMqttJs,
    qos: options.qos ?? 1,
    tickMs: scenario.tickMs,
    clock: options.clock ?? systemClock,
    timers: options.timers ?? systemTimers,
    logger: (options.logger ?? silentLogger).child({ component: spec.component, scenario: scenario.name }),
    messagesAt: spec.messagesAt,
  };
}

/** Counters since start. */
export interface TickerStats {
  readonly ticks: number;
  /** Ticks that published nothing because the broker was away. */
  readonly ticksOffline: number;
  /** Messages handed over (QoS 0) or acknowledged (QoS 1, 2). */
  readonly published: number;
  readonly publishErrors: number;
  readonly connects: number;
  readonly disconnects: number;
}

export interface RunningTicker {
  /** Epoch ms of tick 0. */
  readonly startedAt: number;
  /** A snapshot of the counters. */
  readonly stats: TickerStats;
  /** Stops ticking, then disconnects; nothing is published after it is called. */
  stop(): Promise<void>;
}

type Counters = { -readonly [K in keyof TickerStats]: TickerStats[K] };
type RunState = { stopped: boolean; loggedPublishError: boolean };

/**
 * Resolves once connected and ticking; rejects with HG_ERR_MQTT_CONNECT when the broker cannot be
 * reached within connectTimeoutMs. The connection reconnects by itself afterwards.
 */
export async function startMqttTicker(options: MqttTickerOptions): Promise<RunningTicker> {
  const counters: Counters = { ticks: 0, ticksOffline: 0, published: 0, publishErrors: 0, connects: 0, disconnects: 0 };
  const state: RunState = { stopped: false, loggedPublishError: false };
  const connection = await options.connect({
    url: options.url,
    clientId: options.clientId,
    connectTimeoutMs: options.connectTimeoutMs,
    listener: connectionListener(options, counters, state),
  });
  const startedAt = options.clock.now();
  const onTick = (index: number, now: number): void => {
    if (state.stopped) return;
    counters.ticks += 1;
    if (!connection.isConnected()) {
      counters.ticksOffline += 1;
      return;
    }
    for (const message of options.messagesAt({ index, now, startedAt })) publish(options, connection, message, counters, state);
  };
  const loop = startTickLoop({ tickMs: options.tickMs, clock: options.clock, timers: options.timers, onTick });
  let stopping: Promise<void> | undefined;
  return {
    startedAt,
    get stats() {
      return { ...counters };
    },
    stop() {
      state.stopped = true;
      loop.stop();
      stopping ??= connection.close();
      return stopping;
    },
  };
}

function publish(options: MqttTickerOptions, connection: SimulatorConnection, message: MqttMessage, counters: Counters, state: RunState): void {
  connection.publish(message.topic, message.payload, options.qos).then(
    () => {
      counters.published += 1;
    },
    (error: unknown) => {
      counters.publishErrors += 1;
      // One warning per outage, not one per message: the counter has the total.
      if (state.stopped || state.loggedPublishError) return;
      state.loggedPublishError = true;
      options.logger.warn({ err: error, topic: message.topic }, `${options.name} publish failed`);
    },
  );
}

function connectionListener(options: MqttTickerOptions, counters: Counters, state: RunState): ConnectionListener {
  const { url, logger, name } = options;
  let up = false;
  return {
    onConnect() {
      counters.connects += 1;
      up = true;
      state.loggedPublishError = false;
      logger.info({ url, connects: counters.connects }, counters.connects === 1 ? `${name} connected` : `${name} reconnected`);
    },
    onDown(reason) {
      // mqtt.js reports every failed retry; count and log the loss once.
      if (!up || state.stopped) return;
      up = false;
      counters.disconnects += 1;
      logger.warn({ url, reason }, `${name} lost the broker, reconnecting`);
    },
  };
}

/** A topic (or prefix) with a wildcard or an empty level would make every publish fail at the broker. */
export function checkPublishTopic(topic: string, what: string): string {
  const levels = topic.split('/');
  if (topic.length === 0 || levels.some((level) => level === '' || level.includes('+') || level.includes('#'))) {
    throw new HazgateError('HG_ERR_CLI_USAGE', `${what} "${topic}" is invalid: use levels separated by "/", no wildcards, no empty levels`, { topic });
  }
  return topic;
}
