import type { Clock } from '../../src/core/clock.js';
import { HazgateError, isHazgateError, type ErrorCode } from '../../src/core/errors.js';
import { excerpt } from '../../src/core/excerpt.js';
import type { EmitReading } from '../../src/core/ports.js';
import type { Quality, RawReading } from '../../src/core/sample.js';
import { decodeSparkplugPayload } from '../../src/core/sparkplug-payload.js';
import type { Timers } from '../lib/mqtt/index.js';
import { bdSeqOf, deviceOf, newEdgeNode, type EdgeNode, type SparkplugMessage } from './edge-node.js';
import { rebirthCommand, type OutgoingMessage } from './host-commands.js';
import { MetricTable, type MetricDef } from './metric-table.js';
import { metricValue } from './metric-value.js';
import type { MetricSource, PointMap } from './point-map.js';
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

  constructor(
    private readonly setup: HostSetup,
    private readonly sinks: HostSinks,
  ) {}

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
    const message: SparkplugMessage = { topic: parsed, payload: decoded, origin: topic };
    const node = this.nodeOf(parsed.group, parsed.node);
    if (parsed.type === 'NBIRTH') this.nodeBirth(node, message);
    else if (parsed.type === 'NDEATH') this.nodeDeath(node, message);
    else this.sequenced(node, message);
  }

  /** The broker connection is gone: every point goes bad, and every node must be born again. */
  connectionLost(): void {
    for (const node of this.nodes.values()) {
      this.forgetBirth(node);
      node.lastRebirthAt = undefined;
    }
  }

  /** Cancels the reorder timers. */
  stop(): void {
    for (const node of this.nodes.values()) node.seq.clear();
  }

  private nodeOf(group: string, node: string): EdgeNode {
    const key = nodeKey(group, node);
    let state = this.nodes.get(key);
    if (state === undefined) {
      state = newEdgeNode(group, node, this.setup.config.reorderTimeout, this.setup.timers, (n, released, missing) => this.gapExpired(n, released, missing));
      this.nodes.set(key, state);
    }
    return state;
  }

  private nodeBirth(node: EdgeNode, message: SparkplugMessage): void {
    const { payload } = message;
    node.seq.reset(payload.seq ?? 0);
    node.born = true;
    node.bdSeq = bdSeqOf(payload);
    // Devices are born again after their node (spec 3.0 §6.4.6); their last values stay for a death.
    for (const device of node.devices.values()) device.born = false;
    node.metrics = this.tableOf(message, { group: node.group, node: node.node, device: undefined });
    this.setup.stats.births += 1;
    this.emitMetrics(node, node.values, node.metrics, message);
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
    this.markStale(node.values, node);
    for (const device of node.devices.values()) {
      device.born = false;
      this.markStale(device.values, node);
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
    for (const m of ready) this.apply(node, m);
  }

  private gapExpired(node: EdgeNode, released: SparkplugMessage[], missing: number): void {
    this.setup.stats.seqGaps += 1;
    for (const m of released) this.apply(node, m);
    const error = this.error('HG_ERR_SPARKPLUG_SEQ_GAP', `${node.group}/${node.node}`, `seq ${missing} did not arrive within ${this.setup.config.reorderTimeout} ms`);
    this.requestRebirth(node, 'seq-gap', error);
  }

  private apply(node: EdgeNode, message: SparkplugMessage): void {
    const { topic } = message;
    if (topic.scope === 'node') {
      this.emitMetrics(node, node.values, node.metrics, message);
      return;
    }
    const device = deviceOf(node, topic.device);
    if (topic.type === 'DBIRTH') {
      device.born = true;
      device.metrics = this.tableOf(message, { group: node.group, node: node.node, device: topic.device });
      this.setup.stats.births += 1;
      this.emitMetrics(node, device.values, device.metrics, message);
    } else if (!device.born) {
      this.beforeBirth(node, message, `device ${topic.device}`);
    } else if (topic.type === 'DDEATH') {
      device.born = false;
      this.setup.stats.deaths += 1;
      this.markStale(device.values, node);
    } else {
      this.emitMetrics(node, device.values, device.metrics, message);
    }
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
      if (value.precision === 'lost') stats.precisionLost += 1;
      const ts = m.timestamp ?? message.payload.timestamp;
      const reading: RawReading = {
        source: config.id,
        pointId: def.pointId,
        value: value.value,
        origin: message.origin,
        ...(ts === undefined ? {} : { ts, tsSource: 'device' as const }),
        ...(value.precision === 'lost' ? { quality: PRECISION_LOST } : {}),
      };
      this.sinks.emit(reading);
      values.set(def.pointId, value.value);
      stats.readings += 1;
    }
    if (unnamed > 0) this.sinks.report(this.error('HG_ERR_SPARKPLUG_METRIC', message.origin, `${unnamed} metric(s) have neither name nor alias`));
    if (unknownAlias > 0) {
      stats.unknownAliases += unknownAlias;
      stats.skipped['unknown-alias'] += unknownAlias;
      this.requestRebirth(node, 'unknown-alias', this.error('HG_ERR_SPARKPLUG_UNKNOWN_ALIAS', message.origin, `${unknownAlias} metric alias(es) not declared by the last birth`));
    }
  }

  private beforeBirth(node: EdgeNode, message: SparkplugMessage, who: string): void {
    this.requestRebirth(node, 'before-birth', this.error('HG_ERR_SPARKPLUG_BEFORE_BIRTH', message.origin, `${message.topic.type} from ${who} before its birth: dropped`));
  }

  /** At most one request per node per rebirthInterval; the error is reported with the request, counted otherwise. */
  private requestRebirth(node: EdgeNode, reason: RebirthReason, error: HazgateError): void {
    const now = this.setup.clock.now();
    if (node.lastRebirthAt !== undefined && now - node.lastRebirthAt < this.setup.config.rebirthInterval) {
      this.sinks.count(error.code);
      return;
    }
    node.lastRebirthAt = now;
    this.setup.stats.rebirths[reason] += 1;
    this.sinks.report(error);
    this.sinks.publish(rebirthCommand(node.group, node.node, now));
  }

  /** Every point in `values` goes bad (comm-lost), keeping its last value: nothing silent looks normal. */
  private markStale(values: ReadonlyMap<string, unknown>, node: EdgeNode): void {
    const origin = `${node.group}/${node.node}`;
    for (const [pointId, value] of values) {
      this.sinks.emit({ source: this.setup.config.id, pointId, value, quality: COMM_LOST, origin });
      this.setup.stats.staleMarks += 1;
    }
  }

  private error(code: ErrorCode, where: string, what: string, cause?: unknown): HazgateError {
    const at = excerpt(where);
    const rebirth = code === 'HG_ERR_SPARKPLUG_SEQ_GAP' || code === 'HG_ERR_SPARKPLUG_UNKNOWN_ALIAS' || code === 'HG_ERR_SPARKPLUG_BEFORE_BIRTH' ? '; rebirth requested' : '';
    return new HazgateError(code, `sparkplug ${this.setup.config.id}: ${at}: ${what}${rebirth}`, { adapter: this.setup.config.id, topic: at }, cause);
  }
}
