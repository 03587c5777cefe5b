import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/gateway-process.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';

/**
 * Centre processes sharing the feed partitions through leases on a real Mosquitto: every partition
 * served by exactly one process; a process killed -9 has its partitions taken over by the others
 * (its presence is cleared by its will) well within the lease time.
 */
const PARTITIONS = 12;
const LEASE_MS = 3000;

class Member {
  readonly served = new Set<number>();
  private readonly child: ChildProcess;
  out = '';

  constructor(url: string, readonly id: string) {
    this.child = spawn(process.execPath, [join(ROOT, 'dist/tests/support/lease-member.js'), url, id, String(PARTITIONS), String(LEASE_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child.stdout?.on('data', (d: Buffer) => {
      this.out += d.toString();
      for (const line of d.toString().split('\n')) {
        const [verb, p] = line.split(' ');
        if (verb === 'serve') this.served.add(Number(p));
        if (verb === 'release') this.served.delete(Number(p));
      }
    });
  }

  kill9(): void {
    this.child.kill('SIGKILL');
    this.served.clear();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const done = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await done;
  }
}

let broker: MosquittoInstance;
const members: Member[] = [];

beforeAll(async () => {
  broker = await startMosquitto({ persistence: false });
}, 30_000);

afterAll(async () => {
  await Promise.all(members.map((m) => m.stop()));
  await broker.dispose();
});

/** Each partition's servers now. */
function owners(): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (let p = 0; p < PARTITIONS; p++) out.set(p, members.filter((m) => m.served.has(p)).map((m) => m.id));
  return out;
}

const exactlyOnce = () => [...owners().values()].every((o) => o.length === 1);

describe('centre partition leases', () => {
  it('three processes share the partitions, each served once; kill -9 one and the others take its partitions within the lease', async () => {
    for (const id of ['centre-a', 'centre-b', 'centre-c']) members.push(new Member(broker.url, id));
    await waitFor(async () => exactlyOnce() && members.every((m) => m.served.size > 0), 20_000, 'every partition served once by one of three');
    const victim = members.find((m) => m.id === 'centre-b');
    if (victim === undefined) throw new Error('no centre-b');
    const hers = [...victim.served];
    victim.kill9();
    const killedAt = Date.now();
    await waitFor(async () => exactlyOnce(), 20_000, 'the victim’s partitions taken over');
    const tookMs = Date.now() - killedAt;
    expect(tookMs).toBeLessThan(LEASE_MS * 2);
    for (const p of hers) expect(owners().get(p)).not.toContain('centre-b');
    // Stable afterwards: nothing moves again without a reason.
    const settled = JSON.stringify([...owners()]);
    await new Promise((r) => setTimeout(r, LEASE_MS));
    expect(JSON.stringify([...owners()])).toBe(settled);
  }, 60_000);

  it('a process stopped cleanly hands its partitions on at once; one joining takes only its share', async () => {
    const before = new Map([...owners()].map(([p, o]) => [p, o[0]]));
    const d = new Member(broker.url, 'centre-d');
    members.push(d);
    await waitFor(async () => exactlyOnce() && d.served.size > 0, 20_000, 'centre-d takes its share');
    for (const [p, o] of owners()) if (o[0] !== 'centre-d') expect(o[0]).toBe(before.get(p));
    await d.stop();
    d.served.clear();
    await waitFor(async () => exactlyOnce(), 20_000, 'centre-d’s partitions handed back');
  }, 60_000);
});
