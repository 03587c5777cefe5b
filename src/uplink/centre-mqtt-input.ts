import { excerpt } from '../core/excerpt.js';
import { HazgateError, isHazgateError, type Logger } from '../core/index.js';
import type { CentreFeed } from './centre-feed.js';
import { ackTopic, FEED_TOPIC_FILTER, FEED_TOPIC_PREFIX, parseFeedTopic } from './mqtt-topics.js';
import { partitionOf } from './partition.js';

/** What the MQTT input needs of the broker connection (centre-mqtt-client.ts over MQTT.js; a fake in tests). */
export interface FeedBrokerPort {
  /** QoS 1; resolves when the broker granted them. */
  subscribe(filters: readonly string[]): Promise<void>;
  unsubscribe(filters: readonly string[]): Promise<void>;
  /** QoS 1, queued while disconnected. */
  publish(topic: string, payload: string): void;
}

/** `redeliver`: the batch could not be stored; leave it unacknowledged so the broker delivers it again. */
export type MessageOutcome = 'handled' | 'redeliver';

/** The filters that take exactly the served partitions' feeds: one wildcard when all are served. */
export function feedFilters(served: ReadonlySet<number>, partitions: number): string[] {
  if (served.size === partitions) return [FEED_TOPIC_FILTER];
  return [...served].sort((a, b) => a - b).map((p) => `${FEED_TOPIC_PREFIX}/${p}/+`);
}

export interface CentreMqttInputOptions {
  /** As the gateways' uplink partitions: a site's batches come on fnv1a32(site) mod partitions. */
  readonly partitions: number;
  readonly feed: Pick<CentreFeed, 'receiveFromTopic' | 'refuse' | 'forget' | 'sitesHeld'>;
  readonly logger: Logger;
}

export interface CentreMqttInputStats {
  /** Messages on a partition this process does not serve (a subscription from an earlier run, or a partition handed on). */
  notServed: number;
  acksPublished: number;
}

/**
 * The centre's MQTT input: takes feed batches from `hazgate/v1/feed/<partition>/<site>` for the
 * partitions it serves, applies each (CentreFeed) and publishes the ack on `hazgate/v1/ack/<site>`.
 * `serve(partition)` and `release(partition)` are what partition leases (several centre processes
 * sharing the partitions, lease-mqtt.ts) call; `serveAll()` is one process taking every partition.
 * A batch is handled before its PUBLISH is acknowledged: one the store cannot keep is left for the
 * broker to deliver again.
 */
export class CentreMqttInput {
  readonly stats: CentreMqttInputStats = { notServed: 0, acksPublished: 0 };
  private readonly servedSet = new Set<number>();
  private subscribed: string[] = [];
  private port: FeedBrokerPort | undefined;
  /** Subscription changes run one after another, in call order. */
  private changes: Promise<void> = Promise.resolve();

  constructor(private readonly o: CentreMqttInputOptions) {}

  attach(port: FeedBrokerPort): void {
    this.port = port;
  }

  served(): number[] {
    return [...this.servedSet].sort((a, b) => a - b);
  }

  serve(partition: number): Promise<void> {
    this.checkPartition(partition);
    this.servedSet.add(partition);
    return this.sync();
  }

  serveAll(): Promise<void> {
    for (let p = 0; p < this.o.partitions; p++) this.servedSet.add(p);
    return this.sync();
  }

  /** Stops taking the partition's feed and forgets its sites' state (rebuilt from the store if it comes back). */
  release(partition: number): Promise<void> {
    this.servedSet.delete(partition);
    for (const site of this.o.feed.sitesHeld()) if (partitionOf(site, this.o.partitions) === partition) this.o.feed.forget(site);
    return this.sync();
  }

  /** The broker lost our session (CONNACK sessionPresent 0): subscribe again to everything served. */
  resubscribe(): Promise<void> {
    this.subscribed = [];
    return this.sync();
  }

  /** One PUBLISH; `signature` from its MQTT 5 user property x-hazgate-signature. */
  handle(topic: string, payload: Buffer, signature?: string): MessageOutcome {
    const where = parseFeedTopic(topic);
    if (where === null) {
      // Topics may be 65,535 bytes long: quoted in part.
      const shown = excerpt(topic);
      this.o.feed.refuse('bad-message', new HazgateError('HG_ERR_UPLINK_BAD_MESSAGE', `MQTT message on "${shown}" is not on a feed topic (${FEED_TOPIC_PREFIX}/<partition>/<site>)`, { topic: shown }));
      return 'handled';
    }
    const { partition, site } = where;
    if (!this.servedSet.has(partition)) {
      this.stats.notServed++;
      return 'handled';
    }
    const expected = partitionOf(site, this.o.partitions);
    if (expected !== partition) {
      const named = excerpt(site);
      const message = `feed batch of site "${named}" arrived on partition ${partition}, not ${expected}: the gateway's uplink partitions differ from the centre's ${this.o.partitions}`;
      this.o.feed.refuse('wrong-partition', new HazgateError('HG_ERR_CENTRE_WRONG_PARTITION', message, { site: named, partition, expected }));
      return 'handled';
    }
    try {
      const ack = this.o.feed.receiveFromTopic(site, payload, signature);
      this.port?.publish(ackTopic(site), JSON.stringify(ack));
      this.stats.acksPublished++;
      return 'handled';
    } catch (e) {
      // Refusals are counted and reported by the feed; only a store failure is worth another delivery.
      if (isHazgateError(e) && e.code === 'HG_ERR_CENTRE_STORE') return 'redeliver';
      if (isHazgateError(e)) return 'handled';
      throw e;
    }
  }

  private checkPartition(partition: number): void {
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.o.partitions) {
      throw new RangeError(`partition ${partition} does not exist (partitions: ${this.o.partitions})`);
    }
  }

  private sync(): Promise<void> {
    const next = this.changes.then(async () => {
      const port = this.port;
      if (port === undefined) return;
      const wanted = feedFilters(this.servedSet, this.o.partitions);
      const add = wanted.filter((f) => !this.subscribed.includes(f));
      const drop = this.subscribed.filter((f) => !wanted.includes(f));
      // Subscribe first: switching between the wildcard and single partitions never leaves a hole.
      if (add.length > 0) await port.subscribe(add);
      if (drop.length > 0) await port.unsubscribe(drop);
      this.subscribed = wanted;
    });
    // A failed change is retried by the next one (or the next resubscribe); the caller still hears of it.
    this.changes = next.catch((e: unknown) => this.o.logger.warn({ code: 'HG_ERR_MQTT_SUBSCRIBE', err: String(e) }, 'centre feed subscription change failed'));
    return next;
  }
}
