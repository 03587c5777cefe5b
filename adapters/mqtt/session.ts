import type { AdapterDeps, EmitReading, OnAdapterError, OnStatus } from '../../src/core/ports.js';
import { errorReporter, MqttSession, type ConnectMqtt, type SessionCounters } from '../lib/mqtt/index.js';
import { decodePayload } from './payload.js';
import type { MqttAdapterConfig } from './schema.js';
import { findSubscription, type CompiledSubscription } from './subscription.js';

/** Live counters of one adapter instance, kept across start/stop. */
export interface MqttAdapterStats extends SessionCounters {
  /** MQTT messages received. */
  messages: number;
  /** Readings emitted. */
  readings: number;
  /** Messages on a topic no configured subscription matches (a filter left in a persistent session). */
  unmatched: number;
}

export interface SessionSetup {
  readonly config: MqttAdapterConfig;
  readonly subscriptions: readonly CompiledSubscription[];
  readonly deps: AdapterDeps;
  readonly stats: MqttAdapterStats;
  readonly connect: ConnectMqtt;
}

export interface SessionSinks {
  readonly emit: EmitReading;
  readonly onError: OnAdapterError;
  readonly onStatus: OnStatus;
}

/**
 * One run of the adapter (adapters/lib/mqtt session; MQTT.js retries every reconnectMs): each
 * message is decoded into readings, bad parts reported with their codes.
 */
export function openReadingsSession(setup: SessionSetup, sinks: SessionSinks): MqttSession {
  const { config, subscriptions, stats } = setup;
  const report = errorReporter(stats.errors, sinks.onError);
  const message = (topic: string, payload: Buffer): void => {
    stats.messages += 1;
    const sub = findSubscription(subscriptions, topic);
    if (sub === undefined) {
      stats.unmatched += 1;
      return;
    }
    const { readings, errors } = decodePayload(payload, topic, sub, config.id, config.maxPayloadBytes);
    for (const reading of readings) sinks.emit(reading);
    stats.readings += readings.length;
    for (const error of errors) report(error);
  };
  return new MqttSession(
    {
      label: 'mqtt',
      id: config.id,
      broker: config,
      reconnect: { kind: 'client', everyMs: config.reconnectMs },
      subscriptions,
      clock: setup.deps.clock,
      counters: stats,
      connect: setup.connect,
    },
    { message, onError: sinks.onError, onStatus: sinks.onStatus },
  );
}
