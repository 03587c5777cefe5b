import { buildMqttMessages, type BatchMode, type MqttMessage } from './mqtt-messages.js';
import { checkPublishTopic, startMqttTicker, tickerOptions, type MqttSimulatorBaseOptions, type Tick, type TickerStats } from './mqtt-ticker.js';
import { readingsAt } from './readings.js';
import { DEFAULT_SEED, type Scenario } from './scenario.js';

/** url, clientId, qos, seed, clock, timers, logger, connectTimeoutMs, connect: see MqttSimulatorBaseOptions. */
export interface MqttSimulatorOptions extends MqttSimulatorBaseOptions {
  readonly scenario: Scenario;
  /** Default `hazgate/demo`. */
  readonly topicPrefix?: string;
  /** Default `single`. */
  readonly batch?: BatchMode;
}

/** Counters since start. */
export type SimulatorStats = TickerStats;

export interface RunningSimulator {
  /** A snapshot of the counters. */
  readonly stats: SimulatorStats;
  /** Stops ticking, then disconnects; nothing is published after it is called. */
  stop(): Promise<void>;
}

/**
 * Publishes a scenario to an MQTT broker as plain-JSON devices would: every tick, each point that
 * is not silent on `<topicPrefix>/<pointId>` as `{"value": …, "ts": …}` (or all of them in one
 * array message on `<topicPrefix>`). Resolves once connected; rejects with HG_ERR_MQTT_CONNECT when
 * the broker cannot be reached within connectTimeoutMs. Reconnects by itself afterwards.
 */
export async function startMqttSimulator(options: MqttSimulatorOptions): Promise<RunningSimulator> {
  const { scenario } = options;
  const topicPrefix = checkPublishTopic(options.topicPrefix ?? 'hazgate/demo', 'Simulator topic prefix');
  const seed = options.seed ?? scenario.seed ?? DEFAULT_SEED;
  const batch = options.batch ?? 'single';
  const messagesAt = (tick: Tick): MqttMessage[] => buildMqttMessages(topicPrefix, batch, readingsAt(scenario, tick.index * scenario.tickMs, seed), tick.now);
  const ticker = await startMqttTicker(tickerOptions(options, { name: 'simulator', component: 'mqtt-simulator', scenario, messagesAt }));
  return {
    get stats() {
      return ticker.stats;
    },
    stop: () => ticker.stop(),
  };
}
