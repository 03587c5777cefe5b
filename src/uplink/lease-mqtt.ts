import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../core/index.js';
import { planLeases, type Lease } from './lease-plan.js';

/** What a centre process does when it gains or loses a partition (subscribe to its feed topic, or not). */
export interface PartitionServer {
  serve(partition: number): void | Promise<void>;
  release(partition: number): void | Promise<void>;
}

export interface LeaseKeeperOptions {
  readonly url: string;
  /** This process's member id (unique among the centre's processes). */
  readonly self: string;
  readonly partitions: number;
  readonly server: PartitionServer;
  readonly logger: Logger;
  /** A lease or presence not renewed for this long is void (default 15 s): the longest a hung process keeps its partitions. */
  readonly leaseMs?: number;
  /** Topic prefix (default `hazgate/v1/centre`). */
  readonly prefix?: string;
  readonly username?: string;
  readonly password?: string;
  readonly now?: () => number;
}

interface Presence {
  readonly until: number;
}

/**
 * Holds this process's share of the feed partitions on an MQTT broker:
 * - presence: a retained `<prefix>/member/<self>` `{ until }`, renewed every lease/3; the broker's
 *   will clears it when the connection dies (kill -9, crash, cable), so the others take over at
 *   once rather than at lease expiry;
 * - leases: a retained `<prefix>/lease/<partition>` `{ owner, until }` per served partition,
 *   renewed with the presence, cleared when the partition is handed on;
 * - every renewal runs planLeases on what it has seen and serves, releases or drops partitions.
 * This is not a consensus protocol: two processes with different views of the members can both
 * serve a partition for a renewal or two. The centre's store applies each (site, seq) once, so that
 * costs duplicate work, never a duplicate or lost alarm.
 */
export class MqttLeaseKeeper {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly members = new Map<string, Presence>();
  private readonly leases = new Map<number, Lease>();
  private readonly serving = new Set<number>();
  private readonly leaseMs: number;
  private readonly prefix: string;
  private readonly now: () => number;
  private running = false;
  /** When this connection's subscriptions were granted (undefined while not connected). */
  private listeningSince: number | undefined;
  private settleMs = 1000;
  private outageReported = false;

  constructor(private readonly o: LeaseKeeperOptions) {
    this.leaseMs = o.leaseMs ?? 15_000;
    this.prefix = o.prefix ?? 'hazgate/v1/centre';
    this.now = o.now ?? Date.now;
  }

  /** Partitions served now. */
  served(): number[] {
    return [...this.serving].sort((a, b) => a - b);
  }

  /**
   * Connects in the background (the centre starts, and serves HTTP, while the broker is away) and
   * renews every lease/3. After each connection it subscribes, announces itself, and lets one
   * renewal period (at most 1 s) pass to hear the retained members and leases before it claims.
   */
  start(): Promise<void> {
    this.running = true;
    const presenceTopic = `${this.prefix}/member/${this.o.self}`;
    const client = mqtt.connect(this.o.url, {
      clientId: `hazgate-centre-lease-${this.o.self}`,
      clean: true,
      reconnectPeriod: 1000,
      // join() subscribes at every connection.
      resubscribe: false,
      will: { topic: presenceTopic, payload: Buffer.alloc(0), qos: 1, retain: true },
      ...(this.o.username === undefined ? {} : { username: this.o.username }),
      ...(this.o.password === undefined ? {} : { password: this.o.password }),
    });
    this.client = client;
    client.on('message', (topic, payload) => this.heard(topic, payload));
    // Once per outage: a broker that is away fails a connection every second.
    client.on('error', (e) => {
      if (!this.outageReported) this.o.logger.warn({ code: 'HG_ERR_UPLINK_TRANSPORT', err: e.message }, 'centre lease connection error; partitions kept until the broker is back');
      this.outageReported = true;
    });
    client.on('close', () => (this.listeningSince = undefined));
    client.on('connect', () => {
      this.outageReported = false;
      void this.join(client);
    });
    const renewMs = Math.max(100, Math.floor(this.leaseMs / 3));
    this.settleMs = Math.min(renewMs, 1000);
    this.timer = setInterval(() => void this.renew(), renewMs);
    return Promise.resolve();
  }

  /** Hands every partition on (leases cleared) and leaves. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearInterval(this.timer);
    const c = this.client;
    for (const p of this.served()) {
      await this.release(p);
      await c?.publishAsync(this.leaseTopic(p), Buffer.alloc(0), { qos: 1, retain: true }).catch(() => undefined);
    }
    await c?.publishAsync(`${this.prefix}/member/${this.o.self}`, Buffer.alloc(0), { qos: 1, retain: true }).catch(() => undefined);
    await c?.endAsync().catch(() => undefined);
  }

  /** Each connection (the session is clean): subscribe, announce, and start listening for the retained state. */
  private async join(client: MqttClient): Promise<void> {
    try {
      await client.subscribeAsync([`${this.prefix}/member/+`, `${this.prefix}/lease/+`], { qos: 1 });
      await this.announce();
      this.listeningSince = this.now();
    } catch (e) {
      this.o.logger.warn({ code: 'HG_ERR_UPLINK_TRANSPORT', err: String(e) }, 'centre lease subscription failed; tried again at the next connection');
    }
  }

  private leaseTopic(p: number): string {
    return `${this.prefix}/lease/${p}`;
  }

  private heard(topic: string, payload: Buffer): void {
    const name = topic.slice(this.prefix.length + 1);
    const [kind, id] = [name.slice(0, name.indexOf('/')), name.slice(name.indexOf('/') + 1)];
    let body: unknown;
    try {
      body = payload.length === 0 ? undefined : JSON.parse(payload.toString('utf8'));
    } catch {
      this.o.logger.warn({ code: 'HG_ERR_UPLINK_BAD_MESSAGE', topic }, 'a centre lease message is not JSON; ignored');
      return;
    }
    const until = typeof body === 'object' && body !== null && typeof (body as { until?: unknown }).until === 'number' ? (body as { until: number }).until : undefined;
    if (kind === 'member') {
      if (until === undefined) this.members.delete(id);
      else this.members.set(id, { until });
    } else if (kind === 'lease') {
      const p = Number(id);
      const owner = (body as { owner?: unknown } | undefined)?.owner;
      if (!Number.isInteger(p)) return;
      if (until === undefined || typeof owner !== 'string') this.leases.delete(p);
      else this.leases.set(p, { owner, until });
    }
  }

  private async announce(): Promise<void> {
    const body = JSON.stringify({ until: this.now() + this.leaseMs });
    await this.client?.publishAsync(`${this.prefix}/member/${this.o.self}`, body, { qos: 1, retain: true });
  }

  private async renew(): Promise<void> {
    const now = this.now();
    // Not before the retained members and leases of this connection had time to arrive.
    if (!this.running || this.client?.connected !== true || this.listeningSince === undefined || now - this.listeningSince < this.settleMs) return;
    try {
      await this.announce();
      const live = new Set([...this.members].filter(([, m]) => m.until > now).map(([id]) => id));
      const plan = planLeases({ self: this.o.self, now, partitions: this.o.partitions, members: live, leases: this.leases, serving: this.serving });
      for (const p of plan.release) {
        await this.release(p);
        await this.client.publishAsync(this.leaseTopic(p), Buffer.alloc(0), { qos: 1, retain: true });
      }
      for (const p of plan.drop) await this.release(p);
      for (const p of plan.claim) {
        const lease = { owner: this.o.self, until: now + this.leaseMs };
        this.leases.set(p, lease);
        await this.client.publishAsync(this.leaseTopic(p), JSON.stringify(lease), { qos: 1, retain: true });
        if (!this.serving.has(p)) await this.serve(p);
      }
    } catch (e) {
      this.o.logger.warn({ code: 'HG_ERR_UPLINK_TRANSPORT', err: String(e) }, 'centre lease renewal failed; retried');
    }
  }

  private async serve(p: number): Promise<void> {
    this.serving.add(p);
    this.o.logger.info({ partition: p, self: this.o.self }, `serving feed partition ${p}`);
    await this.o.server.serve(p);
  }

  private async release(p: number): Promise<void> {
    if (!this.serving.delete(p)) return;
    this.o.logger.info({ partition: p, self: this.o.self }, `handing feed partition ${p} on`);
    await this.o.server.release(p);
  }
}
