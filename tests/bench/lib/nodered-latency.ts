import WebSocket from 'ws';
import { waitFor } from '../../support/wait.js';
import type { ProbePublisher } from './mqtt-raw.js';

/**
 * Node-RED's side of the latency probe, the same method as sections/latency.ts uses for hazgate:
 * a crossing reading published at a recorded time (ProbePublisher: stamped right before the
 * socket write), every connected client's receipt counted, one probe at a time, then a reading
 * back below the limit. Publisher and clients share this process's clock.
 *
 * The websocket out node sends only what passed the switch (payload > limit), and the background
 * load never crosses, so every message a client gets is a probe; no return message exists to wait
 * for, which only makes Node-RED's probe loop shorter, not its latency different.
 */
const now = (): number => performance.timeOrigin + performance.now();

export class ProbeClient {
  readonly receipts: number[] = [];
  private constructor(private readonly socket: WebSocket, limit: number) {
    socket.on('message', (data) => {
      const at = now();
      const msg: unknown = JSON.parse(data.toString());
      if (typeof msg === 'object' && msg !== null && 'value' in msg && typeof msg.value === 'number' && msg.value > limit) this.receipts.push(at);
    });
  }

  static async connect(url: string, limit: number): Promise<ProbeClient> {
    const socket = new WebSocket(url);
    const client = new ProbeClient(socket, limit);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  close(): void {
    this.socket.terminate();
  }
}

export interface ProbePlan {
  readonly topic: string;
  readonly probes: number;
  readonly crossing: number;
  readonly normal: number;
  /** Pause after each receipt and after each return, so probes never overlap. */
  readonly gapMs: number;
  readonly receiptTimeoutMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Latencies (ms) of every client's receipt of every probe. */
export async function probeLatencies(publisher: ProbePublisher, clients: readonly ProbeClient[], plan: ProbePlan): Promise<number[]> {
  const latencies: number[] = [];
  for (let k = 0; k < plan.probes; k++) {
    const sentAt = publisher.publish(plan.topic, JSON.stringify({ value: plan.crossing, ts: Date.now() }));
    await waitFor(() => clients.every((c) => c.receipts.length > k), plan.receiptTimeoutMs, `probe ${k} on every Node-RED client`, 1);
    for (const c of clients) {
      const at = c.receipts[k];
      if (at !== undefined) latencies.push(at - sentAt);
    }
    await sleep(plan.gapMs);
    publisher.publish(plan.topic, JSON.stringify({ value: plan.normal, ts: Date.now() }));
    await sleep(plan.gapMs);
  }
  return latencies;
}
