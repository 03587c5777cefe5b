import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCentre } from '../../src/app/index.js';
import { parseCli } from '../../src/cli/args.js';

/** centre.yaml: defaults, paths relative to the file, every problem reported with its path and line. */

let dir: string;

function load(name: string, text: string) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return loadCentre(file);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hg-centre-config-'));
  process.env['HG_TEST_CENTRE_KEY'] = 'a-key-from-the-environment-0123';
});

afterAll(() => {
  delete process.env['HG_TEST_CENTRE_KEY'];
  rmSync(dir, { recursive: true, force: true });
});

describe('centre config', () => {
  it('fills defaults, takes keys from the environment and resolves paths against the file', () => {
    const out = load('ok.yaml', `
sites:
  - { id: plant-3, name: Tank farm 3, key: "\${HG_TEST_CENTRE_KEY}" }
store: { dir: data/centre }
server: { port: 0, tls: { cert: tls/centre.crt, key: tls/centre.key } }
mqtt: { url: "mqtt://127.0.0.1:1883", clientId: centre-1 }
`);
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    expect(out.config).toMatchObject({
      centre: { id: 'centre' },
      store: { dir: join(dir, 'data/centre'), synchronous: 'full' },
      server: { host: '127.0.0.1', port: 0, maxBatchBytes: 16 * 1024 * 1024, tls: { cert: join(dir, 'tls/centre.crt'), key: join(dir, 'tls/centre.key') } },
      mqtt: { partitions: 16, serve: 'all', protocolVersion: 5, requireSignature: false },
      sites: [{ id: 'plant-3', key: 'a-key-from-the-environment-0123' }],
      acceptUnknownSites: false,
    });
  });

  it('reports every problem at once', () => {
    const out = load('bad.yaml', `
sites:
  - { id: plant-3, key: short }
  - { id: plant-3, key: another-long-enough-key-0123 }
mqtt: { url: "http://x", clientId: c, password: p, partitions: 4, serve: [1, 4, 1], protocolVersion: 4, requireSignature: true }
bogus: 1
`);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    const messages = out.problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    for (const part of ['sites[0].key', 'mqtt.url', 'mqtt.password', 'mqtt.serve[1]', 'mqtt.serve[2]', 'mqtt.requireSignature', 'bogus']) expect(messages).toContain(part);
    expect(out.problems.every((p) => p.line !== undefined)).toBe(true);
  });

  it('refuses two sites with one id (checked after the schema)', () => {
    const out = load('dup.yaml', 'sites:\n  - { id: a, key: long-enough-key-0123456 }\n  - { id: a, key: long-enough-key-6543210 }\n');
    expect(out.ok ? [] : out.problems.map((p) => p.message)).toEqual(['duplicate site id "a" (first at sites[0])']);
  });

  it('is the `centre` command, which needs --config', () => {
    expect(parseCli(['centre', '--config', 'c.yaml'], {})).toMatchObject({ command: 'centre', config: 'c.yaml' });
    expect(() => parseCli(['centre'], {})).toThrow(/centre needs --config FILE/);
  });
});
