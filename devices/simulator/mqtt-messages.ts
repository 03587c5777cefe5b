import type { SimReading } from './readings.js';

/** `single`: one message per point on `<prefix>/<pointId>`; `array`: one message per tick on `<prefix>`. */
export type BatchMode = 'single' | 'array';

export interface MqttMessage {
  readonly topic: string;
  readonly payload: string;
}

/**
 * The plain-JSON MQTT messages of one tick. `ts` is the device's clock (epoch ms), so the gateway
 * can tell source time from receive time.
 */
export function buildMqttMessages(topicPrefix: string, batch: BatchMode, readings: readonly SimReading[], ts: number): MqttMessage[] {
  if (batch === 'array') {
    if (readings.length === 0) return [];
    const payload = readings.map((reading) => ({ id: reading.pointId, value: reading.value, ts }));
    return [{ topic: topicPrefix, payload: JSON.stringify(payload) }];
  }
  return readings.map((reading) => ({ topic: `${topicPrefix}/${reading.pointId}`, payload: JSON.stringify({ value: reading.value, ts }) }));
}
