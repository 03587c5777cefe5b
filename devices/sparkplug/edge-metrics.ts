import { SPARKPLUG_DATATYPE, type SparkplugMetricInput } from '../../src/core/sparkplug-payload.js';
import type { SimReading } from '../simulator/readings.js';
import type { Scenario } from '../simulator/scenario.js';

/**
 * Which scenario points an edge node publishes itself and which its devices do, with each metric's
 * alias; and the metrics of its births and data messages. Metric names are the point ids. Pure.
 */

export interface EdgeDeviceSpec {
  readonly id: string;
  /** Scenario point ids this device publishes. */
  readonly points: readonly string[];
}

export interface EdgeMetricDef {
  readonly name: string;
  readonly alias: number;
  readonly datatype: number;
}

export interface EdgeLayout {
  /** The node's own metrics: scenario points no device lists. */
  readonly node: readonly EdgeMetricDef[];
  readonly devices: ReadonlyMap<string, readonly EdgeMetricDef[]>;
}

/** Aliases run from `aliasBase` over the node's metrics, then each device's, unique within the node (spec 3.0 §6.4.20). */
export function edgeLayout(scenario: Scenario, devices: readonly EdgeDeviceSpec[], aliasBase: number): EdgeLayout {
  const known = new Set(scenario.points.map((p) => p.id));
  for (const device of devices) {
    for (const id of device.points) if (!known.has(id)) throw new Error(`sparkplug simulator: device ${device.id} lists point ${id}, which scenario ${scenario.name} does not have`);
  }
  const onDevice = new Set(devices.flatMap((d) => d.points));
  let alias = aliasBase;
  const def = (id: string): EdgeMetricDef => {
    const point = scenario.points.find((p) => p.id === id);
    return { name: id, alias: alias++, datatype: point?.type === 'boolean' ? SPARKPLUG_DATATYPE.Boolean : SPARKPLUG_DATATYPE.Double };
  };
  const node = scenario.points.filter((p) => !onDevice.has(p.id)).map((p) => def(p.id));
  return { node, devices: new Map(devices.map((d) => [d.id, d.points.map(def)])) };
}

/** Birth metrics: every metric with name, alias, datatype and its value now (is_null when the point is silent). */
export function birthMetrics(defs: readonly EdgeMetricDef[], readings: ReadonlyMap<string, SimReading>, ts: number): SparkplugMetricInput[] {
  return defs.map((d) => {
    const reading = readings.get(d.name);
    return { name: d.name, alias: d.alias, datatype: d.datatype, timestamp: ts, ...(reading === undefined ? { isNull: true } : { value: reading.value }) };
  });
}

/** Data metrics by alias only (the birth gave names and datatypes); silent points are left out. */
export function dataMetrics(defs: readonly EdgeMetricDef[], readings: ReadonlyMap<string, SimReading>, ts: number): SparkplugMetricInput[] {
  const out: SparkplugMetricInput[] = [];
  for (const d of defs) {
    const reading = readings.get(d.name);
    if (reading !== undefined) out.push({ alias: d.alias, datatype: d.datatype, timestamp: ts, value: reading.value });
  }
  return out;
}
