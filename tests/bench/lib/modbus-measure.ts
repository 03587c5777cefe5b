import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * What the modbus section reads: labelled series from /metrics and a process's CPU time from
 * /proc, snapshotted at both ends of the measuring window.
 */

/**
 * Sums the series of `name` whose labels include every pair of `where` (Prometheus text format;
 * label values without escaped quotes, which is all hazgate's Modbus metrics have).
 */
export function sumSeries(text: string, name: string, where: Readonly<Record<string, string>> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (match?.[1] !== name || match[3] === undefined) continue;
    const labels = new Map([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(where).every(([k, v]) => labels.get(k) === v)) sum += Number(match[3]);
  }
  return sum;
}

/** Clock ticks per second of /proc's utime and stime (USER_HZ; 100 on Linux, asked once). */
let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const asked = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticksPerSecond = Number.isFinite(asked) && asked > 0 ? asked : 100;
  }
  return ticksPerSecond;
}

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat fields 14 and 15). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`cannot read utime/stime from /proc/${pid}/stat`);
  return (utime + stime) / clockTicks();
}

export interface ModbusCounters {
  /** Monotonic seconds (performance.now) when the counters were read. */
  readonly at: number;
  readonly registersRead: number;
  readonly requestsOk: number;
  readonly requestsFailed: number;
  readonly timeouts: number;
  readonly overruns: number;
  readonly readings: number;
}

export async function readModbusCounters(httpBase: string): Promise<ModbusCounters> {
  const res = await fetch(`${httpBase}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  const text = await res.text();
  const requests = sumSeries(text, 'hazgate_modbus_requests_total');
  const requestsOk = sumSeries(text, 'hazgate_modbus_requests_total', { outcome: 'ok' });
  return {
    at: performance.now() / 1000,
    registersRead: sumSeries(text, 'hazgate_modbus_registers_read_total'),
    requestsOk,
    requestsFailed: requests - requestsOk,
    timeouts: sumSeries(text, 'hazgate_modbus_requests_total', { outcome: 'timeout' }),
    overruns: sumSeries(text, 'hazgate_modbus_poll_overruns_total'),
    readings: sumSeries(text, 'hazgate_readings_total'),
  };
}
