import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import { HazgateError, metricFamily, type AdapterMetric, type AlarmTransition, type Clock, type ComponentStatus, type Logger, type Point, type Sample, type SampleSink } from '../../core/index.js';
import { sampleLine, transitionLine } from './line-protocol.js';
import { Spool, type SpooledBatch } from './spool.js';
import { writeOutcome, type RetryPolicy } from './write-outcome.js';

export interface InfluxSinkOptions {
  readonly url: string;
  readonly org: string;
  readonly bucket: string;
  /** Never logged. */
  readonly token: string | undefined;
  readonly siteId: string;
  readonly points: ReadonlyMap<string, Point>;
  readonly spoolDir: string;
  /** Lines per batch; a batch is also cut every flushIntervalMs. */
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  /** Lines per request while a backlog drains (several spooled batches in one request). */
  readonly maxRequestLines: number;
  readonly gzip: boolean;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly spoolMaxBytes: number;
  readonly spoolMaxAgeMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onError: (e: HazgateError) => void;
}

export interface InfluxSinkStats {
  /** Lines the database accepted. */
  written: number;
  requests: number;
  failedRequests: number;
  /** Lines the database refused as malformed (400/422), dropped one by one with their reason. */
  badLines: number;
  /** Lines discarded because the spool was over its size or age limit. */
  discarded: number;
  /** Samples that line protocol cannot carry (NaN, ±Infinity). */
  unwritable: number;
}

interface SendResult {
  readonly status: number | undefined;
  readonly body: string;
  readonly retryAfter: string | undefined;
}

/** What makes the sender wait before its next attempt. */
class RetryLater extends Error {
  constructor(readonly delayMs: number, readonly fatal: boolean, readonly reason: string) {
    super(reason);
  }
}

/** Warn when the spool passes this share of a limit (before anything is discarded). */
const WARN_AT = 0.8;

/**
 * The InfluxDB sink with store-and-forward (issue 6). Every batch is written to the disk spool
 * first and removed once the database has it: an outage, or a gateway restart during one, loses
 * nothing. One sender sends the spool in order; with a backlog it merges batches into requests of
 * up to maxRequestLines, so it drains faster than real time while new batches keep joining the
 * tail. write() only formats a line and appends it to memory: the rules never wait for the
 * database. Writes go to /api/v2/write (InfluxDB 2.x/3.x, 1.8+ and VictoriaMetrics).
 */
export class InfluxSink implements SampleSink {
  readonly stats: InfluxSinkStats = { written: 0, requests: 0, failedRequests: 0, badLines: 0, discarded: 0, unwritable: 0 };
  private readonly spool: Spool;
  private readonly influx: InfluxDB;
  private readonly path: string;
  private pending: string[] = [];
  private readonly flushTimer: NodeJS.Timeout;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly sender: Promise<void>;
  private state: ComponentStatus;
  private warnedFull = false;
  private requestLines: number;

  constructor(private readonly o: InfluxSinkOptions) {
    this.spool = new Spool(o.spoolDir);
    this.influx = new InfluxDB({ url: o.url, timeout: o.timeoutMs, ...(o.token === undefined || o.token === '' ? {} : { token: o.token }) });
    this.path = `/api/v2/write?org=${encodeURIComponent(o.org)}&bucket=${encodeURIComponent(o.bucket)}&precision=ms`;
    this.requestLines = o.maxRequestLines;
    // Idle is healthy: the sink is up until a write fails; a spool left from before is being sent.
    this.state = this.spool.length === 0 ? { state: 'up', since: o.clock.now() } : { state: 'degraded', reason: `sending ${this.spool.lines} lines spooled before the restart`, since: o.clock.now() };
    if (this.spool.length > 0) {
      o.logger.warn({ batches: this.spool.length, lines: this.spool.lines, bytes: this.spool.bytes }, `InfluxDB spool holds ${this.spool.lines} lines from before the restart: sending them first`);
    }
    this.flushTimer = setInterval(() => this.cut(), o.flushIntervalMs);
    this.flushTimer.unref();
    this.sender = this.run();
  }

  write(sample: Sample): boolean {
    if (this.closed) return false;
    const line = sampleLine(this.o.siteId, this.o.points.get(sample.pointId), sample);
    if (line === undefined) {
      this.stats.unwritable++;
      return false;
    }
    this.pending.push(line);
    if (this.pending.length >= this.o.batchSize) this.cut();
    return true;
  }

  writeTransition(t: AlarmTransition): void {
    if (this.closed) return;
    this.pending.push(transitionLine(t));
    // Alarms are rare and matter: they go to the spool (durable) at once.
    this.cut();
  }

  /** Everything written so far is in the spool (durable), not necessarily in the database yet. */
  async flush(): Promise<void> {
    this.cut();
  }

  /** Spools what is pending and stops sending; the spool is sent on the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.cut();
    this.closed = true;
    clearInterval(this.flushTimer);
    this.wake?.();
    await this.sender;
  }

  status(): ComponentStatus {
    return this.state;
  }

  /** Lines waiting in the spool (for /metrics and the bench). */
  get backlog(): { readonly lines: number; readonly bytes: number; readonly batches: number; readonly oldestAgeMs: number } {
    const oldest = this.spool.oldestAt;
    return { lines: this.spool.lines, bytes: this.spool.bytes, batches: this.spool.length, oldestAgeMs: oldest === undefined ? 0 : Math.max(0, this.o.clock.now() - oldest) };
  }

  metrics(): AdapterMetric[] {
    return influxMetrics(this.stats, this.backlog, this.state);
  }

  /** Pending lines become a spooled batch. */
  private cut(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    const now = this.o.clock.now();
    try {
      this.spool.append(lines, now);
    } catch (e) {
      // A full or broken disk: keep the lines in memory and say so; the next cut tries again.
      this.pending = lines.concat(this.pending);
      this.o.onError(new HazgateError('HG_ERR_INFLUX_SPOOL', `InfluxDB spool ${this.o.spoolDir}: cannot write: ${e instanceof Error ? e.message : String(e)}`, { dir: this.o.spoolDir }));
      return;
    }
    this.enforceLimits(now);
    this.wake?.();
  }

  /** Past the limits the oldest batches go, counted and logged; a warning comes well before. */
  private enforceLimits(now: number): void {
    const { spoolMaxBytes, spoolMaxAgeMs } = this.o;
    const ageOf = (): number => now - (this.spool.oldestAt ?? now);
    const nearly = this.spool.bytes > spoolMaxBytes * WARN_AT || ageOf() > spoolMaxAgeMs * WARN_AT;
    if (nearly && !this.warnedFull) {
      this.warnedFull = true;
      this.o.logger.error({ bytes: this.spool.bytes, maxBytes: spoolMaxBytes, oldestAgeMs: ageOf(), maxAgeMs: spoolMaxAgeMs }, `InfluxDB spool is over ${WARN_AT * 100} % of its limit: the oldest data will be discarded if InfluxDB stays away`);
    }
    if (!nearly) this.warnedFull = false;
    while (this.spool.length > 1 && (this.spool.bytes > spoolMaxBytes || ageOf() > spoolMaxAgeMs)) {
      const [oldest] = this.spool.head(1);
      if (oldest === undefined) break;
      this.spool.remove([oldest]);
      this.stats.discarded += oldest.lines;
      this.o.onError(new HazgateError('HG_ERR_INFLUX_SPOOL_FULL', `InfluxDB spool over its limit: discarded ${oldest.lines} lines spooled at ${new Date(oldest.at).toISOString()}`, { lines: oldest.lines, spooledAt: oldest.at }));
    }
  }

  private async run(): Promise<void> {
    let attempt = 1;
    while (!this.closed) {
      const batches = this.spool.head(this.requestLines);
      if (batches.length === 0) {
        await this.pause(undefined);
        continue;
      }
      try {
        await this.sendBatches(batches, attempt);
        attempt = 1;
        this.requestLines = this.o.maxRequestLines;
        if (this.state.state !== 'up') this.setState({ state: 'up', since: this.o.clock.now() });
      } catch (e) {
        if (!(e instanceof RetryLater)) {
          // An unreadable spool file or another surprise must not end the sender (or the gateway).
          const message = e instanceof Error ? e.message : String(e);
          this.o.onError(new HazgateError('HG_ERR_INFLUX_SPOOL', `InfluxDB sink: ${message}; retrying`, {}));
          this.setState({ state: 'degraded', reason: message, since: this.o.clock.now() });
          await this.pause(this.o.retry.maxMs);
          continue;
        }
        attempt++;
        this.setState({ state: e.fatal ? 'down' : 'degraded', reason: e.reason, since: this.o.clock.now() });
        await this.pause(e.delayMs);
      }
    }
  }

  /** `attempt` counts the failed tries of this outage: the back-off doubles with it. */
  private async sendBatches(batches: readonly SpooledBatch[], attempt: number): Promise<void> {
    const lines = batches.flatMap((b) => this.spool.read(b));
    await this.sendLines(lines, attempt);
    this.spool.remove(batches);
  }

  /**
   * Sends lines; a 400/422 or 413 on several lines splits them in halves (a single bad line is
   * dropped with its reason). A retryable or fatal answer throws RetryLater: the batches stay in
   * the spool and are sent again (halves already written are then written twice, which InfluxDB
   * and VictoriaMetrics with deduplication treat as one point: same series, same timestamp).
   */
  private async sendLines(lines: readonly string[], attempt: number): Promise<void> {
    if (lines.length === 0) return;
    const result = await this.post(lines);
    const outcome = writeOutcome(result.status, result.body, result.retryAfter, attempt, this.o.retry, this.o.clock.now());
    switch (outcome.action) {
      case 'written':
        this.stats.written += lines.length;
        return;
      case 'bad-lines':
        if (lines.length === 1) {
          this.stats.badLines++;
          this.o.onError(new HazgateError('HG_ERR_INFLUX_BAD_LINE', `InfluxDB refused a line (${outcome.reason}): ${lines[0]?.slice(0, 200) ?? ''}`, { reason: outcome.reason }));
          return;
        }
        return this.sendHalves(lines, attempt);
      case 'split':
        this.requestLines = Math.max(1, Math.floor(lines.length / 2));
        if (lines.length === 1) {
          this.stats.badLines++;
          this.o.onError(new HazgateError('HG_ERR_INFLUX_BAD_LINE', `InfluxDB refused a line as too large: ${lines[0]?.slice(0, 200) ?? ''}`, {}));
          return;
        }
        return this.sendHalves(lines, attempt);
      case 'retry':
      case 'fatal': {
        const fatal = outcome.action === 'fatal';
        const code = fatal ? 'HG_ERR_INFLUX_REFUSED' : 'HG_ERR_INFLUX_WRITE';
        const what = fatal ? 'refuses the writes (check url, org, bucket and token)' : 'is unreachable or busy';
        this.o.onError(new HazgateError(code, `InfluxDB ${this.o.url} ${what}: ${outcome.reason}; ${this.spool.lines} lines kept in the spool`, { url: this.o.url, reason: outcome.reason }));
        throw new RetryLater(outcome.delayMs, fatal, outcome.reason);
      }
    }
  }

  private async sendHalves(lines: readonly string[], attempt: number): Promise<void> {
    const mid = Math.ceil(lines.length / 2);
    await this.sendLines(lines.slice(0, mid), attempt);
    await this.sendLines(lines.slice(mid), attempt);
  }

  private async post(lines: readonly string[]): Promise<SendResult> {
    this.stats.requests++;
    try {
      await this.influx.transport.request(this.path, lines.join('\n'), {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        // A deadline that also ends the socket: a database that never answers must not pile them up.
        signal: AbortSignal.timeout(this.o.timeoutMs),
        ...(this.o.gzip ? { gzipThreshold: 1_000 } : {}),
      });
      return { status: 204, body: '', retryAfter: undefined };
    } catch (e) {
      this.stats.failedRequests++;
      if (e instanceof HttpError) {
        const retryAfter = e.headers?.['retry-after'];
        return { status: e.statusCode, body: e.body ?? e.message, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
      }
      return { status: undefined, body: e instanceof Error ? e.message : String(e), retryAfter: undefined };
    }
  }

  private pause(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      const self = this;
      function done(): void {
        if (timer !== undefined) clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      // A new batch wakes an idle sender; while it waits out a back-off only close does.
      this.wake = ms === undefined ? done : () => (this.closed ? done() : undefined);
      if (this.closed) done();
    });
  }

  private setState(s: ComponentStatus): void {
    if (s.state === this.state.state && s.reason === this.state.reason) return;
    const log = s.state === 'up' ? this.o.logger.info.bind(this.o.logger) : this.o.logger.warn.bind(this.o.logger);
    log({ state: s.state, reason: s.reason }, `InfluxDB sink is ${s.state}${s.reason === undefined ? '' : `: ${s.reason}`}`);
    this.state = s;
  }
}

/** The sink's /metrics families (their names do not depend on the values). */
export function influxMetrics(stats: InfluxSinkStats | undefined, backlog: InfluxSink['backlog'] | undefined, state: ComponentStatus | undefined): AdapterMetric[] {
  const c = (name: string, help: string, value: number): AdapterMetric => metricFamily('counter', name, help, value);
  const g = (name: string, help: string, value: number): AdapterMetric => metricFamily('gauge', name, help, value);
  const up = { up: 1, degraded: 0.5, starting: 0, down: 0, stopped: 0 }[state?.state ?? 'starting'];
  return [
    c('hazgate_influx_lines_written_total', 'Lines InfluxDB accepted', stats?.written ?? 0),
    c('hazgate_influx_requests_total', 'Write requests sent to InfluxDB', stats?.requests ?? 0),
    c('hazgate_influx_failed_requests_total', 'Write requests that failed (retried from the spool)', stats?.failedRequests ?? 0),
    c('hazgate_influx_bad_lines_total', 'Lines InfluxDB refused as malformed (400/422), dropped with their reason', stats?.badLines ?? 0),
    c('hazgate_influx_spool_discarded_lines_total', 'Lines discarded because the spool passed its size or age limit', stats?.discarded ?? 0),
    g('hazgate_influx_spool_lines', 'Lines waiting in the disk spool', backlog?.lines ?? 0),
    g('hazgate_influx_spool_bytes', 'Bytes of the disk spool', backlog?.bytes ?? 0),
    g('hazgate_influx_spool_oldest_seconds', 'Age of the oldest spooled batch', (backlog?.oldestAgeMs ?? 0) / 1000),
    g('hazgate_influx_up', 'InfluxDB sink: 1 writing, 0.5 retrying, 0 refused (401/403) or starting', up),
  ];
}
