/**
 * Which feed partition a site's batches go to on MQTT (`hazgate/v1/feed/<partition>/<site>`): a
 * centre runs one consumer per partition (shared subscriptions, or one process each) and every
 * site lands on exactly one of them, always the same one, so a site's feed stays in order. The
 * gateway and the centre compute it with this same function; `partitions` must be equal on both.
 */

/** FNV-1a, 32 bit, over the UTF-8 bytes of `text` (offset basis 2166136261, prime 16777619). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export const DEFAULT_PARTITIONS = 16;
export const MAX_PARTITIONS = 65_536;

export function isPartitionCount(partitions: number): boolean {
  return Number.isInteger(partitions) && partitions >= 1 && partitions <= MAX_PARTITIONS;
}

/** fnv1a32(site) mod partitions. @throws RangeError for a count outside 1..65536 (a config check refuses it first). */
export function partitionOf(site: string, partitions: number = DEFAULT_PARTITIONS): number {
  if (!isPartitionCount(partitions)) throw new RangeError(`partitions must be an integer 1..${MAX_PARTITIONS}, not ${partitions}`);
  return fnv1a32(site) % partitions;
}
