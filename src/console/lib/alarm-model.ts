import type { AlarmColour, Priority, Transition } from './wire.js';

/** Colours by priority (1 red, 2 orange, 3 yellow, 4 blue), the order every summary keeps. */
export const COLOURS: readonly AlarmColour[] = ['red', 'orange', 'yellow', 'blue'];
export const PRIORITIES: readonly Priority[] = [1, 2, 3, 4];

/** What an alarm list shows: the states an operator filters on. */
export type StateFilter = 'shown' | 'unacked' | 'acked' | 'active' | 'returned' | 'latched' | 'hidden' | 'all';
export const STATE_FILTERS: readonly StateFilter[] = ['shown', 'unacked', 'acked', 'active', 'returned', 'latched', 'hidden', 'all'];

export interface AlarmFilter {
  readonly area: string | null;
  readonly priority: Priority | null;
  readonly state: StateFilter;
  /** Case-insensitive words, all of which must appear in the condition id, point, level or message. */
  readonly text: string;
  /** At a centre: one site, or null for all. */
  readonly site: string | null;
}

export const NO_FILTER: AlarmFilter = { area: null, priority: null, state: 'shown', text: '', site: null };

/** The operator position (area) of a condition: its point's area, or `site` for what has none. */
export type AreaOf = (t: Transition) => string;

/** Unacknowledged and shown: the rows that flash. */
export function isUnacked(t: Transition): boolean {
  return t.annunciated && !t.acked;
}

export function matches(t: Transition, f: AlarmFilter, areaOf: AreaOf): boolean {
  if (f.site !== null && t.site !== undefined && t.site !== f.site) return false;
  if (f.priority !== null && t.priority !== f.priority) return false;
  if (f.area !== null && areaOf(t) !== f.area) return false;
  if (!stateMatches(t, f.state)) return false;
  const words = f.text.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return true;
  const hay = `${t.conditionId} ${t.pointId ?? ''} ${t.zoneId ?? ''} ${t.level ?? ''} ${t.message} ${t.site ?? ''}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

function stateMatches(t: Transition, s: StateFilter): boolean {
  switch (s) {
    case 'all':
      return true;
    case 'hidden':
      return !t.annunciated;
    case 'shown':
      return t.annunciated;
    case 'unacked':
      return t.annunciated && !t.acked;
    case 'acked':
      return t.annunciated && t.acked;
    case 'active':
      return t.annunciated && t.active;
    case 'returned':
      return t.annunciated && !t.active;
    case 'latched':
      return t.annunciated && t.latched;
  }
}

/** Highest priority first, then the newest activation (or change) first; the id breaks ties so the order is stable. */
export function compareAlarms(a: Transition, b: Transition): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const ta = a.activeSince ?? a.time;
  const tb = b.activeSince ?? b.time;
  if (ta !== tb) return tb - ta;
  return keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;
}

/** A condition's key: its id, with its site at a centre (two sites may share condition ids). */
export function keyOf(t: Pick<Transition, 'conditionId' | 'site'>): string {
  return t.site === undefined ? t.conditionId : `${t.site}|${t.conditionId}`;
}

export interface AlarmCounts {
  /** Shown alarms by colour. */
  readonly byColour: Readonly<Record<AlarmColour, number>>;
  /** Shown alarms by area, then colour; areas sorted by name. */
  readonly byArea: readonly { readonly area: string; readonly byColour: Readonly<Record<AlarmColour, number>>; readonly unacked: number }[];
  readonly shown: number;
  readonly unacked: number;
  /** Shelved, suppressed or out of service. */
  readonly hidden: number;
}

function zeroColours(): Record<AlarmColour, number> {
  return { red: 0, orange: 0, yellow: 0, blue: 0 };
}

/**
 * In which order live transitions are taken:
 * - `arrival` (a gateway): the WebSocket's order is the journal's order; every transition replaces
 *   what came before (the record times are the gateway's wall clock, which may step back);
 * - `journal` (a centre): records of a site may arrive out of order (a gap filled later is broadcast
 *   live too), so each condition keeps the journal seq of its latest record, also once it returned
 *   to normal, and an older record changes nothing.
 */
export type AlarmOrder = 'arrival' | 'journal';

/**
 * The retained alarms of one gateway (or of a centre's sites), kept from the WebSocket: a snapshot
 * between markers replaces everything at its end (so a half-received snapshot never shows), and
 * each live transition replaces its condition's entry or, back to normal, removes it.
 */
export class AlarmBook {
  private alarms = new Map<string, Transition>();
  private pending: Map<string, Transition> | null = null;
  /** `journal` order: the journal seq of each condition's latest record (kept after it returned to normal). */
  private readonly seqs = new Map<string, number>();
  /** Bumped on every visible change: views redraw when it moved. */
  version = 0;

  constructor(readonly order: AlarmOrder = 'arrival') {}

  get size(): number {
    return this.alarms.size;
  }

  get inSnapshot(): boolean {
    return this.pending !== null;
  }

  beginSnapshot(): void {
    this.pending = new Map();
  }

  /** A `condition` of the snapshot (outside one, it counts as a live transition). */
  snapshotCondition(t: Transition): void {
    if (this.pending === null) return void this.apply(t);
    if (t.state !== 'normal') this.pending.set(keyOf(t), t);
  }

  endSnapshot(): void {
    if (this.pending === null) return;
    // The snapshot is the server's current picture: its records are what each condition stands at.
    for (const [key, t] of this.pending) if (typeof t.journalSeq === 'number') this.seqs.set(key, Math.max(t.journalSeq, this.seqs.get(key) ?? 0));
    this.alarms = this.pending;
    this.pending = null;
    this.version++;
  }

  /** A snapshot that will not end (the connection dropped mid-way): keep what was shown. */
  abandonSnapshot(): void {
    this.pending = null;
  }

  /** Whether a live record is older than what the condition already stands at (`journal` order only). */
  private isOlder(key: string, t: Transition): boolean {
    if (this.order !== 'journal' || typeof t.journalSeq !== 'number') return false;
    const seen = this.seqs.get(key);
    if (seen !== undefined && t.journalSeq <= seen) return true;
    this.seqs.set(key, t.journalSeq);
    return false;
  }

  /** A live transition: in arrival order at a gateway, by journal seq at a centre (see AlarmOrder). */
  apply(t: Transition): void {
    const key = keyOf(t);
    if (this.isOlder(key, t)) return;
    if (this.pending !== null) {
      // Transitions during a snapshot are not sent by the server; should one come, it is newer than the snapshot.
      if (t.state === 'normal') this.pending.delete(key);
      else this.pending.set(key, t);
    }
    if (t.state === 'normal') {
      if (!this.alarms.delete(key)) return;
    } else this.alarms.set(key, t);
    this.version++;
  }

  get(key: string): Transition | undefined {
    return this.alarms.get(key);
  }

  all(): Transition[] {
    return [...this.alarms.values()];
  }

  list(filter: AlarmFilter, areaOf: AreaOf): Transition[] {
    return this.all()
      .filter((t) => matches(t, filter, areaOf))
      .sort(compareAlarms);
  }

  /** Areas with at least one retained alarm, sorted. */
  areas(areaOf: AreaOf): string[] {
    return [...new Set(this.all().map(areaOf))].sort();
  }

  counts(areaOf: AreaOf, site: string | null = null): AlarmCounts {
    const byColour = zeroColours();
    const areas = new Map<string, { byColour: Record<AlarmColour, number>; unacked: number }>();
    let shown = 0;
    let unacked = 0;
    let hidden = 0;
    for (const t of this.alarms.values()) {
      if (site !== null && t.site !== undefined && t.site !== site) continue;
      if (!t.annunciated) {
        hidden++;
        continue;
      }
      shown++;
      byColour[t.colour]++;
      const area = areaOf(t);
      let a = areas.get(area);
      if (a === undefined) areas.set(area, (a = { byColour: zeroColours(), unacked: 0 }));
      a.byColour[t.colour]++;
      if (!t.acked) {
        unacked++;
        a.unacked++;
      }
    }
    const byArea = [...areas.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([area, v]) => ({ area, ...v }));
    return { byColour, byArea, shown, unacked, hidden };
  }

  clear(): void {
    if (this.alarms.size === 0) return;
    this.alarms.clear();
    this.version++;
  }
}
