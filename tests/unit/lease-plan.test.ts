import { describe, expect, it } from 'vitest';
import { ownerOf, planLeases, type Lease, type LeaseView } from '../../src/uplink/lease-plan.js';

/** Centre processes sharing feed partitions: every partition served by exactly one live member. */

const P = 16;
const NOW = 1_000_000;

function view(self: string, members: string[], leases: Map<number, Lease>, serving: number[] = []): LeaseView {
  return { self, now: NOW, partitions: P, members: new Set(members), leases, serving: new Set(serving) };
}

/** Runs every member's plan until nothing changes; the final owner of each partition. */
function settle(members: string[], leases: Map<number, Lease>, serving: Map<string, Set<number>>): Map<number, string> {
  for (let round = 0; round < 5; round++) {
    for (const m of members) {
      const plan = planLeases(view(m, members, leases, [...(serving.get(m) ?? [])]));
      const mine = serving.get(m) ?? new Set<number>();
      for (const p of plan.release) {
        mine.delete(p);
        if (leases.get(p)?.owner === m) leases.delete(p);
      }
      for (const p of plan.drop) mine.delete(p);
      for (const p of plan.claim) {
        mine.add(p);
        leases.set(p, { owner: m, until: NOW + 15_000 });
      }
      serving.set(m, mine);
    }
  }
  const owners = new Map<number, string>();
  for (const [m, ps] of serving) for (const p of ps) {
    expect(owners.has(p), `partition ${p} served twice`).toBe(false);
    owners.set(p, m);
  }
  return owners;
}

describe('lease planning', () => {
  it('three members share 16 partitions, each served once, by the member rendezvous hashing names', () => {
    const members = ['centre-a', 'centre-b', 'centre-c'];
    const owners = settle(members, new Map(), new Map());
    expect(owners.size).toBe(P);
    for (const [p, m] of owners) expect(m).toBe(ownerOf(p, members));
    expect(new Set(owners.values()).size).toBe(3);
  });

  it('a member that dies (its presence cleared) has its partitions taken at once, despite unexpired leases; the others keep theirs', () => {
    const members = ['centre-a', 'centre-b', 'centre-c'];
    const leases = new Map<number, Lease>();
    const serving = new Map<string, Set<number>>();
    const before = settle(members, leases, serving);
    serving.delete('centre-b');
    const after = settle(['centre-a', 'centre-c'], leases, serving);
    expect(after.size).toBe(P);
    for (const [p, m] of before) if (m !== 'centre-b') expect(after.get(p)).toBe(m);
  });

  it('a hung member (still a member, lease unexpired) keeps its partitions until the lease runs out; then they move', () => {
    const leases = new Map<number, Lease>([[3, { owner: 'centre-x', until: NOW + 5000 }]]);
    const winner = ownerOf(3, ['centre-a', 'centre-x']) === 'centre-a' ? 'centre-a' : 'centre-x';
    const other = winner === 'centre-a' ? 'centre-x' : 'centre-a';
    // The rendezvous winner, if not the holder, waits for the lease.
    if (winner !== 'centre-x') expect(planLeases(view('centre-a', ['centre-a', 'centre-x'], leases)).claim).not.toContain(3);
    const expired = new Map<number, Lease>([[3, { owner: other, until: NOW - 1 }]]);
    expect(planLeases(view(winner, ['centre-a', 'centre-x'], expired)).claim).toContain(3);
  });

  it('a member joining takes only its share: partitions move from their old owner by release, not by waiting', () => {
    const leases = new Map<number, Lease>();
    const serving = new Map<string, Set<number>>();
    const two = settle(['centre-a', 'centre-b'], leases, serving);
    const three = settle(['centre-a', 'centre-b', 'centre-c'], leases, serving);
    let moved = 0;
    for (const [p, m] of three) {
      if (m !== two.get(p)) {
        moved++;
        expect(m).toBe('centre-c');
      }
    }
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(P);
  });

  it('a member that finds another live member holding a lease it serves stops serving it without clearing that lease', () => {
    const leases = new Map<number, Lease>([[0, { owner: 'centre-b', until: NOW + 10_000 }]]);
    const plan = planLeases(view('centre-a', ['centre-a', 'centre-b'], leases, [0]));
    expect(plan.release).not.toContain(0);
    if (ownerOf(0, ['centre-a', 'centre-b']) === 'centre-a') expect(plan.drop).toContain(0);
    else expect(plan.drop).toContain(0);
  });
});
