import { parseMetricTotals } from './bench-gateway.js';

/**
 * What the influx section computes, pure: the sink's counters polled from /metrics every ~200 ms,
 * the write rate over a window, the drain after an outage, and the count of what the database
 * holds per (point, timestamp).
 */
export interface SinkPoll {
  /** Monotonic seconds (performance.now) when the poll was taken. */
  readonly t: number;
  /** hazgate_influx_lines_written_total: lines the database acknowledged. */
  readonly written: number;
  /** hazgate_influx_spool_lines: lines waiting in the disk spool. */
  readonly spoolLines: number;
  /** hazgate_samples_total: readings the gateway accepted (each is one line for the sink). */
  readonly samples: number;
  readonly requests: number;
  readonly failedRequests: number;
  readonly discarded: number;
  readonly badLines: number;
  /** The gateway's user + system CPU seconds so far. */
  readonly cpu: number;
}

export function sinkPollOf(metricsText: string, t: number, cpu: number): SinkPoll {
  const m = parseMetricTotals(metricsText);
  const get = (name: string): number => m.get(name) ?? 0;
  return {
    t,
    written: get('hazgate_influx_lines_written_total'),
    spoolLines: get('hazgate_influx_spool_lines'),
    samples: get('hazgate_samples_total'),
    requests: get('hazgate_influx_requests_total'),
    failedRequests: get('hazgate_influx_failed_requests_total'),
    discarded: get('hazgate_influx_spool_discarded_lines_total'),
    badLines: get('hazgate_influx_bad_lines_total'),
    cpu,
  };
}

/** The first poll at or after `t`, and the last at or before it. */
export function pollAtOrAfter(polls: readonly SinkPoll[], t: number): SinkPoll | undefined {
  return polls.find((p) => p.t >= t);
}

export function pollAtOrBefore(polls: readonly SinkPoll[], t: number): SinkPoll | undefined {
  return polls.findLast((p) => p.t <= t);
}

/** % of one core the gateway used between two polls. */
export function cpuPct(a: SinkPoll, b: SinkPoll): number {
  return b.t > a.t ? (100 * (b.cpu - a.cpu)) / (b.t - a.t) : NaN;
}

export interface WriteWindow {
  readonly seconds: number;
  /** Lines acknowledged per second. */
  readonly writtenPerS: number;
  /** Samples accepted per second (what the sink was offered). */
  readonly acceptedPerS: number;
  /** Spool lines at the end minus at the start: positive when the sink fell behind. */
  readonly spoolGrowth: number;
  readonly cpuPct: number;
}

/** Rates between the polls bracketing [from, to] from inside; undefined when fewer than two polls fall in it. */
export function writeWindow(polls: readonly SinkPoll[], from: number, to: number): WriteWindow | undefined {
  const a = pollAtOrAfter(polls, from);
  const b = pollAtOrBefore(polls, to);
  if (a === undefined || b === undefined || b.t <= a.t) return undefined;
  const seconds = b.t - a.t;
  return {
    seconds,
    writtenPerS: (b.written - a.written) / seconds,
    acceptedPerS: (b.samples - a.samples) / seconds,
    spoolGrowth: b.spoolLines - a.spoolLines,
    cpuPct: cpuPct(a, b),
  };
}

export interface Drain {
  /** Database back (ready) → the first write acknowledged, seconds. */
  readonly firstWriteS: number;
  /** Database back → the spool down to steady state, seconds. */
  readonly catchUpS: number;
  /** The drain itself: the poll before the first acknowledged write → the first poll with the spool drained. */
  readonly seconds: number;
  /** Lines acknowledged during the drain, per second (backlog and live lines together). */
  readonly writtenPerS: number;
  /** The same from the spool: its decrease per second plus the samples accepted meanwhile. */
  readonly spoolPerS: number;
  /** Samples accepted per second during the drain. */
  readonly inflowPerS: number;
  readonly spoolAtStart: number;
  readonly cpuPct: number;
}

/**
 * The drain after the database came back at `backAt`: from the last poll before the first
 * acknowledged write to the first poll where the spool holds at most `drainedBelow` lines. Both
 * ends are rounded outwards to a poll, so the rate errs low by up to two poll intervals.
 */
export function drainAfter(polls: readonly SinkPoll[], backAt: number, drainedBelow: number): Drain | string {
  const i0 = polls.findIndex((p) => p.t >= backAt);
  if (i0 < 1) return 'no poll after the database came back';
  let j = -1;
  for (let i = i0; i < polls.length; i++) {
    if ((polls[i]?.written ?? 0) > (polls[i - 1]?.written ?? 0)) {
      j = i;
      break;
    }
  }
  if (j < 0) return 'no write was acknowledged after the database came back';
  const start = polls[j - 1];
  const k = polls.findIndex((p, i) => i >= j && p.spoolLines <= drainedBelow);
  const end = polls[k];
  if (start === undefined || end === undefined || k < 0) return `the spool did not drain below ${drainedBelow} lines (last: ${polls.at(-1)?.spoolLines ?? '?'})`;
  const seconds = end.t - start.t;
  const inflow = end.samples - start.samples;
  return {
    firstWriteS: (polls[j]?.t ?? end.t) - backAt,
    catchUpS: end.t - backAt,
    seconds,
    writtenPerS: (end.written - start.written) / seconds,
    spoolPerS: (start.spoolLines - end.spoolLines + inflow) / seconds,
    inflowPerS: inflow / seconds,
    spoolAtStart: start.spoolLines,
    cpuPct: cpuPct(start, end),
  };
}

export function peakSpoolLines(polls: readonly SinkPoll[]): number {
  return polls.reduce((max, p) => Math.max(max, p.spoolLines), 0);
}

/**
 * What the database holds, counted per (point, timestamp): `stored` rows, `distinct` pairs. A
 * point's rows may come in several export lines (and under several series, were its tags ever to
 * differ), so timestamps are gathered per point first.
 */
export class StoredCount {
  private readonly byPoint = new Map<string, number[]>();

  add(point: string, timestamps: readonly number[]): void {
    const list = this.byPoint.get(point);
    if (list === undefined) this.byPoint.set(point, [...timestamps]);
    else for (const ts of timestamps) list.push(ts);
  }

  result(): { readonly stored: number; readonly distinct: number; readonly points: number } {
    let stored = 0;
    let distinct = 0;
    for (const list of this.byPoint.values()) {
      const sorted = Float64Array.from(list).sort();
      stored += sorted.length;
      for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    }
    return { stored, distinct, points: this.byPoint.size };
  }
}

/** One line of VictoriaMetrics' /api/v1/export (JSON lines). */
export interface ExportRow {
  readonly metric: Readonly<Record<string, string>>;
  readonly timestamps: readonly number[];
}

export function parseExportLine(line: string): ExportRow | undefined {
  if (line.trim() === '') return undefined;
  const row = JSON.parse(line) as Partial<ExportRow>;
  if (typeof row.metric !== 'object' || row.metric === null || !Array.isArray(row.timestamps)) throw new Error(`not an export row: ${line.slice(0, 200)}`);
  return { metric: row.metric, timestamps: row.timestamps };
}

/** Splits a text stream into lines: feed chunks, get the complete lines; `end()` returns the rest. */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines;
  }

  end(): string[] {
    const last = this.rest;
    this.rest = '';
    return last === '' ? [] : [last];
  }
}
