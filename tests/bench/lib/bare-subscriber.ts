import { fileURLToPath } from 'node:url';
import { connect } from 'mqtt';
import { ChildHandle } from './child.js';

/**
 * The ceiling a Node.js MQTT consumer meets on this machine (`mqtt_ceiling_rps`): MQTT.js in its
 * own process, subscribed like hazgate (QoS 0, MQTT 3.1.1), doing nothing but JSON.parse per
 * payload. Any consumer built on MQTT.js pays at least this much per message.
 * This file is both the parent's handle (`startBareSubscriber`) and, forked with CHILD_FLAG, the child.
 */
export interface SubscriberCounts {
  readonly messages: number;
  readonly readings: number;
}

type ToChild = { readonly type: 'count' };
type FromChild =
  | { readonly type: 'ready' }
  | { readonly type: 'count'; readonly counts: SubscriberCounts }
  | { readonly type: 'error'; readonly message: string };

const CHILD_FLAG = '--bare-subscriber-child';

export interface BareSubscriber {
  /** Totals since it subscribed. */
  counts(): Promise<SubscriberCounts>;
  stop(): Promise<void>;
}

export async function startBareSubscriber(url: string, topicPrefix: string): Promise<BareSubscriber> {
  const child = new ChildHandle<ToChild, FromChild>(fileURLToPath(import.meta.url), [CHILD_FLAG, url, topicPrefix]);
  try {
    await child.next('ready', 15_000);
  } catch (e) {
    await child.dispose();
    throw e;
  }
  return {
    counts: async () => {
      child.send({ type: 'count' });
      return (await child.next('count', 10_000)).counts;
    },
    stop: () => child.dispose(),
  };
}

function runChild(url: string, topicPrefix: string): void {
  const send = (m: FromChild): void => void process.send?.(m);
  let messages = 0;
  let readings = 0;
  const client = connect(url, { clientId: `hg-bench-bare-${process.pid}`, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
  client.on('message', (_topic, payload) => {
    const parsed: unknown = JSON.parse(payload.toString('utf8'));
    messages += 1;
    readings += Array.isArray(parsed) ? parsed.length : 1;
  });
  client.on('error', (e) => send({ type: 'error', message: e.message }));
  client.once('connect', () => {
    client.subscribe([`${topicPrefix}/+`, topicPrefix], { qos: 0 }, (err) => {
      if (err) send({ type: 'error', message: err.message });
      else send({ type: 'ready' });
    });
  });
  process.on('message', (m: ToChild) => {
    if (m.type === 'count') send({ type: 'count', counts: { messages, readings } });
  });
  process.on('disconnect', () => {
    client.end(true);
    process.exit(0);
  });
}

if (process.argv[2] === CHILD_FLAG) runChild(process.argv[3] ?? '', process.argv[4] ?? '');
