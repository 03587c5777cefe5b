import { describe, expect, it } from 'vitest';
import { BodyWatch, bodyTooSlow } from '../../adapters/video/body-pace.js';
import { ConnectionTable } from '../../adapters/video/webhook-connections.js';

/**
 * The webhook listener's connection table and body pace, on plain values and hand-set time. Its
 * integration test (tests/integration/video-webhook.test.ts) runs them over real sockets.
 */

describe('ConnectionTable: a new connection over a limit takes the place of the one idle the longest', () => {
  const table = () => new ConnectionTable<string>({ maxConnections: 4, maxConnectionsPerAddress: 2 });

  it('admits up to the limits, then evicts the longest idle connection in the way', () => {
    const t = table();
    expect(t.admit('a1', 'A', 0)).toEqual({ admitted: true });
    expect(t.admit('b1', 'B', 1)).toEqual({ admitted: true });
    expect(t.admit('b2', 'B', 2)).toEqual({ admitted: true });
    expect(t.admit('c1', 'C', 3)).toEqual({ admitted: true });
    // Full (4): a1 has been idle the longest.
    expect(t.admit('d1', 'D', 4)).toEqual({ admitted: true, evicted: { connection: 'a1', address: 'A', limit: 'connection-limit' } });
    // B has its 2: one of its own goes, b1 (idle since 1), not c1.
    expect(t.admit('b3', 'B', 5)).toEqual({ admitted: true, evicted: { connection: 'b1', address: 'B', limit: 'address-limit' } });
    expect(t.size).toBe(4);
  });

  it('keeps connections mid-request and refuses the new one when all in the way are busy', () => {
    const t = table();
    t.admit('b1', 'B', 0);
    t.admit('b2', 'B', 1);
    t.requestStarted('b1');
    t.requestStarted('b2');
    expect(t.admit('b3', 'B', 2)).toEqual({ admitted: false, limit: 'address-limit' });
    t.admit('a1', 'A', 3);
    t.admit('c1', 'C', 4);
    t.requestStarted('a1');
    t.requestStarted('c1');
    expect(t.admit('d1', 'D', 5)).toEqual({ admitted: false, limit: 'connection-limit' });
    // c1 answered at 6: idle again (since 6), the only one that may go.
    t.requestEnded('c1', 6);
    expect(t.admit('d1', 'D', 7)).toEqual({ admitted: true, evicted: { connection: 'c1', address: 'C', limit: 'connection-limit' } });
  });

  it('counts pipelined requests: idle only when the last one is answered, from then on', () => {
    const t = table();
    t.admit('a1', 'A', 0);
    t.admit('a2', 'A', 1);
    t.requestStarted('a1');
    t.requestStarted('a1');
    t.requestEnded('a1', 10);
    expect(t.admit('a3', 'A', 11)).toEqual({ admitted: true, evicted: { connection: 'a2', address: 'A', limit: 'address-limit' } });
    t.requestEnded('a1', 12);
    t.requestEnded('a1', 13);
    // a1 idle since 12, a3 since 11: a3 goes first.
    expect(t.admit('a4', 'A', 14)).toEqual({ admitted: true, evicted: { connection: 'a3', address: 'A', limit: 'address-limit' } });
  });

  it('frees an address’s share when its connections close; a second remove is harmless', () => {
    const t = table();
    t.admit('a1', 'A', 0);
    t.admit('a2', 'A', 0);
    t.requestStarted('a1');
    t.requestStarted('a2');
    t.remove('a1');
    t.remove('a1');
    t.remove('unknown');
    expect(t.admit('a3', 'A', 1)).toEqual({ admitted: true });
    expect(t.size).toBe(2);
  });
});

describe('body pace: a body must average minBytesPerSecond after an allowance', () => {
  const limits = { minBytesPerSecond: 8_192, allowanceMs: 5_000 };

  it.each([
    // received, ms after the headers, too slow?
    [0, 5_000, false],
    [0, 6_000, true],
    [8_192, 6_000, false],
    [8_191, 6_000, true],
    // 2 MiB at 20 KiB/s: 100 s, always ahead of 8 KiB/s.
    [20_480 * 100, 100_000, false],
    // 2 KB arriving slowly is whole long before the rate could catch it up.
    [2_000, 5_200, false],
    // One byte a second forever, as a slowloris does.
    [60, 60_000, true],
  ])('%i bytes after %i ms: %s', (received, elapsed, slow) => {
    expect(bodyTooSlow(limits, received, elapsed)).toBe(slow);
  });

  it('never calls a body slow with the check off (0)', () => {
    expect(bodyTooSlow({ minBytesPerSecond: 0, allowanceMs: 0 }, 0, 1e9)).toBe(false);
  });

  it('names the overdue bodies once, and forgets ended ones', () => {
    const watch = new BodyWatch<string>({ minBytesPerSecond: 1_000, allowanceMs: 1_000 });
    watch.start('steady', 0);
    watch.start('stalled', 0);
    watch.start('done', 0);
    watch.received('stalled', 10);
    watch.end('done');
    watch.received('steady', 1_000);
    expect(watch.overdue(1_000)).toEqual([]);
    // At 2 s both owe 1 000 bytes: the stalled one has 10.
    watch.received('steady', 1_000);
    expect(watch.overdue(2_000)).toEqual([{ request: 'stalled', received: 10, elapsedMs: 2_000 }]);
    watch.received('steady', 1_000);
    expect(watch.overdue(3_000)).toEqual([]);
    expect(watch.size).toBe(1);
    watch.received('gone', 5);
    expect(watch.size).toBe(1);
  });
});
