import type { Socket } from 'node:net';
import { connectRaw, DISCONNECT_PACKET } from './mqtt-raw.js';
import { buildPacketPool, refreshTimestamps, type PacketPool, type PoolSpec } from './packet-pool.js';

/**
 * One publisher process of the load generator (forked by load.ts; run from dist/, it is plain
 * JS there). It connects with raw MQTT, encodes its packets once, then on `go` writes slices of
 * that pool paced to its share of the rate, one write per slot. Protocol over IPC:
 *   parent → worker: start(job) … go … [stop]
 *   worker → parent: ready … result | error
 */
export interface WorkerJob extends PoolSpec {
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  /** This process's share, in readings per second. */
  readonly ratePerSec: number;
  readonly durationMs: number;
  /** Pacing slot: one socket write per slot. */
  readonly slotMs: number;
}

export interface WorkerResult {
  readonly sentMessages: number;
  readonly sentReadings: number;
  /** From `go` until the last byte was handed to the kernel. */
  readonly durationMs: number;
  readonly achievedRps: number;
  /** Writes that returned false (the socket's buffer was full): the broker was not reading fast enough. */
  readonly backpressureEvents: number;
  /** Time spent waiting for 'drain'. */
  readonly backpressureMs: number;
}

export type ToWorker = { readonly type: 'start'; readonly job: WorkerJob } | { readonly type: 'go' } | { readonly type: 'stop' };
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly result: WorkerResult }
  | { readonly type: 'error'; readonly message: string };

/** After a stall, catch up at most this much per slot, so a late timer never turns into one huge burst. */
const MAX_CATCH_UP_MS = 50;
const TS_REFRESH_MS = 1000;

class PacedPublisher {
  private cursor = 0;
  private sentMessages = 0;
  private sentReadings = 0;
  private backpressureEvents = 0;
  private backpressureMs = 0;
  private stopRequested = false;
  private lastRefresh = 0;

  constructor(
    private readonly socket: Socket,
    private readonly pool: PacketPool,
    private readonly job: WorkerJob,
  ) {}

  stop(): void {
    this.stopRequested = true;
  }

  close(): void {
    this.socket.end(DISCONNECT_PACKET);
  }

  async run(): Promise<WorkerResult> {
    const started = performance.now();
    const perMs = this.job.ratePerSec / 1000;
    for (;;) {
      const elapsed = Math.min(performance.now() - started, this.job.durationMs);
      this.refreshTs(elapsed);
      const due = Math.min(Math.floor(perMs * elapsed), this.sentReadings + Math.ceil(perMs * MAX_CATCH_UP_MS));
      const flushed = this.writeUntil(due);
      if (!flushed) await this.waitDrain();
      if (this.stopRequested || elapsed >= this.job.durationMs) break;
      await new Promise((resolve) => setTimeout(resolve, this.job.slotMs));
    }
    // The run ends when the kernel has every byte, not when the last write was queued in Node.
    if (this.socket.writableLength > 0) await this.waitDrain();
    const durationMs = performance.now() - started;
    return {
      sentMessages: this.sentMessages,
      sentReadings: this.sentReadings,
      durationMs,
      achievedRps: durationMs > 0 ? (this.sentReadings * 1000) / durationMs : 0,
      backpressureEvents: this.backpressureEvents,
      backpressureMs: this.backpressureMs,
    };
  }

  /** Writes whole packets until `due` readings are out; contiguous runs of the pool go in one write. */
  private writeUntil(due: number): boolean {
    const { starts, readings, bytes } = this.pool;
    const count = readings.length;
    let ok = true;
    while (this.sentReadings < due) {
      const first = this.cursor;
      let k = first;
      while (k < count && this.sentReadings < due) {
        this.sentReadings += readings[k] ?? 0;
        this.sentMessages += 1;
        k += 1;
      }
      ok = this.socket.write(bytes.subarray(starts[first] ?? 0, starts[k] ?? 0)) && ok;
      this.cursor = k === count ? 0 : k;
    }
    if (!ok) this.backpressureEvents += 1;
    return ok;
  }

  private async waitDrain(): Promise<void> {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.socket.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        this.socket.off('drain', onDrain);
        reject(new Error('the broker closed the publisher connection'));
      };
      this.socket.once('drain', onDrain);
      this.socket.once('close', onClose);
    });
    this.backpressureMs += performance.now() - t0;
  }

  private refreshTs(elapsed: number): void {
    if (elapsed - this.lastRefresh < TS_REFRESH_MS) return;
    this.lastRefresh = elapsed;
    refreshTimestamps(this.pool, Date.now());
  }
}

function send(msg: FromWorker): void {
  process.send?.(msg);
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function prepare(job: WorkerJob): Promise<PacedPublisher> {
  const pool = buildPacketPool(job, Date.now());
  const socket = await connectRaw(job.host, job.port, job.clientId);
  return new PacedPublisher(socket, pool, job);
}

let publisher: PacedPublisher | undefined;

process.on('message', (msg: ToWorker) => {
  if (msg.type === 'start') {
    prepare(msg.job).then(
      (p) => {
        publisher = p;
        send({ type: 'ready' });
      },
      (e: unknown) => send({ type: 'error', message: messageOf(e) }),
    );
  } else if (msg.type === 'go' && publisher !== undefined) {
    const p = publisher;
    p.run().then(
      (result) => {
        p.close();
        send({ type: 'result', result });
      },
      (e: unknown) => send({ type: 'error', message: messageOf(e) }),
    );
  } else if (msg.type === 'stop') {
    publisher?.stop();
  }
});
// The bench died or gave up on us: a publisher must never outlive it.
process.on('disconnect', () => process.exit(0));
