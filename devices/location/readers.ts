import { insidePolygon } from './geometry.js';
import type { LocationModel } from './model.js';
import type { SimZone } from './scenario.js';

/** A reader saw a tag come into its area or go out of it. */
export interface SimReaderEvent {
  readonly tagId: string;
  readonly readerId: string;
  readonly event: 'enter' | 'leave';
}

/**
 * RFID readers of a scenario (mine base stations) and which tags are in their areas, tick by tick.
 * A reader's area is the polygon of each zone that lists it (on the zone's floor, if it has one). A
 * tag enters when its position (without the fixes' jitter: a reader does not flap on location
 * noise) comes into an area and leaves when it goes out, or when the tag falls silent (the reader no
 * longer sees the card). RFID-only tags (`positions: false`) are seen like any other. Stateful: it
 * reports changes against what it reported before, so a tick skipped while the broker was away
 * shows up as the changes since.
 */
export class ReaderWatch {
  readonly readerIds: readonly string[];
  private readonly areas: readonly { readonly readerId: string; readonly zone: SimZone }[];
  /** Readers each tag is in, as last reported. */
  private readonly inside = new Map<string, ReadonlySet<string>>();

  constructor(private readonly model: LocationModel) {
    this.areas = model.scenario.zones.flatMap((zone) => zone.readers.map((readerId) => ({ readerId, zone })));
    this.readerIds = [...new Set(this.areas.map((a) => a.readerId))];
  }

  /** The enter and leave events at scenario time tMs since the last call, in tag order, leaves first per tag. */
  eventsAt(tMs: number): SimReaderEvent[] {
    if (this.areas.length === 0) return [];
    const events: SimReaderEvent[] = [];
    for (const tagId of this.model.tagIds) {
      const before = this.inside.get(tagId) ?? NONE;
      const now = this.readersOf(tagId, tMs);
      for (const readerId of before) if (!now.has(readerId)) events.push({ tagId, readerId, event: 'leave' });
      for (const readerId of now) if (!before.has(readerId)) events.push({ tagId, readerId, event: 'enter' });
      if (now.size === 0) this.inside.delete(tagId);
      else this.inside.set(tagId, now);
    }
    return events;
  }

  /** Readers whose area holds the tag at tMs; none while it is silent. */
  readersOf(tagId: string, tMs: number): ReadonlySet<string> {
    const fix = this.model.fixAt(tagId, tMs);
    const at = this.model.positionAt(tagId, tMs);
    if (fix === undefined || at === undefined) return NONE;
    const readers = new Set<string>();
    for (const { readerId, zone } of this.areas) {
      if (zone.floor !== undefined && zone.floor !== fix.floor) continue;
      if (insidePolygon(at, zone.polygon)) readers.add(readerId);
    }
    return readers;
  }
}

const NONE: ReadonlySet<string> = new Set();

/** A reader event on the wire: the format `adapters/location` reads (`format: reader`), `ts` in epoch ms. */
export interface ReaderEventEntry extends SimReaderEvent {
  readonly ts: number;
}

/** The payloads of one tick: arrays of at most batchSize events (none when nothing changed). */
export function readerPayloads(events: readonly SimReaderEvent[], epochMs: number, batchSize: number): string[] {
  const payloads: string[] = [];
  for (let i = 0; i < events.length; i += batchSize) {
    const entries: ReaderEventEntry[] = events.slice(i, i + batchSize).map((e) => ({ tagId: e.tagId, readerId: e.readerId, event: e.event, ts: epochMs }));
    payloads.push(JSON.stringify(entries));
  }
  return payloads;
}
