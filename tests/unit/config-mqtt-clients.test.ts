import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../src/app/index.js';
import { brokerAddress } from '../../src/app/mqtt-checks.js';
import { formatProblem } from '../../src/config/index.js';

/**
 * Two MQTT adapters with one clientId on one broker take the session from each other on every
 * connect, and with a persistent session one acknowledges (and so loses) the other's messages.
 */

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function problems(adapters: string): string {
  dir = mkdtempSync(join(tmpdir(), 'hg-config-mqtt-'));
  writeFileSync(join(dir, 'site.yaml'), `site: { id: s }\npoints:\n  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100] }\nadapters:\n${adapters}`);
  const out = loadSite(join(dir, 'site.yaml'));
  return out.ok ? '' : out.problems.map(formatProblem).join('\n');
}

const plant = (url: string, clientId: string) => `  - { kind: mqtt, id: plant, url: "${url}", clientId: ${clientId}, subscriptions: [{ topic: "plant/{point}" }] }\n`;
const uwb = (url: string, clientId: string) => `  - { kind: location-mqtt, id: uwb, url: "${url}", clientId: ${clientId}, subscriptions: [{ topic: tags, format: pozyx }] }\n`;
const aiBox = (url: string, clientId: string) => `  - { kind: video-mqtt, id: ai-box, url: "${url}", clientId: ${clientId}, subscriptions: [{ topic: "ai/#" }] }\n`;

describe('MQTT clientIds across adapters', () => {
  it('refuses a clientId used twice on one broker and names the second adapter', () => {
    const text = problems(plant('mqtt://127.0.0.1:1883', 'hazgate') + uwb('mqtt://127.0.0.1:1883', 'hazgate-uwb') + aiBox('mqtt://127.0.0.1', 'hazgate'));
    expect(text).toContain('adapters[2].clientId');
    expect(text).toContain('clientId "hazgate" is already used by adapter "plant" on broker 127.0.0.1:1883');
    expect(text).not.toContain('adapters[0].clientId');
    expect(text).not.toContain('adapters[1].clientId');
  });

  it('sees through credentials, case and default ports: one broker', () => {
    expect(problems(plant('mqtt://user:secret@Broker.local', 'c') + uwb('mqtt://broker.local:1883/', 'c'))).toContain('adapters[1].clientId');
    expect(problems(plant('mqtts://b', 'c') + uwb('mqtts://b:8883', 'c'))).toContain('adapters[1].clientId');
  });

  it('accepts one clientId on different brokers, and different clientIds on one', () => {
    expect(problems(plant('mqtt://a:1883', 'c') + uwb('mqtt://b:1883', 'c') + aiBox('mqtt://a:1884', 'c'))).toBe('');
    expect(problems(plant('mqtt://a', 'c1') + uwb('mqtt://a', 'c2') + aiBox('mqtt://a', 'c3'))).toBe('');
  });

  it.each([
    ['mqtt://u:p@B:1883/x', 'b:1883'],
    ['mqtt://b', 'b:1883'],
    ['mqtts://b', 'b:8883'],
    ['ws://b/mqtt', 'b:80'],
    ['wss://b', 'b:443'],
    ['ws://b:9001', 'b:9001'],
    ['mqtt://[::1]', '[::1]:1883'],
  ])('broker address of %s is %s', (url, address) => {
    expect(brokerAddress(url)).toBe(address);
  });
});
