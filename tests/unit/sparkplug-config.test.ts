import { describe, expect, it } from 'vitest';
import { parseSparkplugAdapterConfig, PointMap, sparkplugAdapterSchema } from '../../adapters/sparkplug/index.js';
import { loadSite } from '../../src/app/index.js';

const base = { kind: 'sparkplug', id: 'spb', url: 'mqtt://127.0.0.1:1883', clientId: 'hg', hostId: 'hazgate', groups: ['Plant1'] };

function problems(config: Record<string, unknown>): string[] {
  const r = sparkplugAdapterSchema.safeParse({ ...base, ...config });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('sparkplug adapter config', () => {
  it('takes the defaults: clean session, 2 s reorder timeout, 5 s between rebirth requests', () => {
    expect(parseSparkplugAdapterConfig({ ...base, point: '{metric}' })).toMatchObject({ cleanSession: true, reorderTimeout: 2000, rebirthInterval: 5000, points: [] });
  });

  it('refuses a config that maps nothing, bad ids and templates, unknown groups and a metric mapped twice', () => {
    expect(problems({})).toEqual(['points: give points, a point template, or both']);
    expect(problems({ point: '{metric}', groups: ['STATE'] }).join()).toContain('STATE is the host state topic');
    expect(problems({ point: '{metric}', hostId: 'a/b' }).join()).toContain('one topic level');
    expect(problems({ point: '{node}.{tag}' })).toEqual(['point: unknown placeholder {tag}: use {group}, {node}, {device} or {metric}', 'point: the template must use {metric}']);
    const twice = { id: 'A', node: 'N', metric: 'm' };
    expect(problems({ points: [twice, { ...twice, id: 'B' }, { id: 'C', group: 'Other', node: 'N', metric: 'x' }] })).toEqual(['points.1: metric "m" of N is mapped twice', 'points.2.group: group "Other" is not in groups']);
    expect(() => parseSparkplugAdapterConfig(base)).toThrow(expect.objectContaining({ code: 'HG_ERR_CONFIG_INVALID' }) as Error);
  });

  it('maps explicit points first, then the template; control metrics and node metrics of a {device} template map to nothing', () => {
    const map = new PointMap([{ id: 'GT-101', node: 'Edge1', device: 'GasCtl', metric: 'Gas/1' }], '{node}.{metric}');
    expect(map.pointOf({ group: 'G', node: 'Edge1', device: 'GasCtl' }, 'Gas/1')).toBe('GT-101');
    expect(map.pointOf({ group: 'G', node: 'Edge1', device: undefined }, 'Gas/1')).toBe('Edge1.Gas/1');
    expect(map.pointOf({ group: 'G', node: 'Edge1', device: undefined }, 'bdSeq')).toBeUndefined();
    expect(map.pointOf({ group: 'G', node: 'Edge1', device: undefined }, 'Node Control/Rebirth')).toBeUndefined();
    const deviceOnly = new PointMap([], '{device}-{metric}');
    expect(deviceOnly.pointOf({ group: 'G', node: 'N', device: undefined }, 'x')).toBeUndefined();
    expect(deviceOnly.pointOf({ group: 'G', node: 'N', device: 'D' }, 'x')).toBe('D-x');
  });

  it('validates the demo site, its adapter and its simulated edge node', () => {
    const out = loadSite('deploy/sites/demo-sparkplug.yaml');
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.config.adapters[0]).toMatchObject({ kind: 'sparkplug', hostId: 'hazgate-demo', groups: ['Plant1'] });
    expect(out.config.simulator?.sparkplug).toMatchObject({ group: 'Plant1', node: 'Edge1', devices: [{ id: 'GasCtl' }] });
  });
});
