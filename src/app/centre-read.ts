import type { CentreConfig } from '../config/centre.js';
import type { CentreReadModel, CentreSiteGauges } from '../server/index.js';
import { emptySummary, type CentreChainSummary, type CentreGapSummary, type CentreJournalEntry, type CentreSiteRecord, type CentreStoreReader, type StoredRecord } from '../uplink/index.js';

/** One site on GET /api/sites (and in the WebSocket `site` message's company). */
export interface CentreSiteView {
  readonly site: string;
  readonly name?: string;
  /** Listed in the centre config (with a key); false: accepted over MQTT by acceptUnknownSites. */
  readonly configured: boolean;
  readonly lastSeq: number;
  readonly ackUpto: number;
  readonly gaps: CentreGapSummary;
  readonly chain: CentreChainSummary;
  readonly lastStatus: CentreSiteRecord['status'];
  readonly alarms: CentreSiteRecord['alarms'];
  /** Centre time of the site's first and latest batch; null before any. */
  readonly firstMessageAt: number | null;
  readonly lastMessageAt: number | null;
  readonly messages: { readonly applied: number; readonly duplicates: number };
}

/** The centre's read model: the store's rows with the config's site names, every configured site listed even before its first batch. */
export class CentreRead implements CentreReadModel {
  private readonly names: ReadonlyMap<string, string | undefined>;

  constructor(
    private readonly store: CentreStoreReader,
    config: Pick<CentreConfig, 'sites'>,
  ) {
    this.names = new Map(config.sites.map((s) => [s.id, s.name]));
  }

  sites(site?: string): CentreSiteView[] {
    const rows = new Map(this.store.sites(site).map((r) => [r.site, r]));
    const ids = new Set([...(site === undefined ? this.names.keys() : this.names.has(site) ? [site] : []), ...rows.keys()]);
    return [...ids].sort().map((id) => this.view(id, rows.get(id)));
  }

  alarms(site?: string): CentreJournalEntry[] {
    return this.store.alarms(site);
  }

  history(q: { site?: string | undefined; limit: number; conditionId?: string | undefined; since?: number | undefined }): CentreJournalEntry[] {
    return this.store.history(q);
  }

  values(site?: string, pointId?: string) {
    return this.store.values(site, pointId);
  }

  /** /metrics: one line per site. */
  gauges(): CentreSiteGauges[] {
    return this.sites().map((s) => ({
      site: s.site,
      lastSeq: s.lastSeq,
      ackUpto: s.ackUpto,
      openGaps: s.gaps.open.length,
      lostGaps: s.gaps.lost.length,
      openMessages: s.gaps.openMessages,
      lostMessages: s.gaps.lostMessages,
      tampered: s.chain.tamperedCount,
      chainOk: s.chain.verdict === 'ok' || s.chain.verdict === 'partial' ? 1 : 0,
      alarms: s.alarms.byPriority,
      lastReceivedAt: s.lastMessageAt ?? 0,
    }));
  }

  private view(site: string, row: CentreSiteRecord | undefined): CentreSiteView {
    const summary = row?.summary ?? emptySummary(site);
    const name = this.names.get(site);
    return {
      site,
      ...(name === undefined ? {} : { name }),
      configured: this.names.has(site),
      lastSeq: summary.lastSeq,
      ackUpto: summary.ackUpto,
      gaps: summary.gaps,
      chain: summary.chain,
      lastStatus: row?.status ?? null,
      alarms: row?.alarms ?? { total: 0, byPriority: {} },
      firstMessageAt: row?.firstReceivedAt ?? null,
      lastMessageAt: row?.lastReceivedAt ?? null,
      messages: { applied: row?.applied ?? 0, duplicates: row?.duplicates ?? 0 },
    };
  }
}

/** A stored journal record as the WebSocket `transition` message carries it. */
export function liveEntry(r: StoredRecord): CentreJournalEntry {
  return r.facts === null ? { site: r.site, journalSeq: r.journalSeq, unreadable: true } : { ...r.facts.transition, site: r.site, journalSeq: r.journalSeq };
}
