import { startMosquitto, type MosquittoInstance } from '../../support/mosquitto.js';

/**
 * Mosquitto as every throughput and latency section runs it, so hazgate, the bare MQTT.js
 * subscriber and the peers meet the same broker.
 *
 * Mosquitto 2.0 counts QoS 0 messages for an online subscriber against `max_queued_messages`
 * (default 1000) and silently drops the rest, so a subscriber's 100 ms GC or flush pause at
 * 300k readings/s would lose readings that it then processes easily. The limits are raised so a
 * pause costs backlog, not readings; the sustained search judges backlog by the drain time
 * (sustained.ts). `max_queued_messages 0` is no way out: in 2.0.2-2.0.16 it drops every QoS 0
 * message (eclipse-mosquitto/mosquitto#1956, #2879).
 */
export const BENCH_BROKER_CONFIG: readonly string[] = ['max_queued_messages 200000', 'max_queued_bytes 268435456'];

export function startBenchBroker(): Promise<MosquittoInstance> {
  return startMosquitto({ persistence: false, extraConfig: BENCH_BROKER_CONFIG });
}
