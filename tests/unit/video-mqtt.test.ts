import { describe, expect, it } from 'vitest';
import { createVideoMqttAdapter } from '../../adapters/video/mqtt-adapter.js';
import type { ConnectMqtt, MqttClientEvents, SubscribeOutcome } from '../../adapters/lib/mqtt/index.js';
import { videoMqttSchema } from '../../adapters/video/schema.js';
import { silentLogger, type ComponentStatus, type HazgateError, type Observation } from '../../src/core/index.js';

/** A scripted client: the test opens, drops and feeds the connection. */
function fakeClient() {
  let events: MqttClientEvents | undefined;
  const subscribed: string[] = [];
  let answer: (filter: string) => SubscribeOutcome = () => ({ granted: true });
  const connect: ConnectMqtt = (_options, e) => {
    events = e;
    return { subscribe: async (filter) => (subscribed.push(filter), answer(filter)), reconnect: () => undefined, end: async () => undefined };
  };
  const on = (): MqttClientEvents => {
    if (events === undefined) throw new Error('not connected');
    return events;
  };
  return { connect, subscribed, on, refuse: (f: (filter: string) => SubscribeOutcome) => (answer = f) };
}

function setup(observe?: (o: Observation) => void) {
  const client = fakeClient();
  const config = videoMqttSchema.parse({
    kind: 'video-mqtt',
    id: 'box',
    url: 'mqtt://user:secret@127.0.0.1:1883',
    username: 'user',
    clientId: 'c',
    subscriptions: [{ topic: 'ai/+/events' }, { topic: 'ai/isapi', format: 'isapi' }],
  });
  const adapter = createVideoMqttAdapter(config, { clock: { now: () => 7 }, logger: silentLogger, dataDir: '/nonexistent' }, client.connect);
  const out = { observations: [] as Observation[], errors: [] as HazgateError[], statuses: [] as ComponentStatus[] };
  const started = adapter.start(
    () => undefined,
    (e) => out.errors.push(e),
    (s) => out.statuses.push(s),
    observe ?? ((o) => out.observations.push(o)),
  );
  return { client, adapter, out, started };
}

describe('video-mqtt session', () => {
  it('subscribes on connect, resubscribes only when the broker lost the session', async () => {
    const { client, out, started } = setup();
    client.on().connect({ sessionPresent: false });
    await started;
    expect(client.subscribed).toEqual(['ai/+/events', 'ai/isapi']);
    expect(out.statuses.map((s) => s.state)).toEqual(['starting', 'up']);
    client.on().close();
    client.on().connect({ sessionPresent: true });
    await new Promise((r) => setImmediate(r));
    expect(client.subscribed).toHaveLength(2);
    client.on().close();
    client.on().connect({ sessionPresent: false });
    await new Promise((r) => setImmediate(r));
    expect(client.subscribed).toHaveLength(4);
  });

  it('reports an outage once, with the password hidden; status down then up', async () => {
    const { client, out, started } = setup();
    client.on().error(new Error('ECONNREFUSED'));
    client.on().close();
    await started;
    client.on().error(new Error('ECONNREFUSED'));
    client.on().close();
    expect(out.errors.map((e) => e.code)).toEqual(['HG_ERR_MQTT_CONNECT']);
    expect(out.errors[0]?.message).toContain('mqtt://user:***@127.0.0.1:1883');
    expect(out.errors[0]?.message).not.toContain('secret');
    client.on().connect({ sessionPresent: false });
    await new Promise((r) => setImmediate(r));
    expect(out.statuses.map((s) => s.state)).toEqual(['starting', 'down', 'up']);
  });

  it('a refused subscription degrades the status and is reported', async () => {
    const { client, out, started } = setup();
    client.refuse((f) => (f === 'ai/isapi' ? { granted: false, reason: 'not authorised' } : { granted: true }));
    client.on().connect({ sessionPresent: false });
    await started;
    expect(out.statuses.at(-1)).toMatchObject({ state: 'degraded', reason: 'not subscribed: ai/isapi' });
    expect(out.errors.map((e) => e.code)).toEqual(['HG_ERR_MQTT_SUBSCRIBE']);
  });

  it('routes by topic to the configured format; an unmatched topic is counted as no-route', async () => {
    const { client, adapter, out, started } = setup();
    client.on().connect({ sessionPresent: false });
    await started;
    client.on().message('ai/box-1/events', Buffer.from('{"cameraId":"c1","type":"phone"}'));
    client.on().message('ai/isapi', Buffer.from('{"ipAddress":"10.0.0.9","eventType":"calling","dateTime":"2024-05-06T14:00:00+08:00"}'));
    client.on().message('old/topic', Buffer.from('{}'));
    expect(out.observations.filter((o) => o.type === 'video').map((o) => (o.type === 'video' ? o.event.cameraId : ''))).toEqual(['c1', '10.0.0.9/1']);
    expect(adapter.stats.rejected).toEqual({ 'no-route': 1 });
    expect(adapter.stats.messages).toBe(3);
  });

  it('emits nothing after stop', async () => {
    const { client, adapter, out, started } = setup();
    client.on().connect({ sessionPresent: false });
    await started;
    await adapter.stop();
    client.on().message('ai/box-1/events', Buffer.from('{"cameraId":"c1","type":"phone"}'));
    expect(out.observations).toEqual([]);
    expect(out.statuses.at(-1)?.state).toBe('stopped');
  });

  it('a throw while handling a message is reported as HG_ERR_INTERNAL and the next message is read', async () => {
    let calls = 0;
    const { client, out, started } = setup(() => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
    });
    client.on().connect({ sessionPresent: false });
    await started;
    client.on().message('ai/box-1/events', Buffer.from('{"cameraId":"c1","type":"phone"}'));
    client.on().message('ai/box-1/events', Buffer.from('{"cameraId":"c2","type":"phone"}'));
    expect(out.errors.map((e) => e.code)).toEqual(['HG_ERR_INTERNAL']);
    expect(calls).toBe(3);
  });
});
