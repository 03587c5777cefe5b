import { HazgateError } from '../../src/core/errors.js';
import { decodeSparkplugPayload, encodeSparkplugPayload, SPARKPLUG_DATATYPE } from '../../src/core/sparkplug-payload.js';
import { nodeCommandTopic, parseSparkplugTopic, stateTopic } from './topic.js';

/**
 * Everything the host publishes: its STATE (Sparkplug 3.0 §6.4.5: JSON, retained, QoS 1) and the one
 * command it may send, NCMD `Node Control/Rebirth` = true. hazgate monitors and never writes to the
 * plant: `checkOutgoing` refuses any other command before it reaches the broker (DOMAIN.md, the
 * gateway writes nothing to safety systems).
 */

export interface OutgoingMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

export const REBIRTH_METRIC = 'Node Control/Rebirth';

/** `{"online":…,"timestamp":…}`: the birth and the will of one connection carry the same timestamp. */
export function stateMessage(hostId: string, online: boolean, timestamp: number): OutgoingMessage {
  return { topic: stateTopic(hostId), payload: new TextEncoder().encode(JSON.stringify({ online, timestamp })), qos: 1, retain: true };
}

/** Asks an edge node for NBIRTH and its DBIRTHs again (spec 3.0 §6.4.18). NCMD go at QoS 0, not retained. */
export function rebirthCommand(group: string, node: string, timestamp: number): OutgoingMessage {
  const payload = encodeSparkplugPayload({ timestamp, metrics: [{ name: REBIRTH_METRIC, timestamp, datatype: SPARKPLUG_DATATYPE.Boolean, value: true }] });
  return { topic: nodeCommandTopic(group, node), payload, qos: 0, retain: false };
}

/**
 * @throws HazgateError HG_ERR_SPARKPLUG_COMMAND_REFUSED unless the message is this host's STATE or
 * an NCMD whose only metric is Node Control/Rebirth = true.
 */
export function checkOutgoing(message: OutgoingMessage, hostId: string): void {
  if (message.topic === stateTopic(hostId)) return;
  const topic = parseSparkplugTopic(message.topic);
  const refuse = (why: string): never => {
    throw new HazgateError('HG_ERR_SPARKPLUG_COMMAND_REFUSED', `sparkplug host ${hostId}: refused to publish on "${message.topic}": ${why}; hazgate sends no command but Node Control/Rebirth`, { topic: message.topic });
  };
  if (typeof topic === 'string' || topic.type !== 'NCMD') return refuse('not an NCMD');
  let metrics;
  try {
    metrics = decodeSparkplugPayload(message.payload).metrics;
  } catch {
    return refuse('the payload does not decode');
  }
  const [only] = metrics;
  if (metrics.length !== 1 || only === undefined || only.name !== REBIRTH_METRIC || only.booleanValue !== true) return refuse('its metrics are not exactly Node Control/Rebirth = true');
}
