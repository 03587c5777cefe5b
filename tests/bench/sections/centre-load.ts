import mqtt, { type MqttClient } from 'mqtt';
import { ACK_TOPIC_PREFIX, feedTopic, SIGNATURE_PROPERTY } from '../../../src/uplink/index.js';
import type { TrialOutcome } from '../lib/sustained.js';
import { benchKey, benchSite, SimSite, snapshotValuesJson } from './centre-sim.js';

/**
 * N simulated sites feeding a centre through the broker, one batch per site per second (spread
 * evenly over the second, as independent gateways would be), QoS 1 with the MQTT 5 signature
 * property, on the site's partition topic; acks read from `hazgate/v1/ack/+`. A batch's ack
 * latency runs from its publish to the first ack covering its last seq.
 *
 * The publishers are a few connections shared by the sites rather than one per site: the centre
 * sees the same stream either way, and the generator stays light on a 2-core machine.
 */
export interface LoadTrial extends TrialOutcome {
  readonly latencies: readonly number[];
  /** Batches published and not acknowledged when the trial gave up waiting. */
  readonly unacked: number;
}

interface Pending {
  readonly lastSeq: number;
  readonly at: number;
}

const PUBLISHERS = 4;
/** A site's batch not acknowledged within this long fails the hold (the "ack latency > 5 s"). */
export const MAX_ACK_LATENCY_MS = 5000;
const DRAIN_WINDOW_MS = 10_000;

export class CentreLoad {
  private readonly sites: SimSite[] = [];
  private readonly byName = new Map<string, { site: SimSite; pending: Pending[] }>();
  private latencies: number[] = [];
  private tickValues: { second: number; json: string } = { second: -1, json: '' };

  private constructor(
    private readonly publishers: readonly MqttClient[],
    private readonly acks: MqttClient,
    private readonly partitions: number,
  ) {
    acks.on('message', (topic, payload) => this.heard(topic, payload));
  }

  static async connect(url: string, partitions: number): Promise<CentreLoad> {
    const publishers = await Promise.all(Array.from({ length: PUBLISHERS }, (_, i) => mqtt.connectAsync(url, { clientId: `bench-centre-pub-${i}`, protocolVersion: 5, clean: true })));
    const acks = await mqtt.connectAsync(url, { clientId: 'bench-centre-acks', protocolVersion: 5, clean: true });
    await acks.subscribeAsync(`${ACK_TOPIC_PREFIX}/+`, { qos: 0 });
    return new CentreLoad(publishers, acks, partitions);
  }

  /** Holds n sites at one batch a second for holdMs, then waits for their acks. */
  async trial(n: number, holdMs: number): Promise<LoadTrial> {
    while (this.sites.length < n) {
      const name = benchSite(this.sites.length);
      const site = new SimSite(name, benchKey(name));
      this.sites.push(site);
      this.byName.set(name, { site, pending: [] });
    }
    this.latencies = [];
    const total = Math.round((n * holdMs) / 1000);
    const start = performance.now();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * n));
        for (; sent < due; sent++) this.publish(sent % n, Math.floor(sent / n));
        if (sent >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    const stoppedAt = performance.now();
    // In sites: one batch per site and second.
    const achievedRps = sent / ((stoppedAt - start) / 1000);
    const drained = await this.waitAcked(DRAIN_WINDOW_MS);
    const unacked = this.pendingCount();
    const processed = sent - unacked;
    const latencies = [...this.latencies];
    const worst = latencies.reduce((m, x) => Math.max(m, x), 0);
    return {
      sent,
      processed,
      achievedRps,
      ...(drained ? { drainMs: performance.now() - stoppedAt } : {}),
      ...(worst > MAX_ACK_LATENCY_MS ? { failure: `a batch waited ${Math.round(worst)} ms for its ack (> ${MAX_ACK_LATENCY_MS})` } : {}),
      latencies,
      unacked,
    };
  }

  /** Before the next trial: what the last one left unacknowledged, waited for (a failed hold's backlog), then forgotten. */
  async settle(timeoutMs = 60_000): Promise<number> {
    await this.waitAcked(timeoutMs);
    const left = this.pendingCount();
    for (const s of this.byName.values()) s.pending.length = 0;
    return left;
  }

  async close(): Promise<void> {
    await Promise.all([...this.publishers, this.acks].map((c) => c.endAsync().catch(() => undefined)));
  }

  private publish(i: number, second: number): void {
    const site = this.sites[i];
    const client = this.publishers[i % PUBLISHERS];
    if (site === undefined || client === undefined) return;
    const time = Date.now();
    if (this.tickValues.second !== second) this.tickValues = { second, json: snapshotValuesJson(time, second) };
    const batch = site.batch(time, this.tickValues.json);
    this.byName.get(site.site)?.pending.push({ lastSeq: batch.lastSeq, at: performance.now() });
    client.publish(feedTopic(site.site, this.partitions), batch.payload, { qos: 1, properties: { userProperties: { [SIGNATURE_PROPERTY]: batch.signature } } });
  }

  private heard(topic: string, payload: Buffer): void {
    const at = performance.now();
    let ack: { site?: unknown; upto?: unknown };
    try {
      ack = JSON.parse(payload.toString('utf8')) as typeof ack;
    } catch {
      return;
    }
    const entry = typeof ack.site === 'string' ? this.byName.get(ack.site) : undefined;
    if (entry === undefined || typeof ack.upto !== 'number' || !topic.endsWith(`/${ack.site as string}`)) return;
    entry.site.acked = Math.max(entry.site.acked, ack.upto);
    while (entry.pending[0] !== undefined && entry.pending[0].lastSeq <= ack.upto) {
      this.latencies.push(at - entry.pending[0].at);
      entry.pending.shift();
    }
  }

  private pendingCount(): number {
    let n = 0;
    for (const s of this.byName.values()) n += s.pending.length;
    return n;
  }

  private async waitAcked(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.pendingCount() > 0) {
      if (performance.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}
