import { COLOURS } from './alarm-model.js';
import type { AlarmColour, SiteView, Transition } from './wire.js';

/**
 * The summary's figures: EEMUA 191 bands of alarm rates, the priority distribution against the
 * recommended one, and the centre's rows of sites. Pure.
 */

/** EEMUA 191 per operator position: ≤ 1 alarm per 10 min is acceptable (2 at most), more than 10 in 10 min is a flood. */
export const EEMUA_ACCEPTABLE_PER_10MIN = 1;
export const EEMUA_MANAGEABLE_PER_10MIN = 2;
export const EEMUA_FLOOD_PER_10MIN = 10;

export type RateBand = 'acceptable' | 'manageable' | 'demanding' | 'flood';

/** The band of an alarm rate (alarms per 10 minutes, average or peak). */
export function rateBand(per10Min: number): RateBand {
  if (per10Min <= EEMUA_ACCEPTABLE_PER_10MIN) return 'acceptable';
  if (per10Min <= EEMUA_MANAGEABLE_PER_10MIN) return 'manageable';
  if (per10Min <= EEMUA_FLOOD_PER_10MIN) return 'demanding';
  return 'flood';
}

/** EEMUA 191's recommended share of alarms by importance (%): most low, few high. */
export const RECOMMENDED_SHARE = { high: 5, medium: 15, low: 80 } as const;

export interface PriorityShare {
  readonly band: 'high' | 'medium' | 'low';
  readonly count: number;
  /** Share of all alarms (%), one decimal; 0 when there were none. */
  readonly pct: number;
  readonly recommendedPct: number;
}

/**
 * hazgate's four priorities in EEMUA's three bands: priority 1 (一级, red) high, 2 (二级) medium,
 * 3 and 4 low.
 */
export function priorityShares(priorities: Readonly<Record<string, number>>): PriorityShare[] {
  const n = (p: number) => {
    const v = priorities[String(p)];
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
  };
  const bands = [
    { band: 'high' as const, count: n(1) },
    { band: 'medium' as const, count: n(2) },
    { band: 'low' as const, count: n(3) + n(4) },
  ];
  const total = bands.reduce((s, b) => s + b.count, 0);
  return bands.map((b) => ({ ...b, pct: total === 0 ? 0 : Math.round((b.count / total) * 1000) / 10, recommendedPct: RECOMMENDED_SHARE[b.band] }));
}

/** A share is off the recommendation when more than half again as high (high, medium) or far lower (low). */
export function shareOff(s: PriorityShare): boolean {
  if (s.count === 0) return false;
  return s.band === 'low' ? s.pct < s.recommendedPct / 2 : s.pct > s.recommendedPct * 1.5;
}

export interface SiteRow {
  readonly site: string;
  readonly name: string;
  readonly byColour: Readonly<Record<AlarmColour, number>>;
  readonly shown: number;
  readonly unacked: number;
  /** The chain's verdict as the centre reports it (`ok`, `tampered`, …), or null when unknown. */
  readonly verdict: string | null;
  readonly openGaps: number;
  readonly lostGaps: number;
  readonly lastMessageAt: number | null;
}

/**
 * The centre's summary rows: every site the centre knows (from `/api/sites` and its live `site`
 * messages) and every site an alarm came from, with its shown alarms counted from the live book.
 */
export function siteRows(sites: Iterable<SiteView>, alarms: Iterable<Transition>): SiteRow[] {
  const rows = new Map<string, { view: SiteView | null; byColour: Record<AlarmColour, number>; shown: number; unacked: number }>();
  const row = (site: string) => {
    let r = rows.get(site);
    if (r === undefined) rows.set(site, (r = { view: null, byColour: { red: 0, orange: 0, yellow: 0, blue: 0 }, shown: 0, unacked: 0 }));
    return r;
  };
  for (const s of sites) row(s.site).view = s;
  for (const t of alarms) {
    if (t.site === undefined || !t.annunciated) continue;
    const r = row(t.site);
    r.byColour[t.colour]++;
    r.shown++;
    if (!t.acked) r.unacked++;
  }
  return [...rows.entries()]
    .map(([site, r]) => {
      const v = r.view;
      const gaps = v?.gaps;
      return {
        site,
        name: typeof v?.name === 'string' && v.name !== '' ? v.name : site,
        byColour: r.byColour,
        shown: r.shown,
        unacked: r.unacked,
        verdict: typeof v?.chain?.verdict === 'string' ? v.chain.verdict : null,
        openGaps: Array.isArray(gaps?.open) ? gaps.open.length : 0,
        lostGaps: Array.isArray(gaps?.lost) ? gaps.lost.length : 0,
        lastMessageAt: typeof v?.lastMessageAt === 'number' ? v.lastMessageAt : null,
      };
    })
    .sort((a, b) => worst(a) - worst(b) || b.shown - a.shown || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The index of the highest colour a row has (4 when none): rows with red alarms come first. */
function worst(r: Pick<SiteRow, 'byColour'>): number {
  const i = COLOURS.findIndex((c) => r.byColour[c] > 0);
  return i < 0 ? COLOURS.length : i;
}

