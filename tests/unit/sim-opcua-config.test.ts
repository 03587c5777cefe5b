import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { opcuaSimConfigSchema } from '../../devices/opcua/sim-config.js';

function problems(input: unknown): string[] {
  const result = opcuaSimConfigSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('opcuaSimConfigSchema', () => {
  it('fills the defaults: 127.0.0.1:4840, all four policies, both modes, anonymous, auto-accept, no load items', () => {
    expect(opcuaSimConfigSchema.parse({ pkiDir: '/var/lib/hazgate/pki/opcua-sim' })).toEqual({
      host: '127.0.0.1',
      port: 4840,
      securityPolicies: ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'],
      securityModes: ['Sign', 'SignAndEncrypt'],
      allowAnonymous: true,
      users: [],
      pkiDir: '/var/lib/hazgate/pki/opcua-sim',
      autoAcceptClientCertificates: true,
      loadItems: 0,
    });
  });

  it('keeps what is given', () => {
    const config = opcuaSimConfigSchema.parse({ pkiDir: 'p', port: 0, securityPolicies: ['Basic256Sha256'], securityModes: ['SignAndEncrypt'], allowAnonymous: false, users: [{ username: 'op', password: 'pw' }], autoAcceptClientCertificates: false, loadItems: 5000 });
    expect(config).toMatchObject({ port: 0, securityPolicies: ['Basic256Sha256'], securityModes: ['SignAndEncrypt'], allowAnonymous: false, loadItems: 5000 });
  });

  it.each([
    [{}, 'pkiDir'],
    [{ pkiDir: 'p', securityPolicies: ['Basic128Rsa15'] }, 'securityPolicies.0'],
    [{ pkiDir: 'p', securityPolicies: [] }, 'securityPolicies'],
    [{ pkiDir: 'p', securityModes: ['None'] }, 'securityModes.0'],
    [{ pkiDir: 'p', securityModes: ['Sign', 'Sign'] }, 'securityModes'],
    [{ pkiDir: 'p', port: 70000 }, 'port'],
    [{ pkiDir: 'p', loadItems: -1 }, 'loadItems'],
    [{ pkiDir: 'p', users: [{ username: 'op', password: '' }] }, 'users.0.password'],
    [{ pkiDir: 'p', users: [{ username: 'op', password: 'a' }, { username: 'op', password: 'b' }] }, 'users.1.username'],
    [{ pkiDir: 'p', allowAnonymous: false }, 'users'],
    [{ pkiDir: 'p', colour: 'red' }, ''],
  ])('rejects %j at %s', (input, path) => {
    const found = problems(input);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((p) => p.startsWith(`${path}: `)), found.join('; ')).toBe(true);
  });
});

describe('devices/README.md', () => {
  const readme = readFileSync(new URL('../../devices/README.md', import.meta.url), 'utf8');
  it.each(Object.keys(opcuaSimConfigSchema.parse({ pkiDir: 'p' })))('documents the simulator.opcua key `%s`', (key) => {
    expect(readme).toContain(`| \`${key}\` |`);
  });
});
