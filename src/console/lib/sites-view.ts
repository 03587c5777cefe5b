import { COLOURS } from './alarm-model.js';
import type { AlarmColour, SiteView, Transition } from './wire.js';

/** A site silent longer than this is flagged: its gateway, its link or the centre's input is down. */
export const SILENT_AFTER_MS = 60_000;

/** A live `site` message (a site as on GET /api/sites, or only its summary) with the centre's time of sending. */
export type LiveSite = SiteView & { readonly time?: number };

/**
 * The sites to show: the REST list (polled: it has every field, and the latest message time) with
 * each live `site` message laid over its site when it was sent after the poll (it carries the gaps
 * and the chain verdict as they changed); sites only the live messages named come after. Sorted by
 * id, as the centre lists them.
 */
export function mergeSites(rest: readonly SiteView[], restAt: number, live: ReadonlyMap<string, LiveSite>): SiteView[] {
  const out = new Map<string, SiteView>();
  for (const s of rest) out.set(s.site, s);
  for (const [id, l] of live) {
    const base = out.get(id);
    if (base === undefined) {
      out.set(id, l);
      continue;
    }
    // Without a time it is a copy of an older REST answer (the shell's); older than the poll, stale.
    if (l.time === undefined || l.time < restAt) continue;
    out.set(id, {
      ...base,
      ...l,
      name: l.name ?? base.name,
      alarms: l.alarms ?? base.alarms,
      lastStatus: l.lastStatus ?? base.lastStatus,
      lastMessageAt: Math.max(l.lastMessageAt ?? 0, base.lastMessageAt ?? 0) || null,
    } as SiteView);
  }
  return [...out.values()].sort((a, b) => (a.site < b.site ? -1 : a.site > b.site ? 1 : 0));
}

export interface SiteAlarmCount {
  readonly byColour: Readonly<Record<AlarmColour, number>>;
  /** Unacknowledged shown alarms by colour (their chips flash); zero when only the REST counts are known. */
  readonly unacked: Readonly<Record<AlarmColour, number>>;
  readonly total: number;
}

const zero = (): Record<AlarmColour, number> => ({ red: 0, orange: 0, yellow: 0, blue: 0 });

/** The alarm counts of GET /api/sites (`alarms.byPriority`: "1".."4" → count). */
export function restAlarmCounts(s: SiteView): SiteAlarmCount {
  const byColour = zero();
  let total = 0;
  const by = s.alarms?.byPriority ?? {};
  for (const [p, n] of Object.entries(by)) {
    const colour = COLOURS[Number(p) - 1];
    if (colour === undefined || typeof n !== 'number') continue;
    byColour[colour] += n;
    total += n;
  }
  return { byColour, unacked: zero(), total };
}

/** The shown alarms of each site in the live alarm book (what the alarm list shows), by colour. */
export function liveAlarmCounts(alarms: readonly Transition[]): Map<string, SiteAlarmCount> {
  const out = new Map<string, { byColour: Record<AlarmColour, number>; unacked: Record<AlarmColour, number>; total: number }>();
  for (const t of alarms) {
    if (t.site === undefined || !t.annunciated) continue;
    let c = out.get(t.site);
    if (c === undefined) out.set(t.site, (c = { byColour: zero(), unacked: zero(), total: 0 }));
    c.byColour[t.colour]++;
    c.total++;
    if (!t.acked) c.unacked[t.colour]++;
  }
  return out;
}

export type ChainLevel = 'ok' | 'partial' | 'broken' | 'unknown';

/** `ok`, `partial` (checked from the first record held), `broken` (tampered or head-mismatch: evidence of an edited journal). */
export function chainLevel(verdict: string | undefined): ChainLevel {
  if (verdict === 'ok') return 'ok';
  if (verdict === 'partial') return 'partial';
  if (verdict === 'tampered' || verdict === 'head-mismatch') return 'broken';
  return 'unknown';
}

/** Journal records the centre holds of the site (null when the summary does not say). */
export function chainRecords(s: SiteView): number | null {
  const n = (s.chain as unknown as Record<string, unknown> | undefined)?.['records'];
  return typeof n === 'number' ? n : null;
}

export interface GapCounts {
  readonly open: number;
  readonly lost: number;
  readonly openMessages: number;
  readonly lostMessages: number;
}

export function gapCounts(s: SiteView): GapCounts {
  const g = s.gaps;
  const open = Array.isArray(g?.open) ? g.open.length : 0;
  const lost = Array.isArray(g?.lost) ? g.lost.length : 0;
  return { open, lost, openMessages: num(g?.openMessages), lostMessages: num(g?.lostMessages) };
}

/** How long the site has been silent at `now` (null: never heard), and whether that is too long. */
export function silence(s: Pick<SiteView, 'lastMessageAt'>, now: number): { readonly ageMs: number | null; readonly silent: boolean } {
  if (s.lastMessageAt === null || s.lastMessageAt === undefined) return { ageMs: null, silent: true };
  const ageMs = Math.max(0, now - s.lastMessageAt);
  return { ageMs, silent: ageMs > SILENT_AFTER_MS };
}

export interface SilentSite {
  readonly site: string;
  readonly name: string | null;
  /** Centre time of its last message; null: never heard. */
  readonly lastMessageAt: number | null;
}

/**
 * The sites silent too long at `now` among those shown (the chosen one, or all with `chosen` null),
 * sorted by id: their alarms may have changed without the centre hearing.
 */
export function silentSites(sites: Iterable<SiteView>, now: number, chosen: string | null): SilentSite[] {
  const out: SilentSite[] = [];
  for (const s of sites) {
    if (chosen !== null && s.site !== chosen) continue;
    if (!silence(s, now).silent) continue;
    out.push({ site: s.site, name: s.name ?? null, lastMessageAt: s.lastMessageAt ?? null });
  }
  return out.sort((a, b) => (a.site < b.site ? -1 : a.site > b.site ? 1 : 0));
}

export interface StatusSummary {
  readonly version: string | null;
  readonly adaptersUp: number;
  readonly adapters: number;
  /** Adapters not up, with their state. */
  readonly down: readonly { readonly id: string; readonly status: string }[];
  readonly outboxDepth: number;
  readonly outboxOldestMs: number;
  readonly dropped: number;
  /** When the gateway sent it (its clock). */
  readonly time: number | null;
}

/** The site's last `status` message (`{ seq, time, body: { version, adapters, outbox } }`), read defensively; null without one. */
export function statusSummary(lastStatus: unknown): StatusSummary | null {
  if (typeof lastStatus !== 'object' || lastStatus === null) return null;
  const st = lastStatus as Record<string, unknown>;
  const body = (typeof st['body'] === 'object' && st['body'] !== null ? st['body'] : {}) as Record<string, unknown>;
  const adapters = Array.isArray(body['adapters']) ? body['adapters'] : [];
  const down: { id: string; status: string }[] = [];
  let up = 0;
  for (const a of adapters) {
    if (typeof a !== 'object' || a === null) continue;
    const o = a as Record<string, unknown>;
    const status = typeof o['status'] === 'string' ? o['status'] : 'unknown';
    if (status === 'up') up++;
    else down.push({ id: typeof o['id'] === 'string' ? o['id'] : '?', status });
  }
  const outbox = (typeof body['outbox'] === 'object' && body['outbox'] !== null ? body['outbox'] : {}) as Record<string, unknown>;
  const droppedObj = (typeof outbox['dropped'] === 'object' && outbox['dropped'] !== null ? outbox['dropped'] : {}) as Record<string, unknown>;
  const dropped = Object.values(droppedObj).reduce<number>((n, v) => n + num(v), 0);
  return {
    version: typeof body['version'] === 'string' ? body['version'] : null,
    adaptersUp: up,
    adapters: up + down.length,
    down,
    outboxDepth: num(outbox['depth']),
    outboxOldestMs: num(outbox['oldestAgeMs']),
    dropped,
    time: typeof st['time'] === 'number' ? st['time'] : null,
  };
}

/** Worst first: a broken chain, then silent sites, then red alarms…, then by id (stable). For a centre with many sites. */
export function siteUrgency(s: SiteView, alarms: SiteAlarmCount, now: number): number {
  if (chainLevel(s.chain?.verdict) === 'broken') return 0;
  const c = alarms.byColour;
  if (c.red > 0) return 1;
  if (silence(s, now).silent) return 2;
  if (c.orange > 0) return 3;
  if (gapCounts(s).open > 0 || gapCounts(s).lost > 0) return 4;
  if (c.yellow > 0) return 5;
  if (c.blue > 0) return 6;
  return 7;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
