import { fileURLToPath } from 'node:url';
import { benchPointId } from './bench-site.js';
import { ChildHandle } from './child.js';
import type { FromWorker, ToWorker, WorkerJob, WorkerResult } from './load-worker.js';
import type { LoadMode } from './packet-pool.js';

/**
 * The bench's MQTT load generator. Publishers are child processes writing pre-encoded QoS 0
 * PUBLISH packets over raw sockets (see load-worker.ts), so the generator costs a few syscalls per
 * slot and is not what limits a run; it still reports the rate it achieved, which every figure
 * quotes beside itself. Requires the build (it forks dist/…/load-worker.js).
 */
export interface LoadSpec {
  readonly host: string;
  readonly port: number;
  /** `single`: `{"value":v,"ts":t}` on `<topicPrefix>/<id>`; `batched`: `[{"id","value","ts"},…]` on `<topicPrefix>`. */
  readonly mode: LoadMode;
  /** n → ids B-0 … B-(n-1) (the bench site's points), or an explicit id list. */
  readonly points: number | readonly string[];
  /** Readings per message in batched mode (default 100). */
  readonly batchSize?: number;
  /** Target, in READINGS per second, across all publishers. */
  readonly ratePerSec: number;
  readonly durationMs: number;
  /** Publisher processes (default 2); points and rate are split evenly between them. */
  readonly processes?: number;
  readonly topicPrefix: string;
  /** Value sent for the i-th id (default 10.0-14.9: inside every bench limit, so no alarm fires). */
  readonly value?: (i: number) => number;
  /** One socket write per slot (default 5 ms). */
  readonly slotMs?: number;
  /** Aborting stops the publishers early; the result counts what was sent. */
  readonly signal?: AbortSignal;
}

export interface LoadResult {
  readonly sentMessages: number;
  readonly sentReadings: number;
  /** Readings per second actually handed to the kernel, over the slowest publisher's run. */
  readonly achievedRps: number;
  readonly durationMs: number;
  /** Socket writes that found the buffer full: the broker was not keeping up with the generator. */
  readonly backpressureEvents: number;
  readonly perProcess: readonly WorkerResult[];
}

const WORKER = fileURLToPath(new URL('./load-worker.js', import.meta.url));
const READY_TIMEOUT_MS = 20_000;
/** Every run gets fresh client ids: Mosquitto disconnects an old client when a new one takes its id. */
let runCounter = 0;

export const defaultBenchValue = (i: number): number => 10 + (i % 50) / 10;

function splitJobs(spec: LoadSpec): WorkerJob[] {
  const ids = typeof spec.points === 'number' ? Array.from({ length: spec.points }, (_, i) => benchPointId(i)) : [...spec.points];
  const value = spec.value ?? defaultBenchValue;
  const processes = spec.processes ?? 2;
  if (processes < 1 || ids.length < processes) throw new Error(`runLoad: ${processes} publishers need at least as many points (got ${ids.length})`);
  const run = `${process.pid}-${++runCounter}`;
  return Array.from({ length: processes }, (_, p) => {
    // Round-robin, so every publisher covers the whole id range evenly.
    const mine = ids.map((id, i) => ({ id, v: value(i) })).filter((_, i) => i % processes === p);
    return {
      host: spec.host,
      port: spec.port,
      clientId: `hg-bench-pub-${run}-${p}`,
      mode: spec.mode,
      ids: mine.map((m) => m.id),
      values: mine.map((m) => m.v),
      batchSize: spec.batchSize ?? 100,
      topicPrefix: spec.topicPrefix,
      ratePerSec: spec.ratePerSec / processes,
      durationMs: spec.durationMs,
      slotMs: spec.slotMs ?? 5,
    };
  });
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const jobs = splitJobs(spec);
  const workers = jobs.map(() => new ChildHandle<ToWorker, FromWorker>(WORKER));
  const stopAll = (): void => workers.forEach((w) => w.send({ type: 'stop' }));
  try {
    jobs.forEach((job, i) => workers[i]?.send({ type: 'start', job }));
    // Everyone connected and encoded before anyone starts, so the publishers run together.
    await Promise.all(workers.map((w) => w.next('ready', READY_TIMEOUT_MS)));
    spec.signal?.addEventListener('abort', stopAll, { once: true });
    workers.forEach((w) => w.send({ type: 'go' }));
    const results = await Promise.all(workers.map((w) => w.next('result', spec.durationMs + 30_000)));
    return aggregate(results.map((r) => r.result));
  } finally {
    spec.signal?.removeEventListener('abort', stopAll);
    await Promise.all(workers.map((w) => w.dispose()));
  }
}

function aggregate(perProcess: readonly WorkerResult[]): LoadResult {
  const sum = (f: (r: WorkerResult) => number): number => perProcess.reduce((s, r) => s + f(r), 0);
  const durationMs = Math.max(...perProcess.map((r) => r.durationMs));
  const sentReadings = sum((r) => r.sentReadings);
  return {
    sentMessages: sum((r) => r.sentMessages),
    sentReadings,
    achievedRps: durationMs > 0 ? (sentReadings * 1000) / durationMs : 0,
    durationMs,
    backpressureEvents: sum((r) => r.backpressureEvents),
    perProcess,
  };
}
