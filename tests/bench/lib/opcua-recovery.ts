import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What the `opcua` section's recovery figure is made of: T0, the moment the restarted server's TCP
 * port accepts a connection again, and the gateway's receive time (`rts`) of the first good
 * sample after T0, read off `GET /api/points/<id>`. Both are epoch ms of this machine's clock, so
 * `rts − T0` has no polling error of the REST side (the point's latest sample keeps its rts);
 * T0 is late by at most one connect poll.
 */

/** The part of a point's `latest` sample the recovery figure reads. */
export interface LatestSample {
  readonly rts: number;
  readonly quality: { readonly level: string };
}

/** The earliest receive time of a good sample after `t0` among the points' latest samples. */
export function firstGoodAfter(latest: ReadonlyArray<LatestSample | null>, t0: number): number | undefined {
  let first: number | undefined;
  for (const s of latest) {
    if (s === null || s.quality.level !== 'good' || s.rts <= t0) continue;
    if (first === undefined || s.rts < first) first = s.rts;
  }
  return first;
}

export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Polls the port every `pollMs` until it accepts; returns Date.now() at that moment (T0).
 * `gaveUp` ends the wait early (the server process exited).
 */
export async function acceptingSince(port: number, pollMs: number, timeoutMs: number, gaveUp: () => string | null): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await accepts(port)) return Date.now();
    const why = gaveUp();
    if (why !== null) throw new Error(why);
    if (Date.now() > deadline) throw new Error(`port ${port} did not accept connections within ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

async function latestOf(httpBase: string, headers: Record<string, string>, pointId: string): Promise<LatestSample | null> {
  const res = await fetch(`${httpBase}/api/points/${encodeURIComponent(pointId)}`, { headers });
  if (!res.ok) throw new Error(`GET /api/points/${pointId} answered ${res.status}`);
  const body = (await res.json()) as { latest: LatestSample | null };
  return body.latest;
}

export interface SampleWatch {
  /** rts of the first good sample after T0 among the watched points. */
  readonly firstRts: number;
  /** rts of the last watched point's first good sample after T0 (all back), if all came within the timeout. */
  readonly allRts: number | undefined;
}

/**
 * Polls the watched points' latest samples until one is good and received after `t0`, then until
 * every one has been (for the log). Each point's first good rts after T0 is kept as first seen: a
 * poll every `pollMs` (≪ the publishing interval) sees it before the next sample replaces it.
 * Throws when no point comes back within `timeoutMs`.
 */
export async function watchRecovery(httpBase: string, headers: Record<string, string>, pointIds: readonly string[], t0: number, pollMs: number, timeoutMs: number): Promise<SampleWatch> {
  const deadline = t0 + timeoutMs;
  const back = new Map<string, number>();
  for (;;) {
    const latest = await Promise.all(pointIds.map((id) => latestOf(httpBase, headers, id)));
    latest.forEach((s, i) => {
      const id = pointIds[i];
      const rts = firstGoodAfter([s], t0);
      if (id !== undefined && rts !== undefined && !back.has(id)) back.set(id, rts);
    });
    const firstRts = back.size === 0 ? undefined : Math.min(...back.values());
    if (firstRts !== undefined && back.size === pointIds.length) return { firstRts, allRts: Math.max(...back.values()) };
    if (Date.now() > deadline) {
      if (firstRts === undefined) throw new Error(`no good sample of ${pointIds.join(', ')} within ${timeoutMs} ms of the server accepting connections`);
      return { firstRts, allRts: undefined };
    }
    await sleep(pollMs);
  }
}
