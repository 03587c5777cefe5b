import type { TagPosition } from '../../src/core/people.js';
import type { SosWithoutFix } from './pozyx.js';

/** Tags remembered at most; beyond, the one not heard of longest is forgotten (about 100 B a tag). */
export const DEFAULT_MAX_TAGS = 100_000;

/**
 * The last position the adapter emitted for each tag, so an SOS in an entry without a fix can be
 * placed where the tag was last seen: the core's TagPosition needs x and y, and an SOS must not be
 * dropped because the engine could not place the tag this blink (README "SOS without a fix").
 */
export class LastFixes {
  private readonly fixes = new Map<string, TagPosition>();

  constructor(private readonly maxTags = DEFAULT_MAX_TAGS) {}

  get size(): number {
    return this.fixes.size;
  }

  remember(position: TagPosition): void {
    // Delete first: a Map keeps insertion order, so the first key is the tag not heard of longest.
    this.fixes.delete(position.tagId);
    this.fixes.set(position.tagId, position);
    if (this.fixes.size > this.maxTags) {
      const oldest = this.fixes.keys().next();
      if (oldest.done !== true) this.fixes.delete(oldest.value);
    }
  }

  /**
   * The position that carries an SOS state without a fix: the tag's last fix (x, y, z, floor,
   * motion) with this entry's time, button, and what else it says. Undefined when there is nothing
   * to pass on: a release (`sos: false`) of a tag whose SOS was not on, or any state of a tag never
   * placed ('unplaced': the caller refuses a press).
   * Stamped no earlier than the last fix, or the engine would drop it as out of order.
   */
  place(s: SosWithoutFix): TagPosition | 'unplaced' | undefined {
    const last = this.fixes.get(s.tagId);
    if (last === undefined) return s.sos ? 'unplaced' : undefined;
    if (!s.sos && last.sos !== true) return undefined;
    const position: { -readonly [K in keyof TagPosition]: TagPosition[K] } = { tagId: s.tagId, x: last.x, y: last.y, ts: Math.max(s.ts, last.ts), sos: s.sos };
    if (last.z !== undefined) position.z = last.z;
    const floor = s.floor ?? last.floor;
    if (floor !== undefined) position.floor = floor;
    if (s.battery !== undefined) position.battery = s.battery;
    // The last motion, when this entry says none: a synthetic fix must not restart the engine's still timer.
    const motion = s.motion ?? last.motion;
    if (motion !== undefined) position.motion = motion;
    return position;
  }
}
