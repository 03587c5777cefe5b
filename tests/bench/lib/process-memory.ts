import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { median } from './median.js';

/** Resident set size of a process, bytes, from /proc/<pid>/status (VmRSS is in kB). */
export function vmRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match?.[1] === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** The median of `samples` VmRSS readings taken `everyMs` apart, after waiting `settleMs`. */
export async function settledRss(pid: number, settleMs: number, samples: number, everyMs: number): Promise<{ median: number; readings: number[] }> {
  await sleep(settleMs);
  const readings: number[] = [];
  for (let k = 0; k < samples; k++) {
    if (k > 0) await sleep(everyMs);
    readings.push(vmRssBytes(pid));
  }
  return { median: median(readings), readings };
}

/** Sums every series of each metric in Prometheus text (labels ignored). */
export function metricTotals(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    totals.set(match[1], (totals.get(match[1]) ?? 0) + Number(match[2]));
  }
  return totals;
}

export async function readMetrics(httpBase: string): Promise<Map<string, number>> {
  const res = await fetch(`${httpBase}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  return metricTotals(await res.text());
}
