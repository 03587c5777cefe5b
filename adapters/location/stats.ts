import type { AdapterMetric } from '../../src/core/ports.js';
import type { SessionCounters } from '../lib/mqtt/index.js';
import { REJECT_REASONS, type RejectReason } from './rejection.js';

/** Live counters of one adapter instance, kept across start/stop. */
export interface LocationAdapterStats extends SessionCounters {
  /** MQTT messages received. */
  messages: number;
  /** Tag positions emitted. */
  positions: number;
  /** Reader events emitted. */
  readerEvents: number;
  /** Pozyx entries with `success: false`. */
  noFix: number;
  /** Of those, the ones carrying an SOS button, motion or battery, emitted as tag states. */
  statuses: number;
  /** Messages on a topic no configured subscription matches (a filter left in a persistent session). */
  unmatched: number;
  /** Refused payloads (too-large, not-json, …) and entries, by reason. */
  rejected: Record<RejectReason, number>;
}

export function emptyLocationStats(): LocationAdapterStats {
  const rejected = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  return { messages: 0, positions: 0, readerEvents: 0, noFix: 0, statuses: 0, unmatched: 0, reconnects: 0, rejected, errors: {} };
}

/** The adapter's counter families for /metrics; every family is there (zeros) before the first message. */
export function locationMetrics(adapter: string, stats: LocationAdapterStats = emptyLocationStats()): AdapterMetric[] {
  const counter = (name: string, help: string, value: number): AdapterMetric => ({
    name,
    help,
    type: 'counter',
    labelNames: ['adapter'],
    values: [{ labels: { adapter }, value }],
  });
  return [
    counter('hazgate_location_messages_total', 'MQTT messages received by a location adapter', stats.messages),
    counter('hazgate_location_positions_total', 'Tag positions emitted', stats.positions),
    counter('hazgate_location_reader_events_total', 'Reader (RFID base station) enter/leave events emitted', stats.readerEvents),
    counter('hazgate_location_no_fix_total', 'Pozyx entries with success false (no position this blink)', stats.noFix),
    counter('hazgate_location_tag_statuses_total', 'Tag states (SOS, motion, battery without a position) emitted from entries with success false', stats.statuses),
    counter('hazgate_location_unmatched_total', 'Messages on a topic no location subscription matches', stats.unmatched),
    counter('hazgate_location_reconnects_total', 'Broker connections re-established', stats.reconnects),
    {
      name: 'hazgate_location_rejected_total',
      help: 'Location payloads (whole messages) and entries refused, by reason',
      type: 'counter',
      labelNames: ['adapter', 'reason'],
      values: REJECT_REASONS.map((reason) => ({ labels: { adapter, reason }, value: stats.rejected[reason] })),
    },
  ];
}
