import type { AdapterMetric } from '../../src/core/index.js';
import type { ModbusDeviceStats } from './line.js';

/**
 * The device families every adapter that knows its devices reports (`device`: a configured device
 * id, so the label set is as bounded as the site file).
 */
export function deviceFamilies(adapter: string, devices: ReadonlyArray<readonly [string, ModbusDeviceStats]>): AdapterMetric[] {
  const labelNames = ['adapter', 'device'];
  const errorsOf = (s: ModbusDeviceStats): number => s.timeouts + s.frameErrors + s.disconnected + s.decodeErrors + Object.values(s.exceptions).reduce((a, b) => a + b, 0);
  return [
    { name: 'hazgate_device_readings_total', help: 'Readings emitted per device (bad quality ones included)', type: 'counter', labelNames, values: devices.map(([device, s]) => ({ labels: { adapter, device }, value: s.readings })) },
    { name: 'hazgate_device_errors_total', help: 'Failed requests and undecodable values per device', type: 'counter', labelNames, values: devices.map(([device, s]) => ({ labels: { adapter, device }, value: errorsOf(s) })) },
    {
      name: 'hazgate_device_last_seen_timestamp_seconds',
      help: 'Unix time of the device\'s latest answer (absent before the first)',
      type: 'gauge',
      labelNames,
      values: devices.filter(([, s]) => s.lastSeenAt > 0).map(([device, s]) => ({ labels: { adapter, device }, value: s.lastSeenAt / 1000 })),
    },
  ];
}
