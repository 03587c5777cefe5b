import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../support/gateway-process.js';
import { sinkPollOf, type SinkPoll } from './influx-measure.js';
import { writeInfluxBenchSite, type InfluxSinkSettings } from './influx-site.js';
import { cpuSeconds } from './modbus-measure.js';
import { spawnPeer, type PeerProcess } from './peer-process.js';
import type { BenchContext } from './section.js';

/**
 * `hazgate start` on the influx bench site, as a user starts it, and a poller that reads the
 * sink's counters from /metrics and the process's CPU time from /proc every ~200 ms for the
 * whole section, so every phase is analysed afterwards from one series (influx-measure.ts).
 */
export interface InfluxGateway {
  readonly httpBase: string;
  readonly pid: number;
  poll(): Promise<SinkPoll>;
  stop(): Promise<void>;
}

export interface InfluxGatewayOptions {
  readonly points: number;
  readonly mqttUrl: string;
  readonly topicPrefix: string;
  readonly influxUrl: string;
  readonly sink: InfluxSinkSettings;
}

export const now = (): number => performance.now() / 1000;

export async function startInfluxGateway(ctx: BenchContext, o: InfluxGatewayOptions): Promise<InfluxGateway> {
  const dir = mkdtempSync(join(ctx.tmp, 'influx-gateway-'));
  const httpPort = await freePort();
  const site = writeInfluxBenchSite(dir, { ...o, httpPort, dataDir: join(dir, 'data') });
  const httpBase = `http://127.0.0.1:${httpPort}`;
  // BENCH_GATEWAY_NODE_ARGS (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof) as in the other sections.
  const nodeArgs = (process.env['BENCH_GATEWAY_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  // warn: the sink's outage warnings still show in the process's output tail on failure.
  const peer: PeerProcess = spawnPeer('hazgate start', process.execPath, [...nodeArgs, join(ctx.root, 'dist/src/main.js'), 'start', '--config', site, '--log-level', 'warn'], ctx.root);
  try {
    await peer.waitReady(async () => (await fetch(`${httpBase}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200, 90_000);
  } catch (e) {
    await peer.stop();
    throw e;
  }
  const pid = peer.pid;
  if (pid === undefined) {
    await peer.stop();
    throw new Error('hazgate start has no pid');
  }
  return {
    httpBase,
    pid,
    async poll() {
      const t = now();
      const cpu = cpuSeconds(pid);
      const res = await fetch(`${httpBase}/metrics`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
      return sinkPollOf(await res.text(), t, cpu);
    },
    stop: () => peer.stop(),
  };
}

/** Polls the gateway every `everyMs` until stopped; a failed poll is skipped and counted. */
export class SinkPoller {
  readonly polls: SinkPoll[] = [];
  failed = 0;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly gateway: InfluxGateway, private everyMs: number) {
    this.loop = this.run();
  }

  /** A finer interval around a short event (the drain lasts a second or two). */
  every(ms: number): void {
    this.everyMs = ms;
  }

  get latest(): SinkPoll | undefined {
    return this.polls.at(-1);
  }

  /** The next poll taken after this call (so a decision never rests on a stale reading). */
  async fresh(): Promise<SinkPoll> {
    const after = now();
    for (;;) {
      const last = this.latest;
      if (last !== undefined && last.t >= after) return last;
      if (!this.running) throw new Error('the poller has stopped');
      await sleep(this.everyMs / 4);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      try {
        this.polls.push(await this.gateway.poll());
      } catch {
        this.failed++;
      }
      await sleep(Math.max(0, this.everyMs - (Date.now() - started)));
    }
  }
}
