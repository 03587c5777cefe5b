import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeIds, BrowseDirection, makeBrowsePath, MessageSecurityMode, StatusCodes, UserTokenType, type ClientSession, type DataValue } from 'node-opcua';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { opcuaSimConfigSchema, startOpcuaSimulator, type OpcuaSimConfig, type RunningOpcuaSimulator } from '../../devices/index.js';
import { parseScenario } from '../../devices/simulator/parse.js';
import { createTestClient, openTestSession, type TestSession } from '../support/opcua-test-client.js';
import { waitFor } from '../support/wait.js';

/*
 * The OPC UA simulator against a plain node-opcua client: address space, values and status codes
 * following the scenario, the security matrix, user identities, client certificate trust, and a
 * restart on the same port and PKI.
 */

const SCENARIO = parseScenario(
  `
scenario: opcua-it
tickMs: 100
loop: true
durationS: 6
points:
  GT-1: { base: 0, range: [0, 100], unit: '%LEL', profile: gas-detector-lel }
  GT-2: { base: 3, range: [0, 100], unit: '%LEL', profile: gas-detector-lel }
  LT-1: { base: 40, range: [0, 100], unit: '%', signal: 4-20mA, profile: tank-level }
  PT-1: { base: 2.5, unit: kPa }
  XV-1.ZSO: { base: true, profile: esd-valve-io }
  IL-1.BYP: { base: false }
events:
  - { at: 0s, point: GT-1, ramp: { to: 60, over: 6s } }
  - { at: 100ms, point: GT-2, fault: { for: 5.8s, value: 0 } }
  - { at: 1s, point: LT-1, fault: { for: 4.9s, value: 3.5, unit: mA } }
`,
  'opcua-it.yaml',
);

const SOURCE_CLOCK_OFFSET_MS = -3_600_000;
const USER = { username: 'operator', password: 'correct horse' };

const temps: string[] = [];
const sessions: TestSession[] = [];
const servers: RunningOpcuaSimulator[] = [];

function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `hazgate-opcua-${label}-`));
  temps.push(dir);
  return dir;
}

function config(overrides: Partial<OpcuaSimConfig> & { pkiDir: string }): OpcuaSimConfig {
  return opcuaSimConfigSchema.parse({ port: 0, users: [USER], ...overrides });
}

/** Warnings the simulators logged (message texts). */
const warnings: string[] = [];
const logger: Logger = { ...silentLogger, warn: (_obj, msg) => void warnings.push(msg ?? ''), child: () => logger };

async function startSim(cfg: OpcuaSimConfig): Promise<RunningOpcuaSimulator> {
  const sim = await startOpcuaSimulator({ scenario: SCENARIO, config: cfg, logger, clock: { now: () => Date.now() + SOURCE_CLOCK_OFFSET_MS } });
  servers.push(sim);
  return sim;
}

async function session(url: string, options: Parameters<typeof openTestSession>[1]): Promise<ClientSession> {
  const opened = await openTestSession(url, options);
  sessions.push(opened);
  return opened.session;
}

function read(s: ClientSession, pointId: string): Promise<DataValue> {
  return s.read({ nodeId: `ns=1;s=${pointId}`, attributeId: AttributeIds.Value });
}

function thumbprint(file: string): string {
  return createHash('sha1').update(readFileSync(file)).digest('hex');
}

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('OPC UA simulator: address space and values', () => {
  let sim: RunningOpcuaSimulator;
  let pkiDir: string;
  beforeAll(async () => {
    pkiDir = tempDir('server');
    sim = await startSim(config({ pkiDir }));
  });

  it('listens on the bound port of 127.0.0.1 and writes its certificate as DER', () => {
    expect(sim.endpointUrl).toMatch(/^opc\.tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.endpointUrl).not.toMatch(/:0$/);
    // DER starts with a SEQUENCE tag; PEM would start with "-----".
    expect(readFileSync(sim.certificateFile)[0]).toBe(0x30);
  });

  it('reads a point by NodeId and finds it by browse path, in namespace urn:hazgate:simulator', async () => {
    const s = await session(sim.endpointUrl, { pkiDir: tempDir('client') });
    expect(await s.readNamespaceArray()).toContain('urn:hazgate:simulator');
    const byId = await read(s, 'GT-1');
    expect(byId.statusCode).toBe(StatusCodes.Good);
    expect(typeof byId.value.value).toBe('number');

    const paths = await s.translateBrowsePath([
      makeBrowsePath('RootFolder', '/Objects/1:Plant/1:GasDetectors/1:GT-1'),
      // A '.' in a browse name is escaped with '&' in the relative path text (OPC UA Part 4 A.2).
      makeBrowsePath('RootFolder', '/Objects/1:Plant/1:ESD/1:XV-1&.ZSO'),
      makeBrowsePath('RootFolder', '/Objects/1:Plant/1:Interlocks/1:IL-1&.BYP'),
      makeBrowsePath('RootFolder', '/Objects/1:Plant/1:Process/1:PT-1'),
    ]);
    expect(paths.map((p) => p.targets?.[0]?.targetId.toString())).toEqual(['ns=1;s=GT-1', 'ns=1;s=XV-1.ZSO', 'ns=1;s=IL-1.BYP', 'ns=1;s=PT-1']);
  });

  it('organises points under Objects/Plant by group, with types and engineering units', async () => {
    const s = await session(sim.endpointUrl, { pkiDir: tempDir('client') });
    const plant = await s.browse({ nodeId: 'ns=1;s=Plant', browseDirection: BrowseDirection.Forward, resultMask: 63 });
    expect(plant.references?.filter((r) => r.browseName.namespaceIndex === 1).map((r) => r.browseName.toString()).sort()).toEqual(['1:ESD', '1:GasDetectors', '1:Interlocks', '1:Process']);
    const zso = await read(s, 'XV-1.ZSO');
    expect(zso.value.value).toBe(true);
    const units = await s.translateBrowsePath(makeBrowsePath('ns=1;s=GT-1', '.EngineeringUnits'));
    const unitNode = units.targets?.[0]?.targetId;
    expect(unitNode).toBeDefined();
    const eu = await s.read({ nodeId: unitNode ?? '', attributeId: AttributeIds.Value });
    expect((eu.value.value as { displayName: { text: string }; unitId: number }).displayName.text).toBe('%LEL');
    expect((eu.value.value as { unitId: number }).unitId).toBe(-1);
  });

  it('follows the scenario tick by tick, with the simulator clock as source timestamp', async () => {
    const s = await session(sim.endpointUrl, { pkiDir: tempDir('client') });
    const first = await read(s, 'GT-1');
    await waitFor(async () => (await read(s, 'GT-1')).value.value !== first.value.value, 3000, 'GT-1 to change');
    const later = await read(s, 'GT-1');
    expect(later.sourceTimestamp).toBeInstanceOf(Date);
    expect(later.serverTimestamp).toBeInstanceOf(Date);
    // The clock handed to the simulator runs an hour behind: source time is its time, server time is node-opcua's.
    expect((later.serverTimestamp?.getTime() ?? 0) - (later.sourceTimestamp?.getTime() ?? 0)).toBeGreaterThan(30 * 60_000);
  });

  it('reports a fault window as BadSensorFailure, and a 4-20 mA wire break keeps the last engineering value', async () => {
    const s = await session(sim.endpointUrl, { pkiDir: tempDir('client') });
    await waitFor(async () => (await read(s, 'GT-2')).statusCode === StatusCodes.BadSensorFailure, 5000, 'GT-2 fault');
    expect((await read(s, 'GT-2')).value.value).toBe(0);
    await waitFor(async () => (await read(s, 'LT-1')).statusCode === StatusCodes.BadSensorFailure, 8000, 'LT-1 wire break');
    // The engineering value (40 %), never the 3.5 mA of the fault.
    expect((await read(s, 'LT-1')).value.value).toBe(40);
  });

  it('publishes DCS-like operation limits and keeps node-opcua\'s subscription limits', async () => {
    const s = await session(sim.endpointUrl, { pkiDir: tempDir('client') });
    const limit = async (path: string): Promise<unknown> => {
      const found = await s.translateBrowsePath(makeBrowsePath('RootFolder', `/Objects/Server/ServerCapabilities/${path}`));
      return (await s.read({ nodeId: found.targets?.[0]?.targetId ?? 'ns=0;i=0', attributeId: AttributeIds.Value })).value.value;
    };
    expect(await limit('OperationLimits/MaxMonitoredItemsPerCall')).toBe(1000);
    expect(await limit('OperationLimits/MaxNodesPerRead')).toBe(1000);
    expect(await limit('MaxSubscriptionsPerSession')).toBe(10);
    expect(await limit('MaxMonitoredItemsPerSubscription')).toBe(100_000);
  });

  it('refuses writes: the SIS is read-only for a monitoring gateway', async () => {
    const s = await session(sim.endpointUrl, { pkiDir: tempDir('client') });
    const status = await s.write({ nodeId: 'ns=1;s=PT-1', attributeId: AttributeIds.Value, value: { value: { dataType: 'Double', value: 9 } } });
    expect(status).not.toBe(StatusCodes.Good);
  });

  it('counts open sessions and ticks', async () => {
    await session(sim.endpointUrl, { pkiDir: tempDir('client') });
    expect(sim.stats.sessions).toBeGreaterThanOrEqual(1);
    await waitFor(() => sim.stats.ticks >= 2, 3000, 'two ticks');
  });

  it.each([
    ['Basic256Sha256', 'Sign'],
    ['Basic256Sha256', 'SignAndEncrypt'],
    ['Aes128_Sha256_RsaOaep', 'SignAndEncrypt'],
    ['Aes256_Sha256_RsaPss', 'Sign'],
    ['Aes256_Sha256_RsaPss', 'SignAndEncrypt'],
  ] as const)('serves %s %s on Node 20 (no --security-revert)', async (policy, mode) => {
    const s = await session(sim.endpointUrl, { pkiDir: tempDir('client'), policy, mode, identity: { kind: 'user', ...USER } });
    expect((await read(s, 'PT-1')).value.value).toBe(2.5);
  });

  it('keeps its certificate across a restart on the same port and PKI folder, and serves again', async () => {
    const before = thumbprint(sim.certificateFile);
    const url = sim.endpointUrl;
    await sim.stop();
    const port = Number(new URL(url.replace('opc.tcp', 'http')).port);
    sim = await startSim(config({ pkiDir, port }));
    expect(sim.endpointUrl).toBe(url);
    expect(thumbprint(sim.certificateFile)).toBe(before);
    const s = await session(sim.endpointUrl, { pkiDir: tempDir('client'), policy: 'Basic256Sha256', mode: 'SignAndEncrypt' });
    expect((await read(s, 'PT-1')).statusCode).toBe(StatusCodes.Good);
  });
});

describe('OPC UA simulator: identities and client certificates', () => {
  let sim: RunningOpcuaSimulator;
  let trustedClientPki: string;
  beforeAll(async () => {
    // The client's certificate is made by a first connection, then put in the server's trusted folder.
    const probe = await startSim(config({ pkiDir: tempDir('probe') }));
    trustedClientPki = tempDir('client-trusted');
    const first = await openTestSession(probe.endpointUrl, { pkiDir: trustedClientPki });
    const clientCertificate = first.client.getCertificate();
    await first.close();
    await probe.stop();

    const pkiDir = tempDir('server-locked');
    for (const store of [pkiDir, join(pkiDir, 'user')]) {
      mkdirSync(join(store, 'trusted', 'certs'), { recursive: true });
      writeFileSync(join(store, 'trusted', 'certs', 'hazgate-test.der'), clientCertificate);
    }
    sim = await startSim(config({ pkiDir, allowAnonymous: false, autoAcceptClientCertificates: false, securityPolicies: ['Basic256Sha256'], securityModes: ['SignAndEncrypt'] }));
  });

  const secure = { policy: 'Basic256Sha256', mode: 'SignAndEncrypt' } as const;

  it('accepts username/password over Basic256Sha256 SignAndEncrypt, with the server certificate trusted explicitly', async () => {
    const s = await session(sim.endpointUrl, { pkiDir: trustedClientPki, ...secure, identity: { kind: 'user', ...USER }, trustServerCertificate: readFileSync(sim.certificateFile) });
    expect((await read(s, 'PT-1')).value.value).toBe(2.5);
  });

  it('accepts an X.509 user identity whose certificate is trusted in pkiDir/user', async () => {
    const s = await session(sim.endpointUrl, { pkiDir: trustedClientPki, ...secure, identity: { kind: 'x509' } });
    expect((await read(s, 'PT-1')).value.value).toBe(2.5);
  });

  it('refuses a wrong password', async () => {
    await expect(session(sim.endpointUrl, { pkiDir: trustedClientPki, ...secure, identity: { kind: 'user', username: USER.username, password: 'wrong' } })).rejects.toThrow(/BadUserAccessDenied/);
  });

  it('refuses an anonymous session when allowAnonymous is false', async () => {
    // The endpoint offers no anonymous token policy (checked below), so node-opcua's client gives up before asking.
    await expect(session(sim.endpointUrl, { pkiDir: trustedClientPki, ...secure })).rejects.toThrow(/anonymous/i);
  });

  it('refuses an untrusted client certificate, files it under rejected/, and accepts it once moved to trusted/certs', async () => {
    const stranger = { pkiDir: tempDir('client-stranger'), ...secure, identity: { kind: 'user', ...USER } } as const;
    await expect(session(sim.endpointUrl, stranger)).rejects.toThrow(/BadSecurityChecksFailed/);
    const pkiDir = join(sim.certificateFile, '..', '..', '..');
    const rejected = existsSync(join(pkiDir, 'rejected')) ? readdirSync(join(pkiDir, 'rejected')).filter((f) => f.endsWith('.der') || f.endsWith('.pem')) : [];
    expect(rejected).toHaveLength(1);
    await waitFor(() => warnings.some((w) => w.startsWith('OPC UA certificate rejected')), 5000, 'the rejection to be logged');

    // The documented way to trust it: move the file; the running server picks it up.
    renameSync(join(pkiDir, 'rejected', rejected[0] ?? ''), join(pkiDir, 'trusted', 'certs', rejected[0] ?? ''));
    await waitFor(async () => {
      const s = await session(sim.endpointUrl, stranger);
      return (await read(s, 'PT-1')).statusCode === StatusCodes.Good;
    }, 10_000, 'the moved certificate to be trusted', 200);
  });

  it('offers only the configured endpoints, with username and X.509 identities only', async () => {
    const client = createTestClient({ pkiDir: tempDir('client-discovery') });
    try {
      await client.connect(sim.endpointUrl);
      const endpoints = await client.getEndpoints();
      const offered = endpoints.map((e) => `${(e.securityPolicyUri ?? '').split('#')[1] ?? ''}/${MessageSecurityMode[e.securityMode]}`);
      // node-opcua's discovery-only None endpoint is restricted: GetEndpoints does not list it.
      expect(offered).toEqual(['Basic256Sha256/SignAndEncrypt']);
      const secureEndpoint = endpoints.find((e) => e.securityMode === MessageSecurityMode.SignAndEncrypt);
      expect(secureEndpoint?.userIdentityTokens?.map((t) => UserTokenType[t.tokenType])).toEqual(['UserName', 'Certificate']);
    } finally {
      await client.disconnect();
    }
  });
});
