import type { MqttClient } from 'mqtt';
import { mqttJsConnector, openMqttJsClient, type MqttClientEvents, type MqttClientPort, type MqttConnectOptions, type OpenMqttClient } from '../lib/mqtt/index.js';
import type { OutgoingMessage } from './host-commands.js';

/** The client port of adapters/lib/mqtt plus what a Sparkplug host needs: a will, and publishing. */
export interface HostClientPort extends MqttClientPort {
  /** False (nothing sent) while not connected: a command or STATE for a past connection is worthless. */
  publish(message: OutgoingMessage): Promise<boolean>;
}

/** The will for the next connection attempt: called before each CONNECT (its timestamp is that connection's). */
export type WillOf = () => OutgoingMessage;

export type ConnectHost = (options: MqttConnectOptions, events: MqttClientEvents, willOf: WillOf) => HostClientPort;

/**
 * The shared MQTT.js port (adapters/lib/mqtt) with the host's will (its STATE offline message) set
 * on the client MQTT.js makes. MQTT.js builds every CONNECT from `client.options.will`, so the
 * will is renewed when a connection closes and the next one carries its own timestamp.
 */
export function hostConnector(open: OpenMqttClient = openMqttJsClient): ConnectHost {
  return (options, events, willOf) => {
    let client: MqttClient | undefined;
    const port = mqttJsConnector((url, clientOptions, onPublish) => {
      const made = open(url, { ...clientOptions, will: willOptions(willOf()) }, onPublish);
      made.on('close', () => {
        made.options.will = willOptions(willOf());
      });
      client = made;
      return made;
    })(options, events);
    return {
      ...port,
      publish: async (message) => {
        if (client === undefined || !client.connected) return false;
        await client.publishAsync(message.topic, Buffer.from(message.payload), { qos: message.qos, retain: message.retain });
        return true;
      },
    };
  };
}

function willOptions(will: OutgoingMessage): NonNullable<MqttClient['options']['will']> {
  return { topic: will.topic, payload: Buffer.from(will.payload), qos: will.qos, retain: will.retain };
}

export const connectHostMqttJs: ConnectHost = hostConnector();
