import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { isHazgateError } from '../../src/core/errors.js';
import { mqttAdapterSchema } from '../../adapters/mqtt/schema.js';
import {
  compileLocationSubscription,
  locationMqttAdapterSchema,
  locationMqttFactory,
  parseLocationMqttAdapterConfig,
  type LocationMqttAdapterConfigInput,
} from '../../adapters/location/index.js';

const base: LocationMqttAdapterConfigInput = {
  kind: 'location-mqtt',
  id: 'uwb',
  url: 'mqtt://127.0.0.1:1883',
  clientId: 'hazgate-uwb',
  subscriptions: [{ topic: 'tags', format: 'pozyx' }],
};

function problems(config: unknown): string[] {
  const result = locationMqttAdapterSchema.safeParse(config);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('location-mqtt config', () => {
  it('fills the documented defaults', () => {
    const config = locationMqttAdapterSchema.parse(base);
    expect(config).toEqual({
      kind: 'location-mqtt',
      id: 'uwb',
      url: 'mqtt://127.0.0.1:1883',
      clientId: 'hazgate-uwb',
      cleanSession: false,
      keepaliveS: 30,
      connectTimeoutMs: 10_000,
      backoff: { initial: 1_000, max: 30_000 },
      maxPayloadBytes: 1_048_576,
      maxEntries: 10_000,
      subscriptions: [{ topic: 'tags', format: 'pozyx', qos: 1, timeUnit: 'auto' }],
    });
  });

  it('reads back-off durations as text', () => {
    expect(locationMqttAdapterSchema.parse({ ...base, backoff: { initial: '250ms', max: '1m' } }).backoff).toEqual({ initial: 250, max: 60_000 });
  });

  it('defaults units by format: Pozyx millimetres, generic metres', () => {
    const [p, g] = locationMqttAdapterSchema
      .parse({ ...base, subscriptions: [{ topic: 'tags', format: 'pozyx' }, { topic: 'uwb/generic', format: 'position' }] })
      .subscriptions.map(compileLocationSubscription);
    expect(p?.format.toMetres(1234)).toBe(1.234);
    expect(g?.format.toMetres(1234)).toBe(1234);
    const scaled = compileLocationSubscription(locationMqttAdapterSchema.parse({ ...base, subscriptions: [{ topic: 't', format: 'position', scale: 0.1 }] }).subscriptions[0]!);
    expect(scaled.format.toMetres(25)).toBeCloseTo(2.5, 12);
  });

  it('refuses every problem at once, at its path', () => {
    expect(
      problems({
        ...base,
        url: 'http://x',
        password: 'pw',
        backoff: { initial: '2s', max: '1s' },
        subscriptions: [
          { topic: 'tags/#/x', format: 'pozyx', units: 'mm', scale: 0.001 },
          { topic: 'tags/#/x', format: 'pozyx' },
          { topic: 'mine/readers', format: 'reader', units: 'm', floor: '-350' },
          { topic: 'a', format: 'gps' },
          { topic: 'b', format: 'position', unitsMm: true },
        ],
      }),
    ).toEqual([
      'url: must be an mqtt://, mqtts://, ws:// or wss:// URL',
      "subscriptions.0.topic: level 2: '#' is allowed only as the last level",
      'subscriptions.0.scale: give units or scale, not both',
      "subscriptions.1.topic: level 2: '#' is allowed only as the last level",
      'subscriptions.2.units: reader events carry no coordinates: only position formats take this key',
      'subscriptions.2.floor: reader events carry no coordinates: only position formats take this key',
      'subscriptions.3.format: Invalid option: expected one of "pozyx"|"position"|"reader"',
      'subscriptions.4: Unrecognized key: "unitsMm"',
    ]);
  });

  it('checks across keys once the shape is right', () => {
    expect(
      problems({ ...base, password: 'pw', backoff: { initial: '2s', max: '1s' }, subscriptions: [{ topic: 'tags', format: 'pozyx' }, { topic: 'tags', format: 'position' }] }),
    ).toEqual(['password: a password needs a username', 'backoff.max: backoff.max must be at least backoff.initial', 'subscriptions.1.topic: duplicate topic "tags"']);
  });

  it('throws one HG_ERR_CONFIG_INVALID naming the adapter and every problem', () => {
    try {
      parseLocationMqttAdapterConfig({ ...base, subscriptions: [] });
      expect.unreachable();
    } catch (error) {
      expect(isHazgateError(error) && error.code).toBe('HG_ERR_CONFIG_INVALID');
      expect((error as Error).message).toContain('location-mqtt adapter uwb: config is invalid: subscriptions:');
    }
  });

  it('is a factory of kind location-mqtt whose create opens nothing', () => {
    expect(locationMqttFactory.kind).toBe('location-mqtt');
    const adapter = locationMqttFactory.create(locationMqttFactory.schema.parse(base), { clock: { now: () => 0 }, logger: silentLogger, dataDir: '/nonexistent' });
    expect(adapter.kind).toBe('location-mqtt');
    expect(adapter.id).toBe('uwb');
  });

  it('fits the site schema beside the other adapter kinds (a discriminated union on kind)', () => {
    const adapters = z.discriminatedUnion('kind', [mqttAdapterSchema, locationMqttAdapterSchema]);
    expect(adapters.parse(base).kind).toBe('location-mqtt');
    expect(adapters.safeParse({ ...base, kind: 'location-mqtt', subscriptions: [{ topic: 'x', format: 'pozyx', valueField: 'v' }] }).success).toBe(false);
  });
});
