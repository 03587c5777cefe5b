import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modbusMetrics } from '../../adapters/modbus/index.js';
import { databaseBytes, databaseFiles, diskStatus, lowSpaceReason } from '../../src/app/data-dir.js';
import { withOperationsStatus } from '../../src/app/operations.js';
import type { SiteConfig } from '../../src/app/index.js';
import { silentLogger, type Adapter, type EmitReading, type OnStatus, type RuleSpec } from '../../src/core/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { SAMPLE_EVERY } from '../../src/engine/evaluation-timing.js';
import { RunningAdapter } from '../../src/pipeline/index.js';
import { createMetricsRegistry } from '../../src/server/index.js';
import { level, point, sample, T0 } from './engine-fixtures.js';

const GiB = 1024 ** 3;
const dir = mkdtempSync(join(tmpdir(), 'hg-ops-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An adapter whose status and readings the test drives. */
function drivenAdapter(): { adapter: Adapter; status: () => OnStatus; emit: () => EmitReading } {
  let onStatus: OnStatus = () => undefined;
  let emit: EmitReading = () => undefined;
  const adapter: Adapter = {
    id: 'a1', kind: 'mqtt',
    start: async (e, _err, s) => {
      emit = e;
      onStatus = s;
    },
    stop: async () => undefined,
  };
  return { adapter, status: () => onStatus, emit: () => emit };
}

describe('RunningAdapter operations counters', () => {
  it('counts a reconnect each time the adapter is up again after losing its peer, not the first up', async () => {
    const d = drivenAdapter();
    let now = 1000;
    const ra = new RunningAdapter(d.adapter, silentLogger, () => now);
    await ra.start(() => undefined, () => undefined);
    const s = d.status();
    s({ state: 'down', reason: 'cannot connect', since: now }); // never up yet: a failed first connect
    s({ state: 'up', since: now });
    expect(ra.counters.reconnects).toBe(0);
    s({ state: 'down', reason: 'lost', since: now });
    s({ state: 'up', since: now });
    s({ state: 'up', reason: 'other', since: now }); // up to up is no reconnect
    s({ state: 'degraded', reason: 'd2 not answering', since: now });
    s({ state: 'up', since: now });
    expect(ra.counters.reconnects).toBe(2);
    expect(ra.counters.lastReadingAt).toBe(0);
    now = 5000;
    d.emit()({ source: 'a1', pointId: 'P', value: 1 });
    expect(ra.counters.lastReadingAt).toBe(5000);
  });
});

describe('rule evaluation time', () => {
  const rule: RuleSpec = { id: 'r', kind: 'threshold', select: { points: ['P'] }, levels: [level('H', 'high', 50)] };

  it('times one sample evaluation in SAMPLE_EVERY and every tick, into cumulative histogram buckets', async () => {
    let ms = 0;
    // Each reading of the stopwatch advances 0.003 ms: a timed evaluation measures 3 µs.
    const engine = new RuleEngine([point('P')], [rule], T0, () => (ms += 0.003));
    for (let i = 0; i < SAMPLE_EVERY * 3; i++) engine.evaluate(sample('P', 10, T0 + i));
    engine.tick(T0 + 10_000);
    expect(engine.stats.timing.sample.count).toBe(3);
    expect(engine.stats.timing.tick.count).toBe(1);
    const reg = createMetricsRegistry({
      ingest: { readings: 0, samples: 0, rejected: new Map() }, adapters: () => [], engine: engine.stats,
      alarms: { transitions: {}, actions: {}, refused: {}, journalFailures: 0 }, retained: () => [],
      store: () => ({ written: 0, dropped: 0, writeErrors: 0, buffered: 0, diskBytes: 0 }),
      ws: { connected: 0, connections: 0, badMessages: 0, slowClientsBehind: 0, slowClientsDropped: 0, rateLimited: 0, refusedUpgrades: 0, credentialsEnded: 0 },
      adapterMetrics: () => [],
    });
    const text = await reg.metrics();
    expect(text).toContain('# TYPE hazgate_rule_evaluation_seconds histogram');
    expect(text).toContain('hazgate_rule_evaluation_seconds_bucket{path="sample",le="0.0000025"} 0');
    expect(text).toContain('hazgate_rule_evaluation_seconds_bucket{path="sample",le="0.000005"} 3');
    expect(text).toContain('hazgate_rule_evaluation_seconds_bucket{path="sample",le="+Inf"} 3');
    expect(text).toContain('hazgate_rule_evaluation_seconds_count{path="sample"} 3');
    expect(text).toContain('hazgate_rule_evaluation_seconds_count{path="tick"} 1');
    const sum = Number(/hazgate_rule_evaluation_seconds_sum\{path="sample"\} (\S+)/.exec(text)?.[1]);
    expect(sum).toBeCloseTo(9e-6, 12);
  });
});

describe('operations families', () => {
  it('shows reconnects, last reading, journal backlog, database sizes and free space; Modbus devices with their last answer', async () => {
    const reg = createMetricsRegistry({
      ingest: { readings: 0, samples: 0, rejected: new Map() }, adapters: () => [], engine: { evaluations: 0 },
      alarms: { transitions: {}, actions: {}, refused: {}, journalFailures: 0 }, retained: () => [],
      store: () => ({ written: 0, dropped: 0, writeErrors: 0, buffered: 0, diskBytes: 0 }),
      ws: { connected: 0, connections: 0, badMessages: 0, slowClientsBehind: 0, slowClientsDropped: 0, rateLimited: 0, refusedUpgrades: 0, credentialsEnded: 0 },
      adapterMetrics: () => modbusMetrics('line1', {
        connects: 1, connectFailures: 0, overruns: 0,
        devices: {
          gas: { requests: 5, ok: 3, timeouts: 1, frameErrors: 0, disconnected: 0, exceptions: { '2': 1 }, registersRead: 30, splits: 0, readings: 12, decodeErrors: 1, lastSeenAt: 1_700_000_000_500 },
          esd: { requests: 2, ok: 0, timeouts: 2, frameErrors: 0, disconnected: 0, exceptions: {}, registersRead: 0, splits: 0, readings: 4, decodeErrors: 0, lastSeenAt: 0 },
        },
      }),
      operations: {
        adapters: () => [{ id: 'mq', kind: 'mqtt', reconnects: 3, lastReadingAt: 1_700_000_001_000 }, { id: 'ua', kind: 'opcua', reconnects: 0, lastReadingAt: 0 }],
        journalBacklog: () => 7,
        databases: () => [{ database: 'journal', bytes: 4096 }, { database: 'users', bytes: 1024 }],
        dataDir: () => ({ freeBytes: 5 * GiB, totalBytes: 50 * GiB }),
      },
    });
    const text = await reg.metrics();
    expect(text).toContain('hazgate_adapter_reconnects_total{adapter="mq",kind="mqtt"} 3');
    expect(text).toContain('hazgate_adapter_last_reading_timestamp_seconds{adapter="mq",kind="mqtt"} 1700000001');
    expect(text).not.toContain('hazgate_adapter_last_reading_timestamp_seconds{adapter="ua"');
    expect(text).toContain('hazgate_alarm_journal_backlog 7');
    expect(text).toContain('hazgate_database_bytes{database="journal"} 4096');
    expect(text).toContain(`hazgate_data_dir_free_bytes ${5 * GiB}`);
    expect(text).toContain(`hazgate_data_dir_size_bytes ${50 * GiB}`);
    expect(text).toContain('hazgate_device_readings_total{adapter="line1",device="gas"} 12');
    expect(text).toContain('hazgate_device_errors_total{adapter="line1",device="gas"} 3'); // timeout + exception + decode
    expect(text).toContain('hazgate_device_errors_total{adapter="line1",device="esd"} 2');
    expect(text).toContain('hazgate_device_last_seen_timestamp_seconds{adapter="line1",device="gas"} 1700000000.5');
    expect(text).not.toContain('hazgate_device_last_seen_timestamp_seconds{adapter="line1",device="esd"}');
  });
});

describe('data folder and readiness', () => {
  it('is short of space below 1 GiB, or below 5 % and 20 GiB', () => {
    expect(lowSpaceReason('/d', { freeBytes: 150 * GiB, totalBytes: 4096 * GiB })).toBeUndefined();
    expect(lowSpaceReason('/d', { freeBytes: 19 * GiB, totalBytes: 4096 * GiB })).toMatch(/19\.0 GiB free \(0\.5 % of 4\.0 TiB\)/);
    expect(lowSpaceReason('/d', { freeBytes: 10 * GiB, totalBytes: 100 * GiB })).toBeUndefined();
    expect(lowSpaceReason('/d', { freeBytes: 0.5 * GiB, totalBytes: 5 * GiB })).toMatch(/\/d has 512\.0 MiB free \(10\.0 % of 5\.0 GiB\)/);
    expect(lowSpaceReason('/d', { freeBytes: 4 * GiB, totalBytes: 100 * GiB })).toMatch(/4\.0 GiB free \(4\.0 %/);
    expect(diskStatus('/d', null, 9).state).toBe('degraded');
    expect(diskStatus('/d', { freeBytes: 4 * GiB, totalBytes: 100 * GiB }, 9)).toMatchObject({ state: 'degraded', since: 9 });
  });

  it('lists journal, disk, server and the configured people, video and broker; journal down when its file is gone, degraded with a backlog', () => {
    const config = { store: { dir }, people: {}, video: {}, broker: { enabled: true } } as unknown as SiteConfig;
    const parts = { startedAt: 1, clock: { now: () => 2 }, adapters: [], alarmPath: { backlog: 0 } };
    const gone = withOperationsStatus({ store: { state: 'up', since: 1 } }, parts, config);
    expect(Object.keys(gone).sort()).toEqual(['broker', 'disk', 'journal', 'people', 'server', 'store', 'video']);
    expect(gone['journal']).toMatchObject({ state: 'down', reason: expect.stringContaining('journal.db is gone') });
    writeFileSync(join(dir, 'journal.db'), 'x');
    expect(withOperationsStatus({}, parts, config)['journal']?.state).toBe('up');
    expect(withOperationsStatus({}, { ...parts, alarmPath: { backlog: 4 } }, config)['journal']).toMatchObject({ state: 'degraded', reason: expect.stringContaining('4 alarm transitions wait') });
  });

  it('sizes each database with its WAL, 0 when absent', () => {
    const files = databaseFiles({ store: { dir }, auth: undefined, uplink: undefined } as unknown as SiteConfig);
    expect(files.map((f) => f.database)).toEqual(['journal', 'users']);
    writeFileSync(join(dir, 'journal.db-wal'), 'yy');
    writeFileSync(join(dir, 'journal.db'), 'x');
    expect(databaseBytes(join(dir, 'journal.db'))).toBe(3);
    expect(databaseBytes(join(dir, 'nothing.db'))).toBe(0);
  });
});
