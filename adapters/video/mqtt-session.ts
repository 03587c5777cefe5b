import { HazgateError } from '../../src/core/errors.js';
import type { AdapterDeps, OnStatus } from '../../src/core/ports.js';
import { MqttSession, topicMatches, type ConnectMqtt, type SessionCounters, type SessionSubscription } from '../lib/mqtt/index.js';
import type { VideoIngest, VideoSinks } from './ingest.js';
import type { VideoMqttConfig, VideoMqttSubscriptionConfig } from './schema.js';
import type { VideoStats } from './metrics.js';

/** A configured subscription as the session subscribes it (the topic is the filter). */
export type VideoSessionSubscription = VideoMqttSubscriptionConfig & SessionSubscription;

export function compileVideoSubscriptions(config: VideoMqttConfig): VideoSessionSubscription[] {
  return config.subscriptions.map((sub) => ({ ...sub, filter: sub.topic }));
}

export interface VideoMqttSessionSetup {
  readonly config: VideoMqttConfig;
  readonly subscriptions: readonly VideoSessionSubscription[];
  readonly deps: AdapterDeps;
  readonly ingest: VideoIngest;
  readonly stats: VideoStats;
  /** Reconnects and connection/subscription errors by code (VideoStats is shared with the webhook). */
  readonly counters: SessionCounters;
  readonly connect: ConnectMqtt;
}

/**
 * One start→stop run of the video-mqtt adapter: the shared MQTT session (adapters/lib/mqtt; MQTT.js
 * retries every reconnectMs), each message read by its subscription's format through the ingest.
 */
export function openVideoMqttSession(setup: VideoMqttSessionSetup, sinks: VideoSinks, onStatus: OnStatus): MqttSession {
  const { config } = setup;
  return new MqttSession(
    {
      label: 'video-mqtt',
      id: config.id,
      broker: config,
      reconnect: { kind: 'client', everyMs: config.reconnectMs },
      subscriptions: setup.subscriptions,
      clock: setup.deps.clock,
      counters: setup.counters,
      connect: setup.connect,
    },
    { message: (topic, payload) => onMessage(setup, sinks, topic, payload), onError: sinks.onError, onStatus },
  );
}

function onMessage(setup: VideoMqttSessionSetup, sinks: VideoSinks, topic: string, payload: Buffer): void {
  const { config, ingest, stats } = setup;
  stats.messages += 1;
  const sub = setup.subscriptions.find((s) => topicMatches(s.filter, topic));
  // A filter an older config left in the persistent session: nothing says how to read it.
  if (sub === undefined) return ingest.refuse('no-route', topic, 'no subscription matches this topic', undefined);
  if (payload.length > config.maxPayloadBytes) {
    return ingest.refuse('too-large', topic, `is ${payload.length} bytes, more than maxPayloadBytes ${config.maxPayloadBytes}`, sinks);
  }
  try {
    if (sub.format === 'isapi') ingest.isapi(payload, undefined, topic, sinks);
    else ingest.generic(payload, topic, sinks);
  } catch (cause) {
    // A bug, not the publisher's fault: reported, and the next message is read as usual.
    const { id } = config;
    const what = cause instanceof Error ? cause.message : String(cause);
    sinks.onError(new HazgateError('HG_ERR_INTERNAL', `video-mqtt ${id}: ${topic}: ${what}`, { adapter: id, origin: topic }, cause));
  }
}
