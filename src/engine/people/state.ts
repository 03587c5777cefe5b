import type { Person, ReaderEvent, TagPosition, TagStatus, ZoneSpec } from '../../core/index.js';
import { PEOPLE_DEFAULTS } from './settings.js';
import { restoreTrack, tagSnapshot, type PeopleSnapshot, type RestoreLimits } from './snapshot.js';
import { newTrack, raiseLate, raisesAlarm, takeFlags, type TagTrack, type TagView } from './tag-track.js';
import { outlinedZonesAt, readerZonesOf, ZoneMap } from './zones.js';

/** A tag entered or left a zone (gateway time). */
export type { TagView };

export interface ZoneChange {
  readonly tagId: string;
  readonly zoneId: string;
  readonly change: 'enter' | 'leave';
  readonly time: number;
}

/** Who a tag is, for lists of people: a tag nobody wears (a visitor card not on the roster) still counts as a head. */
export interface PersonRef {
  readonly tagId: string;
  readonly personId: string | null;
  readonly name: string | null;
  readonly role: string | null;
}

export interface PeopleStateOptions {
  /** m; see PeopleSettings.hysteresisM. */
  readonly hysteresisM?: number | undefined;
  /** ms; see PeopleSettings.enterAfterMs. */
  readonly enterAfterMs?: number | undefined;
  /** ms; see PeopleSettings.reorderWindowMs. */
  readonly reorderWindowMs?: number | undefined;
  /** See PeopleSettings.maxTags. */
  readonly maxTags?: number | undefined;
}

const NONE: ReadonlySet<string> = new Set();
const NO_TIMES: ReadonlyMap<string, number> = new Map();

/**
 * Where every tag is: fed positions, tag states without a position and reader events, it keeps
 * each tag's zones (outlines entered after enterAfterMs inside and left beyond hysteresisM, reader
 * areas as reported) and each zone's tags, and says what entered and left. A zone with both an
 * outline and readers holds a tag placed by either. At most maxTags tags off the roster are known.
 */
export class PeopleState {
  readonly zones: ZoneMap;
  private people = new Map<string, Person>();
  private readonly tracks = new Map<string, TagTrack>();
  /** Tags with an outline entry still being debounced. */
  private readonly pending = new Set<string>();
  private readonly occupants = new Map<string, Set<string>>();
  private readonly hysteresisM: number;
  private readonly enterAfterMs: number;
  private readonly reorderWindowMs: number;
  private readonly maxTags: number;
  /** Tracks of tags not on the roster (bounded by maxTags). */
  private strangers = 0;
  /**
   * Fixes and tag states refused, or taken for their SOS press or fall only: stamped before the
   * tag's latest within the reorder window; and fixes with coordinates that are not numbers.
   */
  rejectedFixes = 0;
  /** Reader events dropped: stamped before the latest event of the same reader about the same tag, within the reorder window. */
  rejectedReaderEvents = 0;
  /** Reader events dropped because no zone lists their reader (such a reader would pin its tags forever). */
  unknownReaderEvents = 0;
  /** Fixes, tag states and reader events of a new tag off the roster refused because maxTags such tags are known. */
  rejectedTags = 0;

  /** `options` as a number is the hysteresis in metres (the older signature). */
  constructor(zones: readonly ZoneSpec[], people: readonly Person[] = [], options: number | PeopleStateOptions = {}) {
    const o = typeof options === 'number' ? { hysteresisM: options } : options;
    this.hysteresisM = o.hysteresisM ?? PEOPLE_DEFAULTS.hysteresisM;
    this.enterAfterMs = o.enterAfterMs ?? PEOPLE_DEFAULTS.enterAfterMs;
    this.reorderWindowMs = o.reorderWindowMs ?? PEOPLE_DEFAULTS.reorderWindowMs;
    this.maxTags = o.maxTags ?? PEOPLE_DEFAULTS.maxTags;
    this.zones = new ZoneMap(zones);
    for (const zone of this.zones.zones) this.occupants.set(zone.id, new Set());
    this.setPeople(people);
  }

  /** Replaces the roster (who wears which tag); tags already tracked take their new owner. */
  setPeople(people: readonly Person[]): void {
    this.people = new Map(people.map((p) => [p.tagId, p]));
    this.strangers = 0;
    for (const track of this.tracks.values()) {
      track.person = this.people.get(track.tagId);
      if (track.person === undefined) this.strangers++;
    }
  }

  /** Takes a fix; the zone changes (none for a refused one, see takePosition). */
  position(p: TagPosition, now: number): ZoneChange[] {
    return this.takePosition(p, now) ?? [];
  }

  /**
   * Takes a fix and returns the zone changes, or null when it is refused: coordinates that are not
   * numbers, a new tag past maxTags, or stamped before the tag's latest fix while that one arrived
   * less than reorderWindowMs ago. Past the window an older stamp is believed (the device clock
   * went back): otherwise one fix stamped minutes ahead would hold back every correct fix after it.
   * A fix refused for order that carries an SOS press or a fall still raises it (no zone changes,
   * the tag to be judged: an empty list); its position, release and battery are not taken.
   */
  takePosition(p: TagPosition, now: number): ZoneChange[] | null {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      this.rejectedFixes++;
      return null;
    }
    const known = this.tracks.get(p.tagId);
    const latest = known?.fix;
    if (known !== undefined && latest !== undefined && p.ts < latest.ts && now - known.fixAcceptedAt < this.reorderWindowMs) {
      this.rejectedFixes++;
      if (!raisesAlarm(p)) return null;
      raiseLate(known, p, now);
      return [];
    }
    const track = known ?? this.admit(p.tagId);
    if (track === undefined) return null;
    // A fix without a floor keeps the tag's last known floor: floor zones must not flap when
    // some fixes name it and others do not.
    const floor = p.floor ?? latest?.floor;
    track.fix = floor === p.floor ? p : { ...p, floor };
    track.fixAcceptedAt = now;
    this.heard(track, now);
    // In order for its position but stamped before a tag state taken since: only its alarms count.
    takeFlags(track, p, now, this.reorderWindowMs, 'clears');
    const entered = this.debounce(track, outlinedZonesAt(this.zones, track.fix, track.outlined, this.hysteresisM), now);
    return this.settle(track, now, entered);
  }

  /**
   * Takes a tag state without a position (a blink the engine could not place): its SOS button,
   * motion and battery, on the tag's track (made if new, unless past maxTags), heard at `now`; no
   * zone changes (the tag stays where its last fix or reader event left it). An empty list when
   * taken, null when refused: a new tag past maxTags, or stamped before the latest fix or state
   * taken within the reorder window without an SOS press or a fall (those still count, as for a late fix).
   */
  takeStatus(s: TagStatus, now: number): ZoneChange[] | null {
    const track = this.tracks.get(s.tagId) ?? this.admit(s.tagId);
    if (track === undefined) return null;
    if (!takeFlags(track, s, now, this.reorderWindowMs, 'keeps')) {
      this.rejectedFixes++;
      return raisesAlarm(s) ? [] : null;
    }
    track.statusAt = now;
    this.heard(track, now);
    return [];
  }

  /**
   * Completes entries whose debounce has run out at `now` without a fix outside since: a tag that
   * stopped just inside a fence (and reports seldom while still) enters on time, not at its next fix.
   * The zone changes by tag.
   */
  completeEntries(now: number): Map<string, ZoneChange[]> {
    const out = new Map<string, ZoneChange[]>();
    for (const tagId of this.pending) {
      const track = this.tracks.get(tagId);
      if (track === undefined) {
        this.pending.delete(tagId);
        continue;
      }
      let entered: Map<string, number> | undefined;
      for (const [zoneId, since] of track.entering) {
        if (now - since < this.enterAfterMs) continue;
        track.entering.delete(zoneId);
        (entered ??= new Map()).set(zoneId, since);
      }
      if (track.entering.size === 0) this.pending.delete(tagId);
      if (entered === undefined) continue;
      track.outlined = new Set([...track.outlined, ...entered.keys()]);
      const changes = this.settle(track, now, entered);
      if (changes.length > 0) out.set(tagId, changes);
    }
    return out;
  }

  /** Takes a reader event: `enter` puts the tag in the reader's area, `leave` takes it out; a refused one changes nothing. */
  reader(e: ReaderEvent, now: number): ZoneChange[] {
    return this.takeReader(e, now) ?? [];
  }

  /**
   * Takes a reader event and returns the zone changes, or null when it is refused:
   * - its reader is in no zone's list (unknownReaderEvents): a tag in a reader area is never
   *   forgotten for silence, so an unlisted reader would keep its tags for ever, placing them nowhere;
   * - stamped before the latest event of the same reader about the same tag while that one was
   *   accepted less than reorderWindowMs ago: a late `enter` after a `leave` must not pin the tag in
   *   the zone. Past the window an older stamp is believed (the reader's clock was reset or had
   *   jumped ahead), or a reader with a wrong clock would pin its miners underground;
   * - a new tag past maxTags.
   * Reader areas are entered at once (a gate read is deliberate, no debounce).
   */
  takeReader(e: ReaderEvent, now: number): ZoneChange[] | null {
    if (this.zones.zonesOfReader(e.readerId).length === 0) {
      this.unknownReaderEvents++;
      return null;
    }
    const known = this.tracks.get(e.tagId);
    const latest = known?.readerLatest.get(e.readerId);
    if (latest !== undefined && e.ts < latest.ts && now - latest.acceptedAt < this.reorderWindowMs) {
      this.rejectedReaderEvents++;
      return null;
    }
    const track = known ?? this.admit(e.tagId);
    if (track === undefined) return null;
    track.readerLatest.set(e.readerId, { ts: e.ts, acceptedAt: now });
    this.heard(track, now);
    if (e.kind === 'enter') track.readers.add(e.readerId);
    else track.readers.delete(e.readerId);
    return this.settle(track, now);
  }

  /** Drops a tag: it leaves every zone (the changes) and everything known of it is gone. */
  forget(tagId: string, now: number): ZoneChange[] {
    const track = this.tracks.get(tagId);
    this.pending.delete(tagId);
    if (track === undefined) return [];
    const changes: ZoneChange[] = [];
    for (const zoneId of track.zones.keys()) {
      this.occupants.get(zoneId)?.delete(tagId);
      changes.push({ tagId, zoneId, change: 'leave', time: now });
    }
    this.tracks.delete(tagId);
    if (track.person === undefined) this.strangers--;
    return changes;
  }

  /**
   * What a restart needs to keep: per tag its reader areas (with each reader's latest event time
   * and when it was accepted), its motion and battery, its zones with their entry times, its last fix and lastSeen. Plain JSON. `now` is the gateway
   * time it is taken at (default: the latest lastSeen).
   */
  snapshot(now?: number): PeopleSnapshot {
    let latest = 0;
    const tags = [...this.tracks.values()].map((track) => {
      if (track.lastSeen > latest) latest = track.lastSeen;
      return tagSnapshot(track);
    });
    return { version: 1, takenAt: now ?? latest, tags };
  }

  /**
   * Puts back the tags of a snapshot (see snapshot.ts for what is restored and what is skipped);
   * tags already reporting since the start keep their live state. The zone entries it makes.
   */
  restore(s: PeopleSnapshot, now: number, limits: RestoreLimits): ZoneChange[] {
    const changes: ZoneChange[] = [];
    for (const saved of s.tags) {
      if (this.tracks.has(saved.tagId)) continue;
      const track = newTrack(saved.tagId, this.people.get(saved.tagId));
      if (!restoreTrack(track, saved, s.takenAt, now, this.zones, this.hysteresisM, limits)) continue;
      if (this.admit(saved.tagId, track) === undefined) continue;
      for (const zoneId of track.zones.keys()) {
        this.occupants.get(zoneId)?.add(track.tagId);
        changes.push({ tagId: track.tagId, zoneId, change: 'enter', time: now });
      }
    }
    return changes;
  }

  tag(tagId: string): TagView | undefined {
    return this.tracks.get(tagId);
  }

  tags(): IterableIterator<TagView> {
    return this.tracks.values();
  }

  /** How many tags are known. */
  get size(): number {
    return this.tracks.size;
  }

  zonesOf(tagId: string): string[] {
    return [...(this.tracks.get(tagId)?.zones.keys() ?? [])];
  }

  /** Tags in a zone (empty for an unknown zone). */
  tagsIn(zoneId: string): ReadonlySet<string> {
    return this.occupants.get(zoneId) ?? NONE;
  }

  headcount(zoneId: string): number {
    return this.tagsIn(zoneId).size;
  }

  /** Zone id → number of tags in it, every zone of the site. */
  headcounts(): Map<string, number> {
    return new Map([...this.occupants].map(([id, tags]) => [id, tags.size]));
  }

  /** The people in a zone (the evacuation list), in tag order. */
  peopleIn(zoneId: string): PersonRef[] {
    return [...this.tagsIn(zoneId)].sort().map((tagId) => this.personRef(tagId));
  }

  personRef(tagId: string): PersonRef {
    const p = this.people.get(tagId);
    return { tagId, personId: p?.personId ?? null, name: p?.name ?? null, role: p?.role ?? null };
  }

  /**
   * Adds a track for a tag not known yet (`track`, or a new one); undefined, counted in
   * rejectedTags, when the tag is not on the roster and maxTags such tags are known.
   */
  private admit(tagId: string, track: TagTrack = newTrack(tagId, this.people.get(tagId))): TagTrack | undefined {
    if (track.person === undefined) {
      if (this.strangers >= this.maxTags) {
        this.rejectedTags++;
        return undefined;
      }
      this.strangers++;
    }
    this.tracks.set(tagId, track);
    return track;
  }

  private heard(track: TagTrack, now: number): void {
    track.lastSeen = Math.max(track.lastSeen, now);
    track.silentSince = Math.max(track.silentSince, now);
  }

  /**
   * Entry debounce on outlines: a zone the fix is in joins the tag's outlined zones once its fixes
   * have been inside for enterAfterMs, timed from the first of them; a fix outside cancels a
   * pending entry. Zones already held stay by the hysteresis of outlinedZonesAt. Returns when the
   * zones entered now were first found inside.
   */
  private debounce(track: TagTrack, inside: Set<string>, now: number): ReadonlyMap<string, number> {
    let entered: Map<string, number> | undefined;
    for (const zoneId of track.entering.keys()) if (!inside.has(zoneId)) track.entering.delete(zoneId);
    // `inside` is the fix's own set: zones still being entered are taken out, the rest are held.
    for (const zoneId of inside) {
      if (track.outlined.has(zoneId)) continue;
      const since = track.entering.get(zoneId) ?? now;
      if (now - since >= this.enterAfterMs) {
        track.entering.delete(zoneId);
        (entered ??= new Map()).set(zoneId, since);
      } else {
        track.entering.set(zoneId, since);
        inside.delete(zoneId);
      }
    }
    track.outlined = inside;
    if (track.entering.size > 0) this.pending.add(track.tagId);
    else this.pending.delete(track.tagId);
    return entered ?? NO_TIMES;
  }

  /**
   * Brings a track's zones in line with its outlines and readers; the changes, leaves first.
   * `enteredAt`: when outlined zones entered now were first found inside (default now).
   */
  private settle(track: TagTrack, now: number, enteredAt: ReadonlyMap<string, number> = NO_TIMES): ZoneChange[] {
    const inReaders = track.readers.size === 0 ? NONE : readerZonesOf(this.zones, track.readers);
    const changes: ZoneChange[] = [];
    for (const zoneId of track.zones.keys()) {
      if (track.outlined.has(zoneId) || inReaders.has(zoneId)) continue;
      track.zones.delete(zoneId);
      this.occupants.get(zoneId)?.delete(track.tagId);
      changes.push({ tagId: track.tagId, zoneId, change: 'leave', time: now });
    }
    for (const set of [track.outlined, inReaders]) {
      for (const zoneId of set) {
        if (track.zones.has(zoneId)) continue;
        track.zones.set(zoneId, Math.min(now, enteredAt.get(zoneId) ?? now));
        this.occupants.get(zoneId)?.add(track.tagId);
        changes.push({ tagId: track.tagId, zoneId, change: 'enter', time: now });
      }
    }
    return changes;
  }
}
