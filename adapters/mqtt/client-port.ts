import { connect, MqttClient } from 'mqtt';
import { mqttJsConnector, type ConnectMqtt, type OpenMqttClient } from '../lib/mqtt/index.js';
import { createFastStream } from './fast-stream.js';

/**
 * The plant adapter's MQTT client: the shared port (adapters/lib/mqtt) on MQTT.js, with PUBLISH
 * packets of plain TCP connections taken off the wire by the fast path (publish-framer.ts).
 */
export type { ConnectMqtt, MqttClientEvents, MqttClientPort, MqttConnectOptions, MqttQos, SubscribeOutcome } from '../lib/mqtt/index.js';

/**
 * Plain TCP (mqtt://) takes the fast PUBLISH path: the load-carrying packets skip MQTT.js's
 * parser. TLS and WebSocket URLs use MQTT.js as it is.
 */
const openFastPathClient: OpenMqttClient = (url, options, onPublish) => {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'tcp:') return connect(url, options);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port === '' ? 1883 : Number(parsed.port);
  return new MqttClient(() => createFastStream({ host, port, onPublish }), { ...options, host, port, protocol: 'mqtt' });
};

/** The port on MQTT.js v5 with the fast PUBLISH path. */
export const connectMqttJs: ConnectMqtt = mqttJsConnector(openFastPathClient);
