import type { Clock } from '../../src/core/clock.js';
import type { HazgateError, ErrorCode } from '../../src/core/errors.js';
import type { Timers } from '../lib/mqtt/index.js';
import type { EdgeNode } from './edge-node.js';
import { rebirthCommand, type OutgoingMessage } from './host-commands.js';
import type { SparkplugAdapterConfig } from './schema.js';
import type { RebirthReason, SparkplugStats } from './stats.js';
import { TokenBucket } from './token-bucket.js';

export interface RebirthSetup {
  readonly config: SparkplugAdapterConfig;
  readonly stats: SparkplugStats;
  readonly clock: Clock;
  readonly timers: Timers;
}

export interface RebirthSinks {
  readonly report: (error: HazgateError) => void;
  readonly count: (code: ErrorCode) => void;
  readonly publish: (message: OutgoingMessage) => void;
}

/**
 * NCMD Node Control/Rebirth requests, rate-limited without losing one: at most one per node per
 * rebirthInterval and maxRebirthsPerSecond over all nodes. A request the limits forbid now is
 * deferred (one per node) and sent as soon as they allow, unless a birth of the node comes first
 * (a deferred request exists only once the need arose, so any birth seen meanwhile answers it).
 */
export class RebirthRequests {
  private readonly bucket: TokenBucket;

  constructor(
    private readonly setup: RebirthSetup,
    private readonly sinks: RebirthSinks,
  ) {
    this.bucket = new TokenBucket(setup.config.maxRebirthsPerSecond, setup.clock);
  }

  /** The error is reported with the (possibly deferred) request; counted only while one is already deferred. */
  request(node: EdgeNode, reason: RebirthReason, error: HazgateError): void {
    if (node.deferredRebirth !== undefined) {
      this.sinks.count(error.code);
      return;
    }
    this.sinks.report(error);
    this.attempt(node, reason);
  }

  /** A birth of the node arrived: a deferred request is answered. */
  answered(node: EdgeNode): void {
    node.deferredRebirth?.();
    node.deferredRebirth = undefined;
  }

  /** The connection is gone (or the node forgotten): nothing deferred is sent, the interval starts afresh. */
  forget(node: EdgeNode): void {
    this.answered(node);
    node.lastRebirthAt = undefined;
  }

  private attempt(node: EdgeNode, reason: RebirthReason): void {
    const { config, stats, clock, timers } = this.setup;
    const now = clock.now();
    const intervalWait = node.lastRebirthAt === undefined ? 0 : node.lastRebirthAt + config.rebirthInterval - now;
    const wait = intervalWait > 0 ? intervalWait : this.bucket.take();
    if (wait > 0) {
      if (intervalWait <= 0) stats.limited['rebirth-rate'] += 1;
      node.deferredRebirth = timers.schedule(() => {
        node.deferredRebirth = undefined;
        this.attempt(node, reason);
      }, wait);
      return;
    }
    node.lastRebirthAt = now;
    stats.rebirths[reason] += 1;
    this.sinks.publish(rebirthCommand(node.group, node.node, now));
  }
}
