import { systemClock, type Clock } from '../../src/core/clock.js';
import { HazgateError } from '../../src/core/errors.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { connectWithMqttJs, type ConnectionListener, type ConnectSimulator, type QoS, type SimulatorConnection } from './mqtt-connection.js';
import { buildMqttMessages, type BatchMode } from './mqtt-messages.js';
import { readingsAt } from './readings.js';
import { DEFAULT_SEED, type Scenario } from './scenario.js';
import { startTickLoop, systemTimers, type Timers } from './tick-loop.js';

export interface MqttSimulatorOptions {
  readonly scenario: Scenario;
  /** Broker URL, e.g. `mqtt://localhost:1883`. */
  readonly url: string;
  /** Default `hazgate/demo`. */
  readonly topicPrefix?: string;
  /** Default `hazgate-sim-<scenario>-<pid>`. */
  readonly clientId?: string;
  /** Default 1. */
  readonly qos?: QoS;
  /** Default `single`. */
  readonly batch?: BatchMode;
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

/** Counters since start. */
export interface SimulatorStats {
  readonly ticks: number;
  /** Ticks that published nothing because the broker was away (devices do not queue a backlog). */
  readonly ticksOffline: number;
  /** Messages handed over (QoS 0) or acknowledged (QoS 1, 2). */
  readonly published: number;
  readonly publishErrors: number;
  readonly connects: number;
  readonly disconnects: number;
}

export interface RunningSimulator {
  /** A snapshot of the counters. */
  readonly stats: SimulatorStats;
  /** Stops ticking, then disconnects; nothing is published after it is called. */
  stop(): Promise<void>;
}

type Counters = { -readonly [K in keyof SimulatorStats]: SimulatorStats[K] };

/**
 * Publishes a scenario to an MQTT broker as plain-JSON devices would: every tick, each point that
 * is not silent on `<topicPrefix>/<pointId>` as `{"value": …, "ts": …}` (or all of them in one
 * array message on `<topicPrefix>`). Resolves once connected; rejects with HG_ERR_MQTT_CONNECT when
 * the broker cannot be reached within connectTimeoutMs. Reconnects by itself afterwards.
 */
export async function startMqttSimulator(options: MqttSimulatorOptions): Promise<RunningSimulator> {
  const { scenario } = options;
  const topicPrefix = checkTopicPrefix(options.topicPrefix ?? 'hazgate/demo');
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger).child({ component: 'mqtt-simulator', scenario: scenario.name });
  const counters: Counters = { ticks: 0, ticksOffline: 0, published: 0, publishErrors: 0, connects: 0, disconnects: 0 };
  const state = { stopped: false, loggedPublishError: false };

  const connection = await (options.connect ?? connectWithMqttJs)({
    url: options.url,
    clientId: options.clientId ?? `hazgate-sim-${scenario.name}-${process.pid}`,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    listener: connectionListener(counters, state, logger, options.url),
  });
  const publishTick = tickPublisher({ ...options, topicPrefix, connection, counters, state, logger });
  const loop = startTickLoop({ tickMs: scenario.tickMs, clock, timers: options.timers ?? systemTimers, onTick: publishTick });

  let stopping: Promise<void> | undefined;
  return {
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

interface TickContext extends MqttSimulatorOptions {
  readonly topicPrefix: string;
  readonly connection: SimulatorConnection;
  readonly counters: Counters;
  readonly state: { stopped: boolean; loggedPublishError: boolean };
  readonly logger: Logger;
}

function tickPublisher(ctx: TickContext): (tick: number, now: number) => void {
  const { scenario, connection, counters, state, logger } = ctx;
  const seed = ctx.seed ?? scenario.seed ?? DEFAULT_SEED;
  const qos = ctx.qos ?? 1;
  return (tick, now) => {
    if (state.stopped) return;
    counters.ticks += 1;
    if (!connection.isConnected()) {
      counters.ticksOffline += 1;
      return;
    }
    const messages = buildMqttMessages(ctx.topicPrefix, ctx.batch ?? 'single', readingsAt(scenario, tick * scenario.tickMs, seed), now);
    for (const message of messages) {
      connection.publish(message.topic, message.payload, qos).then(
        () => {
          counters.published += 1;
        },
        (error: unknown) => {
          counters.publishErrors += 1;
          // One warning per outage, not one per message: the counter has the total.
          if (state.stopped || state.loggedPublishError) return;
          state.loggedPublishError = true;
          logger.warn({ err: error, topic: message.topic }, 'simulator publish failed');
        },
      );
    }
  };
}

function connectionListener(counters: Counters, state: TickContext['state'], logger: Logger, url: string): ConnectionListener {
  let up = false;
  return {
    onConnect() {
      counters.connects += 1;
      up = true;
      state.loggedPublishError = false;
      logger.info({ url, connects: counters.connects }, counters.connects === 1 ? 'simulator connected' : 'simulator reconnected');
    },
    onDown(reason) {
      // mqtt.js reports every failed retry; count and log the loss once.
      if (!up || state.stopped) return;
      up = false;
      counters.disconnects += 1;
      logger.warn({ url, reason }, 'simulator lost the broker, reconnecting');
    },
  };
}

/** A prefix with a wildcard or an empty level would make every publish fail at the broker. */
function checkTopicPrefix(prefix: string): string {
  const levels = prefix.split('/');
  if (prefix.length === 0 || levels.some((level) => level === '' || level.includes('+') || level.includes('#'))) {
    throw new HazgateError('HG_ERR_CLI_USAGE', `Simulator topic prefix "${prefix}" is invalid: use levels separated by "/", no wildcards, no empty levels`, { topicPrefix: prefix });
  }
  return prefix;
}
