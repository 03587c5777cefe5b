/**
 * The interlock bypass register (联锁摘除): who bypassed which interlock, approved by whom, why,
 * from when and until when planned. hazgate records and watches bypasses; it never bypasses or
 * restores an interlock itself (the SIS is changed at the SIS).
 */
export interface BypassEntry {
  readonly id: string;
  readonly interlock: string;
  /** The process unit of the interlock, when configured. */
  readonly unit: string | null;
  readonly who: string;
  readonly approver: string;
  readonly reason: string;
  /** Epoch ms. */
  readonly start: number;
  readonly plannedEnd: number;
  /** Epoch ms the bypass ended (the interlock back in service); null while active. */
  readonly endedAt: number | null;
  readonly endedBy: string | null;
  readonly endComment: string | null;
}

/** A request to register a bypass. */
export interface BypassRequest {
  readonly interlock: string;
  readonly who: string;
  readonly approver: string;
  readonly reason: string;
  /** Default: now. */
  readonly start?: number | undefined;
  readonly plannedEnd: number;
}

/** Interlock in-service rate (联锁投用率) of one unit on one day: the time-weighted share of its interlocks not bypassed. */
export interface InServiceRate {
  readonly unit: string;
  /** The day, `YYYY-MM-DD` (UTC+8, China Standard Time). */
  readonly day: string;
  readonly interlocks: number;
  /** Interlock-hours bypassed that day. */
  readonly bypassedHours: number;
  /** 0-100 %. */
  readonly ratePct: number;
}

/** What the server may ask of the bypass register. */
export interface BypassService {
  list(activeOnly: boolean): BypassEntry[];
  /** @throws HazgateError HG_ERR_BYPASS_* (refused), HG_ERR_JOURNAL_WRITE. */
  register(request: BypassRequest): BypassEntry;
  /** @throws HazgateError HG_ERR_BYPASS_UNKNOWN, HG_ERR_BYPASS_NOT_ACTIVE, HG_ERR_JOURNAL_WRITE. */
  end(id: string, user: string, comment: string | undefined): BypassEntry;
  inServiceRates(from: number, to: number): InServiceRate[];
}
