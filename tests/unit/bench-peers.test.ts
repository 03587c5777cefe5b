import { describe, expect, it } from 'vitest';
import { nodeRedFlow } from '../bench/lib/nodered-flow.js';
import { ratioOf } from '../bench/lib/ratio.js';
import type { BenchContext, Figures } from '../bench/lib/section.js';

const flow = nodeRedFlow({
  brokerHost: '127.0.0.1',
  brokerPort: 1883,
  clientId: 'nodered-bench-1',
  topic: 'bench/ingest/+',
  qos: 0,
  wsPath: '/ws/alarms',
  countPath: '/bench/count',
  valueField: 'value',
  limit: 50,
});

describe('the Node-RED bench flow', () => {
  it('wires mqtt in → json → count → switch → websocket out', () => {
    const byId = new Map(flow.map((n) => [n.id, n]));
    const path: string[] = [];
    let node = flow.find((n) => n.type === 'mqtt in');
    while (node !== undefined) {
      path.push(node.type);
      const wires = node['wires'] as string[][] | undefined;
      node = byId.get(wires?.[0]?.[0] ?? '');
    }
    expect(path).toEqual(['mqtt in', 'json', 'function', 'switch', 'websocket out']);
  });

  // Node-RED links config nodes by matching any string property against node ids: ids such as
  // 'json' (equal to that node's type) made it refuse the flow ("Circular config node dependency").
  it('has no node id equal to another node property value', () => {
    const ids = new Set(flow.map((n) => n.id));
    const references = new Set(['broker', 'server', 'z', 'wires']);
    for (const n of flow) {
      for (const [key, value] of Object.entries(n)) {
        if (key !== 'id' && !references.has(key) && typeof value === 'string') expect(ids.has(value), `${n.id}.${key} = ${value}`).toBe(false);
      }
    }
  });

  it('subscribes the same filter and QoS as hazgate and compares the payload field with the limit', () => {
    expect(flow.find((n) => n.type === 'mqtt in')).toMatchObject({ topic: 'bench/ingest/+', qos: '0' });
    expect(flow.find((n) => n.type === 'switch')).toMatchObject({ property: 'payload.value', rules: [{ t: 'gt', v: '50', vt: 'num' }] });
  });
});

describe('ratioOf', () => {
  const ctxWith = (results: Figures): { ctx: BenchContext; errors: string[] } => {
    const errors: string[] = [];
    const ctx: BenchContext = { root: '/', tmp: '/tmp', log: () => undefined, error: (k, m) => errors.push(`${k}: ${m}`), results };
    return { ctx, errors };
  };

  it.each([
    ['both measured', { single_max_rps: 60_000 }, { nodered_max_rps: 30_000 }, 2, 0],
    ['numerator section not run', {}, { nodered_max_rps: 30_000 }, null, 1],
    ['denominator null', { single_max_rps: 60_000 }, { nodered_max_rps: null }, null, 1],
    ['denominator 0', { single_max_rps: 60_000 }, { nodered_max_rps: 0 }, null, 1],
  ] as const)('%s', (_name, earlier, own, expected, errorCount) => {
    const { ctx, errors } = ctxWith(earlier);
    expect(ratioOf(ctx, 'ratio_rps_vs_nodered', 'single_max_rps', 'nodered_max_rps', own)).toBe(expected);
    expect(errors).toHaveLength(errorCount);
  });
});
