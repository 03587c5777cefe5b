import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { databaseChecks, dataDirCheck, listenPortsOf } from '../../src/app/doctor-local.js';
import { modbusAdapterSchema } from '../../adapters/modbus/index.js';
import { adapterChecks, influxCheck, isEmbeddedBroker } from '../../src/app/doctor-peers.js';
import { formatDoctorResult, runPhases, type DoctorCheck } from '../../src/app/doctor.js';
import type { SiteConfig } from '../../src/app/index.js';
import { parseCli } from '../../src/cli/args.js';

const dir = mkdtempSync(join(tmpdir(), 'hg-doctor-local-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configAt(storeDir: string, over: Partial<Record<string, unknown>> = {}): SiteConfig {
  return { store: { dir: storeDir }, server: { host: '127.0.0.1', port: 8080 }, adapters: [], auth: undefined, uplink: undefined, ...over } as unknown as SiteConfig;
}

describe('doctor: local checks', () => {
  it('passes a sound database read-only and fails one that is not a database, saying what to do', async () => {
    const store = join(dir, 'dbs');
    mkdirSync(join(store, 'auth'), { recursive: true });
    const db = new Database(join(store, 'journal.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    db.close();
    writeFileSync(join(store, 'auth', 'users.db'), 'this is not an SQLite file, only some text that is long enough to have a header'.repeat(20));
    const [journal, users] = await Promise.all(databaseChecks(configAt(store), 1000).map((c) => c.run()));
    expect(journal).toEqual({ ok: true, detail: 'quick_check ok' });
    expect(users?.ok).toBe(false);
    expect(users?.detail).toMatch(/cannot be read: file is not a database: check its permissions, or restore it from a backup/);
  });

  it('takes a missing data folder that can be made at start, and names the free space of one that exists', async () => {
    expect(await dataDirCheck(configAt(join(dir, 'not', 'yet'))).run()).toEqual({ ok: true, detail: `not there yet; it is made at the first start (${dir} is writable)` });
    expect((await dataDirCheck(configAt(dir)).run()).detail).toMatch(/^writable, [\d.]+ \w+ free$/);
  });

  it('lists the HTTP, embedded broker and video webhook ports, not those chosen at start (0)', () => {
    const config = configAt(dir, {
      broker: { enabled: true, host: '127.0.0.1', port: 1883 },
      adapters: [{ kind: 'video-webhook', id: 'cams', host: '0.0.0.0', port: 8090 }, { kind: 'video-webhook', id: 'any', host: '127.0.0.1', port: 0 }],
    });
    expect(listenPortsOf(config).map((p) => `${p.what} ${p.host}:${p.port}`)).toEqual(['HTTP server 127.0.0.1:8080', 'embedded MQTT broker 127.0.0.1:1883', 'video webhook cams 0.0.0.0:8090']);
  });

  it('prints one line a check, a peer\'s multi-line message joined', () => {
    expect(formatDoctorResult({ what: 'adapter ua: OPC UA server', ok: false, detail: 'cannot connect.\nPlease check\n  Err = x' })).toBe('FAIL adapter ua: OPC UA server: cannot connect. Please check Err = x');
    expect(formatDoctorResult({ what: 'InfluxDB', ok: true, detail: 'healthy' })).toBe('ok   InfluxDB: healthy');
  });

  it('gives each phase its own deadline, so a slow synchronous local check leaves the peers their time', async () => {
    const slowLocal: DoctorCheck = {
      what: 'slow quick_check',
      run: () => {
        const until = Date.now() + 300;
        while (Date.now() < until) { /* a long synchronous PRAGMA quick_check */ }
        return Promise.resolve({ ok: true, detail: 'quick_check ok' });
      },
    };
    const peer: DoctorCheck = { what: 'peer', run: () => new Promise((resolve) => setTimeout(() => resolve({ ok: true, detail: 'answers' }), 50)) };
    const silent: DoctorCheck = { what: 'silent peer', run: () => new Promise(() => undefined) };
    expect(await runPhases([[slowLocal], [peer, silent]], 200)).toEqual([
      { what: 'slow quick_check', ok: true, detail: 'quick_check ok' },
      { what: 'peer', ok: true, detail: 'answers' },
      { what: 'silent peer', ok: false, detail: 'no result within 200 ms' },
    ]);
  });

  it('knows the embedded broker by host and port, with each scheme\'s default port and any-address names', () => {
    const on = (host: string, port: number): Pick<SiteConfig, 'broker'> => ({ broker: { enabled: true, host, port } }) as unknown as Pick<SiteConfig, 'broker'>;
    expect(isEmbeddedBroker(on('0.0.0.0', 1883), 'mqtt://localhost')).toBe(true);
    expect(isEmbeddedBroker(on('::', 1883), 'mqtt://127.0.0.1:1883')).toBe(true);
    expect(isEmbeddedBroker(on('127.0.0.1', 1883), 'mqtt://[::1]')).toBe(true);
    expect(isEmbeddedBroker(on('127.0.0.1', 1883), 'mqtts://127.0.0.1')).toBe(false);
    expect(isEmbeddedBroker(on('127.0.0.1', 8883), 'mqtts://127.0.0.1')).toBe(true);
    expect(isEmbeddedBroker(on('127.0.0.1', 443), 'wss://127.0.0.1')).toBe(true);
    expect(isEmbeddedBroker(on('127.0.0.1', 80), 'ws://127.0.0.1')).toBe(true);
    expect(isEmbeddedBroker(on('127.0.0.1', 1883), 'mqtt://10.0.0.5:1883')).toBe(false);
  });

  it('forgives the embedded broker only for not running (refused, port free), not for refusing the credentials', async () => {
    // A "broker" on the embedded port that answers every CONNECT with CONNACK 5 (not authorised).
    const refuser = createServer((s) => s.once('data', () => s.end(Buffer.from([0x20, 0x02, 0x00, 0x05]))));
    await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve));
    const address = refuser.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const site = (): SiteConfig => configAt(dir, {
      broker: { enabled: true, host: '0.0.0.0', port },
      adapters: [{ kind: 'mqtt', id: 'plant', url: `mqtt://127.0.0.1:${port}`, clientId: 'plant', cleanSession: true, keepaliveS: 30, connectTimeoutMs: 1000 }],
    });
    try {
      const [refused] = await Promise.all(adapterChecks(site(), 2000).map((c) => c.run()));
      expect(refused?.ok).toBe(false);
      expect(refused?.detail).toMatch(/check username, password/);
    } finally {
      await new Promise<void>((resolve) => refuser.close(() => resolve()));
    }
    const [notRunning] = await Promise.all(adapterChecks(site(), 2000).map((c) => c.run()));
    expect(notRunning).toEqual({ ok: true, detail: `the embedded broker (broker section) mqtt://127.0.0.1:${port} starts with hazgate; not running now` });
  });

  it('settles each Modbus device as soon as it is read; on a slow line only those not reached are "not probed within the time"', async () => {
    // A Modbus TCP device that answers unit 1 (holding registers) and ignores every other unit.
    const server = createServer((socket) => {
      let buf = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 12) {
          const req = buf.subarray(0, 12);
          buf = buf.subarray(12);
          if (req[6] !== 1) continue;
          socket.write(Buffer.from([req[0] ?? 0, req[1] ?? 0, 0, 0, 0, 5, 1, 3, 2, 0, 42]));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const device = (id: string, unitId: number): Record<string, unknown> => ({ id, unitId, registers: [{ name: 'x', fn: 'holding', address: 0, point: `P.${id}` }] });
    const line = modbusAdapterSchema.parse({
      kind: 'modbus', id: 'line', timeoutMs: 300, transport: { type: 'tcp', host: '127.0.0.1', port },
      devices: [device('D1', 1), device('S1', 7), device('S2', 8), device('D2', 1)],
    });
    try {
      const started = Date.now();
      const checks = adapterChecks(configAt(dir, { adapters: [line] }), 300, 450);
      const [d1, s1, s2, d2] = checks.map((c) => c.run());
      expect(await d1).toMatchObject({ ok: true, detail: expect.stringMatching(/unit 1 holding 0 answered/) });
      expect(Date.now() - started).toBeLessThan(250);
      expect(await s1).toMatchObject({ ok: false, detail: expect.stringMatching(/unit 7 holding 0: no answer within 300 ms/) });
      for (const unread of [s2, d2]) expect(await unread).toEqual({ ok: false, detail: 'not probed within 450 ms: the devices before it on the line took the time' });
    } finally {
      server.close();
    }
  });

  it('never prints the InfluxDB URL\'s password', async () => {
    const config = configAt(dir, { influx: { url: 'http://writer:s3cret@127.0.0.1:1', org: 'o', bucket: 'b', token: 't' } });
    const [check] = influxCheck(config, 500);
    expect(check?.what).toBe('InfluxDB http://writer:***@127.0.0.1:1/');
    expect((await check?.run())?.detail).not.toContain('s3cret');
  });

  it('is a command that needs --config', () => {
    expect(parseCli(['doctor', '--config', 'site.yaml'], {})).toMatchObject({ command: 'doctor', config: 'site.yaml' });
    expect(() => parseCli(['doctor'], {})).toThrow(/doctor needs --config FILE/);
  });
});
