import { metricFamily, type AdapterMetric } from '../../src/core/ports.js';
import type { SessionCounters } from '../lib/mqtt/index.js';
import { SKIP_REASONS, type SkipReason } from './metric-value.js';
import { MESSAGE_TYPES, type SparkplugMessageType } from './topic.js';

export const REBIRTH_REASONS = ['seq-gap', 'seq-desync', 'before-birth', 'unknown-alias'] as const;
export type RebirthReason = (typeof REBIRTH_REASONS)[number];

/** What a memory or rate bound held back: see adapters/sparkplug/README.md. */
export const LIMIT_REASONS = ['max-nodes', 'node-forgotten', 'max-devices', 'max-values', 'rebirth-rate'] as const;
export type LimitReason = (typeof LIMIT_REASONS)[number];

/** Live counters of one Sparkplug host adapter, kept across start/stop. */
export interface SparkplugStats extends SessionCounters {
  /** Messages received by type. */
  readonly messages: Record<SparkplugMessageType, number>;
  /** NBIRTH and DBIRTH taken. */
  births: number;
  /** NDEATH (matching bdSeq) and DDEATH taken. */
  deaths: number;
  /** NDEATH of a node not born, or whose bdSeq is not the last NBIRTH's (a will from an older connection): ignored. */
  staleDeaths: number;
  /** Rebirth requests sent, by why. */
  readonly rebirths: Record<RebirthReason, number>;
  /** Gaps in seq the reorder timeout did not close. */
  seqGaps: number;
  /** Messages that came ahead of a missing seq and were held for the reorder timeout. */
  seqHeld: number;
  /** Messages older than the expected seq (duplicates, or late past their timeout): dropped. */
  seqLate: number;
  /** Messages far off the expected seq (a jump of 128 or more, or further behind than a duplicate): dropped, rebirth requested. */
  seqDesync: number;
  /** STATE online published again because an offline for this host (an old connection's will) arrived. */
  stateRepublished: number;
  /** Metrics sent as null (is_null): their point goes bad (`null-value`). */
  nullValues: number;
  /** What the memory and rate bounds held back, by bound. */
  readonly limited: Record<LimitReason, number>;
  unknownAliases: number;
  decodeErrors: number;
  /** Points marked bad (comm-lost) by a death or the broker connection's loss. */
  staleMarks: number;
  readings: number;
  /** 64-bit integers past 2^53 passed on as the nearest double. */
  precisionLost: number;
  /** Metrics that gave no reading, by reason. */
  readonly skipped: Record<SkipReason, number>;
}

export function emptySparkplugStats(): SparkplugStats {
  const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  return {
    messages: zeros(MESSAGE_TYPES), births: 0, deaths: 0, staleDeaths: 0, rebirths: zeros(REBIRTH_REASONS), seqGaps: 0, seqHeld: 0, seqLate: 0, seqDesync: 0, stateRepublished: 0, nullValues: 0, limited: zeros(LIMIT_REASONS),
    unknownAliases: 0, decodeErrors: 0, staleMarks: 0, readings: 0, precisionLost: 0, skipped: zeros(SKIP_REASONS), reconnects: 0, errors: {},
  };
}

/** The adapter's counter families for /metrics; every family is there (zeros) before the first message. */
export function sparkplugMetrics(adapter: string, stats: SparkplugStats = emptySparkplugStats()): AdapterMetric[] {
  const counter = (name: string, help: string, value: number): AdapterMetric => metricFamily('counter', name, help, value, { adapter });
  const byLabel = <K extends string>(name: string, help: string, label: string, values: Record<K, number>): AdapterMetric => ({
    name,
    help,
    type: 'counter',
    labelNames: ['adapter', label],
    values: (Object.keys(values) as K[]).map((k) => ({ labels: { adapter, [label]: k }, value: values[k] })),
  });
  return [
    byLabel('hazgate_sparkplug_messages_total', 'Sparkplug B messages received, by message type', 'type', stats.messages),
    counter('hazgate_sparkplug_births_total', 'NBIRTH and DBIRTH certificates taken', stats.births),
    counter('hazgate_sparkplug_deaths_total', 'NDEATH (with the last birth\'s bdSeq) and DDEATH taken', stats.deaths),
    counter('hazgate_sparkplug_stale_deaths_total', 'NDEATH ignored: no birth seen, or its bdSeq is not the last NBIRTH\'s (a will of an older connection)', stats.staleDeaths),
    byLabel('hazgate_sparkplug_rebirth_requests_total', 'NCMD Node Control/Rebirth sent, by reason', 'reason', stats.rebirths),
    counter('hazgate_sparkplug_seq_gaps_total', 'seq gaps not closed within reorderTimeout', stats.seqGaps),
    counter('hazgate_sparkplug_seq_held_total', 'Messages ahead of a missing seq, held for the reorder timeout', stats.seqHeld),
    counter('hazgate_sparkplug_seq_late_total', 'Messages behind the expected seq (duplicates, or late past the timeout), dropped', stats.seqLate),
    counter('hazgate_sparkplug_seq_desync_total', 'Messages far off the expected seq (a jump of 128 or more), dropped; a rebirth is requested', stats.seqDesync),
    counter('hazgate_sparkplug_state_republished_total', 'STATE online published again after an offline STATE for this host (an old connection\'s will) arrived', stats.stateRepublished),
    counter('hazgate_sparkplug_null_values_total', 'Metrics sent as null (is_null): the point goes bad (null-value)', stats.nullValues),
    byLabel('hazgate_sparkplug_limited_total', 'Messages, readings or rebirth requests held back by a memory or rate bound, by bound', 'reason', stats.limited),
    counter('hazgate_sparkplug_unknown_aliases_total', 'Data metrics with an alias the last birth did not declare', stats.unknownAliases),
    counter('hazgate_sparkplug_decode_errors_total', 'Payloads that are not valid Sparkplug B protobuf', stats.decodeErrors),
    counter('hazgate_sparkplug_stale_marks_total', 'Points marked bad (comm-lost) by a death or a lost broker connection', stats.staleMarks),
    counter('hazgate_sparkplug_readings_total', 'Readings emitted from metrics', stats.readings),
    counter('hazgate_sparkplug_precision_lost_total', '64-bit integer metrics past 2^53 passed on as the nearest double (quality uncertain)', stats.precisionLost),
    byLabel('hazgate_sparkplug_metrics_skipped_total', 'Metrics that gave no reading, by reason', 'reason', stats.skipped),
  ];
}
