import { describe, expect, it } from 'vitest';
import { deepEqual, isEmptyPlan, planReload, planSummary, type PlannedSite } from '../../src/app/reload-plan.js';

const point = (id: string, extra: Record<string, unknown> = {}) => ({ id, kind: 'gas', attrs: {}, unit: '%LEL', ...extra });
type Site = PlannedSite & Record<string, unknown>;
const site = (over: Partial<Record<string, unknown>> = {}): Site => ({
  site: { id: 's' },
  server: { host: '127.0.0.1', port: 8080 },
  store: { dir: '/data' },
  adapters: [{ id: 'mqtt-in', kind: 'mqtt', url: 'mqtt://a' }, { id: 'line-1', kind: 'modbus', host: 'h', port: 502 }],
  points: [point('GT-1'), point('GT-2')],
  rules: [{ id: 'gas', kind: 'threshold', levels: [{ limit: 25 }] }, { id: 'gas-2', kind: 'threshold', levels: [{ limit: 30 }] }],
  ...over,
}) as unknown as Site;

describe('planReload', () => {
  it('finds nothing to do in an identical configuration, whatever the order of keys', () => {
    const a = site();
    const b = { ...site(), rules: [{ levels: [{ limit: 25 }], kind: 'threshold', id: 'gas' }, { id: 'gas-2', kind: 'threshold', levels: [{ limit: 30 }] }] } as unknown as Site;
    const plan = planReload(a, b);
    expect(isEmptyPlan(plan)).toBe(true);
    expect(plan.restartNeeded).toEqual([]);
    expect(plan.rules.unchanged).toBe(2);
    expect(planSummary(plan)).toBe('adapters +0 -0 ~0, points +0 -0 ~0, rules +0 -0 ~0');
  });

  it('lists adapters, points and rules added, removed and changed by id', () => {
    const b = site({
      adapters: [{ id: 'mqtt-in', kind: 'mqtt', url: 'mqtt://a' }, { id: 'line-1', kind: 'modbus', host: 'h', port: 503 }, { id: 'ua', kind: 'opcua' }],
      points: [point('GT-1'), point('GT-2', { unit: 'ppm' }), point('GT-3')],
      rules: [{ id: 'gas', kind: 'threshold', levels: [{ limit: 20 }] }, { id: 'gas-3', kind: 'threshold', levels: [{ limit: 10 }] }],
    });
    const plan = planReload(site(), b);
    expect(plan.adapters).toEqual({ added: ['ua'], removed: [], changed: ['line-1'], unchanged: 1 });
    expect(plan.points).toEqual({ added: ['GT-3'], removed: [], changed: ['GT-2'], unchanged: 1 });
    expect(plan.rules).toEqual({ added: ['gas-3'], removed: ['gas-2'], changed: ['gas'], unchanged: 0 });
    expect(plan.restartNeeded).toEqual([]);
    expect(isEmptyPlan(plan)).toBe(false);
    expect(planSummary(plan)).toBe('adapters +1 -0 ~1, points +1 -0 ~1, rules +1 -1 ~1');
  });

  it('names every other section that changed: only a restart applies them', () => {
    const b = site({ server: { host: '0.0.0.0', port: 8080 }, store: { dir: '/other' }, uplink: { transport: 'https' } });
    expect(planReload(site(), b).restartNeeded).toEqual(['section "server" changed', 'section "store" changed', 'section "uplink" changed']);
  });

  it('ignores the simulator section, which a running gateway never reads', () => {
    expect(planReload(site({ simulator: { seed: 1 } }), site({ simulator: { seed: 2 } })).restartNeeded).toEqual([]);
  });

  it('needs a restart for an interlock point added, removed or changed, not for an untouched one', () => {
    const interlock = point('XV-1', { kind: 'valve', attrs: { interlock: 'SIS-1' } });
    const register = point('BR-1', { kind: 'bypass-register', attrs: {} });
    expect(planReload(site(), site({ points: [point('GT-1'), point('GT-2'), interlock] })).restartNeeded).toEqual([expect.stringContaining('interlock point "XV-1"')]);
    expect(planReload(site({ points: [point('GT-1'), register] }), site({ points: [point('GT-1')] })).restartNeeded).toEqual([expect.stringContaining('"BR-1"')]);
    const both = site({ points: [point('GT-1'), interlock] });
    expect(planReload(both, { ...both, points: [point('GT-1', { unit: 'ppm' }), interlock] }).restartNeeded).toEqual([]);
  });

  it('notes what follows added points only after a restart (the uplink snapshot; the people of a zone follow at once)', () => {
    const withFeed = site({ uplink: { transport: 'https' }, people: { zones: [] } });
    const plan = planReload(withFeed, { ...withFeed, points: [...withFeed.points, point('GT-9')] });
    expect(plan.restartNeeded).toEqual([]);
    expect(plan.notes).toEqual([expect.stringContaining('uplink snapshot')]);
    expect(planReload(withFeed, { ...withFeed, rules: [] }).notes).toEqual([]);
  });

  it('starts an adapter that did not start at the last reload again, as changed, while it is configured', () => {
    const plan = planReload(site(), site(), new Set(['line-1', 'gone']));
    expect(plan.adapters).toEqual({ added: [], removed: [], changed: ['line-1'], unchanged: 1 });
    expect(isEmptyPlan(plan)).toBe(false);
  });
});

describe('deepEqual', () => {
  it('compares JSON values: key order and absent-versus-undefined keys do not count, array order does', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: [] }, { a: {} })).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
  });
});
