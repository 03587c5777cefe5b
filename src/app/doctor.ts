import { adapterChecks, influxCheck, uplinkChecks } from './doctor-peers.js';
import { databaseChecks, dataDirCheck, portChecks } from './doctor-local.js';
import type { SiteConfig } from './site-config.js';

/** One thing `hazgate doctor` looks at. `run` resolves (never rejects) with what it found. */
export interface DoctorCheck {
  readonly what: string;
  readonly run: () => Promise<{ readonly ok: boolean; readonly detail: string }>;
}

export interface DoctorResult {
  readonly what: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface DoctorOptions {
  /** How long one peer may take to answer. */
  readonly checkTimeoutMs?: number;
  /** How long the checks of one phase (local, then peers) may take together; those still waiting then fail. */
  readonly totalTimeoutMs?: number;
}

/**
 * `hazgate doctor`: with a valid site, is everything it needs there and reachable? The data folder,
 * its databases (read-only quick_check), the listen ports, every adapter's peer, InfluxDB, the
 * uplink. All at once, each bounded in time; nothing is written, published or locked for long.
 */
export async function runDoctor(config: SiteConfig, opts: DoctorOptions = {}): Promise<DoctorResult[]> {
  const each = opts.checkTimeoutMs ?? 3000;
  const total = opts.totalTimeoutMs ?? Math.max(10_000, each * 3);
  // Ports first: a port probed by listening on it must be closed again before a peer check connects there.
  const local: DoctorCheck[] = [dataDirCheck(config), ...databaseChecks(config, Math.min(each, 2000)), ...portChecks(config, each)];
  const peers: DoctorCheck[] = [...adapterChecks(config, each, Math.max(each, total - 500)), ...influxCheck(config, each), ...uplinkChecks(config, each)];
  // Each phase has its own deadline, started when the phase starts: slow local checks (a long quick_check
  // runs synchronously) must not eat the peers' time.
  return runPhases([local, peers], total);
}

/** Phase after phase, the checks of each at once; those still waiting `totalMs` after their phase started fail. */
export async function runPhases(phases: ReadonlyArray<readonly DoctorCheck[]>, totalMs: number): Promise<DoctorResult[]> {
  const out: DoctorResult[] = [];
  for (const checks of phases) out.push(...(await runPhase(checks, totalMs)));
  return out;
}

async function runPhase(checks: readonly DoctorCheck[], totalMs: number): Promise<DoctorResult[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), totalMs);
  });
  try {
    return await Promise.all(checks.map(async (c): Promise<DoctorResult> => {
      const got = await Promise.race([c.run().catch((e: unknown) => ({ ok: false, detail: `the check failed: ${String(e)}` })), deadline]);
      return got === 'late' ? { what: c.what, ok: false, detail: `no result within ${totalMs} ms` } : { what: c.what, ...got };
    }));
  } finally {
    clearTimeout(timer);
  }
}

/** `ok   what: detail` / `FAIL what: detail`, one line a check. */
export function formatDoctorResult(r: DoctorResult): string {
  return `${r.ok ? 'ok  ' : 'FAIL'} ${r.what}: ${r.detail.replace(/\s*\n\s*/g, ' ')}`;
}
