import { locationMqttAdapterSchema, locationMqttFactory } from '../../adapters/location/index.js';
import { modbusAdapterFactory, modbusAdapterSchema } from '../../adapters/modbus/index.js';
import { mqttAdapterFactory, mqttAdapterSchema } from '../../adapters/mqtt/index.js';
import { opcuaAdapterFactory, opcuaAdapterSchema } from '../../adapters/opcua/index.js';
import { sparkplugAdapterFactory, sparkplugAdapterSchema } from '../../adapters/sparkplug/index.js';
import { videoMqttFactory, videoMqttSchema, videoWebhookFactory, videoWebhookSchema } from '../../adapters/video/index.js';
import type { AdapterFactory } from '../core/index.js';

/** The one map naming the adapter kinds. A new protocol adds its factory here and its schema below. */
export const adapterFactories: ReadonlyMap<string, AdapterFactory> = new Map<string, AdapterFactory>([
  [mqttAdapterFactory.kind, mqttAdapterFactory as unknown as AdapterFactory],
  [modbusAdapterFactory.kind, modbusAdapterFactory as unknown as AdapterFactory],
  [opcuaAdapterFactory.kind, opcuaAdapterFactory as unknown as AdapterFactory],
  [locationMqttFactory.kind, locationMqttFactory as unknown as AdapterFactory],
  [videoWebhookFactory.kind, videoWebhookFactory as unknown as AdapterFactory],
  [videoMqttFactory.kind, videoMqttFactory as unknown as AdapterFactory],
  [sparkplugAdapterFactory.kind, sparkplugAdapterFactory as unknown as AdapterFactory],
]);

/** Every adapter kind's own config schema; the site schema is assembled from these. */
export const adapterSchemas = [mqttAdapterSchema, modbusAdapterSchema, opcuaAdapterSchema, locationMqttAdapterSchema, videoWebhookSchema, videoMqttSchema, sparkplugAdapterSchema] as const;
