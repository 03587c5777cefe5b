import type { Clock } from '../../src/core/clock.js';
import { HazgateError, isHazgateError, type ErrorCode } from '../../src/core/errors.js';
import { excerpt } from '../../src/core/excerpt.js';
import type { EmitReading } from '../../src/core/ports.js';
import type { Quality, RawReading } from '../../src/core/sample.js';
import { decodeSparkplugPayload } from '../../src/core/sparkplug-payload.js';
import type { Timers } from '../lib/mqtt/index.js';
import { bdSeqOf, deviceOf, newEdgeNode, valueCount, type DeviceState, type EdgeNode, type SparkplugMessage } from './edge-node.js';
import type { OutgoingMessage } from './host-commands.js';
import { MetricTable, type MetricDef } from './metric-table.js';
import { metricQuality, metricValue, NULL_VALUE, STALE } from './metric-value.js';
import type { MetricSource, PointMap } from './point-map.js';
import { RebirthRequests } from './rebirth-requests.js';
import type { SparkplugAdapterConfig } from './schema.js';
import type { RebirthReason, SparkplugStats } from './stats.js';
import { nodeKey, parseSparkplugTopic } from './topic.js';

export interface HostSetup {
  readonly config: SparkplugAdapterConfig;
  readonly stats: SparkplugStats;
  readonly pointMap: PointMap;
  readonly clock: Clock;
  readonly timers: Timers;
}

export interface HostSinks {
  readonly emit: EmitReading;
  /** Counts the error by code and passes it on (onError). */
  readonly report: (error: HazgateError) => void;
  /** Counts the error by code only (a repeat of one reported already). */
  readonly count: (code: ErrorCode) => void;
  /** Publishes a host message (checked: STATE or NCMD Rebirth only). */
  readonly publish: (message: OutgoingMessage) => void;
}

const COMM_LOST: Quality = Object.freeze({ level: 'bad', reason: 'comm-lost' });
const PRECISION_LOST: Quality = Object.freeze({ level: 'uncertain', reason: 'precision-lost' });

/**
 * The Sparkplug B host application's logic (spec 3.0 §5, §6.4): births define each edge node's and
 * device's metrics and aliases, data is taken in seq order (gaps wait reorderTimeout, then a
 * rebirth is requested), deaths with the birth's bdSeq mark the node's (or device's) points bad
 * (comm-lost). Historical metrics are counted and dropped: the pipeline has no back-fill path, and
 * an old value must never overwrite a live one. No I/O of its own: messages come in, readings and
 * the rebirth commands go out through `sinks`.
 */
export class SparkplugHost {
  private readonly nodes = new Map<string, EdgeNode>();
  private readonly rebirths: RebirthRequests;

  constructor(
    private readonly setup: HostSetup,
    private readonly sinks: HostSinks,
  ) {
    this.rebirths = new RebirthRequests(setup, sinks);
  }

  handleMessage(topic: string, payload: Uint8Array): void {
    const { config, stats } = this.setup;
    if (payload.length > config.maxPayloadBytes) {
      this.sinks.report(this.error('HG_ERR_INGEST_TOO_LARGE', topic, `payload is ${payload.length} bytes, more than maxPayloadBytes ${config.maxPayloadBytes}`));
      return;
    }
    const parsed = parseSparkplugTopic(topic);
    if (typeof parsed === 'string') {
      this.sinks.report(this.error('HG_ERR_SPARKPLUG_TOPIC', topic, parsed));
      return;
    }
    stats.messages[parsed.type] += 1;
    // Commands are for edge nodes (ours among them, echoed by the broker): nothing to take.
    if (parsed.type === 'NCMD' || parsed.type === 'DCMD') return;
    let decoded;
    try {
      decoded = decodeSparkplugPayload(payload);
    } catch (cause) {
      stats.decodeErrors += 1;
      const what = isHazgateError(cause) ? cause.message : 'cannot be decoded';
      this.sinks.report(this.error('HG_ERR_SPARKPLUG_DECODE', topic, what, cause));
      return;
    }
    const message: SparkplugMessage = { topic: parsed, payload: decoded, origin: topic, bytes: payload.length };
    if (parsed.type === 'NDEATH') {
      // The death of a node never seen is no news: it gets no state (forged deaths cost nothing).
      const node = this.nodes.get(nodeKey(parsed.group, parsed.node));
      if (node === undefined) stats.staleDeaths += 1;
      else this.nodeDeath(node, message);
      return;
    }
    const node = this.nodeOf(parsed.group, parsed.node);
    if (node === undefined) return;
    if (parsed.type === 'NBIRTH') this.nodeBirth(node, message);
    else this.sequenced(node, message);
  }

  /** The broker connection is gone: every point goes bad, and every node must be born again. */
  connectionLost(): void {
    for (const node of this.nodes.values()) {
      this.forgetBirth(node);
      this.rebirths.forget(node);
    }
  }

  /** Cancels the reorder timers and deferred rebirth requests. */
  stop(): void {
    for (const node of this.nodes.values()) {
      node.seq.clear();
      this.rebirths.forget(node);
    }
  }

  /** How many edge nodes are tracked (bounded by maxNodes). */
  get nodeCount(): number {
    return this.nodes.size;
  }

  /**
   * The node's state, made on first sight. Past maxNodes the oldest node never born (or dead: its
   * points are marked already) is forgotten to make room; when every node is alive, the newcomer's
   * message is dropped and counted (undefined).
   */
  private nodeOf(group: string, node: string): EdgeNode | undefined {
    const { config, stats, timers } = this.setup;
    const key = nodeKey(group, node);
    let state = this.nodes.get(key);
    if (state !== undefined) return state;
    if (this.nodes.size >= config.maxNodes && !this.forgetOneUnborn()) {
      stats.limited['max-nodes'] += 1;
      return undefined;
    }
    state = newEdgeNode(group, node, { reorderTimeoutMs: config.reorderTimeout, maxHeldBytes: config.maxHeldBytes, timers }, (n, released, missing) => this.gapExpired(n, released, missing));
    this.nodes.set(key, state);
    return state;
  }

  private forgetOneUnborn(): boolean {
    for (const [key, node] of this.nodes) {
      if (node.born) continue;
      node.seq.clear();
      this.rebirths.forget(node);
      this.nodes.delete(key);
      this.setup.stats.limited['node-forgotten'] += 1;
      return true;
    }
    return false;
  }

  private nodeBirth(node: EdgeNode, message: SparkplugMessage): void {
    const { payload } = message;
    node.seq.reset(payload.seq ?? 0);
    node.born = true;
    node.bdSeq = bdSeqOf(payload);
    this.rebirths.answered(node);
    // Devices are born again after their node (spec 3.0 §6.4.6): stale until their own DBIRTH.
    for (const device of node.devices.values()) {
      if (device.born) this.markStale(device.values, node, STALE);
      device.born = false;
    }
    node.metrics = this.tableOf(message, { group: node.group, node: node.node, device: undefined });
    this.staleIfGone(node.values, node.metrics, node);
    this.setup.stats.births += 1;
    this.emitMetrics(node, node.values, node.metrics, message);
  }

  /** Points of the last birth that the new one no longer declares: stale, and no longer tracked. */
  private staleIfGone(values: Map<string, unknown>, table: MetricTable, node: EdgeNode): void {
    const declared = table.pointIds();
    const gone = new Map([...values].filter(([pointId]) => !declared.has(pointId)));
    this.markStale(gone, node, STALE);
    for (const pointId of gone.keys()) values.delete(pointId);
  }

  private nodeDeath(node: EdgeNode, message: SparkplugMessage): void {
    const bdSeq = bdSeqOf(message.payload);
    // A will from an older connection arrives after the node is back: it must not kill the new session.
    if (!node.born || (node.bdSeq !== undefined && bdSeq !== node.bdSeq)) {
      this.setup.stats.staleDeaths += 1;
      return;
    }
    this.setup.stats.deaths += 1;
    this.forgetBirth(node);
  }

  private forgetBirth(node: EdgeNode): void {
    // A dead node's points were marked when it died.
    if (!node.born) return;
    node.born = false;
    node.seq.clear();
    this.markStale(node.values, node, COMM_LOST);
    for (const device of node.devices.values()) {
      device.born = false;
      this.markStale(device.values, node, COMM_LOST);
    }
  }

  /** NDATA, DBIRTH, DDATA, DDEATH: in seq order. */
  private sequenced(node: EdgeNode, message: SparkplugMessage): void {
    if (!node.born) {
      this.beforeBirth(node, message, 'node');
      return;
    }
    const seq = message.payload.seq;
    if (seq === undefined || seq > 255) {
      this.setup.stats.decodeErrors += 1;
      this.sinks.report(this.error('HG_ERR_SPARKPLUG_DECODE', message.origin, `${message.topic.type} has no seq 0-255 (${String(seq)})`));
      return;
    }
    const { ready, outcome } = node.seq.accept(seq, message);
    if (outcome === 'late') this.setup.stats.seqLate += 1;
    if (outcome === 'held') this.setup.stats.seqHeld += 1;
    if (outcome === 'desync') {
      this.setup.stats.seqDesync += 1;
      const error = this.error('HG_ERR_SPARKPLUG_SEQ_GAP', message.origin, `seq ${seq} is far off the expected one (out of step): dropped`);
      this.rebirths.request(node, 'seq-desync', error);
    }
    for (const m of ready) this.apply(node, m);
  }

  private gapExpired(node: EdgeNode, released: SparkplugMessage[], missing: number): void {
    this.setup.stats.seqGaps += 1;
    for (const m of released) this.apply(node, m);
    const error = this.error('HG_ERR_SPARKPLUG_SEQ_GAP', `${node.group}/${node.node}`, `seq ${missing} did not arrive within ${this.setup.config.reorderTimeout} ms`);
    this.rebirths.request(node, 'seq-gap', error);
  }

  private apply(node: EdgeNode, message: SparkplugMessage): void {
    const { topic } = message;
    if (topic.scope === 'node') {
      this.emitMetrics(node, node.values, node.metrics, message);
      return;
    }
    const device = deviceOf(node, topic.device, this.setup.config.maxDevicesPerNode);
    if (device === undefined) {
      this.setup.stats.limited['max-devices'] += 1;
      return;
    }
    if (topic.type === 'DBIRTH') this.deviceBirth(node, device, message, topic.device);
    else if (!device.born) {
      this.beforeBirth(node, message, `device ${topic.device}`);
    } else if (topic.type === 'DDEATH') {
      device.born = false;
      this.setup.stats.deaths += 1;
      this.markStale(device.values, node, COMM_LOST);
    } else {
      this.emitMetrics(node, device.values, device.metrics, message);
    }
  }

  private deviceBirth(node: EdgeNode, device: DeviceState, message: SparkplugMessage, name: string): void {
    device.born = true;
    device.metrics = this.tableOf(message, { group: node.group, node: node.node, device: name });
    this.staleIfGone(device.values, device.metrics, node);
    this.setup.stats.births += 1;
    this.emitMetrics(node, device.values, device.metrics, message);
  }

  private tableOf(message: SparkplugMessage, source: MetricSource): MetricTable {
    const unnamed = message.payload.metrics.filter((m) => m.name === undefined).length;
    if (unnamed > 0) this.sinks.report(this.error('HG_ERR_SPARKPLUG_METRIC', message.origin, `${unnamed} birth metric(s) have no name: their aliases cannot be resolved`));
    return MetricTable.fromBirth(message.payload.metrics, (name) => this.setup.pointMap.pointOf(source, name));
  }

  /** Emits every live, mapped, scalar metric of a birth or data message and keeps its value for a later death. */
  private emitMetrics(node: EdgeNode, values: Map<string, unknown>, table: MetricTable, message: SparkplugMessage): void {
    const { stats, config, pointMap } = this.setup;
    const source: MetricSource = { group: node.group, node: node.node, device: message.topic.scope === 'device' ? message.topic.device : undefined };
    let unknownAlias = 0;
    let unnamed = 0;
    for (const m of message.payload.metrics) {
      const resolved = table.resolve(m);
      if (resolved === 'unknown-alias') unknownAlias += 1;
      if (resolved === 'unnamed') unnamed += 1;
      if (resolved === 'unknown-alias' || resolved === 'unnamed') continue;
      // A name the birth did not declare: taken with its own datatype, as lenient hosts do.
      const def: MetricDef = resolved === 'unknown-name' ? { name: m.name ?? '', datatype: m.datatype, pointId: pointMap.pointOf(source, m.name ?? '') } : resolved;
      if (m.isHistorical) {
        stats.skipped.historical += 1;
        continue;
      }
      if (def.pointId === undefined) {
        stats.skipped.unmapped += 1;
        continue;
      }
      const value = metricValue(m, m.datatype ?? def.datatype);
      if (value.kind === 'skip') {
        stats.skipped[value.reason] += 1;
        continue;
      }
      if (!values.has(def.pointId) && valueCount(node) >= config.maxValuesPerNode) {
        stats.limited['max-values'] += 1;
        continue;
      }
      const ts = m.timestamp ?? message.payload.timestamp;
      const at = { source: config.id, pointId: def.pointId, origin: message.origin, ...(ts === undefined ? {} : { ts, tsSource: 'device' as const }) };
      let reading: RawReading;
      if (value.kind === 'null') {
        // No value from the device: the last one stays, bad, never as if it were current.
        stats.nullValues += 1;
        reading = { ...at, value: values.get(def.pointId) ?? 0, quality: NULL_VALUE };
      } else {
        if (value.precision === 'lost') stats.precisionLost += 1;
        const quality = metricQuality(m.quality) ?? (value.precision === 'lost' ? PRECISION_LOST : undefined);
        reading = { ...at, value: value.value, ...(quality === undefined ? {} : { quality }) };
        values.set(def.pointId, value.value);
      }
      this.sinks.emit(reading);
      stats.readings += 1;
    }
    if (unnamed > 0) this.sinks.report(this.error('HG_ERR_SPARKPLUG_METRIC', message.origin, `${unnamed} metric(s) have neither name nor alias`));
    if (unknownAlias > 0) {
      stats.unknownAliases += unknownAlias;
      stats.skipped['unknown-alias'] += unknownAlias;
      this.rebirths.request(node, 'unknown-alias', this.error('HG_ERR_SPARKPLUG_UNKNOWN_ALIAS', message.origin, `${unknownAlias} metric alias(es) not declared by the last birth`));
    }
  }

  private beforeBirth(node: EdgeNode, message: SparkplugMessage, who: string): void {
    this.rebirths.request(node, 'before-birth', this.error('HG_ERR_SPARKPLUG_BEFORE_BIRTH', message.origin, `${message.topic.type} from ${who} before its birth: dropped`));
  }

  /** Every point in `values` goes bad (comm-lost, stale), keeping its last value: nothing silent looks normal. */
  private markStale(values: ReadonlyMap<string, unknown>, node: EdgeNode, quality: Quality): void {
    const origin = `${node.group}/${node.node}`;
    for (const [pointId, value] of values) {
      this.sinks.emit({ source: this.setup.config.id, pointId, value, quality, origin });
      this.setup.stats.staleMarks += 1;
    }
  }

  private error(code: ErrorCode, where: string, what: string, cause?: unknown): HazgateError {
    const at = excerpt(where);
    const rebirth = code === 'HG_ERR_SPARKPLUG_SEQ_GAP' || code === 'HG_ERR_SPARKPLUG_UNKNOWN_ALIAS' || code === 'HG_ERR_SPARKPLUG_BEFORE_BIRTH' ? '; rebirth requested' : '';
    return new HazgateError(code, `sparkplug ${this.setup.config.id}: ${at}: ${what}${rebirth}`, { adapter: this.setup.config.id, topic: at }, cause);
  }
}
