import { systemClock, type Clock } from '../../src/core/clock.js';
import { HazgateError } from '../../src/core/errors.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { connectWithMqttJs, type ConnectionListener, type ConnectSimulator, type QoS, type SimulatorConnection } from '../simulator/mqtt-connection.js';
import { DEFAULT_SEED } from '../simulator/scenario.js';
import { startTickLoop, systemTimers, type Timers } from '../simulator/tick-loop.js';
import { LocationModel } from './model.js';
import { pozyxPayloads } from './pozyx-messages.js';
import type { LocationScenario } from './scenario.js';

export interface LocationSimulatorOptions {
  readonly scenario: LocationScenario;
  /** Broker URL, e.g. `mqtt://localhost:1883`. */
  readonly url: string;
  /** Default `tags` (the topic a Pozyx server publishes on). */
  readonly topic?: string;
  /** Default `hazgate-sim-<scenario>-<pid>`. */
  readonly clientId?: string;
  /** Default 1. */
  readonly qos?: QoS;
  /** Entries per MQTT message; default 100. */
  readonly batchSize?: number;
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
export interface LocationSimulatorStats {
  readonly ticks: number;
  /** Ticks that published nothing because the broker was away (a location engine sends no backlog). */
  readonly ticksOffline: number;
  /** Messages handed over (QoS 0) or acknowledged (QoS 1, 2). */
  readonly published: number;
  readonly publishErrors: number;
  /** Entries sent with a position, and with `success: false`. */
  readonly fixes: number;
  readonly noFixes: number;
  readonly connects: number;
  readonly disconnects: number;
}

export interface RunningLocationSimulator {
  /** Epoch ms of scenario time 0: an entry's `timestamp` is startedAt + tick · tickMs. */
  readonly startedAt: number;
  /** The model the fixes come from (same scenario and seed), to check them against. */
  readonly model: LocationModel;
  /** A snapshot of the counters. */
  readonly stats: LocationSimulatorStats;
  /** Stops ticking, then disconnects; nothing is published after it is called. */
  stop(): Promise<void>;
}

type Counters = { -readonly [K in keyof LocationSimulatorStats]: LocationSimulatorStats[K] };

/**
 * Publishes a people scenario as a location engine would: every tick, every tag that is not silent,
 * as Pozyx-style arrays of at most batchSize entries on `topic`. Resolves once connected; rejects
 * with HG_ERR_MQTT_CONNECT when the broker cannot be reached within connectTimeoutMs.
 */
export async function startLocationSimulator(options: LocationSimulatorOptions): Promise<RunningLocationSimulator> {
  const { scenario } = options;
  const topic = checkTopic(options.topic ?? 'tags');
  const batchSize = checkBatchSize(options.batchSize ?? 100);
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger).child({ component: 'location-simulator', scenario: scenario.name });
  const model = new LocationModel(scenario, options.seed ?? scenario.seed ?? DEFAULT_SEED);
  const counters: Counters = { ticks: 0, ticksOffline: 0, published: 0, publishErrors: 0, fixes: 0, noFixes: 0, connects: 0, disconnects: 0 };
  const state = { stopped: false, loggedPublishError: false };
  const connection = await (options.connect ?? connectWithMqttJs)({
    url: options.url,
    clientId: options.clientId ?? `hazgate-sim-${scenario.name}-${process.pid}`,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    listener: connectionListener(counters, state, logger, options.url),
  });
  const startedAt = clock.now();
  const publish = tickPublisher({ model, connection, counters, state, logger, topic, batchSize, startedAt, qos: options.qos ?? 1 });
  const loop = startTickLoop({ tickMs: scenario.tickMs, clock, timers: options.timers ?? systemTimers, onTick: publish });
  let stopping: Promise<void> | undefined;
  return {
    startedAt,
    model,
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

interface TickContext {
  readonly model: LocationModel;
  readonly connection: SimulatorConnection;
  readonly counters: Counters;
  readonly state: { stopped: boolean; loggedPublishError: boolean };
  readonly logger: Logger;
  readonly topic: string;
  readonly batchSize: number;
  readonly startedAt: number;
  readonly qos: QoS;
}

function tickPublisher(ctx: TickContext): (tick: number) => void {
  const { model, connection, counters, state, logger } = ctx;
  const { tickMs } = model.scenario;
  return (tick) => {
    if (state.stopped) return;
    counters.ticks += 1;
    if (!connection.isConnected()) {
      counters.ticksOffline += 1;
      return;
    }
    const fixes = model.fixesAt(tick * tickMs);
    const noFixes = fixes.filter((f) => f.kind === 'no-fix').length;
    counters.fixes += fixes.length - noFixes;
    counters.noFixes += noFixes;
    // The fix's time is when the tag was where the scenario puts it, not when the batch left.
    for (const payload of pozyxPayloads(fixes, ctx.startedAt + tick * tickMs, tick, ctx.batchSize)) {
      connection.publish(ctx.topic, payload, ctx.qos).then(
        () => {
          counters.published += 1;
        },
        (error: unknown) => {
          counters.publishErrors += 1;
          // One warning per outage, not one per message: the counter has the total.
          if (state.stopped || state.loggedPublishError) return;
          state.loggedPublishError = true;
          logger.warn({ err: error, topic: ctx.topic }, 'location simulator publish failed');
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
      logger.info({ url, connects: counters.connects }, counters.connects === 1 ? 'location simulator connected' : 'location simulator reconnected');
    },
    onDown(reason) {
      if (!up || state.stopped) return;
      up = false;
      counters.disconnects += 1;
      logger.warn({ url, reason }, 'location simulator lost the broker, reconnecting');
    },
  };
}

function checkTopic(topic: string): string {
  const levels = topic.split('/');
  if (topic.length === 0 || levels.some((level) => level === '' || level.includes('+') || level.includes('#'))) {
    throw new HazgateError('HG_ERR_CLI_USAGE', `Location simulator topic "${topic}" is invalid: use levels separated by "/", no wildcards, no empty levels`, { topic });
  }
  return topic;
}

function checkBatchSize(batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new HazgateError('HG_ERR_CLI_USAGE', `Location simulator batchSize ${batchSize} is invalid: use a whole number ≥ 1`, { batchSize });
  }
  return batchSize;
}
