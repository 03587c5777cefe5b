import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnPeer, type PeerProcess } from '../bench/lib/peer-process.js';
import { freePort } from './gateway-process.js';

/**
 * A real VictoriaMetrics for integration tests (Debian's victoria-metrics, installed by
 * tests/setup/peers.sh): it accepts InfluxDB's /api/v2/write. Deduplication is on for equal
 * timestamps, like InfluxDB, which keeps one point per series and time. Stop and start again on
 * the same port and data folder to simulate an outage.
 */
export interface Victoria {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Samples per series of a measurement's `value` field (VictoriaMetrics names it `<m>_value`). */
  export(match: string): Promise<Map<string, number[]>>;
}

export const VM_BIN = '/usr/bin/victoria-metrics';

export async function startVictoria(workDir: string): Promise<Victoria> {
  const port = await freePort();
  const storage = join(workDir, 'vm-data');
  mkdirSync(storage, { recursive: true });
  const url = `http://127.0.0.1:${port}`;
  let peer: PeerProcess | undefined;
  const start = async (): Promise<void> => {
    peer = spawnPeer('victoria-metrics', VM_BIN, [`-storageDataPath=${storage}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y', '-loggerLevel=ERROR', '-dedup.minScrapeInterval=1ms', '-search.disableCache'], workDir);
    await peer.waitReady(async () => (await fetch(`${url}/health`)).ok, 30_000);
  };
  await start();
  return {
    url,
    port,
    start,
    stop: async () => {
      await peer?.stop();
    },
    async export(match) {
      // Recent rows become searchable after VictoriaMetrics' ~1 s in-memory flush.
      const res = await fetch(`${url}/api/v1/export`, { method: 'POST', body: new URLSearchParams({ 'match[]': match, start: '0' }) });
      const text = await res.text();
      const out = new Map<string, number[]>();
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const row = JSON.parse(line) as { metric: Record<string, string>; timestamps: number[] };
        out.set(JSON.stringify(row.metric), row.timestamps);
      }
      return out;
    },
  };
}
