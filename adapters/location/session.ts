import type { EmitObservation } from '../../src/core/observation.js';
import type { AdapterDeps, OnAdapterError, OnStatus } from '../../src/core/ports.js';
import { errorReporter, MqttSession, type ConnectMqtt, type Timers } from '../lib/mqtt/index.js';
import { decodeLocationPayload, type DecodedLocation } from './payload.js';
import { rejectionErrors } from './rejection-errors.js';
import { REJECT_REASONS } from './rejection.js';
import type { LocationMqttAdapterConfig } from './schema.js';
import type { LocationAdapterStats } from './stats.js';
import { findLocationSubscription, type CompiledLocationSubscription } from './subscription.js';

export interface SessionSetup {
  readonly config: LocationMqttAdapterConfig;
  readonly subscriptions: readonly CompiledLocationSubscription[];
  readonly deps: AdapterDeps;
  readonly stats: LocationAdapterStats;
  readonly connect: ConnectMqtt;
  readonly timers: Timers;
}

export interface SessionSinks {
  readonly observe: EmitObservation;
  readonly onError: OnAdapterError;
  readonly onStatus: OnStatus;
}

/**
 * One run of the adapter: the shared MQTT session (adapters/lib/mqtt) with the session's own
 * reconnect back-off (backoff.initial doubling to backoff.max, reset by a successful connect); each
 * message decoded by its subscription's format into observations, refusals counted and reported.
 */
export function openLocationSession(setup: SessionSetup, sinks: SessionSinks): MqttSession {
  const { config, subscriptions, stats } = setup;
  const report = errorReporter(stats.errors, sinks.onError);
  const message = (topic: string, payload: Buffer): void => {
    stats.messages += 1;
    const sub = findLocationSubscription(subscriptions, topic);
    if (sub === undefined) {
      stats.unmatched += 1;
      return;
    }
    const decoded = decodeLocationPayload(payload, sub.format, config.maxPayloadBytes, config.maxEntries);
    observe(decoded, stats, sinks.observe);
    for (const error of rejectionErrors(config.id, topic, decoded)) report(error);
  };
  return new MqttSession(
    {
      label: 'location',
      id: config.id,
      broker: config,
      reconnect: { kind: 'backoff', initialMs: config.backoff.initial, maxMs: config.backoff.max, timers: setup.timers },
      subscriptions,
      clock: setup.deps.clock,
      counters: stats,
      connect: setup.connect,
    },
    { message, onError: sinks.onError, onStatus: sinks.onStatus },
  );
}

/**
 * Emits what a message held, in payload order by kind, and counts it. An entry without a fix that
 * carries the tag's state goes out as a tag state (no position: personnel location keeps the tag
 * where it was and raises its SOS or fall; README "Entries without a fix").
 */
function observe(decoded: DecodedLocation, stats: LocationAdapterStats, emit: EmitObservation): void {
  for (const position of decoded.positions) emit({ type: 'position', position });
  for (const status of decoded.statuses) emit({ type: 'tag-status', status });
  for (const event of decoded.readerEvents) emit({ type: 'reader', event });
  stats.positions += decoded.positions.length;
  stats.statuses += decoded.statuses.length;
  stats.readerEvents += decoded.readerEvents.length;
  stats.noFix += decoded.noFix;
  for (const reason of REJECT_REASONS) stats.rejected[reason] += decoded.rejected[reason] ?? 0;
}
