import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createOpcuaAdapter, trustCertificates, type OpcuaAdapter, type OpcuaAdapterConfigInput } from '../../adapters/opcua/index.js';
import { opcuaSimConfigSchema, startOpcuaSimulator, type RunningOpcuaSimulator } from '../../devices/index.js';
import { parseScenario } from '../../devices/simulator/parse.js';
import { silentLogger, systemClock } from '../../src/core/index.js';
import { runAdapter, type AdapterRun } from '../support/adapter-run.js';
import { freePort } from '../support/gateway-process.js';
import { waitFor } from '../support/wait.js';

/**
 * hazgate's OPC UA adapter against a real node-opcua server: hazgate's SIS/ESD simulator
 * (devices/opcua). Subscriptions by NodeId and browse path, status codes to quality, explicit
 * trust of the server certificate, SignAndEncrypt with a user, recovery across a server restart,
 * and 5,000 monitored items split across subscriptions.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const scenario = parseScenario(
  `scenario: ua-it
tickMs: 100
durationS: 600
points:
  GT-301: { base: 12.5, profile: gas-detector-lel, unit: '%LEL', range: [0, 100] }
  GT-302: { base: 3.0, profile: gas-detector-lel, unit: '%LEL', range: [0, 100] }
  XV-301.ZSC: { base: false, profile: esd-valve-io }
events:
  - { at: 0s, point: GT-302, fault: { for: 590s, value: 0, unit: '%LEL' } }
`,
  'ua-it.yaml',
);

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hg-opcua-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Sim {
  running: RunningOpcuaSimulator;
  readonly port: number;
  readonly pkiDir: string;
  restart(): Promise<void>;
}

async function simulator(dir: string, over: Record<string, unknown> = {}): Promise<Sim> {
  const port = await freePort();
  const config = opcuaSimConfigSchema.parse({ port, pkiDir: join(dir, 'server-pki'), ...over });
  const sim: Sim = {
    running: await startOpcuaSimulator({ scenario, config, logger: silentLogger }),
    port,
    pkiDir: config.pkiDir,
    async restart() {
      await sim.running.stop();
      sim.running = await startOpcuaSimulator({ scenario, config, logger: silentLogger });
    },
  };
  cleanups.push(() => sim.running.stop());
  return sim;
}

type Run = AdapterRun<OpcuaAdapter>;

function run(config: Omit<OpcuaAdapterConfigInput, 'kind' | 'id'>, dataDir: string): Promise<Run> {
  const adapter = createOpcuaAdapter({ kind: 'opcua', id: 'ua', reconnect: { initial: '200ms', max: '1s', refused: '1s' }, ...config } as never, { clock: systemClock, logger: silentLogger, dataDir });
  return runAdapter(adapter, (stop) => cleanups.push(stop));
}

const ITEMS = [
  { point: 'GT-301', nodeId: 'ns=1;s=GT-301', samplingInterval: '100ms' },
  { point: 'GT-302', browsePath: '/Objects/1:Plant/1:GasDetectors/1:GT-302' },
  { point: 'XV-301.ZSC', nodeId: 'ns=1;s=XV-301.ZSC' },
  { point: 'NOPE', nodeId: 'ns=1;s=NO-SUCH-TAG' },
];

describe('OPC UA adapter against the simulator', () => {
  it('subscribes by NodeId and browse path; status codes become quality; an unknown NodeId is reported alone', async () => {
    const dir = await tempDir();
    const sim = await simulator(dir);
    const r = await run({ endpointUrl: sim.running.endpointUrl, subscriptions: [{ publishingInterval: '100ms', items: ITEMS }] }, dir);
    await waitFor(() => r.latest('GT-301') !== undefined && r.latest('GT-302')?.quality?.level === 'bad' && r.latest('XV-301.ZSC') !== undefined, 10_000, 'values of every point');
    expect(r.latest('GT-301')).toMatchObject({ value: 12.5, tsSource: 'device' });
    expect(r.latest('GT-301')?.quality).toBeUndefined();
    expect(r.latest('XV-301.ZSC')?.value).toBe(false);
    expect(r.latest('GT-302')?.quality).toEqual({ level: 'bad', reason: 'BadSensorFailure' });
    const refused = r.errors.find((e) => e.code === 'HG_ERR_OPCUA_ITEM');
    expect(refused?.message).toContain('ns=1;s=NO-SUCH-TAG');
    expect(r.latest('NOPE')?.quality).toEqual({ level: 'bad', reason: 'BadNodeIdUnknown' });
    expect(r.adapter.stats).toMatchObject({ itemsMonitored: 3, itemErrors: 1 });
    expect(r.statuses.at(-1)).toMatchObject({ state: 'degraded' });
  });

  it('refuses an untrusted server certificate until it is trusted, then connects with SignAndEncrypt and a user', async () => {
    const dir = await tempDir();
    const sim = await simulator(dir, { allowAnonymous: false, users: [{ username: 'operator', password: 's3cret' }] });
    const pkiDir = join(dir, 'client-pki');
    const r = await run(
      {
        endpointUrl: sim.running.endpointUrl,
        securityPolicy: 'Basic256Sha256',
        securityMode: 'SignAndEncrypt',
        user: { type: 'username', username: 'operator', password: 's3cret' },
        pkiDir,
        subscriptions: [{ publishingInterval: '100ms', items: [ITEMS[0] as never] }],
      },
      dir,
    );
    await waitFor(() => r.errors.some((e) => e.code === 'HG_ERR_OPCUA_UNTRUSTED_SERVER'), 10_000, 'the untrusted-server error');
    expect(r.readings.filter((x) => x.quality === undefined)).toEqual([]);
    // What an operator does: hazgate pki trust (the rejected certificate moves to trusted/).
    const trusted = await trustCertificates(pkiDir, {});
    expect(trusted).toHaveLength(1);
    await waitFor(() => r.latest('GT-301')?.value === 12.5 && r.latest('GT-301')?.quality === undefined, 15_000, 'a good value over SignAndEncrypt').catch((e) => { console.log(r.errors.map((x) => x.code + ' ' + x.message.slice(0, 300)), r.statuses); throw e; });
  });

  it('refuses a wrong password with a coded error', async () => {
    const dir = await tempDir();
    const sim = await simulator(dir, { allowAnonymous: false, users: [{ username: 'operator', password: 's3cret' }] });
    const pkiDir = join(dir, 'client-pki');
    await trustCertificates(pkiDir, { file: sim.running.certificateFile });
    const r = await run(
      {
        endpointUrl: sim.running.endpointUrl,
        securityPolicy: 'Aes256_Sha256_RsaPss',
        securityMode: 'Sign',
        user: { type: 'username', username: 'operator', password: 'wrong' },
        pkiDir,
        subscriptions: [{ items: [ITEMS[0] as never] }],
      },
      dir,
    );
    await waitFor(() => r.errors.some((e) => e.code === 'HG_ERR_OPCUA_CONNECT' && /Bad(UserAccessDenied|IdentityTokenRejected|IdentityTokenInvalid)/.test(e.message)), 10_000, 'the refused session');
    expect(r.readings.filter((x) => x.quality === undefined)).toEqual([]);
  });

  it('recovers every monitored item after the server restarts; points are bad (comm-lost) meanwhile', async () => {
    const dir = await tempDir();
    const sim = await simulator(dir);
    const r = await run({ endpointUrl: sim.running.endpointUrl, subscriptions: [{ publishingInterval: '100ms', items: ITEMS.slice(0, 3) }] }, dir);
    await waitFor(() => r.latest('GT-301')?.value === 12.5, 10_000, 'first values');
    await sim.running.stop();
    await waitFor(() => r.latest('GT-301')?.quality?.reason === 'comm-lost', 10_000, 'comm-lost while the server is away');
    expect(r.latest('XV-301.ZSC')?.quality?.reason).toBe('comm-lost');
    const before = r.readings.length;
    await sim.restart();
    const back = Date.now();
    await waitFor(() => r.readings.slice(before).some((x) => x.pointId === 'GT-301' && x.quality === undefined), 15_000, 'good values after the restart');
    const firstGood = r.readings.slice(before).find((x) => x.pointId === 'GT-301' && x.quality === undefined);
    // The goal of issue 5 is 5 s from the server accepting connections to the first new sample.
    expect((firstGood?.t ?? Infinity) - back).toBeLessThan(5_000);
    await waitFor(() => r.readings.slice(before).some((x) => x.pointId === 'XV-301.ZSC' && x.quality === undefined), 5_000, 'every item back');
    expect(r.adapter.stats?.connectionLosses).toBe(1);
  }, 40_000);

  it('monitors 5,000 items in several subscriptions within the server limits', async () => {
    const dir = await tempDir();
    const sim = await simulator(dir, { loadItems: 5_000 });
    // The simulator's load items are Load.0 … Load.4999.
    const items = Array.from({ length: 5_000 }, (_, i) => ({ point: `L${i}`, nodeId: `ns=1;s=Load.${i}` }));
    const r = await run({ endpointUrl: sim.running.endpointUrl, maxItemsPerSubscription: 2_000, subscriptions: [{ publishingInterval: '200ms', items }] }, dir);
    await waitFor(() => r.adapter.stats?.itemsMonitored === 5_000, 30_000, '5,000 monitored items');
    const seen = new Set<string>();
    await waitFor(() => {
      for (const x of r.readings) seen.add(x.pointId);
      return seen.size === 5_000;
    }, 30_000, 'a value of every item');
    expect(r.adapter.stats?.subscriptions).toBe(3);
    expect(r.adapter.stats?.itemErrors).toBe(0);
  }, 60_000);
});
