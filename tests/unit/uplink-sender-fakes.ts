import { CentreSiteState } from '../../src/uplink/index.js';
import { HazgateError, type FeedAck, type FeedBatch, type HazgateError as HazgateErrorType } from '../../src/core/index.js';
import { TransportState, type TransportStatus, type UplinkTimers, type UplinkTransport } from '../../src/uplink/index.js';

/** Fake time for the sender: a clock and timers that run only when the test advances them. */
export class FakeTime implements UplinkTimers {
  private t: number;
  private tasks: { at: number; order: number; run: () => void; cancelled: boolean }[] = [];
  private order = 0;

  constructor(start: number) {
    this.t = start;
  }

  now = (): number => this.t;

  schedule(run: () => void, delayMs: number): () => void {
    const task = { at: this.t + Math.max(0, delayMs), order: this.order++, run, cancelled: false };
    this.tasks.push(task);
    return () => {
      task.cancelled = true;
    };
  }

  /** Runs every timer due within `ms`, in time order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      this.tasks = this.tasks.filter((t) => !t.cancelled);
      const next = this.tasks.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (next === undefined) break;
      this.tasks.splice(this.tasks.indexOf(next), 1);
      this.t = next.at;
      next.run();
      await settle();
    }
    this.t = end;
    await settle();
  }

  /** Delays of the timers pending now, from now (for back-off assertions). */
  pendingDelays(): number[] {
    return this.tasks.filter((t) => !t.cancelled).map((t) => t.at - this.t);
  }
}

/** Lets chained promise callbacks run (the sender awaits the transport). */
export async function settle(): Promise<void> {
  // setImmediate runs after every queued promise callback, including those the callbacks queue.
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** What the fake network does with one hand-over. */
/** `hold`: the hand-over waits until the test calls releaseHeld(), then is delivered. */
export type SendFate = 'deliver' | 'lose' | 'fail' | 'refuse' | 'hold';

/**
 * A transport in memory with a centre behind it (CentreSiteState): each hand-over is delivered,
 * lost on the way (handed over, never arrives), failed (rejected) or refused, as `fate` decides;
 * acks are queued until the test releases them (in order, reversed, duplicated, or dropped) or,
 * with `autoAck`, delivered at once.
 */
export class FakeTransport implements UplinkTransport {
  readonly kind = 'fake';
  readonly centre: CentreSiteState;
  readonly sent: FeedBatch[] = [];
  readonly acks: FeedAck[] = [];
  autoAck = true;
  fate: (batch: FeedBatch, index: number) => SendFate = () => 'deliver';
  /** In-flight counts seen by the sender at each hand-over (filled by the test through `observe`). */
  observe: (() => void) | undefined;
  private readonly state = new TransportState(() => 0);
  private held: (() => void)[] = [];

  constructor(readonly site: string) {
    this.centre = new CentreSiteState(site);
  }

  async start(): Promise<void> {
    this.state.set('up');
  }

  /** As a transport whose connection drops and comes back. */
  setState(state: 'up' | 'down'): void {
    this.state.set(state);
  }

  async stop(): Promise<void> {
    this.state.set('stopped');
  }

  async send(batch: FeedBatch): Promise<void> {
    const index = this.sent.length;
    this.sent.push(batch);
    this.observe?.();
    const fate = this.fate(batch, index);
    if (fate === 'fail') throw new HazgateError('HG_ERR_UPLINK_TRANSPORT', 'fake: not connected', {});
    if (fate === 'refuse') throw new HazgateError('HG_ERR_UPLINK_REFUSED', 'fake: 401', {});
    if (fate === 'lose') return;
    if (fate === 'hold') await new Promise<void>((resolve) => this.held.push(resolve));
    const result = this.centre.applyBatch(batch);
    const ack: FeedAck = { v: 1, site: batch.site, upto: result.ackUpto };
    // Like HTTPS (the ack is the response), the ack reaches the sender before send() resolves.
    if (this.autoAck) queueMicrotask(() => this.state.ack(ack));
    else this.acks.push(ack);
  }

  releaseHeld(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }

  /** Hands queued acks to the sender in the order given by `pick` (indexes into the queue; repeats allowed), then empties the queue. */
  releaseAcks(pick: (queued: readonly FeedAck[]) => readonly FeedAck[] = (q) => q): void {
    const chosen = pick(this.acks.splice(0));
    for (const ack of chosen) this.state.ack(ack);
  }

  /** An ack as if it came from the centre now. */
  ack(upto: number, site = this.site): void {
    this.state.ack({ v: 1, site, upto });
  }

  onAck(cb: (ack: FeedAck) => void): void {
    this.state.addAckListener(cb);
  }

  onError(cb: (error: HazgateErrorType) => void): void {
    this.state.addErrorListener(cb);
  }

  onStatus(callback: (status: TransportStatus) => void): void {
    this.state.addStatusListener(callback);
  }

  status() {
    return this.state.status();
  }
}

/** A small seeded PRNG (mulberry32) so a chaotic run is the same run every time. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
