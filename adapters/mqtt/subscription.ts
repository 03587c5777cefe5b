import type { SessionSubscription } from '../lib/mqtt/index.js';
import type { MqttSubscriptionConfig } from './schema.js';
import { compileTopicTemplate, type TopicTemplate } from './topic.js';

/**
 * A configured subscription with its topic template compiled once, at create time; `filter` is
 * what the session subscribes to (`{point}` as `+`).
 */
export interface CompiledSubscription extends MqttSubscriptionConfig, SessionSubscription {
  readonly template: TopicTemplate;
}

export function compileSubscription(config: MqttSubscriptionConfig): CompiledSubscription {
  const template = compileTopicTemplate(config.topic);
  return { ...config, template, filter: template.filter };
}

/**
 * The subscription a received topic belongs to: the first whose filter matches, in config order.
 * Undefined for a topic none matches (a filter left in a persistent session by an older config).
 */
export function findSubscription(
  subs: readonly CompiledSubscription[],
  topic: string,
): CompiledSubscription | undefined {
  for (const sub of subs) if (sub.template.matches(topic)) return sub;
  return undefined;
}
