import {
  type PersonRef,
  PRIORITY_COLOUR,
  PRIORITY_SEVERITY,
  type AlarmState,
  type AlarmTransition,
  type Priority,
  type TransitionReason,
} from '../core/index.js';

/** What an alarm is, apart from its history: the flags a transition changes. */
export type AlarmFlags = Pick<AlarmTransition, 'active' | 'activeSince' | 'acked' | 'ackedAt' | 'confirmed' | 'latched' | 'shelved' | 'suppressed' | 'outOfService'>;

/** A configured condition as the alarm manager knows it before it ever alarmed. */
export interface ConditionInfo {
  readonly conditionId: string;
  readonly ruleId: string;
  readonly ruleKind: string;
  readonly pointId: string | null;
  readonly zoneId?: string | undefined;
  /** The most urgent priority the condition can raise. */
  readonly priority: Priority;
}

/** Shown to operators: not hidden by a shelve, a design suppression or maintenance. */
export function isAnnunciated(f: Pick<AlarmFlags, 'shelved' | 'suppressed' | 'outOfService'>): boolean {
  return f.shelved === null && f.suppressed === null && f.outOfService === null;
}

/** The ISA-18.2 alarm state beneath any shelve, suppression or maintenance. */
export function alarmState(f: Pick<AlarmFlags, 'active' | 'acked' | 'latched' | 'confirmed'>): AlarmState {
  if (f.active) return f.acked ? 'active-acked' : 'active-unacked';
  if (!f.acked) return 'returned-unacked';
  if (f.latched) return 'latched';
  if (!f.confirmed) return 'unconfirmed';
  return 'normal';
}

/**
 * The state operators see: out of service, then shelved, hide everything beneath; a design
 * suppression hides an alarm that is not normal. Retained = not `normal`: a timed shelve or an
 * out-of-service condition is retained even while its process is normal, so it survives a restart.
 */
export function deriveState(f: AlarmFlags): AlarmState {
  if (f.outOfService !== null) return 'out-of-service';
  if (f.shelved !== null) return 'shelved';
  const base = alarmState(f);
  return f.suppressed !== null && base !== 'normal' ? 'suppressed' : base;
}

/** A condition that is normal and has never alarmed (or was never retained): the base for its first transition. */
export function normalRecord(info: ConditionInfo, siteId: string): AlarmTransition {
  return {
    eventId: '',
    conditionId: info.conditionId,
    ruleId: info.ruleId,
    ruleKind: info.ruleKind,
    siteId,
    pointId: info.pointId,
    ...(info.zoneId === undefined ? {} : { zoneId: info.zoneId }),
    from: 'normal',
    state: 'normal',
    reason: 'return',
    active: false,
    activeSince: null,
    acked: true,
    ackedAt: null,
    confirmed: true,
    latched: false,
    shelved: null,
    suppressed: null,
    outOfService: null,
    annunciated: true,
    level: null,
    priority: info.priority,
    severity: PRIORITY_SEVERITY[info.priority],
    colour: PRIORITY_COLOUR[info.priority],
    value: null,
    time: 0,
    rts: 0,
    message: info.conditionId,
  };
}

/** Fields of the next record besides the flags; who and why only for operator actions. */
export interface Change extends Partial<AlarmFlags> {
  readonly reason: TransitionReason;
  readonly eventId: string;
  readonly siteId: string;
  readonly time: number;
  readonly rts: number;
  readonly level?: string | null;
  readonly priority?: Priority;
  readonly value?: number | boolean | null;
  readonly message?: string;
  readonly codes?: Readonly<Record<string, string>>;
  readonly audiences?: readonly string[];
  readonly people?: readonly PersonRef[];
  readonly cameras?: readonly string[];
  readonly zoneId?: string;
  readonly user?: string | undefined;
  readonly comment?: string | undefined;
}

/** The next record of a condition: the previous one with a change, its state, annunciation and colour derived. */
export function nextRecord(prev: AlarmTransition, c: Change): AlarmTransition {
  const { user: _user, comment: _comment, ...kept } = prev;
  const { user, comment, ...change } = c;
  const flags: AlarmFlags = {
    active: change.active ?? prev.active,
    activeSince: change.activeSince !== undefined ? change.activeSince : prev.activeSince,
    acked: change.acked ?? prev.acked,
    ackedAt: change.ackedAt !== undefined ? change.ackedAt : prev.ackedAt,
    confirmed: change.confirmed ?? prev.confirmed,
    latched: change.latched ?? prev.latched,
    shelved: change.shelved !== undefined ? change.shelved : prev.shelved,
    suppressed: change.suppressed !== undefined ? change.suppressed : prev.suppressed,
    outOfService: change.outOfService !== undefined ? change.outOfService : prev.outOfService,
  };
  const priority = change.priority ?? prev.priority;
  return {
    ...kept,
    ...change,
    ...flags,
    from: prev.state,
    state: deriveState(flags),
    annunciated: isAnnunciated(flags),
    priority,
    severity: PRIORITY_SEVERITY[priority],
    colour: PRIORITY_COLOUR[priority],
    ...(user === undefined ? {} : { user }),
    ...(comment === undefined || comment === '' ? {} : { comment }),
  };
}

/**
 * A record journaled before the full state model (issue 2's ack-only records): the missing flags
 * get the values that record meant (confirmed, not latched, not hidden).
 */
export function upgradeRecord(t: AlarmTransition): AlarmTransition {
  const old = t as Partial<AlarmTransition> & AlarmTransition;
  const flags: AlarmFlags = {
    active: old.active,
    activeSince: old.activeSince !== undefined ? old.activeSince : old.active ? old.time : null,
    acked: old.acked,
    ackedAt: old.ackedAt !== undefined ? old.ackedAt : old.acked ? old.time : null,
    confirmed: old.confirmed ?? true,
    latched: old.latched ?? false,
    shelved: old.shelved ?? null,
    suppressed: old.suppressed ?? null,
    outOfService: old.outOfService ?? null,
  };
  return { ...old, ...flags, annunciated: isAnnunciated(flags), colour: old.colour ?? PRIORITY_COLOUR[old.priority] };
}
