import type { ChainRow } from './chain.js';
import type { QualityLevel } from './sample.js';
import type { ComponentState } from './status.js';

/**
 * The provincial feed's messages: what a gateway sends to a monitoring centre. docs/uplink/ holds
 * the published JSON Schema (feed.schema.json) and the AsyncAPI document; src/uplink/message-schema.ts
 * mirrors them in zod and a test keeps the three in step. A change that an old centre cannot read
 * is a new FEED_VERSION.
 */
export const FEED_VERSION = 1;

/** journal: one alarm-journal record; snapshot: values of the configured points; status: the gateway's health; head: the journal's chain head. */
export type FeedKind = 'journal' | 'snapshot' | 'status' | 'head';

export const FEED_KINDS: readonly FeedKind[] = ['journal', 'snapshot', 'status', 'head'];

/**
 * One journal record exactly as the journal stored it: the centre re-hashes `record` with the
 * previous record's hash (src/core/chain.ts) and compares it with `hash`.
 */
export interface JournalBody {
  /** The journal's own sequence number (not the feed's). */
  readonly seq: number;
  /** The AlarmTransition as the journal's JSON text, byte for byte. */
  readonly record: string;
  /** SHA-256 chain hash (hex); null for records written before the journal was chained. */
  readonly hash: string | null;
}

/** The latest value of one configured point, with the point's regulatory codes. */
export interface SnapshotValue {
  readonly pointId: string;
  /** null when the point has had no value since the gateway started (quality bad, reason `no-data`). */
  readonly value: number | boolean | null;
  readonly quality: QualityLevel;
  /** Why the value is not good (`wire-break`, `comm-lost`, `no-data`…). */
  readonly reason?: string;
  /** Source time of the value, epoch ms; null with no value. */
  readonly ts: number | null;
  readonly unit?: string;
  /** Regulatory codes of the point (REGULATORY_ATTRS: enterprise, hazard source, equipment, indicator type). */
  readonly codes?: Readonly<Record<string, string>>;
}

export interface SnapshotBody {
  readonly values: readonly SnapshotValue[];
}

export interface StatusBody {
  /** The gateway's version. */
  readonly version: string;
  /** When the gateway process started, epoch ms. */
  readonly startedAt: number;
  readonly adapters: readonly { readonly id: string; readonly status: ComponentState }[];
  readonly outbox: {
    /** Messages not yet acknowledged by the centre. */
    readonly depth: number;
    /** Age of the oldest of them, ms (0 when none). */
    readonly oldestAgeMs: number;
    /** Messages the outbox dropped at its bounds since it was created, by kind: the centre sees them as gaps. */
    readonly dropped: Readonly<Record<FeedKind, number>>;
  };
}

/**
 * The journal's chain head as far as the outbox has copied it: every journal message up to `seq`
 * comes before this message in the feed, so a centre that verified up to `seq` must hold `hash`;
 * a centre that has less knows which journal records it misses.
 */
export interface HeadBody {
  readonly seq: number;
  readonly hash: string;
}

export interface FeedBodies {
  readonly journal: JournalBody;
  readonly snapshot: SnapshotBody;
  readonly status: StatusBody;
  readonly head: HeadBody;
}

export type FeedBody = FeedBodies[FeedKind];

interface FeedEnvelope<K extends FeedKind> {
  readonly v: typeof FEED_VERSION;
  /** Stable across retries: `<site>:<seq>` (feedMessageId). */
  readonly id: string;
  readonly site: string;
  /** Per-site feed sequence: from 1, one more per message the outbox accepted. */
  readonly seq: number;
  readonly kind: K;
  /** When the gateway put the message in its outbox, epoch ms. */
  readonly time: number;
  readonly body: FeedBodies[K];
}

export type FeedMessage = { [K in FeedKind]: FeedEnvelope<K> }[FeedKind];

/** What one delivery carries: messages of one site, in feed order (over HTTPS and on the MQTT feed topic alike). */
export interface FeedBatch {
  readonly site: string;
  /**
   * The lowest sequence number the gateway still held unacknowledged when it sent the batch
   * (its first message's seq or lower): what the centre lacks below it was dropped at the
   * gateway's bounds and will never come, so the centre may acknowledge past it.
   */
  readonly oldest: number;
  readonly messages: readonly FeedMessage[];
}

/** The centre's acknowledgement: it holds every message of the site up to `upto` (or knows they are gone). */
export interface FeedAck {
  readonly v: typeof FEED_VERSION;
  readonly site: string;
  readonly upto: number;
}

export function feedMessageId(site: string, seq: number): string {
  return `${site}:${seq}`;
}

/**
 * What the feed needs of the alarm journal (the journal implements it; app wires them): the rows
 * after a sequence number, so records the outbox missed (a crash between the journal's commit and
 * the outbox's copy) are copied at start.
 */
export interface JournalFeedSource {
  /** Rows with seq > `after`, in order, at most `limit`. */
  rowsAfter(after: number, limit: number): readonly ChainRow[];
}
