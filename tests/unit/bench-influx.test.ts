import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSite } from '../../src/app/index.js';
import { drainAfter, LineSplitter, parseExportLine, peakSpoolLines, sinkPollOf, StoredCount, writeWindow, type SinkPoll } from '../bench/lib/influx-measure.js';
import { DEFAULT_SINK, sinkSettings, writeInfluxBenchSite } from '../bench/lib/influx-site.js';

/** A poll at t seconds; counters default to 0. */
const at = (t: number, o: Partial<SinkPoll> = {}): SinkPoll => ({ t, written: 0, spoolLines: 0, samples: 0, requests: 0, failedRequests: 0, discarded: 0, badLines: 0, cpu: 0, ...o });

describe('the influx bench site', () => {
  it('is a site hazgate loads, with the sink at its README defaults and receive-time stamping', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-bench-influx-'));
    try {
      const file = writeInfluxBenchSite(dir, { points: 20, httpPort: 18_081, mqttUrl: 'mqtt://127.0.0.1:1883', dataDir: join(dir, 'data'), topicPrefix: 'bench/influx', influxUrl: 'http://127.0.0.1:8428', sink: DEFAULT_SINK });
      const out = loadSite(file);
      expect(out.ok ? null : out.problems).toBeNull();
      if (!out.ok) return;
      expect(out.config.points).toHaveLength(20);
      expect(out.config.influx).toMatchObject({ url: 'http://127.0.0.1:8428', batchSize: 5_000, flushInterval: 1_000, maxRequestLines: 50_000, gzip: true, timeout: 10_000, retry: { min: 1_000 } });
      const mqtt = out.config.adapters.find((a) => a.kind === 'mqtt');
      // The generator sends `ts`; naming another field makes the gateway stamp the receive time.
      expect(JSON.stringify(mqtt)).toContain('"timeField":"bench_receive_time"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes overrides from BENCH_INFLUX_SINK and refuses unknown keys and wrong types', () => {
    expect(sinkSettings(undefined)).toBe(DEFAULT_SINK);
    expect(sinkSettings('{"maxRequestLines":200000,"gzip":false}')).toEqual({ ...DEFAULT_SINK, maxRequestLines: 200_000, gzip: false });
    expect(() => sinkSettings('{"batchsize":1}')).toThrow(/unknown key batchsize/);
    expect(() => sinkSettings('{"gzip":"no"}')).toThrow(/gzip must be a boolean/);
  });
});

describe('sinkPollOf', () => {
  it('reads the sink counters and the accepted samples from /metrics', () => {
    const text = [
      '# TYPE hazgate_influx_lines_written_total counter',
      'hazgate_influx_lines_written_total 1200',
      'hazgate_influx_spool_lines 300',
      'hazgate_samples_total 1500',
      'hazgate_influx_requests_total 4',
      'hazgate_influx_failed_requests_total 1',
    ].join('\n');
    expect(sinkPollOf(text, 2, 0.5)).toEqual(at(2, { written: 1200, spoolLines: 300, samples: 1500, requests: 4, failedRequests: 1, cpu: 0.5 }));
  });
});

describe('writeWindow', () => {
  it('takes the polls inside the window: rates, spool growth and CPU', () => {
    const polls = [at(0), at(1, { written: 50, samples: 100, spoolLines: 10, cpu: 0.2 }), at(3, { written: 150, samples: 300, spoolLines: 110, cpu: 1.2 }), at(5)];
    expect(writeWindow(polls, 0.5, 4)).toEqual({ seconds: 2, writtenPerS: 50, acceptedPerS: 100, spoolGrowth: 100, cpuPct: 50 });
    expect(writeWindow(polls, 3.5, 4.5)).toBeUndefined();
  });
});

describe('drainAfter', () => {
  // The database is back at t=10; the first write lands by 10.5; the spool is drained at 12.
  const polls = [
    at(9.5, { written: 0, spoolLines: 60_000, samples: 100_000, cpu: 1 }),
    at(10.25, { written: 0, spoolLines: 61_000, samples: 101_000, cpu: 1 }),
    at(10.5, { written: 50_000, spoolLines: 12_000, samples: 102_000, cpu: 1.2 }),
    at(11.75, { written: 60_000, spoolLines: 11_000, samples: 106_000, cpu: 2 }),
    at(12.25, { written: 70_000, spoolLines: 4_000, samples: 107_000, cpu: 2.2 }),
  ];

  it('measures from the poll before the first acknowledged write to the first drained poll', () => {
    const d = drainAfter(polls, 10, 5_000);
    expect(typeof d === 'string' ? d : null).toBeNull();
    if (typeof d === 'string') return;
    expect(d.seconds).toBe(2);
    expect(d.writtenPerS).toBe(35_000);
    // (61,000 − 4,000 + 6,000 accepted) / 2 s
    expect(d.spoolPerS).toBe(31_500);
    expect(d.inflowPerS).toBe(3_000);
    expect(d.firstWriteS).toBe(0.5);
    expect(d.catchUpS).toBe(2.25);
    expect(d.spoolAtStart).toBe(61_000);
    expect(d.cpuPct).toBeCloseTo(60);
  });

  it('gives a reason when nothing was written or the spool never drained', () => {
    expect(drainAfter(polls.slice(0, 2), 10, 5_000)).toMatch(/no write was acknowledged/);
    expect(drainAfter(polls, 10, 1_000)).toMatch(/did not drain below 1000/);
    expect(drainAfter(polls, 20, 5_000)).toMatch(/no poll after/);
  });

  it('reports the peak of the spool', () => {
    expect(peakSpoolLines(polls)).toBe(61_000);
  });
});

describe('StoredCount', () => {
  it('counts rows and distinct (point, timestamp) pairs across export lines and series', () => {
    const c = new StoredCount();
    c.add('B-1', [3, 1, 2]);
    c.add('B-1', [2]); // the same point again, e.g. another series block: one duplicate
    c.add('B-2', [1, 1, 5]);
    expect(c.result()).toEqual({ stored: 7, distinct: 5, points: 2 });
  });
});

describe('export parsing', () => {
  it('splits a stream into lines whatever the chunking, and parses export rows', () => {
    const text = '{"metric":{"__name__":"hazgate_gas_value","point":"B-1"},"values":[1,2],"timestamps":[10,20]}\n{"metric":{"__name__":"hazgate_gas_value","point":"B-2"},"values":[3],"timestamps":[30]}';
    const s = new LineSplitter();
    const lines = [...s.push(text.slice(0, 40)), ...s.push(text.slice(40, 120)), ...s.push(text.slice(120)), ...s.end()];
    expect(lines.map(parseExportLine).map((r) => [r?.metric['point'], r?.timestamps])).toEqual([
      ['B-1', [10, 20]],
      ['B-2', [30]],
    ]);
    expect(parseExportLine('  ')).toBeUndefined();
    expect(() => parseExportLine('{"status":"error"}')).toThrow(/not an export row/);
  });
});
