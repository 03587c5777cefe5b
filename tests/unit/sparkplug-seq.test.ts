import { describe, expect, it } from 'vitest';
import { RECENT_SEQS, SeqTracker } from '../../adapters/sparkplug/index.js';
import { FakeTimers } from '../support/fake-timers.js';

function tracker(timeoutMs = 2000, maxHeld = 64) {
  const timers = new FakeTimers();
  const gaps: { released: number[]; missing: number }[] = [];
  const seq = new SeqTracker<number>({ reorderTimeoutMs: timeoutMs, timers, maxHeld, onGap: (released, missing) => gaps.push({ released, missing }) });
  return { seq, timers, gaps };
}

describe('Sparkplug seq tracker', () => {
  it('takes messages in order and wraps 255 → 0', () => {
    const { seq, gaps } = tracker();
    seq.reset(253);
    expect([254, 255, 0, 1].map((s) => seq.accept(s, s))).toEqual([254, 255, 0, 1].map((s) => ({ ready: [s], outcome: 'in-order' })));
    expect(gaps).toEqual([]);
  });

  it('holds a message after a gap and releases both when the missing one arrives within the timeout: no gap reported', () => {
    const { seq, timers, gaps } = tracker();
    seq.reset(0);
    expect(seq.accept(2, 2)).toEqual({ ready: [], outcome: 'held' });
    expect(seq.accept(3, 3)).toEqual({ ready: [], outcome: 'held' });
    timers.advance(1999);
    expect(seq.accept(1, 1)).toEqual({ ready: [1, 2, 3], outcome: 'in-order' });
    expect(timers.pending).toBe(0);
    timers.advance(10_000);
    expect(gaps).toEqual([]);
  });

  it('reports the gap once the reorder timeout passes, releasing the held messages in seq order, and goes on after them', () => {
    const { seq, timers, gaps } = tracker();
    seq.reset(255);
    seq.accept(2, 2);
    seq.accept(1, 1);
    timers.advance(1999);
    expect(gaps).toEqual([]);
    timers.advance(1);
    expect(gaps).toEqual([{ released: [1, 2], missing: 0 }]);
    expect(seq.accept(3, 3)).toEqual({ ready: [3], outcome: 'in-order' });
    // The missing message, too late now: dropped as late.
    expect(seq.accept(0, 0)).toEqual({ ready: [], outcome: 'late' });
  });

  it('drops duplicates, forgets held messages at a birth, and gives up at once past maxHeld', () => {
    const { seq, timers, gaps } = tracker(2000, 2);
    seq.reset(0);
    expect(seq.accept(0, 0).outcome).toBe('late');
    seq.accept(5, 5);
    expect(seq.accept(5, 5).outcome).toBe('late');
    seq.reset(0);
    timers.advance(5000);
    expect(gaps).toEqual([]);
    seq.accept(3, 3);
    seq.accept(4, 4);
    seq.accept(6, 6);
    expect(gaps).toEqual([{ released: [3, 4, 6], missing: 1 }]);
    expect(seq.accept(7, 7).ready).toEqual([7]);
  });

  it('tells a recent duplicate (late) from a seq far off the expected one (desync): a jump of 128 or more, or further back than RECENT_SEQS', () => {
    const { seq } = tracker();
    seq.reset(0);
    for (let s = 1; s <= 40; s += 1) seq.accept(s, s);
    expect(seq.accept(40, 40).outcome).toBe('late');
    expect(seq.accept(41 - RECENT_SEQS, 0).outcome).toBe('late');
    expect(seq.accept(40 - RECENT_SEQS, 0).outcome).toBe('desync');
    expect(seq.accept(41 + 128, 0).outcome).toBe('desync');
    expect(seq.accept(41 + 127, 0).outcome).toBe('held');
  });

  it('gives a gap up at once when the held messages pass maxHeldBytes', () => {
    const timers = new FakeTimers();
    const gaps: number[] = [];
    const seq = new SeqTracker<number>({ reorderTimeoutMs: 2000, timers, maxHeld: 64, maxHeldBytes: 250, sizeOf: () => 100, onGap: (_r, missing) => gaps.push(missing) });
    seq.reset(0);
    seq.accept(3, 3);
    seq.accept(4, 4);
    expect(gaps).toEqual([]);
    seq.accept(5, 5);
    expect(gaps).toEqual([1]);
    expect(seq.heldCount).toBe(0);
  });
});
