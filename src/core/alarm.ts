import type { PersonRef } from './people.js';
/** Alarm priority, 1 highest. 1 = red/一级, 2 = orange/二级, 3 = yellow/三级, 4 = blue/四级. */
export type Priority = 1 | 2 | 3 | 4;

export const PRIORITY_COLOUR: Readonly<Record<Priority, 'red' | 'orange' | 'yellow' | 'blue'>> = {
  1: 'red',
  2: 'orange',
  3: 'yellow',
  4: 'blue',
};

/**
 * OPC UA severity (1-1000) for a priority: the top of each band, so a client that maps severity
 * bands back gets the same priority (OPC UA Part 9 leaves the bands to the system; ours: 1 = 801-1000,
 * 2 = 601-800, 3 = 401-600, 4 = 1-400).
 */
export const PRIORITY_SEVERITY: Readonly<Record<Priority, number>> = { 1: 1000, 2: 800, 3: 600, 4: 400 };

/**
 * ISA-18.2 alarm state of a condition, derived from its flags (see `deriveState` in src/alarms):
 * out of service, then shelved, then suppressed by design hide the alarm state underneath; a
 * condition is retained (listed, restored after restart) whenever its state is not `normal`.
 * `latched`: back to normal and acknowledged, waiting for a reset. `unconfirmed`: back to normal and
 * acknowledged, waiting for a confirmation (rules with `confirm: true`).
 */
export type AlarmState =
  | 'normal'
  | 'active-unacked'
  | 'active-acked'
  | 'returned-unacked'
  | 'latched'
  | 'unconfirmed'
  | 'shelved'
  | 'suppressed'
  | 'out-of-service';

/** Colour of a priority (Chinese warning colours 一级 red … 四级 blue). */
export type AlarmColour = (typeof PRIORITY_COLOUR)[Priority];

/**
 * What the engine says about one condition when its level changes: the level it is in now
 * (`null` = normal). The engine emits one only on a change.
 */
export interface RuleResult {
  /** Stable id of the condition: `<ruleId>/<pointId>`. */
  readonly conditionId: string;
  readonly ruleId: string;
  readonly ruleKind: string;
  readonly pointId: string | null;
  readonly zoneId?: string;
  /** Active level (`HH`, `H`, `L`, `LL`, `RISE`, `FALL`, `STALE`…) or null when back to normal. */
  readonly level: string | null;
  /** Priority of the active level; for a return to normal, of the level left. */
  readonly priority: Priority;
  readonly value: number | boolean | null;
  /** Source time of the change, epoch ms. */
  readonly time: number;
  readonly message: string;
  /** Regulatory codes of the point (enterprise, hazard source, equipment, indicator type) for the provincial feed. */
  readonly codes?: Readonly<Record<string, string>> | undefined;
  /** Who must hear of it besides the operators (e.g. `fire-control-room`); from the rule and the level. */
  readonly audiences?: readonly string[] | undefined;
  /** The people in the alarm's zone when it changed (the evacuation list), or those it concerns. */
  readonly people?: readonly PersonRef[] | undefined;
  /** Cameras that see the alarm's zone. */
  readonly cameras?: readonly string[] | undefined;
}

/** Point attributes that are regulatory codes: carried by every alarm of the point (DOMAIN.md, major hazard sources). */
export const REGULATORY_ATTRS: readonly string[] = ['enterpriseCode', 'hazardSourceCode', 'equipmentCode', 'indicatorType'];

/** Process changes, from the rule engine. */
export type ProcessReason = 'activate' | 'escalate' | 'deescalate' | 'return';

/** What an operator may do to a condition (ISA-18.2 / OPC UA Part 9 methods). Each is journaled with user and comment. */
export type OperatorAction = 'acknowledge' | 'confirm' | 'comment' | 'shelve' | 'unshelve' | 'out-of-service' | 'in-service' | 'reset';

export const OPERATOR_ACTIONS: readonly OperatorAction[] = ['acknowledge', 'confirm', 'comment', 'shelve', 'unshelve', 'out-of-service', 'in-service', 'reset'];

/** Changes the gateway makes on its own: re-alarm of a standing acked alarm, a timed shelve running out, design suppression starting or ending. */
export type SystemReason = 're-alarm' | 'shelve-expired' | 'suppress' | 'unsuppress';

/** Why a transition happened. */
export type TransitionReason = ProcessReason | OperatorAction | SystemReason;

/** An operator shelved the condition: until it returns to normal (one-shot) or until a time (timed). */
export interface Shelving {
  readonly kind: 'one-shot' | 'timed';
  readonly user: string;
  readonly since: number;
  /** Epoch ms a timed shelve ends; null for one-shot. */
  readonly until: number | null;
}

/** Suppressed by design: a condition expression (the unit is shut down) or a first-out group (a consequence of the first trip). */
export interface Suppression {
  readonly by: 'condition' | 'first-out';
  readonly reason: string;
}

/** Taken out of service (maintenance), by whom and why. */
export interface OutOfService {
  readonly user: string;
  readonly since: number;
  readonly reason: string;
}

/** An operator action on one condition, as REST and WebSocket deliver it. */
export interface OperatorRequest {
  readonly action: OperatorAction;
  readonly conditionId: string;
  /**
   * The condition's latest eventId as the operator saw it: required to acknowledge and confirm
   * (OPC UA Acknowledge/Confirm(eventId, comment)), checked when given to any other action.
   */
  readonly eventId?: string | undefined;
  readonly user: string;
  /** Required for comment and out-of-service (the reason). */
  readonly comment?: string | undefined;
  /** Shelve only: one-shot (until return to normal), or timed (at most the site's alarms.maxShelve). */
  readonly shelve?: { readonly kind: 'one-shot' } | { readonly kind: 'timed'; readonly durationMs: number } | undefined;
}

/**
 * One change of a condition. This record is what the journal stores, the WS pushes and the uplink
 * sends: a new eventId per change.
 */
export interface AlarmTransition {
  readonly eventId: string;
  readonly conditionId: string;
  readonly ruleId: string;
  readonly ruleKind: string;
  readonly siteId: string;
  readonly pointId: string | null;
  readonly zoneId?: string;
  readonly from: AlarmState;
  readonly state: AlarmState;
  readonly reason: TransitionReason;
  readonly active: boolean;
  /** Source time of the activation while active (how long it stands; which trip of a first-out group came first); null when inactive. */
  readonly activeSince: number | null;
  readonly acked: boolean;
  /** When the standing acknowledgement was given (re-alarm counts from it); null while unacked. */
  readonly ackedAt: number | null;
  /** False while a confirmation is awaited (rules with `confirm: true`, after an annunciated activation). */
  readonly confirmed: boolean;
  /** True from an annunciated activation of a latching rule until an operator resets it. */
  readonly latched: boolean;
  readonly shelved: Shelving | null;
  readonly suppressed: Suppression | null;
  readonly outOfService: OutOfService | null;
  /** Shown to operators: neither shelved, suppressed nor out of service. Hidden transitions are journaled all the same. */
  readonly annunciated: boolean;
  /** The limit level; for an inactive condition, the last level it was in. */
  readonly level: string | null;
  readonly priority: Priority;
  readonly severity: number;
  readonly colour: AlarmColour;
  readonly value: number | boolean | null;
  /** Epoch ms of the change at the source (for an acknowledgement: when it was made). */
  readonly time: number;
  /** Epoch ms when the gateway recorded the transition. */
  readonly rts: number;
  readonly message: string;
  /** Regulatory codes of the point (see RuleResult). */
  readonly codes?: Readonly<Record<string, string>>;
  /** Audiences besides the operators (see RuleResult); a WebSocket client may ask for one. */
  readonly audiences?: readonly string[];
  /** The people in the alarm's zone at its last process change (the evacuation list). */
  readonly people?: readonly PersonRef[];
  /** Cameras that see the alarm's zone. */
  readonly cameras?: readonly string[];
  readonly user?: string;
  readonly comment?: string;
}

/** Alarm-system health of one operator position over a period (EEMUA 191). */
export interface PositionKpis {
  readonly position: string;
  readonly alarms: number;
  readonly per10Min: number;
  readonly perHour: number;
  readonly perDay: number;
  /** The most alarms in any 10-minute window. */
  readonly peak10Min: number;
  /** Share of the period spent in flood, %. */
  readonly floodPct: number;
}

/** Alarm-system health over a period (EEMUA 191 / ISA-18.2); computed from the journal. */
export interface AlarmKpis {
  readonly from: number;
  readonly to: number;
  readonly alarms: number;
  readonly positions: readonly PositionKpis[];
  /** The ten conditions with most alarms, and their share of all alarms (%). */
  readonly badActors: readonly { readonly conditionId: string; readonly alarms: number; readonly sharePct: number }[];
  readonly topTenSharePct: number;
  readonly chattering: readonly { readonly conditionId: string; readonly transitions: number }[];
  readonly standing: readonly { readonly conditionId: string; readonly activeSince: number; readonly hours: number }[];
  readonly priorities: Readonly<Record<Priority, number>>;
}

/** A position in alarm flood now. */
export interface FloodState {
  readonly position: string;
  /** Alarms in the last 10 minutes. */
  readonly count: number;
  readonly since: number;
}

/** What the server (and later the uplink) may ask of the alarm manager. */
export interface AlarmService {
  /** Latest transition of every condition not in normal: highest priority, then newest first. */
  retained(): AlarmTransition[];
  get(conditionId: string): AlarmTransition | undefined;
  /**
   * Carries out an operator action; returns the journaled transition.
   * @throws HazgateError with an HG_ERR_ALARM_* code when the action does not apply (counted),
   *   HG_ERR_JOURNAL_WRITE when it could not be journaled (nothing changed).
   */
  act(request: OperatorRequest): AlarmTransition;
}

/** What the server may ask about alarm-system health. */
export interface AlarmHealthService {
  kpis(from: number, to: number): AlarmKpis;
  floods(): readonly FloodState[];
}
