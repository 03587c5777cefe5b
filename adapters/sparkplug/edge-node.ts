import type { SparkplugPayload } from '../../src/core/sparkplug-payload.js';
import type { CancelTimer, Timers } from '../lib/mqtt/index.js';
import { MetricTable } from './metric-table.js';
import { SeqTracker } from './seq-tracker.js';
import type { SparkplugTopic } from './topic.js';

/** A decoded message waiting its turn (or taken at once). */
export interface SparkplugMessage {
  readonly topic: SparkplugTopic;
  readonly payload: SparkplugPayload;
  /** The MQTT topic, for readings' origin and error messages. */
  readonly origin: string;
  /** The payload's size: what holding it costs. */
  readonly bytes: number;
}

/** What the host knows of one device of an edge node. */
export interface DeviceState {
  born: boolean;
  metrics: MetricTable;
  /** Last value of every point this device fed: what a death marks stale. */
  readonly values: Map<string, unknown>;
}

/** What the host knows of one edge node (group/node) and its devices. */
export interface EdgeNode {
  readonly group: string;
  readonly node: string;
  /** An NBIRTH seen since the node (or hazgate) last connected. */
  born: boolean;
  /** The last NBIRTH's bdSeq: only an NDEATH carrying it is this session's death. */
  bdSeq: bigint | undefined;
  metrics: MetricTable;
  readonly values: Map<string, unknown>;
  readonly devices: Map<string, DeviceState>;
  readonly seq: SeqTracker<SparkplugMessage>;
  /** When the last rebirth request went out (they are rate-limited per node). */
  lastRebirthAt: number | undefined;
  /** A rebirth needed while the rate limits forbade it: sent when they allow, unless a birth comes first. */
  deferredRebirth: CancelTimer | undefined;
}

/** Above this many held messages a gap is given up without waiting for the timeout. */
const MAX_HELD = 64;

export interface EdgeNodeLimits {
  readonly reorderTimeoutMs: number;
  readonly maxHeldBytes: number;
  readonly timers: Timers;
}

export function newEdgeNode(group: string, node: string, limits: EdgeNodeLimits, onGap: (n: EdgeNode, released: SparkplugMessage[], missing: number) => void): EdgeNode {
  const { reorderTimeoutMs, maxHeldBytes, timers } = limits;
  const state: EdgeNode = {
    group,
    node,
    born: false,
    bdSeq: undefined,
    metrics: new MetricTable(),
    values: new Map(),
    devices: new Map(),
    seq: new SeqTracker<SparkplugMessage>({ reorderTimeoutMs, timers, maxHeld: MAX_HELD, maxHeldBytes, sizeOf: (m) => m.bytes, onGap: (released, missing) => onGap(state, released, missing) }),
    lastRebirthAt: undefined,
    deferredRebirth: undefined,
  };
  return state;
}

/** The device's state, made on first sight; undefined when the node has `maxDevices` already. */
export function deviceOf(node: EdgeNode, device: string, maxDevices: number): DeviceState | undefined {
  let state = node.devices.get(device);
  if (state === undefined) {
    if (node.devices.size >= maxDevices) return undefined;
    state = { born: false, metrics: new MetricTable(), values: new Map() };
    node.devices.set(device, state);
  }
  return state;
}

/** How many points' last values the node and its devices keep. */
export function valueCount(node: EdgeNode): number {
  let count = node.values.size;
  for (const device of node.devices.values()) count += device.values.size;
  return count;
}

/** The bdSeq metric of an NBIRTH or NDEATH (spec 3.0 §6.4.19), undefined when it has none. */
export function bdSeqOf(payload: SparkplugPayload): bigint | undefined {
  const metric = payload.metrics.find((m) => m.name === 'bdSeq');
  if (metric === undefined) return undefined;
  return metric.longValue ?? (metric.intValue === undefined ? undefined : BigInt(metric.intValue));
}
