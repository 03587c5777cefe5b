import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../support/gateway-process.js';
import { LineSplitter, parseExportLine, type ExportRow } from './influx-measure.js';
import { sumSeries } from './modbus-measure.js';
import { answers, spawnPeer, type PeerProcess } from './peer-process.js';
import { VM_BIN, VM_FLAGS } from './victoria.js';

/**
 * VictoriaMetrics as the influx section's database: victoria.ts's binary and query flags, plus
 * deduplication, and stoppable and startable again on the same port and data folder to make an
 * outage the sink cannot tell from a real one (connection refused, then the same server back).
 */

// -dedup.minScrapeInterval=1ms  keep one sample per series and millisecond, as InfluxDB keeps one
//                               point per series and timestamp: a line sent twice (a request that
//                               timed out after the database had stored it) is stored once, as it
//                               would be in InfluxDB. 1 ms is the finest interval, so two samples
//                               the gateway accepted (distinct timestamps per point) are never merged.
export const VM_INFLUX_FLAGS = [...VM_FLAGS, '-dedup.minScrapeInterval=1ms'] as const;

export interface InfluxVictoria {
  readonly url: string;
  /** The running process's pid (for its CPU time); undefined while stopped. */
  pid(): number | undefined;
  /** Stops it (SIGTERM: it flushes and exits); what it had received so far is remembered. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /**
   * Rows it parsed from line protocol over all its runs (`vm_rows_inserted_total{type="influx"}`,
   * before deduplication): what the sink delivered, re-sends included. Each run's count is read
   * just before its stop, so a request arriving in those few milliseconds is missed.
   */
  rowsReceived(): Promise<number>;
  /** Streams /api/v1/export for a series selector, one row (series block) at a time. */
  exportRows(match: string, onRow: (row: ExportRow) => void): Promise<void>;
}

async function influxRowsOf(url: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`victoria-metrics /metrics answered ${res.status}`);
  return sumSeries(await res.text(), 'vm_rows_inserted_total', { type: 'influx' });
}

export async function startInfluxVictoria(workDir: string): Promise<InfluxVictoria> {
  const port = await freePort();
  const storage = join(workDir, 'vm-data');
  mkdirSync(storage, { recursive: true });
  const url = `http://127.0.0.1:${port}`;
  const args = [`-storageDataPath=${storage}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=1d', '-loggerLevel=ERROR', ...VM_INFLUX_FLAGS];
  let peer: PeerProcess | undefined;
  let receivedBefore = 0;
  const start = async (): Promise<void> => {
    const p = spawnPeer('victoria-metrics', VM_BIN, args, workDir);
    peer = p;
    try {
      await p.waitReady(() => answers(`${url}/health`), 30_000);
    } catch (e) {
      await p.stop();
      peer = undefined;
      throw e;
    }
  };
  await start();
  return {
    url,
    pid: () => peer?.pid,
    start,
    async stop() {
      if (peer === undefined) return;
      receivedBefore += await influxRowsOf(url).catch(() => 0);
      await peer.stop();
      peer = undefined;
    },
    async rowsReceived() {
      return receivedBefore + (peer === undefined ? 0 : await influxRowsOf(url));
    },
    async exportRows(match, onRow) {
      const res = await fetch(`${url}/api/v1/export`, { method: 'POST', body: new URLSearchParams({ 'match[]': match, start: '0' }) });
      if (!res.ok || res.body === null) throw new Error(`victoria-metrics /api/v1/export answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const lines = new LineSplitter();
      const decoder = new TextDecoder();
      const take = (line: string): void => {
        const row = parseExportLine(line);
        if (row !== undefined) onRow(row);
      };
      // Streamed: a few million samples are ~100 MB of JSON, never held as one string.
      for await (const chunk of res.body) for (const line of lines.push(decoder.decode(chunk, { stream: true }))) take(line);
      for (const line of lines.push(decoder.decode())) take(line);
      for (const line of lines.end()) take(line);
    },
  };
}
