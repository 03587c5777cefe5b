import { HazgateError, systemClock, type Clock, type FeedAck, type FeedBatch } from '../core/index.js';
import type { OutboxStats } from './outbox-bounds.js';
import { backoffDelay, systemTimers, UPLINK_BACKOFF, type BackoffOptions, type CancelTimer, type UplinkTimers } from './timers.js';
import type { TransportStatus, UplinkTransport } from './transport.js';

/** What the sender needs of the outbox (SqliteOutbox has it). */
export interface SenderOutbox {
  readonly site: string;
  batch(limit: number, maxBytes: number, after?: number): FeedBatch;
  ack(upto: number): number;
  stats(): Pick<OutboxStats, 'ackedSeq' | 'lastSeq'>;
}

export interface UplinkSenderOptions {
  readonly outbox: SenderOutbox;
  readonly transport: UplinkTransport;
  readonly clock?: Clock;
  readonly timers?: UplinkTimers;
  /** Messages in one batch (default 100). */
  readonly maxMessages?: number;
  /** Body bytes in one batch (default 256 KiB; one larger message still goes, alone). */
  readonly maxBytes?: number;
  /** Batches handed over and not yet acknowledged, at most (default 4). */
  readonly window?: number;
  /** No ack advancing for this long while batches are in flight: go back to the oldest unacknowledged message (default 10 s). */
  readonly ackTimeoutMs?: number;
  /** Waits after failed hand-overs (default 1 s doubling to 60 s; also caps the doubling ack timeout). */
  readonly backoff?: BackoffOptions;
  /** Least wait after the centre refused a batch (HG_ERR_UPLINK_REFUSED, default 60 s): a misconfiguration is not fixed by hammering. */
  readonly refusedRetryMs?: number;
  /** Looks for new messages this often even without notify() (default 1 s). */
  readonly pollMs?: number;
  /** The first failure of a run of failures, and the first ack timeout of a run (log them); every one is counted. */
  readonly onError?: (error: HazgateError) => void;
}

export const SENDER_DEFAULTS = {
  maxMessages: 100,
  maxBytes: 256 * 1024,
  window: 4,
  ackTimeoutMs: 10_000,
  backoff: UPLINK_BACKOFF,
  refusedRetryMs: 60_000,
  pollMs: 1_000,
} as const;

/** Counters for metrics (proposed names in docs/uplink/README.md). */
export interface SenderStats {
  readonly running: boolean;
  /** Batches handed over (resent ones included). */
  readonly batchesSent: number;
  /** Of them, batches starting at or below a seq handed over before (after an ack timeout, a failure, a restart of the transport). */
  readonly batchesResent: number;
  readonly messagesSent: number;
  /** Acks that moved the acknowledged seq forward. */
  readonly acks: number;
  /** Acks that changed nothing (repeated, older, or for messages not sent in this run). */
  readonly staleAcks: number;
  readonly ackTimeouts: number;
  /** Failed hand-overs other than refusals. */
  readonly transportErrors: number;
  /** Hand-overs the centre refused (HG_ERR_UPLINK_REFUSED). */
  readonly refused: number;
  /** Outbox reads or acks that failed (HG_ERR_UPLINK_OUTBOX: disk full, I/O error); retried like a failed hand-over. */
  readonly outboxErrors: number;
  /** Epoch ms of the last ack that moved forward; null before the first. */
  readonly lastAckTime: number | null;
  readonly ackedSeq: number;
  /** The highest seq handed over in this process. */
  readonly sentSeq: number;
  readonly inFlight: number;
  /** Epoch ms of the next attempt after a failure; null when not backing off. */
  readonly retryAt: number | null;
  readonly transport: TransportStatus;
}

type Counters = { -readonly [K in 'batchesSent' | 'batchesResent' | 'messagesSent' | 'acks' | 'staleAcks' | 'ackTimeouts' | 'transportErrors' | 'refused' | 'outboxErrors']: number };

/**
 * Drains the outbox to a centre through a transport: batches in seq order from the last ack, up to
 * `window` of them handed over and unacknowledged; each ack deletes what it covers and lets more
 * go. When no ack advances for `ackTimeoutMs` it goes back to the oldest unacknowledged message and
 * sends from there again (go-back-N; the centre drops what it has by id), waiting twice as long
 * for each further timeout in a row. A failed hand-over is retried after a back-off; nothing is
 * ever skipped or deleted without an ack, and a batch never overtakes an earlier one.
 */
export class UplinkSender {
  private readonly o: Required<Omit<UplinkSenderOptions, 'onError'>> & Pick<UplinkSenderOptions, 'onError'>;
  private readonly c: Counters = { batchesSent: 0, batchesResent: 0, messagesSent: 0, acks: 0, staleAcks: 0, ackTimeouts: 0, transportErrors: 0, refused: 0, outboxErrors: 0 };
  private running = false;
  private sending: Promise<void> | undefined;
  /** Bumped at every go-back: a hand-over that started before it no longer counts as in flight. */
  private epoch = 0;
  /** The next batch starts after this seq. */
  private sentUpto = 0;
  private highestSent = 0;
  /** The highest seq given to transport.send, handed over or not yet: an ack may come before send resolves (HTTPS answers with it). */
  private highestOffered = 0;
  /** Last seqs of the batches handed over and not yet covered by an ack, oldest first. */
  private inFlight: number[] = [];
  /** Since when the oldest in-flight batch has waited for an ack to advance. */
  private waitingSince = 0;
  private timeoutsInARow = 0;
  private failuresInARow = 0;
  private lastAckTime: number | null = null;
  private retryAt: number | null = null;
  private retryTimer: CancelTimer | undefined;
  /** What the pending retry waits out: a refusal is not cut short by a connection coming back. */
  private retryAfter: 'failure' | 'refusal' = 'failure';
  private ackTimer: CancelTimer | undefined;
  private pollTimer: CancelTimer | undefined;
  private reportedFailure: string | undefined;

  constructor(options: UplinkSenderOptions) {
    this.o = {
      clock: systemClock,
      timers: systemTimers,
      ...SENDER_DEFAULTS,
      ...options,
    };
    checkSenderOptions(this.o);
    options.transport.onAck((ack) => this.onAck(ack));
    options.transport.onStatus((status) => {
      if (status.state === 'up') this.transportUp();
    });
  }

  /** Starts the transport, then sending from the last ack. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.epoch++;
    this.inFlight = [];
    this.sentUpto = this.o.outbox.stats().ackedSeq;
    await this.o.transport.start();
    // Stopped while the transport made its first attempt: no poll timer left behind.
    if (!this.running) return;
    this.poll();
    this.pump();
  }

  /** New messages are in the outbox: send them now rather than at the next poll. */
  notify(): void {
    this.pump();
  }

  /** Stops sending and the transport; what is unacknowledged stays in the outbox for the next start. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.epoch++;
    for (const cancel of [this.retryTimer, this.ackTimer, this.pollTimer]) cancel?.();
    this.retryTimer = this.ackTimer = this.pollTimer = undefined;
    this.retryAt = null;
    this.inFlight = [];
    await this.o.transport.stop();
    await this.sending;
  }

  stats(): SenderStats {
    return {
      running: this.running,
      ...this.c,
      lastAckTime: this.lastAckTime,
      ackedSeq: this.o.outbox.stats().ackedSeq,
      sentSeq: this.highestSent,
      inFlight: this.inFlight.length,
      retryAt: this.retryAt,
      transport: this.o.transport.status(),
    };
  }

  private pump(): void {
    if (!this.running || this.sending !== undefined || this.retryTimer !== undefined) return;
    if (this.inFlight.length >= this.o.window) return;
    let batch: FeedBatch;
    try {
      batch = this.o.outbox.batch(this.o.maxMessages, this.o.maxBytes, Math.max(this.sentUpto, this.o.outbox.stats().ackedSeq));
    } catch (error) {
      // pump runs from timers and transport callbacks: a throw here would be uncaught.
      this.failed(asHazgateError(error, this.o.transport.kind));
      return;
    }
    if (batch.messages.length === 0) return;
    this.sending = this.handOver(batch).finally(() => {
      this.sending = undefined;
      this.pump();
    });
  }

  private async handOver(batch: FeedBatch): Promise<void> {
    const epoch = this.epoch;
    this.highestOffered = Math.max(this.highestOffered, batch.messages[batch.messages.length - 1]?.seq ?? 0);
    try {
      await this.o.transport.send(batch);
    } catch (error) {
      if (this.running) this.failed(asHazgateError(error, this.o.transport.kind));
      return;
    }
    if (this.running) this.handedOver(batch, epoch);
  }

  private handedOver(batch: FeedBatch, epoch: number): void {
    const first = batch.messages[0]?.seq ?? 0;
    const last = batch.messages[batch.messages.length - 1]?.seq ?? 0;
    this.failuresInARow = 0;
    this.reportedFailure = undefined;
    this.c.batchesSent++;
    if (first <= this.highestSent) this.c.batchesResent++;
    this.c.messagesSent += batch.messages.length;
    this.highestSent = Math.max(this.highestSent, last);
    // Overtaken by a go-back while on its way: the resend from the oldest unacknowledged takes its place.
    if (epoch !== this.epoch) return;
    this.sentUpto = Math.max(this.sentUpto, last);
    if (last <= this.o.outbox.stats().ackedSeq) return;
    if (this.inFlight.length === 0) this.waitingSince = this.o.clock.now();
    this.inFlight.push(last);
    this.armAckTimer();
  }

  private onAck(ack: FeedAck): void {
    if (!this.running) return;
    const before = this.o.outbox.stats().ackedSeq;
    // Never delete what this process has not given the transport: an ack past it comes from a confused centre.
    const upto = Math.min(ack.upto, this.highestOffered);
    if (upto <= before) {
      this.c.staleAcks++;
      return;
    }
    let acked: number;
    try {
      acked = this.o.outbox.ack(upto);
    } catch (error) {
      // Called from the transport's message handler: report, never throw. A later ack covers this one.
      this.c.outboxErrors++;
      this.o.onError?.(asHazgateError(error, this.o.transport.kind));
      return;
    }
    const now = this.o.clock.now();
    this.c.acks++;
    this.lastAckTime = now;
    this.timeoutsInARow = 0;
    this.inFlight = this.inFlight.filter((last) => last > acked);
    this.sentUpto = Math.max(this.sentUpto, acked);
    this.waitingSince = now;
    this.ackTimer?.();
    this.ackTimer = undefined;
    this.armAckTimer();
    this.pump();
  }

  private ackTimeout(): number {
    const cap = Math.max(this.o.ackTimeoutMs, this.o.backoff.maxMs);
    return Math.min(cap, this.o.ackTimeoutMs * 2 ** Math.min(this.timeoutsInARow, 31));
  }

  private armAckTimer(): void {
    if (this.ackTimer !== undefined || this.inFlight.length === 0) return;
    const due = Math.max(0, this.waitingSince + this.ackTimeout() - this.o.clock.now());
    this.ackTimer = this.o.timers.schedule(() => {
      this.ackTimer = undefined;
      this.onAckTimeout();
    }, due);
  }

  /** Go-back-N: forget what is in flight and send again from the oldest unacknowledged message. */
  private onAckTimeout(): void {
    if (!this.running || this.inFlight.length === 0) return;
    const acked = this.o.outbox.stats().ackedSeq;
    if (this.timeoutsInARow === 0) {
      const message = `uplink ${this.o.transport.kind} of site "${this.o.outbox.site}": no ack advanced past ${acked} within ${this.o.ackTimeoutMs} ms with ${this.inFlight.length} batch(es) up to ${this.highestSent} in flight; sending again from ${acked + 1}`;
      this.o.onError?.(new HazgateError('HG_ERR_UPLINK_NO_ACK', message, { site: this.o.outbox.site, ackedSeq: acked, sentSeq: this.highestSent }));
    }
    this.c.ackTimeouts++;
    this.timeoutsInARow++;
    this.epoch++;
    this.inFlight = [];
    this.sentUpto = acked;
    this.pump();
  }

  private failed(error: HazgateError): void {
    if (error.code === 'HG_ERR_UPLINK_REFUSED') this.c.refused++;
    else if (error.code === 'HG_ERR_UPLINK_OUTBOX') this.c.outboxErrors++;
    else this.c.transportErrors++;
    // One report per run of failures, and again when the kind of failure changes.
    if (this.reportedFailure !== error.code) this.o.onError?.(error);
    this.reportedFailure = error.code;
    let delay = backoffDelay(this.failuresInARow++, this.o.backoff);
    this.retryAfter = error.code === 'HG_ERR_UPLINK_REFUSED' ? 'refusal' : 'failure';
    if (this.retryAfter === 'refusal') delay = Math.max(delay, this.o.refusedRetryMs);
    this.retryAt = this.o.clock.now() + delay;
    this.retryTimer = this.o.timers.schedule(() => {
      this.retryTimer = undefined;
      this.retryAt = null;
      this.pump();
    }, delay);
  }

  /** The connection is back: a back-off for a failed hand-over has nothing left to wait for. */
  private transportUp(): void {
    if (!this.running || this.retryTimer === undefined || this.retryAfter !== 'failure') return;
    this.retryTimer();
    this.retryTimer = undefined;
    this.retryAt = null;
    this.failuresInARow = 0;
    this.pump();
  }

  private poll(): void {
    this.pollTimer = this.o.timers.schedule(() => {
      if (!this.running) return;
      this.poll();
      this.pump();
    }, this.o.pollMs);
  }
}

function asHazgateError(error: unknown, kind: string): HazgateError {
  if (error instanceof HazgateError) return error;
  return new HazgateError('HG_ERR_UPLINK_TRANSPORT', `uplink ${kind}: ${error instanceof Error ? error.message : String(error)}`, { transport: kind }, error);
}

/** @throws HazgateError HG_ERR_UPLINK_CONFIG listing every bad option. */
function checkSenderOptions(o: Omit<Required<UplinkSenderOptions>, 'onError'>): void {
  const problems: string[] = [];
  const positiveInt = (name: string, v: number): void => {
    if (!(Number.isInteger(v) && v >= 1)) problems.push(`${name} must be a positive integer, not ${v}`);
  };
  positiveInt('maxMessages', o.maxMessages);
  positiveInt('maxBytes', o.maxBytes);
  positiveInt('window', o.window);
  positiveInt('ackTimeoutMs', o.ackTimeoutMs);
  positiveInt('pollMs', o.pollMs);
  positiveInt('backoff.minMs', o.backoff.minMs);
  if (!(o.backoff.maxMs >= o.backoff.minMs)) problems.push(`backoff.maxMs (${o.backoff.maxMs}) must be at least backoff.minMs (${o.backoff.minMs})`);
  if (!(o.refusedRetryMs >= 0)) problems.push(`refusedRetryMs must not be negative, not ${o.refusedRetryMs}`);
  if (problems.length > 0) throw new HazgateError('HG_ERR_UPLINK_CONFIG', `uplink sender of site "${o.outbox.site}": ${problems.join('; ')}`, { site: o.outbox.site, problems });
}
