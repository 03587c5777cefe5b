import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listPki } from '../../adapters/opcua/index.js';
import { opcuaSimConfigSchema, startOpcuaSimulator } from '../../devices/index.js';
import { parseScenario } from '../../devices/simulator/parse.js';
import { silentLogger } from '../../src/core/index.js';
import { freePort, GatewayProcess } from '../support/gateway-process.js';

/** `hazgate pki list|trust` as an operator runs it, on a rejected server certificate. */

let dir = '';
afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; output: string }> {
  const p = GatewayProcess.spawn(args, {});
  const code = await p.waitExit(20_000);
  return { code, output: p.output };
}

describe('hazgate pki', () => {
  it('lists a rejected server certificate and trusts it by thumbprint', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hg-pki-cli-'));
    // A real server certificate: the one the OPC UA simulator creates on first start.
    const scenario = parseScenario('scenario: pki\ntickMs: 1000\ndurationS: 10\npoints:\n  P: { base: 1 }\n', 'pki.yaml');
    const sim = await startOpcuaSimulator({ scenario, config: opcuaSimConfigSchema.parse({ port: await freePort(), pkiDir: join(dir, 'server-pki') }), logger: silentLogger });
    const serverCert = sim.certificateFile;
    await sim.stop();
    const pkiDir = join(dir, 'client-pki');
    // What the adapter's first refused connection leaves behind.
    await listPki(pkiDir);
    mkdirSync(join(pkiDir, 'rejected'), { recursive: true });
    copyFileSync(serverCert, join(pkiDir, 'rejected', 'server.der'));
    writeFileSync(
      join(dir, 'site.yaml'),
      `site: { id: pki-test }
points: [{ id: P, kind: gas }]
adapters:
  - { kind: opcua, id: ua, endpointUrl: 'opc.tcp://127.0.0.1:4840', pkiDir: client-pki, subscriptions: [{ items: [{ point: P, nodeId: 'ns=1;s=P' }] }] }
store: { dir: data }
`,
    );
    const site = join(dir, 'site.yaml');
    const listed = await cli(['pki', 'list', '--config', site]);
    expect(listed.code).toBe(0);
    const thumbprint = /rejected\s+([0-9A-F]{40})/.exec(listed.output)?.[1];
    expect(thumbprint, listed.output).toBeDefined();
    expect((await cli(['pki', 'trust', '--config', site, '--adapter', 'ua', '--thumbprint', 'FFFF'])).code).toBe(1);
    const trusted = await cli(['pki', 'trust', '--config', site, '--adapter', 'ua', '--thumbprint', (thumbprint ?? '').slice(0, 8)]);
    expect(trusted.code, trusted.output).toBe(0);
    expect(trusted.output).toContain(`ua: trusted ${thumbprint ?? ''}`);
    const after = await listPki(pkiDir);
    expect(after.rejected).toEqual([]);
    expect(after.trusted.map((c) => c.thumbprint)).toEqual([thumbprint]);
    expect(existsSync(join(pkiDir, 'rejected', 'server.der'))).toBe(false);
    expect(readdirSync(join(pkiDir, 'trusted', 'certs')).length).toBe(1);
  }, 60_000);
});
