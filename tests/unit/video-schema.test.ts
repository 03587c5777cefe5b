import { describe, expect, it } from 'vitest';
import { videoMqttFactory, videoWebhookFactory } from '../../adapters/video/index.js';
import { videoMqttSchema, videoWebhookSchema } from '../../adapters/video/schema.js';
import { isHazgateError, silentLogger, type AdapterDeps } from '../../src/core/index.js';

const deps: AdapterDeps = { clock: { now: () => 0 }, logger: silentLogger, dataDir: '/nonexistent' };
const webhook = { kind: 'video-webhook', id: 'ai-box', port: 8091 };
const mqtt = { kind: 'video-mqtt', id: 'ai-mqtt', url: 'mqtt://127.0.0.1:1883', clientId: 'hazgate-video', subscriptions: [{ topic: 'ai/+/events' }] };

function problems(schema: typeof videoWebhookSchema | typeof videoMqttSchema, config: unknown): string[] {
  const result = schema.safeParse(config);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('video-webhook config', () => {
  it('fills the documented defaults', () => {
    expect(videoWebhookSchema.parse(webhook)).toEqual({
      ...webhook,
      host: '127.0.0.1',
      paths: { isapi: '/isapi', events: '/events' },
      maxBodyBytes: 2_097_152,
      requestTimeoutMs: 120_000,
      headersTimeoutMs: 5_000,
      minBodyBytesPerSecond: 8_192,
      maxConnections: 64,
      maxConnectionsPerAddress: 8,
      dedupWindow: 30_000,
      cameras: [],
      eventTypeMap: {},
    });
  });

  it('takes durations as text, auth in both forms, cameras with region zones', () => {
    const config = videoWebhookSchema.parse({
      ...webhook,
      dedupWindow: '45s',
      auth: { type: 'header', header: 'X-Box-Token', secret: 'a-long-shared-secret' },
      cameras: [{ cameraId: 'CAM-1', ipAddress: '10.0.0.1', channel: 2, zoneId: 'z1', regionZones: { '1': 'z1-bund' } }],
      eventTypeMap: { VMD: 'ignore', heat_anomaly: 'fire-smoke' },
    });
    expect(config.dedupWindow).toBe(45_000);
    expect(config.auth).toEqual({ type: 'header', header: 'x-box-token', secret: 'a-long-shared-secret' });
    expect(config.cameras[0]).toEqual({ cameraId: 'CAM-1', ipAddress: '10.0.0.1', channel: 2, zoneId: 'z1', regionZones: { '1': 'z1-bund' } });
    expect(videoWebhookSchema.parse({ ...webhook, auth: { type: 'basic', username: 'box', password: 'password1' } }).auth?.type).toBe('basic');
  });

  it.each([
    [{ ...webhook, extra: 1 }, /Unrecognized key/],
    [{ ...webhook, port: 70_000 }, /^port/],
    [{ ...webhook, maxConnections: 0 }, /^maxConnections/],
    [{ ...webhook, maxConnectionsPerAddress: 0 }, /^maxConnectionsPerAddress/],
    [{ ...webhook, minBodyBytesPerSecond: -1 }, /^minBodyBytesPerSecond/],
    [{ ...webhook, headersTimeoutMs: '50ms' }, /headersTimeoutMs must be at least 100ms/],
    [{ ...webhook, paths: { isapi: '/x', events: '/x' } }, /paths\.events: paths.isapi and paths.events must differ/],
    [{ ...webhook, paths: { isapi: 'isapi' } }, /paths\.isapi: a path starts with/],
    [{ ...webhook, auth: { type: 'header', secret: 'short' } }, /auth\.secret: a shared secret has at least 16/],
    [{ ...webhook, auth: { type: 'basic', username: 'a:b', password: 'password1' } }, /auth\.username/],
    [{ ...webhook, auth: { type: 'digest' } }, /^auth/],
    [{ ...webhook, dedupWindow: 'soon' }, /dedupWindow: "soon" is not a duration/],
    [{ ...webhook, maxBodyBytes: 100 }, /^maxBodyBytes/],
    [{ ...webhook, eventTypeMap: { VMD: 'motion' } }, /^eventTypeMap\.VMD/],
    [{ ...webhook, cameras: [{ cameraId: 'a' }, { cameraId: 'a' }] }, /cameras\.1\.cameraId: duplicate cameraId "a"/],
    [{ ...webhook, cameras: [{ cameraId: 'a', ipAddress: '10.0.0.1' }, { cameraId: 'b', ipAddress: '10.0.0.1', channel: 1 }] }, /cameras\.1\.channel: another camera has ipAddress 10.0.0.1 channel 1/],
    [{ ...webhook, cameras: [{ cameraId: 'a', regionZones: { '1': 'z' } }] }, /cameras\.0\.regionZones: regionZones needs the ipAddress/],
    [{ ...webhook, cameras: [{ cameraId: 'a', ipAddress: '10.0.0.1', regionZones: { one: 'z' } }] }, /regionZones\.one: "one" is not a regionID/],
  ])('refuses %j', (config, message) => {
    expect(problems(videoWebhookSchema, config).join('\n')).toMatch(message);
  });
});

describe('video-mqtt config', () => {
  it('fills the documented defaults', () => {
    expect(videoMqttSchema.parse(mqtt)).toEqual({
      ...mqtt,
      cleanSession: false,
      keepaliveS: 30,
      reconnectMs: 1_000,
      connectTimeoutMs: 10_000,
      maxPayloadBytes: 262_144,
      subscriptions: [{ topic: 'ai/+/events', qos: 1, format: 'generic' }],
      dedupWindow: 30_000,
      cameras: [],
      eventTypeMap: {},
    });
  });

  it.each([
    [{ ...mqtt, url: 'http://broker' }, /^url: must be an mqtt/],
    [{ ...mqtt, password: 'x' }, /password: a password needs a username/],
    [{ ...mqtt, subscriptions: [] }, /^subscriptions/],
    [{ ...mqtt, subscriptions: [{ topic: 'a/#/b' }] }, /level 2: '#' is allowed only as the last level/],
    [{ ...mqtt, subscriptions: [{ topic: 'a/b+' }] }, /level 2 "b\+": '\+' must be a whole level/],
    [{ ...mqtt, subscriptions: [{ topic: '' }] }, /the topic is empty/],
    [{ ...mqtt, subscriptions: [{ topic: 'a' }, { topic: 'a', format: 'isapi' }] }, /subscriptions\.1\.topic: duplicate topic "a"/],
    [{ ...mqtt, subscriptions: [{ topic: 'a', format: 'onvif' }] }, /subscriptions\.0\.format/],
  ])('refuses %j', (config, message) => {
    expect(problems(videoMqttSchema, config).join('\n')).toMatch(message);
  });
});

describe('video factories', () => {
  it('name their kinds and create adapters that open nothing', () => {
    expect(videoWebhookFactory.kind).toBe('video-webhook');
    expect(videoMqttFactory.kind).toBe('video-mqtt');
    const a = videoWebhookFactory.create(videoWebhookFactory.schema.parse(webhook), deps);
    const b = videoMqttFactory.create(videoMqttFactory.schema.parse(mqtt), deps);
    expect([a.kind, a.id, b.kind, b.id]).toEqual(['video-webhook', 'ai-box', 'video-mqtt', 'ai-mqtt']);
    // The eight families of both kinds, and the webhook's closed connections by reason (0 from the start).
    expect(a.metrics?.().map((m) => m.name)).toHaveLength(9);
    expect(a.metrics?.().at(-1)).toMatchObject({ name: 'hazgate_video_webhook_connections_closed_total', labelNames: ['adapter', 'reason'] });
    expect(a.metrics?.().at(-1)?.values.map((v) => v.value)).toEqual([0, 0, 0, 0, 0]);
  });

  it('a direct caller with a bad config gets one HG_ERR_CONFIG_INVALID listing every problem', () => {
    try {
      videoWebhookFactory.create({ ...webhook, port: -1, dedupWindow: 'x' } as never, deps);
      expect.unreachable();
    } catch (error) {
      expect(isHazgateError(error) && error.code).toBe('HG_ERR_CONFIG_INVALID');
      expect(isHazgateError(error) && error.details['problems']).toHaveLength(2);
    }
  });
});
