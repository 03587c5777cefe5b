import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HazgateError } from '../../src/core/errors.js';
import type { ComponentStatus } from '../../src/core/status.js';
import {
  brokerConnectionShape,
  checkCredentials,
  MqttSession,
  readBrokerTls,
  type BrokerConnectionConfig,
  type ConnectMqtt,
  type MqttClientEvents,
} from '../../adapters/lib/mqtt/index.js';

/**
 * TLS towards the broker in the shared MQTT library: the `tls` keys and their checks, the files
 * read at start with a coded error naming each bad one, and TLS failures as status reasons and
 * cause codes. The handshake itself is tested against Mosquitto (tests/integration/tls-mqtt.test.ts).
 */

const dir = mkdtempSync(join(tmpdir(), 'hazgate-mqtt-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('broker tls keys', () => {
  const schema = z.object(brokerConnectionShape).superRefine((config, ctx) => checkCredentials(config, ctx));
  const problems = (input: Record<string, unknown>): string[] => {
    const result = schema.safeParse({ clientId: 'c', ...input });
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes ca, cert and key with rejectUnauthorized true by default', () => {
    expect(schema.parse({ url: 'mqtts://b:8883', clientId: 'c', tls: { ca: 'ca.crt', cert: 'c.crt', key: 'c.key' } }).tls).toEqual({ ca: 'ca.crt', cert: 'c.crt', key: 'c.key', rejectUnauthorized: true });
    expect(problems({ url: 'wss://b/mqtt', tls: { rejectUnauthorized: false } })).toEqual([]);
  });

  it('refuses tls on a plain URL, a certificate without its key, and unknown keys', () => {
    expect(problems({ url: 'mqtt://b', tls: { ca: 'ca.crt' } })).toEqual(['tls: tls needs an mqtts:// or wss:// url']);
    expect(problems({ url: 'mqtts://b', tls: { cert: 'c.crt' } })).toEqual(['tls.key: tls.cert and tls.key go together']);
    expect(problems({ url: 'mqtts://b', tls: { key: 'c.key' } })).toEqual(['tls.cert: tls.cert and tls.key go together']);
    expect(problems({ url: 'mqtts://b', tls: { cafile: 'ca.crt' } })).toEqual([expect.stringContaining('cafile')]);
  });
});

describe('readBrokerTls', () => {
  it('names every file that cannot be read or is not PEM, in one HG_ERR_CONFIG_READ', () => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    const missing = join(dir, 'missing.key');
    let thrown: unknown;
    try {
      readBrokerTls({ ca: junk, cert: junk, key: missing, rejectUnauthorized: true }, 'mqtt plant');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(HazgateError);
    const error = thrown as HazgateError;
    expect(error.code).toBe('HG_ERR_CONFIG_READ');
    expect(error.details['files']).toEqual([junk, junk, missing]);
    expect(error.message).toMatch(new RegExp(`^mqtt plant: tls\\.ca ${junk} is not a PEM certificate: .*; tls\\.cert ${junk} is not a PEM certificate: .*; tls\\.key ${missing} cannot be read: ENOENT`));
  });

  it('reads nothing when no file is named', () => {
    expect(readBrokerTls({ rejectUnauthorized: false }, 'mqtt plant')).toEqual({ rejectUnauthorized: false });
  });
});

/** A session on a fake client that fails the way MQTT.js reports a TLS or CONNACK refusal. */
function session(broker: Partial<BrokerConnectionConfig> = {}) {
  let events: MqttClientEvents | undefined;
  let connects = 0;
  const connect: ConnectMqtt = (_options, e) => {
    connects += 1;
    events = e;
    return { subscribe: async () => ({ granted: true }), reconnect: () => undefined, end: async () => undefined };
  };
  const errors: HazgateError[] = [];
  const statuses: ComponentStatus[] = [];
  const open = () =>
    new MqttSession(
      {
        label: 'mqtt', id: 'plant', broker: { url: 'mqtts://b:8883', clientId: 'c', cleanSession: false, keepaliveS: 30, connectTimeoutMs: 5, ...broker },
        reconnect: { kind: 'client', everyMs: 100 }, subscriptions: [], clock: { now: () => 1 }, counters: { reconnects: 0, errors: {} }, connect,
      },
      { message: () => undefined, onError: (e) => errors.push(e), onStatus: (s) => statuses.push(s) },
    );
  return { open, on: () => events as MqttClientEvents, errors, statuses, connects: () => connects };
}

describe('MqttSession over TLS', () => {
  it('shows an OpenSSL failure by its reason and code, not its raw text', () => {
    const t = session();
    t.open();
    const alert = Object.assign(new Error('802C:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:rec_layer_s3.c:1601:SSL alert number 116\n'), {
      library: 'SSL routines',
      reason: 'tlsv13 alert certificate required',
      code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    });
    t.on().error(alert);
    t.on().close();
    expect(t.statuses.at(-1)).toMatchObject({ state: 'down', reason: 'TLS: tlsv13 alert certificate required' });
    expect(t.errors[0]?.details).toEqual({ adapter: 'plant', url: 'mqtts://b:8883', causeCode: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
  });

  it('carries the CONNACK return code of a refused login', () => {
    const t = session();
    t.open();
    t.on().error(Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }));
    t.on().close();
    expect(t.statuses.at(-1)).toMatchObject({ state: 'down', reason: 'Connection refused: Not authorized' });
    expect(t.errors[0]?.details['causeCode']).toBe(5);
  });

  it('opens nothing when a TLS file cannot be read', () => {
    const t = session({ tls: { ca: join(dir, 'nope.crt'), rejectUnauthorized: true } });
    expect(t.open).toThrow(expect.objectContaining({ code: 'HG_ERR_CONFIG_READ' }) as Error);
    expect(t.connects()).toBe(0);
    expect(t.statuses).toEqual([]);
  });
});
