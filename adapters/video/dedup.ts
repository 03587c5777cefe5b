import type { VideoEvent } from '../../src/core/observation.js';

/**
 * De-duplication of detections per camera, type and zone. AI boxes repeat a detection for as long
 * as they see it (every frame, every few seconds, or every activePostCount); the first one passes
 * and repeats within `windowMs` of it are dropped. The window is anchored at the last detection
 * that passed, not slid by the repeats: a condition that persists passes once per window, so the
 * gateway keeps hearing that it goes on.
 *
 * Time is the gateway's receive time (injected), not the camera's: camera clocks are often
 * unsynchronised, and a backlog a box replays after an outage should not become a burst of stale
 * repeats. Pure apart from its own memory, which is bounded.
 */
export class DetectionDeduplicator {
  /** key → receive time of the last detection passed; in order of that time (oldest first). */
  private readonly passed = new Map<string, number>();

  constructor(
    readonly windowMs: number,
    /** Keys kept at most; beyond it the oldest are forgotten (at worst one extra detection passes). */
    private readonly maxKeys = 50_000,
  ) {}

  /** True when the detection passes; false when it repeats one passed less than windowMs ago. */
  admit(event: Pick<VideoEvent, 'cameraId' | 'type' | 'zoneId'>, now: number): boolean {
    if (this.windowMs <= 0) return true;
    this.forgetBefore(now - this.windowMs);
    const key = `${event.cameraId}\u0000${event.type}\u0000${event.zoneId ?? ''}`;
    const last = this.passed.get(key);
    // A clock stepped back (last > now) must not hold detections back for the size of the step.
    if (last !== undefined && now - last < this.windowMs && now >= last) return false;
    this.passed.delete(key);
    this.passed.set(key, now);
    if (this.passed.size > this.maxKeys) this.forgetOldest();
    return true;
  }

  /** Keys remembered now (tests, and a bound on memory). */
  get size(): number {
    return this.passed.size;
  }

  private forgetBefore(cutoff: number): void {
    for (const [key, at] of this.passed) {
      // Insertion order is pass order; after a clock step back it may not be time order, which
      // only delays forgetting a few keys.
      if (at > cutoff) return;
      this.passed.delete(key);
    }
  }

  private forgetOldest(): void {
    const oldest = this.passed.keys().next();
    if (oldest.done !== true) this.passed.delete(oldest.value);
  }
}
