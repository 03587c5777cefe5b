import type { Sample } from '../core/index.js';

/** The latest sample of every point, for REST and for new WebSocket value subscribers. */
export class LiveValueCache {
  private readonly latest = new Map<string, Sample>();

  put(sample: Sample): void {
    const prev = this.latest.get(sample.pointId);
    // An older sample arriving late (replayed QoS1 backlog) must not hide a newer value.
    if (prev === undefined || sample.ts >= prev.ts) this.latest.set(sample.pointId, sample);
  }

  get(pointId: string): Sample | undefined {
    return this.latest.get(pointId);
  }

  size(): number {
    return this.latest.size;
  }
}
