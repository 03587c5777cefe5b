import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opcuaSimConfigSchema, startOpcuaSimulator, type RunningOpcuaSimulator } from '../../devices/index.js';
import { parseScenario } from '../../devices/simulator/parse.js';
import { silentLogger } from '../../src/core/index.js';
import { freePort, GatewayProcess } from '../support/gateway-process.js';
import { startPymodbus, type ChildPeer } from '../support/modbus-peers.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { startVictoria, type Victoria } from '../support/victoria.js';

/**
 * `hazgate doctor` on the built CLI against real peers: Mosquitto with a password file, pymodbus,
 * hazgate's OPC UA server (None, and Basic256Sha256 with Sign), VictoriaMetrics as InfluxDB. A site where all of them
 * answer passes; wrong credentials, a dead port, a silent unit, a policy the server does not offer
 * and a port taken by another program each fail on their own line, with exit 4.
 */

const scenario = parseScenario('scenario: doctor\ntickMs: 1000\ndurationS: 600\npoints:\n  GT-301: { base: 1, profile: gas-detector-lel, unit: "%LEL", range: [0, 100] }\n', 'doctor.yaml');

let dir = '';
let broker: MosquittoInstance | undefined;
let modbus: ChildPeer | undefined;
let modbusPort = 0;
let opcua: RunningOpcuaSimulator | undefined;
let opcuaPort = 0;
let victoria: Victoria | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hg-doctor-'));
  broker = await startMosquitto({ users: { plant: 'right-password' } });
  modbusPort = await freePort();
  modbus = await startPymodbus('tcp', modbusPort);
  opcuaPort = await freePort();
  opcua = await startOpcuaSimulator({ scenario, config: opcuaSimConfigSchema.parse({ port: opcuaPort, pkiDir: join(dir, 'server-pki'), securityPolicies: ['None', 'Basic256Sha256'], securityModes: ['Sign'] }), logger: silentLogger });
  victoria = await startVictoria(dir);
}, 60_000);

afterAll(async () => {
  await opcua?.stop();
  await modbus?.stop();
  await broker?.dispose();
  await victoria?.stop();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

interface SiteOptions {
  readonly httpPort: number;
  readonly password: string;
  readonly modbusPort: number;
  /** A unit id pymodbus does not answer for (it serves unit 1 only). */
  readonly silentUnit?: number;
  readonly opcuaSecurity?: string;
  /** The site's `uplink` section, YAML flow style. */
  readonly uplink?: string;
}

function site(name: string, o: SiteOptions): string {
  const file = join(dir, `${name}.yaml`);
  const silent = o.silentUnit === undefined ? '' : `\n      - { id: SILENT, unitId: ${o.silentUnit}, registers: [{ name: x, fn: holding, address: 0, point: MB.S }] }`;
  writeFileSync(file, `site: { id: doctor-${name} }
store: { dir: data-${name} }
server: { port: ${o.httpPort} }
points:
  - { id: MQ.1, kind: gas, unit: "%LEL", range: [0, 100] }
  - { id: MB.X, kind: gas, unit: "%LEL", range: [0, 100] }
  - { id: MB.S, kind: gas, unit: "%LEL", range: [0, 100] }
  - { id: GT-301, kind: gas, unit: "%LEL", range: [0, 100] }
adapters:
  - kind: mqtt
    id: plant
    url: ${broker?.url ?? ''}
    clientId: doctor-plant
    username: plant
    password: ${o.password}
    subscriptions: [{ topic: "plant/{point}", qos: 1 }]
  - kind: modbus
    id: line
    transport: { type: tcp, host: 127.0.0.1, port: ${o.modbusPort} }
    timeoutMs: 500ms
    devices:
      - { id: D1, unitId: 1, registers: [{ name: x, fn: holding, address: 0, point: MB.X }] }${silent}
  - kind: opcua
    id: ua
    endpointUrl: opc.tcp://127.0.0.1:${opcuaPort}
    ${o.opcuaSecurity ?? 'securityPolicy: None\n    securityMode: None'}
    pkiDir: pki
    subscriptions: [{ items: [{ point: GT-301, nodeId: "ns=1;s=GT-301" }] }]
influx: { url: ${victoria?.url ?? ''}, org: plant, bucket: hazgate, token: doctor-token }
${o.uplink === undefined ? '' : `uplink: ${o.uplink}\n`}`);
  return file;
}

async function doctor(file: string, env: Record<string, string> = {}): Promise<{ code: number; lines: string[] }> {
  const p = GatewayProcess.spawn(['doctor', '--config', file], env);
  const code = await p.waitExit(30_000).catch(async (e: unknown) => {
    await p.kill9();
    throw new Error(`${String(e)}; its output:\n${p.output}`);
  });
  return { code, lines: p.output.split('\n').filter((l) => l !== '') };
}

describe('hazgate doctor', () => {
  it('passes a site whose brokers, devices, servers and database all answer: every line ok, exit 0', async () => {
    const uplink = `{ transport: mqtt, mqtt: { url: "${broker?.url ?? ''}", username: plant, password: right-password } }`;
    // Its own HOME: the OPC UA probe must make no PKI there (node-opcua's default is ~/.config/node-opcua-default-nodejs).
    const home = join(dir, 'home');
    mkdirSync(home);
    const { code, lines } = await doctor(site('good', { httpPort: await freePort(), password: 'right-password', modbusPort, uplink }), { HOME: home, XDG_CONFIG_HOME: join(home, '.config') });
    expect(readdirSync(home, { recursive: true })).toEqual([]);
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(code).toBe(0);
    const ok = (what: string): void => expect(lines.some((l) => l.startsWith('ok') && l.includes(what)), `${what} in\n${lines.join('\n')}`).toBe(true);
    ok('config ');
    ok('data folder');
    ok('HTTP server port');
    ok('adapter plant: MQTT broker: mqtt://127.0.0.1');
    ok('accepted a connection as plant');
    ok('adapter line: Modbus device D1: 127.0.0.1');
    ok('unit 1 holding 0 answered');
    ok('adapter ua: OPC UA server: opc.tcp://127.0.0.1');
    ok('offers None/None');
    ok(`InfluxDB ${victoria?.url ?? ''}: healthy`);
    ok('uplink: centre broker: mqtt://127.0.0.1');
    expect(lines.at(-1)).toMatch(/^all \d+ checks ok$/);
  }, 60_000);

  it('next to a running gateway: its ports are the gateway\'s (its /healthz answers), its databases pass a read-only quick_check', async () => {
    const httpPort = await freePort();
    const file = site('running', { httpPort, password: 'right-password', modbusPort });
    const gw = GatewayProcess.spawn(['start', '--config', file], {});
    try {
      await gw.waitReady(`http://127.0.0.1:${httpPort}`);
      const { code, lines } = await doctor(file);
      expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
      expect(code).toBe(0);
      expect(lines.find((l) => l.includes('HTTP server port'))).toMatch(new RegExp(`^ok +HTTP server port 127\\.0\\.0\\.1:${httpPort}: in use by the running hazgate \\(http://127\\.0\\.0\\.1:${httpPort}/healthz answers alive\\)`));
      expect(lines.find((l) => l.includes('database journal'))).toMatch(/^ok .*journal\.db\): quick_check ok$/);
      expect(lines.find((l) => l.includes('database users'))).toMatch(/^ok .*users\.db\): quick_check ok$/);
      // The gateway was not disturbed: still ready, its MQTT session (same client id) not taken over.
      const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
      expect(ready.status).toBe(200);
      const components = ((await ready.json()) as { components: Record<string, { state: string }> }).components;
      expect(components['adapter:plant']?.state).toBe('up');
      // /readyz names every component: the journal, the data folder's space and the server among them.
      expect(Object.keys(components).sort()).toEqual(['adapter:line', 'adapter:plant', 'adapter:ua', 'alarms', 'disk', 'influx', 'journal', 'server', 'store']);
      expect(components['journal']?.state).toBe('up');
      const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      expect(metrics).toContain('hazgate_adapter_reconnects_total{adapter="plant",kind="mqtt"} 0');
      expect(metrics).toMatch(/hazgate_database_bytes\{database="journal"\} [1-9]/);
    } finally {
      await gw.stop();
    }
  }, 60_000);

  it('names each failing check with its reason and exits 4: wrong password, dead port, silent unit, policy not offered, port taken', async () => {
    // Another program on the HTTP port: it accepts and never answers (read, so it can be closed).
    const sockets: Socket[] = [];
    const taken: Server = createServer((socket) => sockets.push(socket.resume()));
    const httpPort = await freePort();
    await new Promise<void>((resolve) => taken.listen(httpPort, '127.0.0.1', resolve));
    try {
      const file = site('bad', { httpPort, password: 'wrong-password', modbusPort, silentUnit: 7, opcuaSecurity: 'securityPolicy: Basic256Sha256\n    securityMode: SignAndEncrypt' });
      const { code, lines } = await doctor(file);
      const fail = (what: string, reason: RegExp): void => {
        const line = lines.find((l) => l.startsWith('FAIL') && l.includes(what));
        expect(line, `FAIL ${what} in\n${lines.join('\n')}`).toMatch(reason);
      };
      expect(code).toBe(4);
      // Mosquitto answers CONNACK 5 to a wrong password of a known user.
      fail('adapter plant: MQTT broker', /refused: Connection refused: Not authorized: check username, password/);
      fail('adapter line: Modbus device SILENT', /unit 7 holding 0: no answer within \d+ ms \(timed out\): check the unit id/);
      fail('adapter ua: OPC UA server', /does not offer Basic256Sha256\/SignAndEncrypt \(it offers [^)]*Basic256Sha256\/Sign[,)]/);
      fail('HTTP server port', /in use by another program/);
      expect(lines.find((l) => l.includes('Modbus device D1'))).toMatch(/^ok/); // its neighbour on the line answers
      expect(lines.at(-1)).toMatch(/^4 of \d+ checks failed$/);

      const deadPort = await freePort();
      const uplink = `{ transport: https, https: { url: "http://127.0.0.1:${deadPort}/api/feed", key: doctor-feed-key-0123456789 } }`;
      const dead = await doctor(site('dead', { httpPort: await freePort(), password: 'right-password', modbusPort: deadPort, uplink }));
      expect(dead.code).toBe(4);
      expect(dead.lines.find((l) => l.includes('uplink: centre'))).toMatch(new RegExp(`^FAIL uplink: centre http://127\\.0\\.0\\.1:${deadPort}: connect ECONNREFUSED`));
      expect(dead.lines.find((l) => l.includes('Modbus device D1'))).toMatch(/^FAIL .*cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED.*is the device or gateway on/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  }, 90_000);

  it('refuses an invalid site as validate does: exit 1, no checks run', async () => {
    const file = join(dir, 'invalid.yaml');
    writeFileSync(file, 'site: { id: x }\npoints: [{ id: P, kind: nonsense-kind-value, unit: 3 }]\nadapters: [{ kind: mqtt }]\n');
    const { code, lines } = await doctor(file);
    expect(code).toBe(1);
    expect(lines.join('\n')).toMatch(/problem\(s\)/);
    expect(lines.some((l) => l.startsWith('ok') || l.startsWith('FAIL'))).toBe(false);
  }, 30_000);
});
