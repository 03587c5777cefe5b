/**
 * What the console reads from hazgate's REST API and WebSocket (README: HTTP API, WebSocket).
 * The console is browser code: it keeps its own copy of the wire shapes instead of importing
 * src/core, and reads every message defensively (a field it does not know is ignored).
 */

export type AlarmColour = 'red' | 'orange' | 'yellow' | 'blue';
export type Priority = 1 | 2 | 3 | 4;

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

export interface PersonRef {
  readonly tagId: string;
  readonly personId: string | null;
  readonly name: string | null;
  readonly role: string | null;
}

/** An alarm transition (the latest of a condition when it comes in a snapshot). */
export interface Transition {
  readonly eventId: string;
  readonly conditionId: string;
  readonly ruleId: string;
  readonly ruleKind: string;
  readonly siteId: string;
  readonly pointId: string | null;
  readonly zoneId?: string;
  readonly from: AlarmState;
  readonly state: AlarmState;
  readonly reason: string;
  readonly active: boolean;
  readonly activeSince: number | null;
  readonly acked: boolean;
  readonly ackedAt: number | null;
  readonly confirmed: boolean;
  readonly latched: boolean;
  readonly shelved: { readonly kind: 'one-shot' | 'timed'; readonly user: string; readonly since: number; readonly until: number | null } | null;
  readonly suppressed: { readonly by: string; readonly reason: string } | null;
  readonly outOfService: { readonly user: string; readonly since: number; readonly reason: string } | null;
  readonly annunciated: boolean;
  readonly level: string | null;
  readonly priority: Priority;
  readonly colour: AlarmColour;
  readonly value: number | boolean | null;
  readonly time: number;
  readonly rts: number;
  readonly message: string;
  readonly codes?: Readonly<Record<string, string>>;
  readonly people?: readonly PersonRef[];
  readonly cameras?: readonly string[];
  readonly user?: string;
  readonly comment?: string;
  /** At a centre: the site the alarm came from. */
  readonly site?: string;
  /** At a centre: the record's seq in its site's journal (the order of a site's records). */
  readonly journalSeq?: number;
}

export type QualityLevel = 'good' | 'uncertain' | 'bad';

export interface Sample {
  readonly pointId: string;
  readonly value: number | boolean;
  readonly quality: { readonly level: QualityLevel; readonly reason?: string };
  readonly ts: number;
  readonly rts: number;
}

export interface Point {
  readonly id: string;
  readonly name?: string;
  readonly kind?: string;
  readonly unit?: string;
  readonly area?: string;
  readonly type?: 'number' | 'boolean';
  readonly range?: readonly [number, number];
  readonly latest: Sample | null;
}

/** GET /api/points/{id}/history?format=columns */
export interface HistoryColumns {
  readonly pointId: string;
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly ts: readonly number[];
  readonly value: readonly (number | boolean | null)[];
  /** index → level, only where a sample is not good. */
  readonly quality: Readonly<Record<string, QualityLevel>>;
  readonly reasons: Readonly<Record<string, string>>;
}

export interface Me {
  readonly user: string;
  readonly roles: readonly string[];
  readonly scopes: { readonly sites: '*' | readonly string[]; readonly areas: '*' | readonly string[] };
  readonly via: string;
  readonly csrf?: string;
  readonly expires?: number;
}

export interface ZoneHeadcount {
  readonly zoneId: string;
  readonly name: string | null;
  readonly kind: string;
  readonly headcount: number;
  readonly limit: number | null;
}

export interface PositionKpis {
  readonly position: string;
  readonly alarms: number;
  readonly per10Min: number;
  readonly perHour: number;
  readonly perDay: number;
  readonly peak10Min: number;
  readonly floodPct: number;
}

export interface Kpis {
  readonly from: number;
  readonly to: number;
  readonly alarms: number;
  readonly positions: readonly PositionKpis[];
  readonly badActors: readonly { readonly conditionId: string; readonly alarms: number; readonly sharePct: number }[];
  readonly topTenSharePct: number;
  readonly chattering: readonly { readonly conditionId: string; readonly transitions: number }[];
  readonly standing: readonly { readonly conditionId: string; readonly activeSince: number; readonly hours: number }[];
  readonly priorities: Readonly<Record<string, number>>;
  readonly floodNow: readonly { readonly position: string; readonly count: number; readonly since: number }[];
}

/** GET /api/sites at a centre (the fields the console shows). */
export interface SiteView {
  readonly site: string;
  readonly name?: string;
  readonly configured: boolean;
  readonly lastSeq: number;
  readonly ackUpto: number;
  readonly gaps: { readonly open: readonly unknown[]; readonly lost: readonly unknown[]; readonly openMessages?: number; readonly lostMessages?: number };
  readonly chain: { readonly verdict: string; readonly tamperedCount?: number };
  readonly lastStatus: unknown;
  readonly alarms: { readonly byPriority?: Readonly<Record<string, number>> } & Readonly<Record<string, unknown>>;
  readonly lastMessageAt: number | null;
}

/** GET /api/points/values at a centre. */
export interface CentreValue {
  readonly site: string;
  readonly pointId: string;
  readonly value: number | boolean | null;
  readonly quality: string;
  readonly reason?: string;
  readonly ts: number | null;
  readonly unit?: string;
  readonly time: number;
}

/** `{ error: { code, message } }` */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** The operator actions of POST /api/alarms/{conditionId}/{action}. */
export type OperatorAction = 'acknowledge' | 'confirm' | 'comment' | 'shelve' | 'unshelve' | 'out-of-service' | 'in-service' | 'reset';
