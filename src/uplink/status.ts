import type { ComponentState, StatusBody } from '../core/index.js';
import type { OutboxStats } from './outbox-bounds.js';

export interface GatewayFacts {
  readonly version: string;
  readonly startedAt: number;
  readonly adapters: readonly { readonly id: string; readonly status: ComponentState }[];
}

/** The status message's body: the gateway's facts and its outbox as of `now` (the backlog the centre has not acknowledged). */
export function buildStatus(gateway: GatewayFacts, outbox: OutboxStats, now: number): StatusBody {
  return {
    version: gateway.version,
    startedAt: gateway.startedAt,
    adapters: gateway.adapters.map((a) => ({ id: a.id, status: a.status })),
    outbox: { depth: outbox.depth, oldestAgeMs: outbox.oldestTime === null ? 0 : Math.max(0, now - outbox.oldestTime), dropped: { ...outbox.dropped } },
  };
}
