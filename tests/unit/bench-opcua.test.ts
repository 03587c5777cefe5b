import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../devices/index.js';
import { loadSite } from '../../src/app/index.js';
import { firstGoodAfter, type LatestSample } from '../bench/lib/opcua-recovery.js';
import { loadPointId, reconnectOverride, watchedItems, writeOpcuaBenchSite, type OpcuaBenchSiteOptions } from '../bench/lib/opcua-site.js';

describe('the opcua bench site', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'hg-bench-opcua-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const options = (extra: Partial<OpcuaBenchSiteOptions> = {}): OpcuaBenchSiteOptions => ({
    items: 5_000,
    itemsPerSubscription: 2_000,
    publishingIntervalMs: 1_000,
    tickMs: 1_000,
    opcuaPort: 14_840,
    httpPort: 18_081,
    dataDir: join(dir, 'data'),
    simPkiDir: join(dir, 'sim-pki'),
    gatewayPkiDir: join(dir, 'gateway-pki'),
    ...extra,
  });

  it('loads: one adapter monitoring every load item as a point, the simulator serving them on the same port', async () => {
    const out = loadSite(writeOpcuaBenchSite(dir, options()));
    expect(out.ok ? null : out.problems).toBeNull();
    if (!out.ok) return;
    const adapter = out.config.adapters.find((a) => a.kind === 'opcua');
    if (adapter?.kind !== 'opcua') throw new Error('no opcua adapter');
    expect(adapter).toMatchObject({ endpointUrl: 'opc.tcp://127.0.0.1:14840', securityPolicy: 'None', securityMode: 'None', maxItemsPerSubscription: 2_000, reconnect: { initial: 1_000, max: 2_000, refused: 15_000 } });
    const items = adapter.subscriptions.flatMap((s) => s.items);
    expect(items).toHaveLength(5_000);
    expect(items[4_999]).toMatchObject({ point: 'Load.4999', nodeId: 'ns=1;s=Load.4999' });
    expect(adapter.subscriptions[0]?.publishingInterval).toBe(1_000);
    expect(out.config.points).toHaveLength(5_000);
    expect(out.config.simulator?.opcua).toMatchObject({ port: 14_840, loadItems: 5_000, securityPolicies: ['None'], pkiDir: join(dir, 'sim-pki') });
    const scenario = await loadScenario(out.config.simulator?.scenario ?? '');
    expect(scenario.tickMs).toBe(1_000);
  });

  it('takes the reconnect back-off from BENCH_OPCUA_RECONNECT', () => {
    const reconnect = reconnectOverride('500ms, 2s');
    expect(reconnect).toEqual({ initial: '500ms', max: '2s' });
    const out = loadSite(writeOpcuaBenchSite(dir, options({ items: 10, ...(reconnect === undefined ? {} : { reconnect }) })));
    const adapter = out.ok ? out.config.adapters[0] : undefined;
    expect(adapter?.kind === 'opcua' ? adapter.reconnect : null).toEqual({ initial: 500, max: 2_000, refused: 15_000 });
    expect(reconnectOverride(undefined)).toBeUndefined();
    expect(reconnectOverride(' ')).toBeUndefined();
    expect(() => reconnectOverride('2s')).toThrow(/initial,max/);
    expect(() => reconnectOverride('fast,2s')).toThrow(/initial,max/);
  });
});

describe('watchedItems', () => {
  it('names the first and last item of every subscription', () => {
    expect(watchedItems(5_000, 2_000)).toEqual([0, 1_999, 2_000, 3_999, 4_000, 4_999]);
    expect(watchedItems(4_000, 2_000)).toEqual([0, 1_999, 2_000, 3_999]);
    expect(watchedItems(2_001, 2_000)).toEqual([0, 1_999, 2_000]);
    expect(watchedItems(1, 2_000)).toEqual([0]);
    expect(loadPointId(17)).toBe('Load.17');
  });
});

describe('firstGoodAfter', () => {
  const good = (rts: number): LatestSample => ({ rts, quality: { level: 'good' } });
  const bad = (rts: number): LatestSample => ({ rts, quality: { level: 'bad' } });

  it('is the earliest good receive time after T0', () => {
    expect(firstGoodAfter([good(1_300), good(1_200), good(1_250)], 1_000)).toBe(1_200);
  });

  it('ignores samples from before T0, bad ones (comm-lost) and points without a sample', () => {
    expect(firstGoodAfter([good(900), bad(1_100), null, good(1_400)], 1_000)).toBe(1_400);
    expect(firstGoodAfter([good(1_000)], 1_000)).toBeUndefined();
    expect(firstGoodAfter([bad(2_000), null], 1_000)).toBeUndefined();
    expect(firstGoodAfter([], 1_000)).toBeUndefined();
  });
});
