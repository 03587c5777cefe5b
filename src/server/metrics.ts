import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { gauge, mirrorCounter } from './metrics-mirror.js';
import { registerEvaluationTime, registerOperationsMetrics, type EvaluationTimings, type OperationsSources } from './metrics-operations.js';
import type { AdapterMetric, AlarmState, ComponentStatus, ErrorCode, OperatorAction, TransitionReason } from '../core/index.js';

/** The alarm manager's counters; missing keys read as zero. */
export interface AlarmCounters {
  readonly transitions: Readonly<Partial<Record<TransitionReason, number>>>;
  /** Operator actions carried out. */
  readonly actions: Readonly<Partial<Record<OperatorAction, number>>>;
  /** Operator actions refused, by action and HG_ERR_ALARM_* code. */
  readonly refused: Readonly<Partial<Record<OperatorAction, Readonly<Partial<Record<ErrorCode, number>>>>>>;
  readonly journalFailures: number;
}

/**
 * Plain counters the components keep; /metrics reads them at scrape time so the hot path never
 * touches prom-client. Each later issue adds its source here.
 */
export interface MetricsSources {
  readonly ingest: { readonly readings: number; readonly samples: number; readonly rejected: ReadonlyMap<string, number> };
  readonly adapters: () => ReadonlyArray<{ id: string; kind: string; readings: number; errors: number; status: ComponentStatus }>;
  readonly engine: { readonly evaluations: number; readonly timing?: EvaluationTimings };
  readonly alarms: AlarmCounters;
  readonly retained: () => ReadonlyArray<{ priority: number; state: AlarmState }>;
  readonly store: () => { written: number; dropped: number; writeErrors: number; buffered: number; diskBytes: number };
  readonly ws: { readonly connected: number; readonly connections: number; readonly badMessages: number; readonly slowClientsBehind: number; readonly slowClientsDropped: number; readonly rateLimited: number; readonly refusedUpgrades: number; readonly credentialsEnded: number };
  /** The adapters' own counter families (Modbus requests per device…), concatenated. */
  readonly adapterMetrics: () => readonly AdapterMetric[];
  /** Reconnects, last readings, journal backlog, database and disk sizes (metrics-operations.ts). */
  readonly operations?: OperationsSources;
}

const UP: Record<ComponentStatus['state'], number> = { up: 1, degraded: 0.5, starting: 0, down: 0, stopped: 0 };

export function createMetricsRegistry(src: MetricsSources): Registry {
  const reg = new Registry();
  collectDefaultMetrics({ register: reg, prefix: 'hazgate_process_' });
  mirrorCounter(reg, 'hazgate_readings_total', 'Raw readings received from adapters', [], (c) => c.inc(src.ingest.readings));
  mirrorCounter(reg, 'hazgate_samples_total', 'Readings accepted as samples', [], (c) => c.inc(src.ingest.samples));
  mirrorCounter(reg, 'hazgate_readings_rejected_total', 'Readings and payloads refused, by error code', ['code'], (c) => {
    for (const [code, n] of src.ingest.rejected) c.inc({ code }, n);
  });
  mirrorCounter(reg, 'hazgate_adapter_readings_total', 'Readings emitted per adapter', ['adapter', 'kind'], (c) => {
    for (const a of src.adapters()) c.inc({ adapter: a.id, kind: a.kind }, a.readings);
  });
  mirrorCounter(reg, 'hazgate_adapter_errors_total', 'Errors reported per adapter', ['adapter', 'kind'], (c) => {
    for (const a of src.adapters()) c.inc({ adapter: a.id, kind: a.kind }, a.errors);
  });
  gauge(reg, 'hazgate_adapter_up', 'Adapter status: 1 up, 0.5 degraded, 0 down/starting', ['adapter', 'kind'], (g) => {
    for (const a of src.adapters()) g.set({ adapter: a.id, kind: a.kind }, UP[a.status.state]);
  });
  mirrorCounter(reg, 'hazgate_rule_evaluations_total', 'Condition evaluations by the rule engine', [], (c) => c.inc(src.engine.evaluations));
  registerAlarmMetrics(reg, src);
  registerStoreAndWs(reg, src);
  registerAdapterMetrics(reg, src);
  if (src.engine.timing !== undefined) registerEvaluationTime(reg, src.engine.timing);
  if (src.operations !== undefined) registerOperationsMetrics(reg, src.operations);
  return reg;
}

/**
 * Families the adapters report. The names are known when the registry is built (adapters exist
 * by then); values are summed across adapters of one kind at scrape time.
 */
function registerAdapterMetrics(reg: Registry, src: MetricsSources): void {
  const families = new Map<string, AdapterMetric>();
  for (const m of src.adapterMetrics()) if (!families.has(m.name)) families.set(m.name, m);
  for (const family of families.values()) {
    const read = (metric: Counter | Gauge): void => {
      for (const m of src.adapterMetrics()) {
        if (m.name !== family.name) continue;
        for (const v of m.values) metric.inc(v.labels, v.value);
      }
    };
    const labelNames = [...family.labelNames];
    if (family.type === 'counter') mirrorCounter(reg, family.name, family.help, labelNames, read);
    else gauge(reg, family.name, family.help, labelNames, read);
  }
}

function registerAlarmMetrics(reg: Registry, src: MetricsSources): void {
  mirrorCounter(reg, 'hazgate_alarm_transitions_total', 'Alarm transitions, by reason', ['reason'], (c) => {
    for (const [reason, n] of Object.entries(src.alarms.transitions)) c.inc({ reason }, n ?? 0);
  });
  mirrorCounter(reg, 'hazgate_alarm_actions_total', 'Operator actions carried out, by action', ['action'], (c) => {
    for (const [action, n] of Object.entries(src.alarms.actions)) c.inc({ action }, n ?? 0);
  });
  mirrorCounter(reg, 'hazgate_alarm_action_refused_total', 'Operator actions refused, by action and error code', ['action', 'code'], (c) => {
    for (const [action, byCode] of Object.entries(src.alarms.refused)) {
      for (const [code, n] of Object.entries(byCode ?? {})) c.inc({ action, code }, n ?? 0);
    }
  });
  mirrorCounter(reg, 'hazgate_alarm_journal_failures_total', 'Alarm transitions the journal could not write (HG_ERR_JOURNAL_WRITE)', [], (c) => c.inc(src.alarms.journalFailures));
  gauge(reg, 'hazgate_alarms_retained', 'Retained alarm conditions by priority and state', ['priority', 'state'], (g) => {
    for (const t of src.retained()) g.inc({ priority: String(t.priority), state: t.state });
  });
}

function registerStoreAndWs(reg: Registry, src: MetricsSources): void {
  mirrorCounter(reg, 'hazgate_store_samples_written_total', 'Samples written to the embedded store', [], (c) => c.inc(src.store().written));
  mirrorCounter(reg, 'hazgate_store_samples_dropped_total', 'Samples dropped because the store buffer overflowed', [], (c) => c.inc(src.store().dropped));
  mirrorCounter(reg, 'hazgate_store_write_errors_total', 'Failed store flushes (samples kept and retried)', [], (c) => c.inc(src.store().writeErrors));
  gauge(reg, 'hazgate_store_buffered_samples', 'Samples waiting for the next store flush', [], (g) => g.set(src.store().buffered));
  gauge(reg, 'hazgate_store_disk_bytes', 'Size of the embedded store files', [], (g) => g.set(src.store().diskBytes));
  gauge(reg, 'hazgate_ws_clients', 'Connected WebSocket clients', [], (g) => g.set(src.ws.connected));
  mirrorCounter(reg, 'hazgate_ws_connections_total', 'WebSocket connections accepted', [], (c) => c.inc(src.ws.connections));
  mirrorCounter(reg, 'hazgate_ws_bad_messages_total', 'WebSocket messages refused (HG_ERR_WS_BAD_MESSAGE)', [], (c) => c.inc(src.ws.badMessages));
  mirrorCounter(reg, 'hazgate_ws_slow_clients_behind_total', 'Times a WebSocket client fell behind (live messages paused, re-snapshotted once caught up)', [], (c) => c.inc(src.ws.slowClientsBehind));
  mirrorCounter(reg, 'hazgate_ws_slow_clients_dropped_total', 'WebSocket clients cut off for not reading at all', [], (c) => c.inc(src.ws.slowClientsDropped));
  mirrorCounter(reg, 'hazgate_ws_rate_limited_total', 'WebSocket messages refused for the client’s message rate (HG_ERR_WS_RATE)', [], (c) => c.inc(src.ws.rateLimited));
  mirrorCounter(reg, 'hazgate_ws_upgrades_refused_total', 'WebSocket upgrades refused: no or bad credentials, outside the scopes, no room (HG_ERR_WS_LIMIT), a credential in the URL', [], (c) => c.inc(src.ws.refusedUpgrades));
  mirrorCounter(reg, 'hazgate_ws_credentials_ended_total', 'WebSocket connections closed because their token, session or user no longer stood', [], (c) => c.inc(src.ws.credentialsEnded));
}
