import { describe, expect, it } from 'vitest';
import type { MqttClientEvents, SubscribeOutcome } from '../../adapters/lib/mqtt/index.js';
import { emptySparkplugStats, HostSession, PointMap, sparkplugAdapterSchema, type ConnectHost, type OutgoingMessage } from '../../adapters/sparkplug/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { encodeSparkplugPayload } from '../../src/core/sparkplug-payload.js';
import { FakeTimers } from '../support/fake-timers.js';

const config = sparkplugAdapterSchema.parse({ kind: 'sparkplug', id: 'spb', url: 'mqtt://127.0.0.1:1', clientId: 'hg', hostId: 'hz', groups: ['A', 'B'], point: '{metric}' });

/** A HostSession on a fake MQTT link: subscriptions answered when the test says, publishes recorded. */
function session() {
  const timers = new FakeTimers();
  const published: OutgoingMessage[] = [];
  const subscribed = new Map<string, (outcome: SubscribeOutcome) => void>();
  let events: MqttClientEvents | undefined;
  const connect: ConnectHost = (_options, ev) => {
    events = ev;
    return {
      subscribe: (filter) => new Promise((resolve) => subscribed.set(filter, resolve)),
      reconnect: () => undefined,
      end: () => Promise.resolve(),
      publish: (message) => {
        published.push(message);
        return Promise.resolve(true);
      },
    };
  };
  const stats = emptySparkplugStats();
  const s = new HostSession(
    { config, deps: { clock: { now: () => 1_700_000_000_000 + timers.now }, logger: silentLogger, dataDir: '/nonexistent' }, stats, pointMap: new PointMap([], config.point), connect, timers },
    { emit: () => undefined, onError: () => undefined, onStatus: () => undefined },
  );
  const grant = (filter: string): void => subscribed.get(filter)?.({ granted: true, qos: 1 });
  /** Connects and grants these subscriptions. */
  const connectGranting = async (filters: readonly string[]): Promise<void> => {
    events?.connect({ sessionPresent: false });
    await settle();
    for (const f of filters) grant(f);
    await settle();
  };
  const deliver = (topic: string, payload: Uint8Array | string): void => events?.message(topic, Buffer.from(payload));
  const kinds = (): string[] => published.map((m) => (m.topic.includes('/NCMD/') ? 'NCMD' : (JSON.parse(Buffer.from(m.payload).toString()) as { online: boolean }).online ? 'online' : 'offline'));
  return { s, timers, published, stats, grant, deliver, kinds, connectGranting };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const ALL = ['spBv1.0/STATE/hz', 'spBv1.0/A/#', 'spBv1.0/B/#'];
const ndata = (seq: number): Uint8Array => encodeSparkplugPayload({ seq, metrics: [] });

describe('Sparkplug host session (#14 findings 10, 15)', () => {
  it('subscribes to its own STATE topic besides its groups, and publishes online only once all are granted', async () => {
    const t = session();
    await t.connectGranting(['spBv1.0/STATE/hz', 'spBv1.0/A/#']);
    expect(t.published).toEqual([]);
    t.grant('spBv1.0/B/#');
    await settle();
    expect(t.kinds()).toEqual(['online']);
  });

  it('holds a rebirth command asked for before STATE online (group A subscribed, B not yet) and sends it after', async () => {
    const t = session();
    await t.connectGranting(['spBv1.0/STATE/hz', 'spBv1.0/A/#']);
    t.deliver('spBv1.0/A/NDATA/N1', ndata(4)); // before any birth: a rebirth is needed
    expect(t.stats.rebirths['before-birth']).toBe(1);
    expect(t.published).toEqual([]);
    t.grant('spBv1.0/B/#');
    await settle();
    expect(t.kinds()).toEqual(['online', 'NCMD']);
  });

  it('answers an offline STATE for itself (an old connection\'s will) with online and this connection\'s timestamp', async () => {
    const t = session();
    await t.connectGranting(ALL);
    const first = t.published[0];
    t.deliver('spBv1.0/STATE/hz', JSON.stringify({ online: true, timestamp: 1 }));
    t.deliver('spBv1.0/STATE/hz', 'not json');
    await settle();
    expect(t.kinds()).toEqual(['online']);
    t.deliver('spBv1.0/STATE/hz', JSON.stringify({ online: false, timestamp: 1 }));
    await settle();
    expect(t.kinds()).toEqual(['online', 'online']);
    expect(Buffer.from(t.published[1]?.payload ?? []).toString()).toBe(Buffer.from(first?.payload ?? []).toString());
    expect(t.stats.stateRepublished).toBe(1);
    expect(t.stats.messages).toMatchObject({ NDATA: 0 });
  });

  it('takes no message once close() began: no reorder timer or rebirth starts during the offline wait; its own offline is not answered', async () => {
    const t = session();
    await t.connectGranting(ALL);
    const closed = t.s.close();
    t.deliver('spBv1.0/A/NDATA/N1', ndata(4));
    t.deliver('spBv1.0/STATE/hz', JSON.stringify({ online: false, timestamp: 2 }));
    await closed;
    expect(t.stats.messages.NDATA).toBe(0);
    expect(t.kinds()).toEqual(['online', 'offline']);
    expect(t.timers.pending).toBe(0);
  });
});
