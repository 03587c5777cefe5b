import { fnv1a32 } from './partition.js';

/**
 * Several centre processes share the feed partitions (issue 10 item 5). Each partition is served by
 * one process at a time, which holds its lease: a retained message `{ owner, until }` on the broker.
 * Every process sees the same members (retained presence messages, cleared by the broker's will when
 * a process dies) and the same leases, and computes the same owner for each partition by rendezvous
 * hashing (highest hash of `member/partition`), so a member joining or leaving moves only its own
 * share of partitions. This planner is pure: the MQTT driver feeds it what it saw and carries out
 * what it says.
 */

export interface Lease {
  readonly owner: string;
  /** Epoch ms; a lease past it is free. */
  readonly until: number;
}

export interface LeaseView {
  readonly self: string;
  readonly now: number;
  readonly partitions: number;
  /** Live members (presence not expired), self included or not. */
  readonly members: ReadonlySet<string>;
  /** Lease per partition, as retained on the broker (absent: never claimed or released). */
  readonly leases: ReadonlyMap<number, Lease>;
  /** Partitions this process serves now. */
  readonly serving: ReadonlySet<number>;
}

export interface LeasePlan {
  /** Publish (or renew) a lease for these and serve them. */
  readonly claim: readonly number[];
  /** Stop serving these and clear their lease (another member should have them). */
  readonly release: readonly number[];
  /** Stop serving these without touching the lease: another member holds it (we lost it). */
  readonly drop: readonly number[];
}

/**
 * FNV-1a alone scores ids that differ in one byte too much alike (`centre-a/3`, `centre-b/3`): the
 * murmur3 finaliser spreads them.
 */
function score(member: string, partition: number): number {
  let h = fnv1a32(`${member}/${partition}`);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** The member rendezvous hashing gives a partition to (ties broken by id). */
export function ownerOf(partition: number, members: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const m of members) {
    const s = score(m, partition);
    if (s > bestScore || (s === bestScore && best !== undefined && m < best)) {
      best = m;
      bestScore = s;
    }
  }
  return best;
}

/**
 * What to do now. A process claims a partition that is its by rendezvous when the lease is free,
 * expired, already its own, or held by a process that is no longer a member (its will cleared its
 * presence: it is gone, or cut off from the broker and so from its partitions too). It releases a
 * partition that is no longer its, so the new owner need not wait for expiry; it drops, without
 * releasing, one whose lease another live member has taken.
 */
export function planLeases(v: LeaseView): LeasePlan {
  const members = new Set(v.members);
  members.add(v.self);
  const claim: number[] = [];
  const release: number[] = [];
  const drop: number[] = [];
  for (let p = 0; p < v.partitions; p++) {
    const lease = v.leases.get(p);
    const heldByOther = lease !== undefined && lease.owner !== v.self && lease.until > v.now && members.has(lease.owner);
    if (ownerOf(p, members) === v.self) {
      if (!heldByOther) claim.push(p);
      else if (v.serving.has(p)) drop.push(p);
    } else if (v.serving.has(p)) {
      if (heldByOther) drop.push(p);
      else release.push(p);
    }
  }
  return { claim, release, drop };
}
