import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../support/gateway-process.js';
import { cpuSeconds } from '../lib/modbus-measure.js';
import { spawnPeer, type PeerProcess } from '../lib/peer-process.js';
import type { BenchContext } from '../lib/section.js';
import { benchKey } from './centre-sim.js';

/**
 * `hazgate centre` as an operator starts it: its own config file (MQTT input serving every
 * partition, signatures required, the sites listed with their keys, store `synchronous: full`
 * as by default), `--log-level warn`, its own process so its CPU time is its own.
 */
export interface BenchCentre {
  readonly http: string;
  readonly pid: number;
  cpuSeconds(): number;
  output(): string;
  stop(): Promise<void>;
}

export async function startBenchCentre(ctx: BenchContext, o: { brokerUrl: string; partitions: number; sites: readonly string[] }): Promise<BenchCentre> {
  const dir = mkdtempSync(join(ctx.tmp, 'centre-'));
  const port = await freePort();
  const config = {
    centre: { id: 'bench-centre' },
    // BENCH_CENTRE_SYNC=normal measures what the per-batch fsync costs (the default is full).
    store: { dir: join(dir, 'store'), synchronous: process.env['BENCH_CENTRE_SYNC'] === 'normal' ? 'normal' : 'full' },
    server: { port },
    mqtt: { url: o.brokerUrl, clientId: 'bench-centre', partitions: o.partitions, serve: 'all', protocolVersion: 5, requireSignature: true },
    sites: o.sites.map((id) => ({ id, key: benchKey(id) })),
  };
  const file = join(dir, 'centre.yaml');
  // JSON is YAML.
  writeFileSync(file, JSON.stringify(config));
  const http = `http://127.0.0.1:${port}`;
  const nodeArgs = (process.env['BENCH_GATEWAY_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  const peer: PeerProcess = spawnPeer('hazgate centre', process.execPath, [...nodeArgs, join(ctx.root, 'dist/src/main.js'), 'centre', '--config', file, '--log-level', 'warn'], ctx.root);
  try {
    await peer.waitReady(async () => (await fetch(`${http}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200, 30_000);
  } catch (e) {
    await peer.stop();
    throw e;
  }
  const pid = peer.pid;
  if (pid === undefined) {
    await peer.stop();
    throw new Error('hazgate centre has no pid');
  }
  return { http, pid, cpuSeconds: () => cpuSeconds(pid), output: () => peer.output(), stop: () => peer.stop() };
}

/** The pid of the Mosquitto listening on `port` (from its config file), for its CPU time; undefined when not found. */
export function mosquittoPid(port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const config = args[args.indexOf('-c') + 1];
      if (!(args[0] ?? '').endsWith('mosquitto') || config === undefined) continue;
      if (new RegExp(`^listener ${port}\\b`, 'm').test(readFileSync(config, 'utf8'))) return Number(entry);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}
