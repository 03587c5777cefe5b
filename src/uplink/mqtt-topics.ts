import { HazgateError } from '../core/index.js';
import { isPartitionCount, MAX_PARTITIONS, partitionOf } from './partition.js';

/**
 * The feed's MQTT topics (docs/uplink/asyncapi.yaml): batches on `hazgate/v1/feed/<partition>/<site>`,
 * acks on `hazgate/v1/ack/<site>`. The partition level lets a centre split the load by topic filter
 * (`hazgate/v1/feed/3/+`) without knowing the sites.
 */
export const FEED_TOPIC_PREFIX = 'hazgate/v1/feed';
export const ACK_TOPIC_PREFIX = 'hazgate/v1/ack';
/** What a centre that takes every partition subscribes to. */
export const FEED_TOPIC_FILTER = `${FEED_TOPIC_PREFIX}/+/+`;

/** A site id must be one topic level: no `/`, no wildcards, no NUL, not empty (config allows letters, digits, . _ -). */
export function isTopicSafeSite(site: string): boolean {
  return site.length > 0 && !/[/+#\u0000]/.test(site);
}

/** @throws HazgateError HG_ERR_UPLINK_CONFIG for a site id or partition count the topics cannot carry. */
export function checkTopicSettings(site: string, partitions: number): void {
  const problems: string[] = [];
  if (!isTopicSafeSite(site)) problems.push(`site "${site}" cannot be an MQTT topic level (empty, or holds / + # or NUL)`);
  if (!isPartitionCount(partitions)) problems.push(`partitions must be an integer 1..${MAX_PARTITIONS}, not ${partitions}`);
  if (problems.length > 0) throw new HazgateError('HG_ERR_UPLINK_CONFIG', `uplink MQTT topics: ${problems.join('; ')}`, { site, partitions, problems });
}

export function feedTopic(site: string, partitions: number): string {
  return `${FEED_TOPIC_PREFIX}/${partitionOf(site, partitions)}/${site}`;
}

export function ackTopic(site: string): string {
  return `${ACK_TOPIC_PREFIX}/${site}`;
}

/** The partition and site of a feed topic; null for any other topic. */
export function parseFeedTopic(topic: string): { readonly partition: number; readonly site: string } | null {
  const m = /^hazgate\/v1\/feed\/(\d{1,5})\/([^/]+)$/.exec(topic);
  if (m === null) return null;
  return { partition: Number(m[1]), site: m[2] ?? '' };
}

/** The site of an ack topic; null for any other topic. */
export function parseAckTopic(topic: string): string | null {
  const m = /^hazgate\/v1\/ack\/([^/]+)$/.exec(topic);
  return m === null ? null : (m[1] ?? null);
}
