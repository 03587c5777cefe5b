import { describe, expect, it } from 'vitest';
import type { HazgateError } from '../../src/core/errors.js';
import type { ComponentStatus } from '../../src/core/status.js';
import { MqttSession, stableAfterMs, type ConnectMqtt, type MqttClientEvents, type ReconnectPolicy, type SessionCounters, type Timers } from '../../adapters/lib/mqtt/index.js';

/**
 * A broker that accepts us and drops us at once (a second client with our clientId taking the
 * session over, an ACL kick after a refused subscribe) used to reset the back-off and the outage on
 * every CONNACK: a reconnect every initialMs forever and an error per cycle. Pinned on fake time.
 */

/** A session on a scripted client, a hand-set clock and hand-run timers. */
function flappingSession(reconnect: ReconnectPolicy | 'backoff', subscribe: 'granted' | 'refused' = 'granted') {
  const clock = { t: 0, now: () => clock.t };
  const pending: { callback: () => void; delayMs: number }[] = [];
  const timers: Timers = {
    schedule: (callback, delayMs) => {
      const entry = { callback, delayMs };
      pending.push(entry);
      return () => pending.splice(pending.indexOf(entry), 1);
    },
  };
  const policy: ReconnectPolicy = reconnect === 'backoff' ? { kind: 'backoff', initialMs: 100, maxMs: 60_000, timers } : reconnect;
  let events: MqttClientEvents | undefined;
  const connect: ConnectMqtt = (_options, e) => {
    events = e;
    return {
      subscribe: async () => (subscribe === 'granted' ? { granted: true } : { granted: false, reason: 'the broker refused it (SUBACK 0x80)' }),
      reconnect: () => undefined,
      end: async () => undefined,
    };
  };
  const counters: SessionCounters = { reconnects: 0, errors: {} };
  const out = { errors: [] as HazgateError[], statuses: [] as ComponentStatus[], delays: [] as number[] };
  const session = new MqttSession(
    {
      label: 'location',
      id: 'uwb',
      broker: { url: 'mqtt://b', clientId: 'twin', cleanSession: false, keepaliveS: 30, connectTimeoutMs: 1_000 },
      reconnect: policy,
      subscriptions: [{ topic: 'tags/#', filter: 'tags/#', qos: 1 }],
      clock,
      counters,
      connect,
    },
    { message: () => undefined, onError: (e) => out.errors.push(e), onStatus: (st) => out.statuses.push(st) },
  );
  const on = (): MqttClientEvents => events as MqttClientEvents;
  /** Connected for `upMs`, then taken over; the pending retry (if any) runs after its delay. */
  const cycle = async (upMs: number): Promise<void> => {
    on().connect({ sessionPresent: false });
    await settle();
    clock.t += upMs;
    on().error(new Error('Connection refused: session taken over'));
    on().close();
    const retry = pending.shift();
    if (retry === undefined) return;
    out.delays.push(retry.delayMs);
    clock.t += retry.delayMs;
    retry.callback();
  };
  return { session, cycle, counters, out };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MqttSession on a connection that flaps', () => {
  it('backs off to the max and reports one error for the whole run of flaps', async () => {
    const s = flappingSession('backoff');
    for (let i = 0; i < 12; i++) await s.cycle(50);
    expect(s.out.delays).toEqual([100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 51_200, 60_000, 60_000]);
    expect(s.out.errors.map((e) => e.code)).toEqual(['HG_ERR_MQTT_CONNECT']);
    expect(s.counters.errors).toEqual({ HG_ERR_MQTT_CONNECT: 12 });
    expect(s.counters.flaps).toBe(12);
    expect(s.out.statuses.at(-1)?.reason).toBe('Connection refused: session taken over (dropped within 30 s of connecting 12 times in a row)');
    await s.session.close();
  });

  it('starts a new outage, with the back-off from initialMs, after a connection stayed up stableAfterMs', async () => {
    const s = flappingSession('backoff');
    for (let i = 0; i < 4; i++) await s.cycle(50);
    await s.cycle(30_000);
    await s.cycle(29_999);
    expect(s.out.delays).toEqual([100, 200, 400, 800, 100, 200]);
    expect(s.out.errors).toHaveLength(2);
    expect(s.counters.flaps).toBe(5);
    await s.session.close();
  });

  it('reports a refused subscription once per outage, not once per flap', async () => {
    const s = flappingSession('backoff', 'refused');
    for (let i = 0; i < 5; i++) await s.cycle(10);
    expect(s.out.errors.map((e) => e.code).sort()).toEqual(['HG_ERR_MQTT_CONNECT', 'HG_ERR_MQTT_SUBSCRIBE']);
    expect(s.counters.errors).toEqual({ HG_ERR_MQTT_CONNECT: 5, HG_ERR_MQTT_SUBSCRIBE: 5 });
    await s.cycle(60_000);
    expect(s.out.errors.filter((e) => e.code === 'HG_ERR_MQTT_SUBSCRIBE')).toHaveLength(1);
    await s.cycle(10);
    expect(s.out.errors.map((e) => e.code)).toEqual(['HG_ERR_MQTT_SUBSCRIBE', 'HG_ERR_MQTT_CONNECT', 'HG_ERR_MQTT_CONNECT', 'HG_ERR_MQTT_SUBSCRIBE']);
    await s.session.close();
  });

  it('under the client policy (MQTT.js retries) still reports one error per run of flaps', async () => {
    const s = flappingSession({ kind: 'client', everyMs: 1_000 });
    for (let i = 0; i < 6; i++) await s.cycle(1_000);
    expect(s.out.errors).toHaveLength(1);
    expect(s.counters.flaps).toBe(6);
    await s.session.close();
  });

  it('calls a connection stable after 30 s, or after the back-off max when that is shorter', () => {
    const timers: Timers = { schedule: () => () => undefined };
    expect(stableAfterMs({ kind: 'client', everyMs: 1_000 })).toBe(30_000);
    expect(stableAfterMs({ kind: 'backoff', initialMs: 1_000, maxMs: 60_000, timers })).toBe(30_000);
    expect(stableAfterMs({ kind: 'backoff', initialMs: 100, maxMs: 5_000, timers })).toBe(5_000);
  });
});
