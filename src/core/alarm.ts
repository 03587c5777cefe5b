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

/** ISA-18.2 alarm states covered by the working core (shelving etc. come with alarm management). */
export type AlarmState = 'normal' | 'active-unacked' | 'active-acked' | 'returned-unacked';

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
}

/** Why a transition happened. */
export type TransitionReason = 'activate' | 'escalate' | 'deescalate' | 'return' | 'acknowledge';

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
  readonly acked: boolean;
  /** The limit level; for an inactive condition, the last level it was in. */
  readonly level: string | null;
  readonly priority: Priority;
  readonly severity: number;
  readonly value: number | boolean | null;
  /** Epoch ms of the change at the source (for an acknowledgement: when it was made). */
  readonly time: number;
  /** Epoch ms when the gateway recorded the transition. */
  readonly rts: number;
  readonly message: string;
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

/** What the server may ask about alarm-system health. */
export interface AlarmHealthService {
  kpis(from: number, to: number): AlarmKpis;
  floods(): readonly FloodState[];
}
