import type { Transition } from '../../src/console/lib/wire.js';

/** A console-side transition with sane defaults (an active, unacknowledged P2 alarm). */
export function tr(over: Partial<Transition> & { conditionId: string }): Transition {
  const priority = over.priority ?? 2;
  const colour = over.colour ?? (['red', 'orange', 'yellow', 'blue'] as const)[priority - 1] ?? 'orange';
  return {
    eventId: `${over.conditionId}-e${over.rts ?? 1}`,
    ruleId: 'r',
    ruleKind: 'threshold',
    siteId: 'demo',
    pointId: over.conditionId.split(':')[0] ?? null,
    from: 'normal',
    state: 'active-unacked',
    reason: 'activate',
    active: true,
    activeSince: 1000,
    acked: false,
    ackedAt: null,
    confirmed: false,
    latched: false,
    shelved: null,
    suppressed: null,
    outOfService: null,
    annunciated: true,
    level: 'H',
    value: 1,
    time: 1000,
    rts: 1,
    message: 'msg',
    ...over,
    priority,
    colour,
  };
}
