import { HazgateError } from '../../src/core/errors.js';
import type { MqttMessage } from '../simulator/mqtt-messages.js';
import { checkPublishTopic, startMqttTicker, tickerOptions, type MqttSimulatorBaseOptions, type Tick, type TickerStats } from '../simulator/mqtt-ticker.js';
import { DEFAULT_SEED } from '../simulator/scenario.js';
import { LocationModel } from './model.js';
import { pozyxPayloads } from './pozyx-messages.js';
import { readerPayloads, ReaderWatch } from './readers.js';
import type { LocationScenario } from './scenario.js';

/** url, clientId, qos, seed, clock, timers, logger, connectTimeoutMs, connect: see MqttSimulatorBaseOptions. */
export interface LocationSimulatorOptions extends MqttSimulatorBaseOptions {
  readonly scenario: LocationScenario;
  /** Default `tags` (the topic a Pozyx server publishes on). */
  readonly topic?: string;
  /** Where reader events go when the scenario's zones have readers; default `readers`. */
  readonly readerTopic?: string;
  /** Entries (positions, or reader events) per MQTT message; default 100. */
  readonly batchSize?: number;
}

/** Counters since start (ticksOffline: a location engine sends no backlog). */
export interface LocationSimulatorStats extends TickerStats {
  /** Entries sent with a position, and with `success: false`. */
  readonly fixes: number;
  readonly noFixes: number;
  /** Reader enter/leave events sent. */
  readonly readerEvents: number;
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

/**
 * Publishes a people scenario as a location engine would: every tick, every tag that is not silent,
 * as Pozyx-style arrays of at most batchSize entries on `topic`; and, when zones have readers, the
 * tags' enter/leave events as reader event arrays on `readerTopic`. Resolves once connected; rejects
 * with HG_ERR_MQTT_CONNECT when the broker cannot be reached within connectTimeoutMs.
 */
export async function startLocationSimulator(options: LocationSimulatorOptions): Promise<RunningLocationSimulator> {
  const { scenario } = options;
  const topic = checkPublishTopic(options.topic ?? 'tags', 'Location simulator topic');
  const readerTopic = checkPublishTopic(options.readerTopic ?? 'readers', 'Location simulator reader topic');
  const batchSize = checkBatchSize(options.batchSize ?? 100);
  const model = new LocationModel(scenario, options.seed ?? scenario.seed ?? DEFAULT_SEED);
  const readers = new ReaderWatch(model);
  const counts = { fixes: 0, noFixes: 0, readerEvents: 0 };
  const messagesAt = (tick: Tick): MqttMessage[] => {
    const tMs = tick.index * scenario.tickMs;
    // An entry's time is when the tag was where the scenario puts it, not when the batch left.
    const epochMs = tick.startedAt + tMs;
    const fixes = model.fixesAt(tMs);
    const noFixes = fixes.filter((f) => f.kind === 'no-fix').length;
    counts.fixes += fixes.length - noFixes;
    counts.noFixes += noFixes;
    const events = readers.eventsAt(tMs);
    counts.readerEvents += events.length;
    return [
      ...pozyxPayloads(fixes, epochMs, tick.index, batchSize).map((payload) => ({ topic, payload })),
      ...readerPayloads(events, epochMs, batchSize).map((payload) => ({ topic: readerTopic, payload })),
    ];
  };
  const ticker = await startMqttTicker(tickerOptions(options, { name: 'location simulator', component: 'location-simulator', scenario, messagesAt }));
  return {
    startedAt: ticker.startedAt,
    model,
    get stats() {
      return { ...ticker.stats, ...counts };
    },
    stop: () => ticker.stop(),
  };
}

function checkBatchSize(batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new HazgateError('HG_ERR_CLI_USAGE', `Location simulator batchSize ${batchSize} is invalid: use a whole number ≥ 1`, { batchSize });
  }
  return batchSize;
}
