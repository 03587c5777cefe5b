import { topicMatches, type SessionSubscription } from '../lib/mqtt/index.js';
import type { PayloadFormat } from './payload.js';
import { lengthConverter, type LengthUnit } from './position-options.js';
import type { LocationSubscriptionConfig } from './schema.js';

/** A subscription ready to subscribe (the topic is the filter), route and read messages. */
export interface CompiledLocationSubscription extends SessionSubscription {
  readonly format: PayloadFormat;
}

/** Pozyx reports millimetres; our generic format metres. */
const DEFAULT_UNITS: Readonly<Record<PayloadFormat['format'], LengthUnit>> = { pozyx: 'mm', position: 'm', reader: 'm' };

export function compileLocationSubscription(sub: LocationSubscriptionConfig): CompiledLocationSubscription {
  return {
    topic: sub.topic,
    filter: sub.topic,
    qos: sub.qos,
    format: {
      format: sub.format,
      toMetres: lengthConverter(sub.units ?? DEFAULT_UNITS[sub.format], sub.scale),
      floor: sub.floor,
      timeUnit: sub.timeUnit,
    },
  };
}

/** The first subscription (config order) whose filter matches the topic. */
export function findLocationSubscription(subs: readonly CompiledLocationSubscription[], topic: string): CompiledLocationSubscription | undefined {
  return subs.find((sub) => topicMatches(sub.topic, topic));
}
