import type { Person, ReaderEvent, TagPosition, ZoneSpec } from '../../core/index.js';
import { outlinedZonesAt, readerZonesOf, ZoneMap } from './zones.js';

/** A tag entered or left a zone (gateway time). */
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

/** What is known of one tag. Times are gateway times (the `now` passed in), except the fix's own `ts`. */
export interface TagView {
  readonly tagId: string;
  readonly person: Person | undefined;
  /** The latest fix from a location engine; undefined for tags only readers have seen. */
  readonly fix: TagPosition | undefined;
  /** When a fix or reader event last came. */
  readonly lastSeen: number;
  /** When the tag began reporting `still` without a break; NaN unless its latest fix says still. */
  readonly stillSince: number;
  /** The SOS button as last reported. */
  readonly sos: boolean;
  /** Reader areas the tag is in. */
  readonly readers: ReadonlySet<string>;
  /** Zone id → when the tag entered it. */
  readonly zones: ReadonlyMap<string, number>;
}

interface TagTrack extends TagView {
  person: Person | undefined;
  fix: TagPosition | undefined;
  lastSeen: number;
  stillSince: number;
  sos: boolean;
  readonly readers: Set<string>;
  outlined: ReadonlySet<string>;
  readonly zones: Map<string, number>;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Where every tag is: fed positions and reader events, it keeps each tag's zones (hysteresis on
 * outlines, reader areas as reported) and each zone's tags, and says what entered and left.
 * A zone with both an outline and readers holds a tag placed by either.
 */
export class PeopleState {
  readonly zones: ZoneMap;
  private people = new Map<string, Person>();
  private readonly tracks = new Map<string, TagTrack>();
  private readonly occupants = new Map<string, Set<string>>();
  /** Fixes dropped: older than the tag's latest, or with coordinates that are not numbers. */
  rejectedFixes = 0;

  constructor(
    zones: readonly ZoneSpec[],
    people: readonly Person[] = [],
    private readonly hysteresisM = 1,
  ) {
    this.zones = new ZoneMap(zones);
    for (const zone of this.zones.zones) this.occupants.set(zone.id, new Set());
    this.setPeople(people);
  }

  /** Replaces the roster (who wears which tag); tags already tracked take their new owner. */
  setPeople(people: readonly Person[]): void {
    this.people = new Map(people.map((p) => [p.tagId, p]));
    for (const track of this.tracks.values()) track.person = this.people.get(track.tagId);
  }

  /** Takes a fix; an out-of-order one (older than the tag's latest) is dropped and changes nothing. */
  position(p: TagPosition, now: number): ZoneChange[] {
    const latest = this.tracks.get(p.tagId)?.fix;
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y) || (latest !== undefined && p.ts < latest.ts)) {
      this.rejectedFixes++;
      return [];
    }
    const track = this.track(p.tagId);
    // A fix without a floor keeps the tag's last known floor: floor zones must not flap when
    // some fixes name it and others do not.
    const floor = p.floor ?? latest?.floor;
    track.fix = floor === p.floor ? p : { ...p, floor };
    track.lastSeen = Math.max(track.lastSeen, now);
    track.stillSince = p.motion !== 'still' ? NaN : Number.isNaN(track.stillSince) ? now : track.stillSince;
    if (p.sos !== undefined) track.sos = p.sos;
    track.outlined = outlinedZonesAt(this.zones, track.fix, track.outlined, this.hysteresisM);
    return this.settle(track, now);
  }

  /** Takes a reader event: `enter` puts the tag in the reader's area, `leave` takes it out. */
  reader(e: ReaderEvent, now: number): ZoneChange[] {
    const track = this.track(e.tagId);
    track.lastSeen = Math.max(track.lastSeen, now);
    if (e.kind === 'enter') track.readers.add(e.readerId);
    else track.readers.delete(e.readerId);
    return this.settle(track, now);
  }

  tag(tagId: string): TagView | undefined {
    return this.tracks.get(tagId);
  }

  tags(): IterableIterator<TagView> {
    return this.tracks.values();
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

  private track(tagId: string): TagTrack {
    let track = this.tracks.get(tagId);
    if (track === undefined) {
      track = { tagId, person: this.people.get(tagId), fix: undefined, lastSeen: -Infinity, stillSince: NaN, sos: false, readers: new Set(), outlined: NONE, zones: new Map() };
      this.tracks.set(tagId, track);
    }
    return track;
  }

  /** Brings a track's zones in line with its outlines and readers; the changes, leaves first. */
  private settle(track: TagTrack, now: number): ZoneChange[] {
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
        track.zones.set(zoneId, now);
        this.occupants.get(zoneId)?.add(track.tagId);
        changes.push({ tagId: track.tagId, zoneId, change: 'enter', time: now });
      }
    }
    return changes;
  }
}
