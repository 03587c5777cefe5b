import type { AdapterMetric, JournalFeedSource, Logger, Point, Sample } from '../core/index.js';
import { FEED_KINDS } from '../core/index.js';
import { buildSnapshot, buildStatus, catchUpJournal, FillWatch, SqliteOutbox, type GatewayFacts } from '../uplink/index.js';

export interface UplinkOutboxSettings {
  readonly site: string;
  readonly dir: string;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  readonly sync: 'full' | 'normal';
  readonly snapshotMs: number;
  readonly statusMs: number;
  /** The points of each snapshot, in order. */
  readonly points: readonly Point[];
}

export interface UplinkOutboxDeps {
  readonly journal: JournalFeedSource;
  readonly latest: (pointId: string) => Sample | undefined;
  readonly facts: () => GatewayFacts;
  readonly logger: Logger;
}

/**
 * The gateway's side of the feed before any transport: journal records copied into the outbox as
 * they are journaled (and at start, which repairs a crash between the two commits), snapshots of
 * the configured points, status and the chain head on their periods, the bounds applied, and a
 * loud log at 50 %, 80 % and 100 % full.
 */
export class UplinkOutbox {
  readonly outbox: SqliteOutbox;
  private readonly fillWatch = new FillWatch();
  private lastSnapshot = -Infinity;
  private lastStatus = -Infinity;
  private lastTrim = -Infinity;
  private copyErrors = 0;
  private drops = 0;

  constructor(
    private readonly s: UplinkOutboxSettings,
    private readonly deps: UplinkOutboxDeps,
    now: number,
  ) {
    this.outbox = new SqliteOutbox({
      dir: s.dir,
      site: s.site,
      maxBytes: s.maxBytes,
      maxAgeMs: s.maxAgeMs,
      synchronous: s.sync,
      // Every drop is counted (metrics, status); logged at the 1st, 10th, 100th… so a long outage does not flood the log.
      onDrop: (e) => {
        this.drops++;
        if (Number.isInteger(Math.log10(this.drops))) deps.logger.error({ code: e.code, ...e.details, drops: this.drops }, `${e.message} (${this.drops} drops since start)`);
      },
    });
    this.copyJournal(now);
  }

  /** Copies journal records not yet in the outbox (after every transition; cheap when there are none). */
  copyJournal(now: number): void {
    try {
      if (catchUpJournal(this.outbox, this.deps.journal, now) > 0) this.watchFill(now);
    } catch (e) {
      // The journal keeps the records: the next call copies them.
      if (this.copyErrors++ % 100 === 0) this.deps.logger.error({ code: 'HG_ERR_UPLINK_OUTBOX', err: String(e), errors: this.copyErrors }, 'journal records could not be copied to the uplink outbox; retried');
    }
  }

  /** Snapshots, status and head on their periods; the bounds once a minute. */
  tick(now: number): void {
    try {
      if (now - this.lastSnapshot >= this.s.snapshotMs) {
        this.lastSnapshot = now;
        this.outbox.append('snapshot', buildSnapshot(this.s.points, this.deps.latest), now);
      }
      if (now - this.lastStatus >= this.s.statusMs) {
        this.lastStatus = now;
        this.copyJournal(now);
        this.outbox.appendHead(now);
        this.outbox.append('status', buildStatus(this.deps.facts(), this.outbox.stats(), now), now);
      }
      if (now - this.lastTrim >= 60_000) {
        this.lastTrim = now;
        this.outbox.trim(now);
      }
      this.watchFill(now);
    } catch (e) {
      if (this.copyErrors++ % 100 === 0) this.deps.logger.error({ code: 'HG_ERR_UPLINK_OUTBOX', err: String(e) }, 'the uplink outbox refused a message; retried at the next period');
    }
  }

  metrics(now: number): AdapterMetric[] {
    const st = this.outbox.stats();
    const gauge = (name: string, help: string, value: number): AdapterMetric => ({ name, help, type: 'gauge', labelNames: [], values: [{ labels: {}, value }] });
    return [
      gauge('hazgate_uplink_outbox_depth', 'Feed messages the centre has not acknowledged.', st.depth),
      gauge('hazgate_uplink_outbox_bytes', 'Bytes of those messages.', st.bytes),
      gauge('hazgate_uplink_outbox_oldest_age_seconds', 'Age of the oldest unacknowledged message, s.', st.oldestTime === null ? 0 : Math.max(0, now - st.oldestTime) / 1000),
      gauge('hazgate_uplink_outbox_fill_ratio', 'The larger of bytes/maxBytes and age/maxAge: at 1 messages are dropped (warned at 0.5 and 0.8).', this.outbox.fill(now)),
      gauge('hazgate_uplink_last_seq', 'The last feed sequence number given.', st.lastSeq),
      gauge('hazgate_uplink_acked_seq', 'The last sequence number the centre acknowledged.', st.ackedSeq),
      {
        name: 'hazgate_uplink_outbox_dropped_total', help: 'Messages dropped at the outbox bounds, by kind (the centre sees gaps).', type: 'counter', labelNames: ['kind'],
        values: FEED_KINDS.map((kind) => ({ labels: { kind }, value: st.dropped[kind] })),
      },
    ];
  }

  close(): void {
    this.outbox.close();
  }

  private watchFill(now: number): void {
    const crossing = this.fillWatch.update(this.outbox.fill(now));
    if (crossing === null) return;
    const pct = Math.round(crossing.fill * 100);
    const st = this.outbox.stats();
    const fields = { code: 'HG_ERR_UPLINK_OUTBOX_FULL', fill: pct, depth: st.depth, bytes: st.bytes };
    if (crossing.to > crossing.from) this.deps.logger.error(fields, `uplink outbox ${pct} % full (${st.depth} messages the centre has not acknowledged)${crossing.to >= 100 ? ': the oldest are being dropped' : ''}`);
    else this.deps.logger.info(fields, `uplink outbox down to ${pct} % full`);
  }
}
