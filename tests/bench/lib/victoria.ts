import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../support/gateway-process.js';
import { answers, spawnPeer, type PeerProcess } from './peer-process.js';

/**
 * VictoriaMetrics + vmalert as a benchmark peer (Debian's victoria-metrics package, 1.79), each
 * configured for the fastest detection it offers rather than its defaults; BENCHMARKS.md lists
 * the same flags with the reasons.
 */
export const VM_BIN = '/usr/bin/victoria-metrics';
export const VMALERT_BIN = '/usr/bin/vmalert';

/** Installs the package (root only) when a binary is missing; services are never started. */
export function ensureVictoriaMetrics(root: string, log: (m: string) => void): void {
  if (existsSync(VM_BIN) && existsSync(VMALERT_BIN)) return;
  log('installing Debian package victoria-metrics');
  const r = spawnSync('bash', [join(root, 'tests', 'setup', 'install-debs.sh'), 'victoria-metrics'], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`installing victoria-metrics failed (${r.status ?? r.signal ?? 'no status'}): ${(r.stderr ?? '').slice(-1500)}`);
  if (!existsSync(VM_BIN) || !existsSync(VMALERT_BIN)) throw new Error(`${VM_BIN} or ${VMALERT_BIN} missing after installing victoria-metrics`);
}

export interface VictoriaMetrics {
  readonly url: string;
  /** Writes InfluxDB line protocol; lines without a timestamp get VictoriaMetrics' receive time. */
  write(lines: string): Promise<void>;
  readonly process: PeerProcess;
}

// Why each flag:
// -search.latencyOffset=1s   instant queries near "now" are moved back by this much (default 30 s,
//                            which alone would delay every alert by 30 s);
// -search.disableCache       never answer from the rollup cache, so a new sample is seen at once;
// -search.cacheTimestampOffset=1s  (redundant with the above, kept if the cache is re-enabled).
// -inmemoryDataFlushInterval does not exist in 1.79: raw rows become searchable on its fixed ~1 s flush.
export const VM_FLAGS = ['-search.latencyOffset=1s', '-search.disableCache', '-search.cacheTimestampOffset=1s'] as const;

export async function startVictoriaMetrics(workDir: string): Promise<VictoriaMetrics> {
  const port = await freePort();
  const storage = join(workDir, 'vm-data');
  mkdirSync(storage, { recursive: true });
  const args = [`-storageDataPath=${storage}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=1d', '-loggerLevel=ERROR', ...VM_FLAGS];
  const peer = spawnPeer('victoria-metrics', VM_BIN, args, workDir);
  const url = `http://127.0.0.1:${port}`;
  try {
    await peer.waitReady(() => answers(`${url}/health`), 30_000);
  } catch (e) {
    await peer.stop();
    throw e;
  }
  const write = async (lines: string): Promise<void> => {
    const res = await fetch(`${url}/write`, { method: 'POST', body: lines });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`victoria-metrics /write answered ${res.status}`);
  };
  return { url, write, process: peer };
}

export interface VmalertOptions {
  readonly workDir: string;
  readonly datasourceUrl: string;
  readonly notifierUrl: string;
  /** Alerting rules: name → PromQL expression, each with `for: 0s`. */
  readonly rules: Readonly<Record<string, string>>;
}

// -evaluationInterval=1s               the interval issue 3 fixes for the peer;
// -datasource.queryTimeAlignment=false do not round the query time down to the interval (up to 1 s lost);
// -rule.resendDelay=0s (default)       notify on every evaluation while firing.
export const VMALERT_FLAGS = ['-evaluationInterval=1s', '-datasource.queryTimeAlignment=false'] as const;

export async function startVmalert(o: VmalertOptions): Promise<PeerProcess> {
  const port = await freePort();
  const ruleFile = join(o.workDir, 'rules.yaml');
  const rules = Object.entries(o.rules).map(([alert, expr]) => `      - alert: ${alert}\n        expr: ${JSON.stringify(expr)}\n        for: 0s`);
  writeFileSync(ruleFile, `groups:\n  - name: bench\n    interval: 1s\n    rules:\n${rules.join('\n')}\n`);
  const args = [
    `-rule=${ruleFile}`,
    `-datasource.url=${o.datasourceUrl}`,
    `-notifier.url=${o.notifierUrl}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-loggerLevel=ERROR',
    ...VMALERT_FLAGS,
  ];
  const peer = spawnPeer('vmalert', VMALERT_BIN, args, o.workDir);
  try {
    await peer.waitReady(() => answers(`http://127.0.0.1:${port}/health`), 30_000);
  } catch (e) {
    await peer.stop();
    throw e;
  }
  return peer;
}
