import { describe, expect, it } from 'vitest';
import type { ZoneSpec } from '../../src/core/index.js';
import { isPeopleSnapshot, PeopleMonitor, type PeopleSnapshot } from '../../src/engine/people/index.js';

/**
 * Reader events whose reader's clock went wrong (review: a base station power-cycled with its RTC
 * back at 2000-01-01 pinned its miners underground), and readers no zone lists.
 */

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const T0 = Date.UTC(2025, 0, 6, 2);
const RESET = Date.UTC(2000, 0, 1);
const ZONES: ZoneSpec[] = [{ id: 'pit', kind: 'key', readers: ['KJ-01'], headcountLimit: 50 }];
const started = (at = T0): PeopleMonitor => new PeopleMonitor({ zones: ZONES, startedAt: at });
const read = (kind: 'enter' | 'leave', ts: number, readerId = 'KJ-01') => ({ tagId: 'C1', readerId, kind, ts });

describe('a reader event stamped before the latest of the same reader about the same tag', () => {
  it('is refused within the reorder window (a late enter after a leave does not pin the tag)', () => {
    const m = started();
    m.reader(read('enter', T0), T0);
    m.reader(read('leave', T0 + 5 * S), T0 + 5 * S);
    expect(m.reader(read('enter', T0 + 4 * S), T0 + 6 * S).changes).toEqual([]);
    expect(m.state.rejectedReaderEvents).toBe(1);
    expect(m.state.headcount('pit')).toBe(0);
  });

  it('is believed past the window from when the latest was accepted: a reader whose clock was reset lets its miners out', () => {
    const m = started();
    m.reader(read('enter', T0), T0);
    expect(m.state.headcount('pit')).toBe(1);
    // An hour later the miner comes up; the reader stamps 2000-01-01 now.
    const out = m.reader(read('leave', RESET + H), T0 + H);
    expect(out.changes.map((c) => `${c.change} ${c.zoneId}`)).toEqual(['leave pit']);
    expect(m.state.rejectedReaderEvents).toBe(0);
    expect(m.state.headcount('pit')).toBe(0);
    // And its next events, stamped by the reset clock, are in order again.
    m.reader(read('enter', RESET + H + 10 * S), T0 + H + 10 * S);
    expect(m.state.headcount('pit')).toBe(1);
  });

  it('is believed past the window after a clock that had jumped ahead comes back', () => {
    const m = started();
    m.reader(read('enter', T0 + 24 * H), T0);
    expect(m.reader(read('leave', T0 + 30 * MIN), T0 + 30 * MIN).changes.map((c) => c.change)).toEqual(['leave']);
  });

  it('keeps, over a restart, when each reader event was accepted: refused within the window, believed past it', () => {
    const m = started();
    m.reader(read('enter', T0), T0);
    m.reader(read('leave', T0 + 10 * S), T0 + 10 * S);
    const snapshot: unknown = JSON.parse(JSON.stringify(m.state.snapshot(T0 + 10 * S)));
    if (!isPeopleSnapshot(snapshot)) throw new Error('not a snapshot');
    expect(snapshot.tags[0]?.readers).toEqual([{ readerId: 'KJ-01', ts: T0 + 10 * S, inside: false, acceptedAt: T0 + 10 * S }]);

    const quick = started(T0 + 12 * S);
    quick.restore(snapshot, T0 + 12 * S);
    expect(quick.reader(read('enter', T0 + 5 * S), T0 + 13 * S).changes).toEqual([]);
    expect(quick.state.rejectedReaderEvents).toBe(1);

    const later = started(T0 + H);
    later.restore(snapshot, T0 + H);
    later.reader(read('enter', RESET), T0 + H);
    expect(later.state.headcount('pit')).toBe(1);
  });

  it('reads a snapshot written before acceptance times were kept (lastSeen stands in for them)', () => {
    const old: PeopleSnapshot = {
      version: 1,
      takenAt: T0,
      tags: [{ tagId: 'C1', lastSeen: T0, fix: null, readers: [{ readerId: 'KJ-01', ts: T0, inside: true }], zones: [{ zoneId: 'pit', since: T0 }], stillSince: null, sos: false }],
    };
    expect(isPeopleSnapshot(old)).toBe(true);
    const m = started(T0 + 5 * S);
    m.restore(old, T0 + 5 * S);
    expect(m.reader(read('leave', RESET), T0 + 6 * S).changes).toEqual([]);
    expect(m.reader(read('leave', RESET), T0 + 10 * S).changes.map((c) => c.change)).toEqual(['leave']);
  });
});

describe('a reader no zone lists', () => {
  it('is refused and counted: its tags would be kept for ever and placed nowhere', () => {
    const m = started();
    expect(m.reader({ tagId: 'C9', readerId: 'LAMP-ROOM', kind: 'enter', ts: T0 }, T0)).toEqual({ changes: [], alarms: [] });
    expect(m.state.unknownReaderEvents).toBe(1);
    expect(m.state.size).toBe(0);
    // A tag placed by a listed reader is still forgotten normally once out of every reader area.
    m.reader(read('enter', T0), T0);
    m.reader(read('leave', T0 + S), T0 + S);
    for (let t = T0; t <= T0 + 3 * H; t += MIN) m.tick(t);
    expect(m.state.size).toBe(0);
  });

  it('is dropped from a restored tag (a reader taken out of the config no longer holds its tags)', () => {
    const m = new PeopleMonitor({ zones: [...ZONES, { id: 'lamp', kind: 'general', readers: ['LAMP-ROOM'] }], startedAt: T0 });
    m.reader({ tagId: 'C9', readerId: 'LAMP-ROOM', kind: 'enter', ts: T0 }, T0);
    const snapshot = m.state.snapshot(T0);
    const after = started(T0 + 2 * H);
    after.restore(snapshot, T0 + 2 * H);
    // Silent 2 h (past forgetAfter) and in no listed reader area: not brought back.
    expect(after.state.tag('C9')).toBeUndefined();
  });
});
