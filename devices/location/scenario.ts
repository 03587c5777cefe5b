import type { TagMotion, ZoneColour, ZoneKind } from '../../src/core/people.js';

/**
 * A people scenario, as the location simulator replays it (devices/location/README.md documents
 * the YAML). Lengths are metres in the site's coordinates, times milliseconds from the start of a round.
 */
export interface LocationScenario {
  readonly name: string;
  readonly description: string;
  /** One fix per tag per tick (Pozyx tags blink at about 1 Hz). */
  readonly tickMs: number;
  readonly atEnd: 'loop' | 'hold';
  readonly durationMs: number;
  readonly seed: number | undefined;
  /** Fixes are kept inside [0, width] × [0, height]. */
  readonly site: { readonly width: number; readonly height: number };
  /** Half-width of the uniform jitter on x and y of every fix. */
  readonly noiseM: number;
  readonly zones: readonly SimZone[];
  readonly groups: readonly TagGroup[];
  /** Sorted by time (file order among equal times). */
  readonly events: readonly TagEvent[];
}

export interface Vec {
  readonly x: number;
  readonly y: number;
}

export interface SimZone {
  readonly id: string;
  readonly name: string | undefined;
  readonly kind: ZoneKind;
  readonly colour: ZoneColour | undefined;
  readonly floor: string | undefined;
  readonly polygon: readonly Vec[];
  /** RFID readers whose area is the polygon (empty: none). */
  readonly readers: readonly string[];
}

/** Where a route goes next: somewhere inside a zone (a point of its own for each tag) or a fixed point. */
export type RouteStop = { readonly zone: string } | { readonly point: Vec };

/** Tags that walk the same route. */
export interface TagGroup {
  readonly tagIds: readonly string[];
  readonly route: readonly RouteStop[];
  /** Walking speed, m/s; each tag gets speed · (1 ± speedSpread). */
  readonly speed: number;
  readonly speedSpread: number;
  /** Standing time at each stop. */
  readonly pauseMs: number;
  /** Height of the tag (helmet or chest), m. */
  readonly z: number;
  readonly floor: string | undefined;
  /** Charge at the start of a round, drawn per tag from [low, high] %. */
  readonly battery: readonly [number, number];
  /** False for tags with an RFID card only: they send no positions (readers still see them). */
  readonly positions: boolean;
}

export type TagAction =
  /** Walk to the target (each tag to its own spot within `spreadM`), stay, walk back and go on. */
  | { readonly kind: 'goto'; readonly target: Vec; readonly spreadM: number; readonly stayMs: number }
  | { readonly kind: 'sos'; readonly forMs: number }
  | { readonly kind: 'silent'; readonly forMs: number }
  | { readonly kind: 'no-fix'; readonly forMs: number }
  | { readonly kind: 'motion'; readonly state: TagMotion; readonly forMs: number }
  | { readonly kind: 'battery'; readonly to: number; readonly overMs: number };

export interface TagEvent {
  readonly atMs: number;
  readonly tagIds: readonly string[];
  readonly action: TagAction;
  /** Index in the file's `events`, for problems found later (overlapping walks). */
  readonly index: number;
}
