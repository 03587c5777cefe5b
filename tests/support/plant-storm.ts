import mqtt, { type MqttClient } from 'mqtt';
import type { SiteGateway } from './feed-network.js';

/**
 * An alarm storm on several sites: plant values published to `plant/<site>/<point>` (QoS 1) that
 * walk each point through 10 → 30 → 60 → 30 → 10 …, so with a threshold rule at 25 and 50 every
 * step is an alarm transition (raise, escalate, de-escalate, return), and an operator on each
 * site acknowledging one unacknowledged alarm now and then (operator actions are journal records
 * too). The gateways may die and come back meanwhile: the plant broker is not theirs, and an
 * acknowledgement that finds no gateway is skipped.
 */
export interface PlantStormOptions {
  readonly plantUrl: string;
  readonly sites: readonly SiteGateway[];
  readonly points: readonly string[];
  /** One value per site every stepMs (default 200: five transitions a second per site). */
  readonly stepMs?: number;
  /** Each site's operator acknowledges one alarm this often (default 1500 ms). */
  readonly ackEveryMs?: number;
}

const WALK = [10, 30, 60, 30] as const;
const UNACKED = new Set(['active-unacked', 'returned-unacked']);

export class PlantStorm {
  readonly published = new Map<string, number>();
  readonly acknowledged = new Map<string, number>();
  publishErrors = 0;
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private step = 0;
  private readonly operators: Promise<void>[] = [];

  constructor(private readonly o: PlantStormOptions) {}

  async start(): Promise<void> {
    this.client = await mqtt.connectAsync(this.o.plantUrl, { clientId: `plant-storm-${process.pid}`, reconnectPeriod: 500 });
    this.running = true;
    this.timer = setInterval(() => this.publishStep(), this.o.stepMs ?? 200);
    for (const gw of this.o.sites) this.operators.push(this.operate(gw));
  }

  /** Stops publishing and acknowledging; resolves when the last publish was handed to the broker. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearInterval(this.timer);
    await Promise.all(this.operators);
    const client = this.client;
    this.client = undefined;
    await client?.endAsync();
  }

  private publishStep(): void {
    const n = this.o.points.length;
    const point = this.o.points[this.step % n] ?? '';
    const value = WALK[Math.floor(this.step / n) % WALK.length] ?? 10;
    this.step++;
    for (const gw of this.o.sites) {
      this.client?.publish(`plant/${gw.site}/${point}`, JSON.stringify({ value }), { qos: 1 }, (e) => {
        if (e) this.publishErrors++;
      });
      this.published.set(gw.site, (this.published.get(gw.site) ?? 0) + 1);
    }
  }

  private async operate(gw: SiteGateway): Promise<void> {
    while (this.running) {
      await new Promise((r) => setTimeout(r, this.o.ackEveryMs ?? 1500));
      if (!this.running || !gw.running) continue;
      const unacked = (await gw.alarms().catch(() => [])).filter((a) => UNACKED.has(a.state));
      const pick = unacked[0];
      if (pick !== undefined && (await gw.acknowledge(pick))) this.acknowledged.set(gw.site, (this.acknowledged.get(gw.site) ?? 0) + 1);
    }
  }
}
