/**
 * Request bodies that must keep coming. A fixed time for the whole request cut off a 2 MB ISAPI
 * alarm with its picture on a slow 4G link every time (and the camera's small heartbeats still got
 * through, so no camera-offline ever said so); a minimum average rate lets a slow but moving upload
 * finish and still frees a socket that a sender holds by trickling a byte now and then.
 * Pure: the listener passes the time and the bytes.
 */

export interface BodyPaceLimits {
  /** Average since the headers; 0 = no rate check. */
  readonly minBytesPerSecond: number;
  /** The body may take this long to get going before the rate applies (latency, a TCP window opening). */
  readonly allowanceMs: number;
}

/** True when `receivedBytes`, `elapsedMs` after the headers, are behind the minimum rate. */
export function bodyTooSlow(limits: BodyPaceLimits, receivedBytes: number, elapsedMs: number): boolean {
  if (limits.minBytesPerSecond === 0) return false;
  return receivedBytes < (limits.minBytesPerSecond * (elapsedMs - limits.allowanceMs)) / 1_000;
}

interface Watched {
  readonly since: number;
  received: number;
}

/** The bodies being read now; `overdue(now)` names those behind the rate (and forgets them). */
export class BodyWatch<R> {
  private readonly bodies = new Map<R, Watched>();

  constructor(private readonly limits: BodyPaceLimits) {}

  get size(): number {
    return this.bodies.size;
  }

  /** Its headers are in at `now`; the body starts. */
  start(request: R, now: number): void {
    this.bodies.set(request, { since: now, received: 0 });
  }

  received(request: R, bytes: number): void {
    const body = this.bodies.get(request);
    if (body !== undefined) body.received += bytes;
  }

  /** Read whole, refused, or gone. */
  end(request: R): void {
    this.bodies.delete(request);
  }

  /** Bodies behind the rate at `now`, with what they got in how long; they are no longer watched. */
  overdue(now: number): { readonly request: R; readonly received: number; readonly elapsedMs: number }[] {
    const late: { request: R; received: number; elapsedMs: number }[] = [];
    for (const [request, body] of this.bodies) {
      const elapsedMs = now - body.since;
      if (bodyTooSlow(this.limits, body.received, elapsedMs)) late.push({ request, received: body.received, elapsedMs });
    }
    for (const { request } of late) this.bodies.delete(request);
    return late;
  }
}
