import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSite } from '../../src/app/site-config.js';

/**
 * The site's TLS keys (issue #11 item 3): `server.tls` and an MQTT adapter's `tls`, checked when
 * the site is loaded, their files made absolute against the site file's folder.
 */
const dir = mkdtempSync(join(tmpdir(), 'hazgate-config-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(yaml: string) {
  const file = join(dir, 'site.yaml');
  writeFileSync(file, `site: { id: tls }\n${yaml}`);
  return loadSite(file);
}

const messages = (out: ReturnType<typeof load>): string[] => (out.ok ? [] : out.problems.map((p) => `${p.path}: ${p.message}`));

describe('server.tls', () => {
  it('is absent by default: plain HTTP', () => {
    const out = load('');
    expect(out.ok && out.config.server.tls).toBe(undefined);
  });

  it('resolves cert, key and ca against the site file, clientAuth none by default', () => {
    const out = load('server: { tls: { cert: tls/gw.crt, key: /etc/hazgate/gw.key } }\n');
    expect(out.ok && out.config.server.tls).toEqual({ cert: join(dir, 'tls/gw.crt'), key: '/etc/hazgate/gw.key', clientAuth: 'none' });
    const mutual = load('server: { tls: { cert: gw.crt, key: gw.key, ca: ca.crt, clientAuth: require } }\n');
    expect(mutual.ok && mutual.config.server.tls).toEqual({ cert: join(dir, 'gw.crt'), key: join(dir, 'gw.key'), ca: join(dir, 'ca.crt'), clientAuth: 'require' });
  });

  it('refuses clientAuth require without a ca, a ca that would verify nobody, and a missing key', () => {
    expect(messages(load('server: { tls: { cert: gw.crt, key: gw.key, clientAuth: require } }\n'))).toEqual(['server.tls.ca: clientAuth: require needs the ca that signs client certificates']);
    expect(messages(load('server: { tls: { cert: gw.crt, key: gw.key, ca: ca.crt } }\n'))).toEqual(['server.tls.ca: ca verifies client certificates only: set clientAuth: require, or leave ca out']);
    expect(messages(load('server: { tls: { cert: gw.crt } }\n'))).toEqual([expect.stringMatching(/^server\.tls\.key: /)]);
  });
});

describe("an MQTT adapter's tls", () => {
  it('resolves its files against the site file, leaving absolute paths alone', () => {
    const out = load(`adapters:
  - { kind: mqtt, id: m, url: "mqtts://b:8883", clientId: m, tls: { ca: tls/ca.crt, cert: /pki/c.crt, key: tls/c.key }, subscriptions: [{ topic: "p/{point}" }] }
  - { kind: location-mqtt, id: l, url: "mqtts://b:8883", clientId: l, tls: { ca: ca.crt }, subscriptions: [{ topic: tags, format: pozyx }] }
`);
    if (!out.ok) throw new Error(messages(out).join('\n'));
    expect(out.config.adapters.map((a) => ('tls' in a ? a.tls : undefined))).toEqual([
      { ca: join(dir, 'tls/ca.crt'), cert: '/pki/c.crt', key: join(dir, 'tls/c.key'), rejectUnauthorized: true },
      { ca: join(dir, 'ca.crt'), rejectUnauthorized: true },
    ]);
  });

  it('refuses tls on a plain mqtt:// URL', () => {
    expect(messages(load('adapters: [{ kind: mqtt, id: m, url: "mqtt://b", clientId: m, tls: { ca: ca.crt }, subscriptions: [{ topic: "p/{point}" }] }]\n'))).toEqual(['adapters[0].tls: tls needs an mqtts:// or wss:// url']);
  });
});
