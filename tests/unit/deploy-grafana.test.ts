import { describe, expect, it } from 'vitest';
import type { AlarmTransition, Point, Sample } from '../../src/core/index.js';
import { measurementOf, sampleLine, transitionLine } from '../../src/store/influx/index.js';
import { at, readText, readYaml } from '../support/deploy-files.js';

/**
 * deploy/grafana: the dashboard must query what hazgate writes. The measurement, tag and field
 * names come from hazgate's own line protocol (src/store/influx/line-protocol.ts), so renaming
 * one there fails here until the dashboard follows.
 */

interface Line {
  readonly measurement: string;
  readonly tags: readonly string[];
  readonly fields: readonly string[];
}

/** Names in one line of InfluxDB line protocol (values are not needed, escapes are not used here). */
function namesOf(line: string): Line {
  const [series = '', fieldSet = ''] = line.split(' ');
  const [measurement = '', ...tags] = series.split(',');
  const fields = [...fieldSet.matchAll(/(?:^|,)([a-z_]+)=/g)].map((m) => m[1] ?? '');
  return { measurement, tags: tags.map((t) => t.split('=')[0] ?? ''), fields };
}

const point = { id: 'GT-101', kind: 'gas', area: 'tank-farm-1' } as unknown as Point;
const sample: Sample = { pointId: 'GT-101', value: 12.5, quality: { level: 'bad', reason: 'signal-fault-low' }, ts: 1_700_000_000_000, rts: 1_700_000_000_001, tsSource: 'device' };
const transition = {
  eventId: 'e1', conditionId: 'combustible-gas/GT-101', ruleId: 'combustible-gas', siteId: 's', pointId: 'GT-101', state: 'active-unacked', reason: 'activate',
  level: 'AL1', priority: 2, active: true, acked: false, value: 30, message: 'm', time: 1_700_000_000_000,
} as unknown as AlarmTransition;

const samples = namesOf(sampleLine('s', point, sample) ?? '');
const alarms = namesOf(transitionLine(transition));
const FLUX_COLUMNS = ['_time', '_value', '_field', '_measurement', '_start', '_stop'];

const dashboard = JSON.parse(readText('deploy/grafana/dashboards/hazgate.json')) as unknown;
const panels = at(dashboard, 'panels') as unknown[];
const queries = panels.flatMap((p) => ((at(p, 'targets') as unknown[] | undefined) ?? []).map((t) => ({ panel: String(at(p, 'title')), query: String(at(t, 'query')) })));

/** Column and measurement names a Flux query uses. */
function fluxNames(query: string): { measurements: string[]; measurementPatterns: string[]; fields: string[]; columns: string[] } {
  const strings = (re: RegExp): string[] => [...query.matchAll(re)].map((m) => m[1] ?? '');
  const lists = strings(/columns:\s*\[([^\]]*)\]/g).flatMap((l) => [...l.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? ''));
  return {
    measurements: strings(/r\._measurement\s*[!=]=\s*"([^"]+)"/g),
    measurementPatterns: strings(/r\._measurement\s*=~\s*\/([^/]+)\//g),
    fields: strings(/r\._field\s*==\s*"([^"]+)"/g),
    columns: [...strings(/\br\.([A-Za-z_]+)/g), ...lists, ...strings(/tag:\s*"([^"]+)"/g)],
  };
}

describe('what hazgate writes to InfluxDB', () => {
  it('is one measurement per point kind with tags site, area, point, quality and fields value, reason; and hazgate_alarm', () => {
    expect(samples).toEqual({ measurement: measurementOf('gas'), tags: ['site', 'area', 'point', 'quality'], fields: ['value', 'reason'] });
    expect(alarms.measurement).toBe('hazgate_alarm');
    expect(alarms.tags).toEqual(['site', 'point', 'rule', 'condition']);
    expect(alarms.fields).toEqual(expect.arrayContaining(['state', 'reason', 'level', 'priority', 'active', 'acked', 'message']));
  });
});

describe('deploy/grafana/dashboards/hazgate.json', () => {
  const known = new Set([...samples.tags, ...samples.fields, ...alarms.tags, ...alarms.fields, ...FLUX_COLUMNS]);
  const prefix = measurementOf('x').slice(0, -1);

  it('has panels for gas values, alarm transitions by priority, data quality and the latest values', () => {
    const titles = panels.map((p) => String(at(p, 'title')));
    expect(titles).toEqual(expect.arrayContaining(['Gas detectors', 'Alarm transitions by priority', 'Samples not good', 'Samples by quality', 'Latest values', 'Alarm transitions']));
    expect(queries.length).toBe(panels.length);
  });

  it.each(queries)('$panel: queries measurements, fields and columns hazgate writes', ({ query }) => {
    const names = fluxNames(query);
    expect(names.measurements.length + names.measurementPatterns.length).toBeGreaterThan(0);
    for (const m of names.measurements) expect([samples.measurement, alarms.measurement], m).toContain(m);
    for (const p of names.measurementPatterns) expect(p).toBe(`^${prefix}`);
    const fields = names.measurements.includes(alarms.measurement) ? alarms.fields : samples.fields;
    for (const f of names.fields) expect(fields, f).toContain(f);
    // columns the query itself makes (map, pivot) are hazgate's field names too
    for (const c of names.columns) expect(known.has(c), `column ${c}`).toBe(true);
    expect(query).toContain('from(bucket: v.defaultBucket)');
    expect(query).toContain('r.site =~ /^${site:regex}$/');
  });

  it('reads from the provisioned datasource and offers the site tag as a variable', () => {
    const uid = at(readYaml('deploy/grafana/provisioning/datasources/influxdb.yaml'), 'datasources', 0, 'uid');
    for (const p of panels) expect(at(p, 'datasource', 'uid')).toBe(uid);
    const site = at(dashboard, 'templating', 'list', 0);
    expect(at(site, 'name')).toBe('site');
    expect(fluxNames(String(at(site, 'query'))).columns).toEqual(['site']);
    expect(at(readYaml('deploy/grafana/provisioning/datasources/influxdb.yaml'), 'datasources', 0, 'jsonData', 'version')).toBe('Flux');
  });

  it('would catch a query of a name hazgate does not write', () => {
    expect(fluxNames('from(bucket: v.defaultBucket) |> filter(fn: (r) => r._measurement == "hazgate_gas" and r._field == "val")').fields).toEqual(['val']);
    expect(samples.fields).not.toContain('val');
    expect(known.has('sensor')).toBe(false);
  });
});
