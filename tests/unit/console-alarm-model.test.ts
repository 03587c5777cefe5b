import { describe, expect, it } from 'vitest';
import { AlarmBook, NO_FILTER, compareAlarms, isUnacked, keyOf, matches, type AlarmFilter } from '../../src/console/lib/alarm-model.js';
import type { Transition } from '../../src/console/lib/wire.js';
import { tr } from './console-alarm-fixtures.js';

const areas: Record<string, string> = { 'GT-101': 'tank-farm', 'GT-102': 'tank-farm', 'PT-201': 'unit-2' };
const areaOf = (t: Transition) => (t.pointId !== null ? (areas[t.pointId] ?? 'site') : 'site');
const f = (over: Partial<AlarmFilter>): AlarmFilter => ({ ...NO_FILTER, ...over });

describe('AlarmBook snapshot', () => {
  it('swaps the whole picture at snapshot-end, never showing half a snapshot', () => {
    const book = new AlarmBook();
    book.apply(tr({ conditionId: 'OLD:hi' }));
    const v0 = book.version;
    book.beginSnapshot();
    book.snapshotCondition(tr({ conditionId: 'GT-101:hi' }));
    book.snapshotCondition(tr({ conditionId: 'GT-102:hi' }));
    // Half-way: still the old picture.
    expect(book.all().map((t) => t.conditionId)).toEqual(['OLD:hi']);
    expect(book.inSnapshot).toBe(true);
    expect(book.version).toBe(v0);
    book.endSnapshot();
    expect(book.all().map((t) => t.conditionId).sort()).toEqual(['GT-101:hi', 'GT-102:hi']);
    expect(book.version).toBe(v0 + 1);
    expect(book.inSnapshot).toBe(false);
  });

  it('leaves normal conditions out of a snapshot', () => {
    const book = new AlarmBook();
    book.beginSnapshot();
    book.snapshotCondition(tr({ conditionId: 'GT-101:hi', state: 'normal' }));
    book.endSnapshot();
    expect(book.size).toBe(0);
  });

  it('keeps what was shown when a snapshot is abandoned', () => {
    const book = new AlarmBook();
    book.apply(tr({ conditionId: 'GT-101:hi' }));
    book.beginSnapshot();
    book.snapshotCondition(tr({ conditionId: 'GT-102:hi' }));
    book.abandonSnapshot();
    expect(book.all().map((t) => t.conditionId)).toEqual(['GT-101:hi']);
    book.endSnapshot(); // no snapshot in flight: nothing happens
    expect(book.size).toBe(1);
  });

  it('takes a condition outside a snapshot as a live transition', () => {
    const book = new AlarmBook();
    book.snapshotCondition(tr({ conditionId: 'GT-101:hi' }));
    expect(book.size).toBe(1);
  });
});

describe('AlarmBook live transitions', () => {
  it('a normal transition removes the condition', () => {
    const book = new AlarmBook();
    book.apply(tr({ conditionId: 'GT-101:hi', rts: 1 }));
    const v = book.version;
    book.apply(tr({ conditionId: 'GT-101:hi', rts: 2, state: 'normal', active: false }));
    expect(book.size).toBe(0);
    expect(book.version).toBe(v + 1);
    // Normal for an unknown condition changes nothing.
    book.apply(tr({ conditionId: 'X:hi', rts: 3, state: 'normal' }));
    expect(book.version).toBe(v + 1);
  });

  it('at a gateway applies transitions in arrival order, whatever their record times (a clock stepped back)', () => {
    const book = new AlarmBook('arrival');
    book.apply(tr({ conditionId: 'GT-101:hi', rts: 5, state: 'active-acked', acked: true }));
    // The gateway's wall clock stepped back: the return to normal carries an older rts, and is still the truth.
    book.apply(tr({ conditionId: 'GT-101:hi', rts: 3, state: 'normal', active: false }));
    expect(book.get('GT-101:hi')).toBeUndefined();
    book.apply(tr({ conditionId: 'GT-101:hi', rts: 2, state: 'active-unacked' }));
    expect(book.get('GT-101:hi')?.state).toBe('active-unacked');
    expect(new AlarmBook().order).toBe('arrival');
  });

  it('at a centre orders each site\'s records by journal seq, remembering conditions that returned', () => {
    const book = new AlarmBook('journal');
    const c = (journalSeq: number, over: Partial<Transition> = {}) => tr({ conditionId: 'GT-101:hi', site: 'a', journalSeq, rts: 100 - journalSeq, ...over });
    book.apply(c(5, { state: 'active-acked', acked: true }));
    const v = book.version;
    // A gap filled later: an older record arrives live after a newer one, and changes nothing.
    book.apply(c(4, { state: 'active-unacked' }));
    expect(book.get('a|GT-101:hi')?.state).toBe('active-acked');
    expect(book.version).toBe(v);
    book.apply(c(7, { state: 'normal', active: false }));
    expect(book.get('a|GT-101:hi')).toBeUndefined();
    // An older "active" record of a condition that already returned does not bring it back.
    book.apply(c(6, { state: 'active-unacked' }));
    expect(book.get('a|GT-101:hi')).toBeUndefined();
    // Another site's seqs are its own.
    book.apply(tr({ conditionId: 'GT-101:hi', site: 'b', journalSeq: 1 }));
    expect(book.get('b|GT-101:hi')).toBeDefined();
    // Newer records apply, whatever their record time.
    book.apply(c(8, { state: 'active-unacked', rts: 1 }));
    expect(book.get('a|GT-101:hi')?.journalSeq).toBe(8);
  });

  it('at a centre takes the snapshot\'s seqs as where each condition stands', () => {
    const book = new AlarmBook('journal');
    book.beginSnapshot();
    book.snapshotCondition(tr({ conditionId: 'X', site: 'a', journalSeq: 10 }));
    book.endSnapshot();
    book.apply(tr({ conditionId: 'X', site: 'a', journalSeq: 9, state: 'normal', active: false }));
    expect(book.get('a|X')).toBeDefined();
    book.apply(tr({ conditionId: 'X', site: 'a', journalSeq: 11, state: 'normal', active: false }));
    expect(book.get('a|X')).toBeUndefined();
  });

  it('keys centre alarms by site and condition', () => {
    const book = new AlarmBook();
    book.apply(tr({ conditionId: 'GT-101:hi', site: 'a' }));
    book.apply(tr({ conditionId: 'GT-101:hi', site: 'b' }));
    expect(book.size).toBe(2);
    expect(keyOf({ conditionId: 'c', site: 'a' })).toBe('a|c');
    expect(keyOf({ conditionId: 'c' })).toBe('c');
    expect(book.get('b|GT-101:hi')?.site).toBe('b');
  });
});

describe('order and filters', () => {
  it('sorts by priority, then newest activation first, then by key', () => {
    const a = tr({ conditionId: 'A', priority: 2, activeSince: 100 });
    const b = tr({ conditionId: 'B', priority: 1, activeSince: 50 });
    const c = tr({ conditionId: 'C', priority: 2, activeSince: 300 });
    const d = tr({ conditionId: 'D', priority: 2, activeSince: null, time: 200 });
    const e = tr({ conditionId: 'E', priority: 2, activeSince: 300 });
    expect([a, b, c, d, e].sort(compareAlarms).map((t) => t.conditionId)).toEqual(['B', 'C', 'E', 'D', 'A']);
    const book = new AlarmBook();
    for (const t of [a, b, c, d, e]) book.apply(t);
    expect(book.list(NO_FILTER, areaOf).map((t) => t.conditionId)).toEqual(['B', 'C', 'E', 'D', 'A']);
  });

  it('filters by area and priority', () => {
    const t = tr({ conditionId: 'GT-101:hi', priority: 1 });
    expect(matches(t, f({ area: 'tank-farm' }), areaOf)).toBe(true);
    expect(matches(t, f({ area: 'unit-2' }), areaOf)).toBe(false);
    expect(matches(t, f({ priority: 1 }), areaOf)).toBe(true);
    expect(matches(t, f({ priority: 2 }), areaOf)).toBe(false);
  });

  it('filters by each state', () => {
    const unacked = tr({ conditionId: 'U' });
    const acked = tr({ conditionId: 'K', state: 'active-acked', acked: true });
    const returned = tr({ conditionId: 'R', state: 'returned-unacked', active: false });
    const latched = tr({ conditionId: 'L', state: 'latched', active: false, acked: true, latched: true });
    const shelved = tr({ conditionId: 'S', state: 'shelved', annunciated: false, shelved: { kind: 'timed', user: 'op', since: 1, until: 2 } });
    const all = [unacked, acked, returned, latched, shelved];
    const pick = (state: AlarmFilter['state']) => all.filter((t) => matches(t, f({ state }), areaOf)).map((t) => t.conditionId);
    expect(pick('shown')).toEqual(['U', 'K', 'R', 'L']);
    expect(pick('unacked')).toEqual(['U', 'R']);
    expect(pick('acked')).toEqual(['K', 'L']);
    expect(pick('active')).toEqual(['U', 'K']);
    expect(pick('returned')).toEqual(['R', 'L']);
    expect(pick('latched')).toEqual(['L']);
    expect(pick('hidden')).toEqual(['S']);
    expect(pick('all')).toEqual(['U', 'K', 'R', 'L', 'S']);
  });

  it('matches every word of the text, case-insensitive, in id, point, zone, level, message or site', () => {
    const t = tr({ conditionId: 'GT-102:hi', level: 'HH', message: 'Leak at Tank 2', site: 'plant-a', zoneId: 'z-tank' });
    expect(matches(t, f({ text: 'leak tank' }), areaOf)).toBe(true);
    expect(matches(t, f({ text: '  LEAK   gt-102 ' }), areaOf)).toBe(true);
    expect(matches(t, f({ text: 'hh plant-a z-tank' }), areaOf)).toBe(true);
    expect(matches(t, f({ text: 'leak fire' }), areaOf)).toBe(false);
  });

  it('filters by site at a centre (alarms without a site pass)', () => {
    expect(matches(tr({ conditionId: 'A', site: 'a' }), f({ site: 'a' }), areaOf)).toBe(true);
    expect(matches(tr({ conditionId: 'A', site: 'b' }), f({ site: 'a' }), areaOf)).toBe(false);
    expect(matches(tr({ conditionId: 'A' }), f({ site: 'a' }), areaOf)).toBe(true);
  });

  it('flashes unacknowledged shown alarms only', () => {
    expect(isUnacked(tr({ conditionId: 'A' }))).toBe(true);
    expect(isUnacked(tr({ conditionId: 'A', acked: true }))).toBe(false);
    expect(isUnacked(tr({ conditionId: 'A', annunciated: false }))).toBe(false);
  });
});

describe('counts', () => {
  it('counts shown alarms by colour and area, unacked and hidden', () => {
    const book = new AlarmBook();
    book.apply(tr({ conditionId: 'GT-101:hi', priority: 1 }));
    book.apply(tr({ conditionId: 'GT-102:hi', priority: 2, acked: true, state: 'active-acked' }));
    book.apply(tr({ conditionId: 'PT-201:hi', priority: 2 }));
    book.apply(tr({ conditionId: 'PT-201:lo', priority: 4, annunciated: false, state: 'shelved' }));
    book.apply(tr({ conditionId: 'ZZ:x', pointId: null, priority: 3 }));
    const c = book.counts(areaOf);
    expect(c.byColour).toEqual({ red: 1, orange: 2, yellow: 1, blue: 0 });
    expect(c.shown).toBe(4);
    expect(c.unacked).toBe(3);
    expect(c.hidden).toBe(1);
    expect(c.byArea).toEqual([
      { area: 'site', byColour: { red: 0, orange: 0, yellow: 1, blue: 0 }, unacked: 1 },
      { area: 'tank-farm', byColour: { red: 1, orange: 1, yellow: 0, blue: 0 }, unacked: 1 },
      { area: 'unit-2', byColour: { red: 0, orange: 1, yellow: 0, blue: 0 }, unacked: 1 },
    ]);
    expect(book.areas(areaOf)).toEqual(['site', 'tank-farm', 'unit-2']);
  });

  it('counts one site at a centre', () => {
    const book = new AlarmBook();
    book.apply(tr({ conditionId: 'A', site: 'a', priority: 1 }));
    book.apply(tr({ conditionId: 'A', site: 'b', priority: 2 }));
    expect(book.counts(areaOf, 'a').byColour).toEqual({ red: 1, orange: 0, yellow: 0, blue: 0 });
    expect(book.counts(areaOf).shown).toBe(2);
  });
});
