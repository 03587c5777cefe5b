import type { ZodType } from 'zod';
import type { AlarmTransition } from './alarm.js';
import type { Clock } from './clock.js';
import type { HazgateError } from './errors.js';
import type { Logger } from './logger.js';
import type { EmitObservation } from './observation.js';
import type { Point } from './point.js';
import type { RawReading, Sample } from './sample.js';
import type { ComponentStatus } from './status.js';

export type EmitReading = (reading: RawReading) => void;
export type OnAdapterError = (error: HazgateError) => void;
export type OnStatus = (status: ComponentStatus) => void;

/**
 * A protocol adapter (after Telegraf inputs and eKuiper sources). `create` validates and opens
 * nothing; `start` connects and pushes readings (and, for location and video adapters,
 * observations: tag positions, reader events, detections); after `stop` resolves nothing is emitted.
 */
export interface Adapter {
  readonly id: string;
  readonly kind: string;
  start(emit: EmitReading, onError: OnAdapterError, onStatus: OnStatus, observe: EmitObservation): Promise<void>;
  stop(): Promise<void>;
  /** The adapter's own counters for /metrics (per device, per exception code…), read at scrape time. */
  metrics?(): readonly AdapterMetric[];
}

/**
 * One counter family an adapter keeps, e.g. `hazgate_modbus_exceptions_total` by device and code.
 * The set of names an adapter kind reports is fixed; the label values may grow.
 */
export interface AdapterMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly labelNames: readonly string[];
  readonly values: ReadonlyArray<{ readonly labels: Readonly<Record<string, string>>; readonly value: number }>;
}

export interface AdapterDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Folder for the adapter's durable state (sessions, certificates). */
  readonly dataDir: string;
}

/** Registry entry of one adapter kind; its schema is part of the site schema. */
export interface AdapterFactory<C extends { kind: string; id: string } = { kind: string; id: string }> {
  readonly kind: string;
  readonly schema: ZodType<C>;
  create(config: C, deps: AdapterDeps): Adapter;
}

/** One unlabelled (or labelled) value of a counter or gauge family, for `metrics()` implementations. */
export function metricFamily(type: AdapterMetric['type'], name: string, help: string, value: number, labels: Readonly<Record<string, string>> = {}): AdapterMetric {
  return { name, help, type, labelNames: Object.keys(labels), values: [{ labels, value }] };
}

/** Where samples go (the embedded historian, later InfluxDB). Writes never block the caller. */
export interface SampleSink {
  /** Buffer a sample; returns false when the sink refused it (counted by the sink). */
  write(sample: Sample): boolean;
  /** Persist everything buffered so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface HistoryQuery {
  readonly pointId: string;
  readonly from: number;
  readonly to: number;
  /** At most this many samples, oldest first. */
  readonly limit: number;
}

/** One point's history in parallel columns: no object per sample (a day at 1 Hz is 86,400). */
export interface HistoryColumns {
  readonly pointId: string;
  /** `boolean`: values are 0/1 for false/true. */
  readonly valueType: 'number' | 'boolean';
  readonly length: number;
  /** Source time, epoch ms, ascending. */
  readonly ts: Float64Array;
  readonly value: Float64Array;
  /** 0 good, 1 uncertain, 2 bad. */
  readonly quality: Uint8Array;
  /** The quality reason, null for most samples. */
  readonly reason: readonly (string | null)[];
}

/** Reads history back (REST history endpoint). */
export interface HistoryReader {
  query(q: HistoryQuery): Promise<Sample[]>;
  queryColumns(q: HistoryQuery): Promise<HistoryColumns>;
}

export interface JournalQuery {
  readonly limit: number;
  readonly conditionId?: string;
  readonly pointId?: string;
  /** Only transitions with rts ≥ since (epoch ms). */
  readonly since?: number;
}

/** Durable, append-only record of alarm transitions. */
export interface AlarmJournal {
  /** Durable when it returns (the alarm path is the one place a synchronous write is worth it). */
  append(transition: AlarmTransition): void;
  /** The latest transition of every condition that is not back to normal, for restart recovery. */
  loadRetained(): AlarmTransition[];
  /** Newest first. */
  recent(q: JournalQuery): AlarmTransition[];
  close(): void;
}

/** Configured points and their latest values. */
export interface PointDirectory {
  list(): readonly Point[];
  get(pointId: string): Point | undefined;
  latest(pointId: string): Sample | undefined;
}
