import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { EXIT } from '../../src/cli/commands.js';
import { dockerRuntime, parseUnit, readText, ROOT } from '../support/deploy-files.js';

/** deploy/systemd: the hardened units for the gateway and the centre, read as unit files. */

const UNITS = [
  { file: 'deploy/systemd/hazgate.service', command: 'start', config: '/etc/hazgate/site.yaml', state: 'hazgate' },
  { file: 'deploy/systemd/hazgate-centre.service', command: 'centre', config: '/etc/hazgate/centre.yaml', state: 'hazgate-centre' },
] as const;

const HARDENING: Readonly<Record<string, string>> = {
  NoNewPrivileges: 'yes',
  CapabilityBoundingSet: '',
  AmbientCapabilities: '',
  ProtectSystem: 'strict',
  ProtectHome: 'yes',
  PrivateTmp: 'yes',
  PrivateDevices: 'yes',
  ProtectKernelTunables: 'yes',
  ProtectKernelModules: 'yes',
  ProtectKernelLogs: 'yes',
  ProtectControlGroups: 'yes',
  ProtectClock: 'yes',
  RestrictNamespaces: 'yes',
  RestrictRealtime: 'yes',
  RestrictSUIDSGID: 'yes',
  LockPersonality: 'yes',
  SystemCallArchitectures: 'native',
};

// systemd-analyze comes with Debian's systemd package: tests/setup/peers.sh installs it where missing.

describe.each(UNITS)('$file', (unit) => {
  const service = parseUnit(readText(unit.file)).get('Service') ?? new Map<string, string[]>();
  const one = (key: string): string | undefined => service.get(key)?.at(-1);

  it('runs the CLI command as the unprivileged user hazgate, simple (no sd_notify)', () => {
    expect(one('Type')).toBe('simple');
    expect(one('User')).toBe('hazgate');
    const exec = (one('ExecStart') ?? '').split(/\s+/);
    expect(exec[0]).toBe('/usr/bin/node');
    expect(parseCli(exec.slice(2), {})).toMatchObject({ command: unit.command, config: unit.config });
  });

  it('runs the same code, config and data paths as the image', () => {
    const runtime = dockerRuntime();
    const exec = (one('ExecStart') ?? '').split(/\s+/);
    expect(exec[1]).toBe(runtime.entrypoint[1]);
    expect(one('WorkingDirectory')).toBe(runtime.workdir);
    // config in the ConfigurationDirectory, data in the StateDirectory, named to hazgate by HAZGATE_DATA_DIR
    expect(unit.config.startsWith(`/etc/${one('ConfigurationDirectory') ?? '?'}/`)).toBe(true);
    expect(one('StateDirectory')).toBe(unit.state);
    expect(service.get('Environment')).toContain(`HAZGATE_DATA_DIR=/var/lib/${unit.state}`);
    if (unit.command === 'start') expect(runtime.volumes).toEqual([`/var/lib/${unit.state}`]);
    expect(one('EnvironmentFile')).toMatch(/^-\/etc\/hazgate\/[\w-]+\.env$/);
  });

  it('reloads the gateway\'s site file on systemctl reload (SIGHUP), and only the gateway\'s', () => {
    const main = readText('src/main.ts');
    expect(main).toMatch(/process\.on\('SIGHUP'/);
    if (unit.command === 'start') expect(one('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    else expect(service.has('ExecReload')).toBe(false);
  });

  it('restarts after an internal error but not for a bad config or command line', () => {
    expect(one('Restart')).toBe('on-failure');
    expect((one('RestartPreventExitStatus') ?? '').split(/\s+/).map(Number).sort()).toEqual([EXIT.invalidConfig, EXIT.usage].sort());
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(Number.parseInt(one('TimeoutStopSec') ?? '', 10)).toBeGreaterThanOrEqual(10);
    expect(Number(one('LimitNOFILE'))).toBeGreaterThanOrEqual(65536);
  });

  it('is hardened, and leaves MemoryDenyWriteExecute off for the V8 JIT', () => {
    for (const [key, value] of Object.entries(HARDENING)) expect(one(key), key).toBe(value);
    expect(service.get('SystemCallFilter')).toContain('@system-service');
    expect((one('RestrictAddressFamilies') ?? '').split(/\s+/)).toEqual(expect.arrayContaining(['AF_INET', 'AF_INET6', 'AF_UNIX']));
    expect((one('RestrictAddressFamilies') ?? '').split(/\s+/).every((f) => ['AF_INET', 'AF_INET6', 'AF_UNIX', 'AF_NETLINK'].includes(f))).toBe(true);
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
    expect(readText(unit.file)).toMatch(/MemoryDenyWriteExecute= is deliberately NOT set: V8/);
  });

  it('passes systemd-analyze verify without a warning', () => {
    // verify exits 0 on an unknown key and only warns: the warnings are the finding.
    const out = spawnSync('systemd-analyze', ['verify', join(ROOT, unit.file)], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
  });
});

describe('deploy/systemd/examples/modbus-rtu.conf', () => {
  const service = parseUnit(readText('deploy/systemd/examples/modbus-rtu.conf')).get('Service') ?? new Map<string, string[]>();

  it('gives the gateway the serial ports and nothing else', () => {
    expect(service.get('PrivateDevices')).toEqual(['no']);
    expect(service.get('DevicePolicy')).toEqual(['closed']);
    expect(service.get('DeviceAllow')).toEqual(['char-ttyS rw', 'char-ttyUSB rw', 'char-ttyACM rw']);
    expect(service.get('SupplementaryGroups')).toEqual(['dialout']);
  });

  it('verifies as a drop-in of hazgate.service', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-systemd-'));
    try {
      cpSync(join(ROOT, 'deploy/systemd/hazgate.service'), join(dir, 'hazgate.service'));
      mkdirSync(join(dir, 'hazgate.service.d'));
      cpSync(join(ROOT, 'deploy/systemd/examples/modbus-rtu.conf'), join(dir, 'hazgate.service.d/modbus-rtu.conf'));
      const out = spawnSync('systemd-analyze', ['verify', join(dir, 'hazgate.service')], { env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:` }, encoding: 'utf8' });
      expect(out.stderr).toBe('');
      expect(out.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
