import type { ZoneSpec } from '../../core/index.js';
import { boundsOf, inBox, ON_EDGE_M, outsideBy, polygonArea, type Box, type Polygon } from './geometry.js';

/** A zone ready for membership tests: its outline's bounds and area computed once. */
export interface SiteZone {
  readonly id: string;
  readonly spec: ZoneSpec;
  readonly polygon: Polygon | undefined;
  readonly box: Box | undefined;
  /** m²; Infinity for a zone placed by readers only (its extent is unknown). */
  readonly area: number;
}

/** Zone kinds nobody enters without an authorisation for the zone (AQ 1119-2023: restricted-area intrusion). */
export const GUARDED_KINDS: ReadonlySet<ZoneSpec['kind']> = new Set(['restricted', 'authorised-only', 'danger']);

/** Where a fix is: the zone floor test needs the floor, the outline test x and y. */
export interface Fix {
  readonly x: number;
  readonly y: number;
  readonly floor?: string | undefined;
}

/** The zones of a site, indexed for the two ways a tag is placed: by coordinates and by reader. */
export class ZoneMap {
  readonly zones: readonly SiteZone[];
  readonly outlined: readonly SiteZone[];
  private readonly byId = new Map<string, SiteZone>();
  private readonly byReader = new Map<string, SiteZone[]>();

  constructor(specs: readonly ZoneSpec[]) {
    this.zones = specs.map((spec) => {
      const polygon = spec.polygon !== undefined && spec.polygon.length >= 3 ? spec.polygon : undefined;
      return { id: spec.id, spec, polygon, box: polygon === undefined ? undefined : boundsOf(polygon), area: polygon === undefined ? Infinity : polygonArea(polygon) };
    });
    this.outlined = this.zones.filter((z) => z.polygon !== undefined);
    for (const zone of this.zones) {
      this.byId.set(zone.id, zone);
      for (const reader of zone.spec.readers ?? []) {
        const list = this.byReader.get(reader) ?? [];
        list.push(zone);
        this.byReader.set(reader, list);
      }
    }
  }

  get(id: string): SiteZone | undefined {
    return this.byId.get(id);
  }

  /**
   * The most specific of these zones, for an alarm about a tag that names no zone of its own (SOS,
   * man-down, offline, battery): a guarded zone (restricted, authorised-only, danger) first, then
   * the smallest outline, zones placed by readers only last, ties by id; undefined for none.
   */
  mostSpecific(zoneIds: Iterable<string>): SiteZone | undefined {
    let best: SiteZone | undefined;
    for (const id of zoneIds) {
      const zone = this.byId.get(id);
      if (zone !== undefined && (best === undefined || moreSpecific(zone, best))) best = zone;
    }
    return best;
  }

  /** Zones that include this reader's area. */
  zonesOfReader(readerId: string): readonly SiteZone[] {
    return this.byReader.get(readerId) ?? [];
  }
}

function moreSpecific(a: SiteZone, b: SiteZone): boolean {
  const guarded = Number(GUARDED_KINDS.has(b.spec.kind)) - Number(GUARDED_KINDS.has(a.spec.kind));
  if (guarded !== 0) return guarded < 0;
  if (a.area !== b.area) return a.area < b.area;
  return a.id < b.id;
}

/**
 * Ids of the outlined zones holding a fix, given those that held the tag before: a tag enters a
 * zone when inside it (or on its edge) and leaves only once outside by more than `hysteresisM`, so
 * location noise around a fence line (±3 m static, ±5 m moving) does not make it flap. A zone with a
 * floor holds only fixes on that floor, and a floor change leaves at once (no hysteresis across floors).
 */
export function outlinedZonesAt(map: ZoneMap, fix: Fix, before: ReadonlySet<string>, hysteresisM: number): Set<string> {
  const now = new Set<string>();
  for (const zone of map.outlined) {
    if (zone.spec.floor !== undefined && zone.spec.floor !== fix.floor) continue;
    const polygon = zone.polygon as Polygon;
    const box = zone.box as Box;
    const held = before.has(zone.id);
    if (!inBox(box, fix.x, fix.y, held ? hysteresisM : 0)) continue;
    if (outsideBy(polygon, fix.x, fix.y) <= (held ? Math.max(hysteresisM, ON_EDGE_M) : ON_EDGE_M)) now.add(zone.id);
  }
  return now;
}

/** Ids of the reader zones holding a tag in the areas of `readers`. */
export function readerZonesOf(map: ZoneMap, readers: ReadonlySet<string>): Set<string> {
  const now = new Set<string>();
  for (const reader of readers) for (const zone of map.zonesOfReader(reader)) now.add(zone.id);
  return now;
}
