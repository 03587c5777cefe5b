/**
 * What the MQTT-based adapters (mqtt, location-mqtt, video-mqtt) share: the client port over
 * MQTT.js, the session (connect, subscribe, reconnect, status, counters), topic filters and the
 * broker config keys. adapters/lib/README.md says why and how to use it.
 */
export { backoffDelay, systemTimers, type CancelTimer, type Timers } from './backoff.js';
export {
  connectMqttJs,
  mqttJsConnector,
  openMqttJsClient,
  type ConnectMqtt,
  type MqttClientEvents,
  type MqttClientPort,
  type MqttConnectOptions,
  type MqttQos,
  type OpenMqttClient,
  type SubscribeOutcome,
} from './client-port.js';
export { brokerConnectionShape, brokerTlsSchema, brokerUrlSchema, checkCredentials, checkUniqueTopics, mqttQosSchema, topicFilterSchema, type BrokerConnectionConfig, type BrokerTlsFiles } from './schema.js';
export { readBrokerTls, type BrokerTlsMaterial } from './tls-files.js';
export { countError, errorReporter, MqttSession, redactUrl, STABLE_CONNECTION_MS, stableAfterMs, type MqttSessionSetup, type MqttSessionSinks, type ReconnectPolicy, type SessionCounters, type SessionSubscription } from './session.js';
export { SessionSlot } from './session-slot.js';
export { topicFilterProblems, topicMatches } from './topic-filter.js';
export { probeBroker } from './probe.js';
