import { describe, expect, it } from 'vitest';
import type { TagPosition, ZoneSpec } from '../../src/core/index.js';
import { PeopleMonitor, PeopleState, resolvePeopleSettings, type ZoneChange } from '../../src/engine/people/index.js';

/** Entering zones (debounce, hysteresis defaults) and the order of fixes and reader events, on fake time. */

const T0 = Date.UTC(2025, 0, 6, 2);
const S = 1000;

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

const ZONES: ZoneSpec[] = [
  { id: 'tank-farm', kind: 'key', polygon: rect(0, 0, 100, 50), maxDwellMs: 60 * S },
  { id: 'adit', kind: 'key', readers: ['R1'] },
  { id: 'gate', kind: 'general', polygon: rect(300, 0, 310, 10), readers: ['R9'] },
];

const fix = (tagId: string, x: number, y: number, atS: number, extra: Partial<TagPosition> = {}): TagPosition => ({ tagId, x, y, ts: T0 + atS * S, ...extra });
const summary = (changes: readonly ZoneChange[]): string[] => changes.map((c) => `${c.change} ${c.zoneId} ${c.tagId}`);

/** Feeds a fix at gateway time T0 + atS (its own ts unless given) and summarises the zone changes. */
function feed(state: PeopleState, p: TagPosition, atS: number): string[] {
  return summary(state.position(p, T0 + atS * S));
}

describe('defaults', () => {
  it('are 3 m hysteresis, 2 s entry debounce, 10 s reorder window and warm-up, 1 h forgetting, 24 h track retention', () => {
    expect(resolvePeopleSettings()).toMatchObject({ hysteresisM: 3, enterAfterMs: 2000, reorderWindowMs: 10_000, warmupMs: 10_000, forgetAfterMs: 3_600_000, trackRetentionMs: 86_400_000 });
    // Forgetting never comes before a tag could be called offline.
    expect(resolvePeopleSettings({ offlineAfterMs: 2 * 3_600_000 }).forgetAfterMs).toBe(4 * 3_600_000);
  });
});

describe('entry debounce (enterAfterMs)', () => {
  it('enters an outline only once the fixes have been inside for 2 s, dated from the first fix inside', () => {
    const state = new PeopleState(ZONES);
    expect(feed(state, fix('T1', 50, 20, 0), 0)).toEqual([]);
    expect(feed(state, fix('T1', 50, 21, 1), 1)).toEqual([]);
    expect(state.headcount('tank-farm')).toBe(0);
    const entered = state.position(fix('T1', 50, 22, 2), T0 + 2 * S);
    expect(summary(entered)).toEqual(['enter tank-farm T1']);
    expect(entered[0]?.time).toBe(T0 + 2 * S);
    // A dwell counts from the first fix inside: the debounce does not shorten it.
    expect(state.tag('T1')?.zones.get('tank-farm')).toBe(T0);
  });

  it('a fix outside before then cancels: a tag crossing a corner of a zone never enters it', () => {
    const state = new PeopleState(ZONES);
    const seen: string[] = [];
    // In for one fix, out, in for one fix, out…: never 2 s inside.
    for (let s = 0; s < 20; s++) seen.push(...feed(state, fix('T1', s % 2 === 0 ? 99 : 105, 20, s), s));
    expect(seen).toEqual([]);
    expect(feed(state, fix('T1', 99, 20, 20), 20)).toEqual([]);
    expect(feed(state, fix('T1', 99, 20, 21), 21)).toEqual([]);
    expect(feed(state, fix('T1', 99, 20, 22), 22)).toEqual(['enter tank-farm T1']);
    expect(state.tag('T1')?.zones.get('tank-farm')).toBe(T0 + 20 * S);
  });

  it('enters a reader zone at once: a gate read is deliberate', () => {
    const state = new PeopleState(ZONES);
    expect(summary(state.reader({ tagId: 'T1', readerId: 'R1', kind: 'enter', ts: T0 }, T0))).toEqual(['enter adit T1']);
    // A zone with an outline and readers: the reader puts the tag in at once, the outline would not have.
    expect(summary(state.reader({ tagId: 'T2', readerId: 'R9', kind: 'enter', ts: T0 }, T0))).toEqual(['enter gate T2']);
  });

  it('a monitor raises an intrusion only after the debounce, with enterAfterMs 0 at the first fix', () => {
    const zones: ZoneSpec[] = [{ id: 'sub', kind: 'restricted', polygon: rect(0, 0, 20, 20) }];
    const debounced = new PeopleMonitor({ zones });
    const levels = [0, 1, 2].map((s) => debounced.position(fix('V1', 5, 5, s), T0 + s * S).alarms.map((a) => a.level));
    expect(levels).toEqual([[], [], ['INTRUSION']]);
    const instant = new PeopleMonitor({ zones, settings: { enterAfterMs: 0 } });
    expect(instant.position(fix('V1', 5, 5, 0), T0).alarms.map((a) => a.level)).toEqual(['INTRUSION']);
  });

  it('a tag that stopped just inside enters when the debounce runs out at a tick, not at its next fix; a fix outside first cancels it', () => {
    const zones: ZoneSpec[] = [{ id: 'sub', kind: 'restricted', polygon: rect(0, 0, 20, 20), headcountLimit: 0 }];
    const m = new PeopleMonitor({ zones, settings: { warmupMs: 0 } });
    expect(m.position(fix('V1', 5, 5, 0), T0).alarms).toEqual([]);
    expect(m.step(T0 + 1.9 * S).changes).toEqual([]);
    const at = m.step(T0 + 2 * S);
    expect(at.changes).toEqual([{ tagId: 'V1', zoneId: 'sub', change: 'enter', time: T0 + 2 * S }]);
    expect(at.alarms.map((a) => `${a.conditionId} ${a.level}`).sort()).toEqual(['headcount/sub HEADCOUNT', 'unauthorised/sub/V1 INTRUSION']);
    expect(m.state.tag('V1')?.zones.get('sub')).toBe(T0);
    expect(m.step(T0 + 3 * S).changes).toEqual([]);

    m.position(fix('V2', 5, 5, 10), T0 + 10 * S);
    m.position(fix('V2', 50, 50, 11), T0 + 11 * S);
    expect(m.step(T0 + 13 * S).changes).toEqual([]);
    expect(m.state.headcount('sub')).toBe(1);
  });

  it('leaving keeps the hysteresis rule (3 m by default) and is not debounced', () => {
    const state = new PeopleState(ZONES, [], { enterAfterMs: 0 });
    feed(state, fix('T1', 50, 20, 0), 0);
    expect(feed(state, fix('T1', 102.9, 20, 1), 1)).toEqual([]);
    expect(feed(state, fix('T1', 103.1, 20, 2), 2)).toEqual(['leave tank-farm T1']);
  });
});

describe('fixes out of order (reorderWindowMs)', () => {
  it('drops an older fix while the latest arrived less than 10 s ago, and counts it', () => {
    const state = new PeopleState(ZONES, [], { enterAfterMs: 0 });
    feed(state, fix('T1', 50, 20, 10), 10);
    expect(feed(state, fix('T1', 150, 20, 5), 19.9)).toEqual([]);
    expect(state.tag('T1')?.fix?.x).toBe(50);
    expect(state.rejectedFixes).toBe(1);
  });

  it('believes older stamps once the window has passed: one fix stamped minutes ahead does not hold back the rest', () => {
    const state = new PeopleState(ZONES, [], { enterAfterMs: 0 });
    // The device stamps one fix 5 min ahead, then its clock is right again.
    feed(state, fix('T1', 50, 20, 300), 0);
    const refused: string[][] = [];
    for (let s = 1; s < 10; s++) refused.push(feed(state, fix('T1', 150, 20, s), s));
    expect(refused.flat()).toEqual([]);
    expect(state.rejectedFixes).toBe(9);
    expect(feed(state, fix('T1', 150, 20, 10), 10)).toEqual(['leave tank-farm T1']);
    expect(state.tag('T1')?.fix?.ts).toBe(T0 + 10 * S);
    // From then on the fixes of the right clock follow one another as usual.
    expect(feed(state, fix('T1', 50, 20, 11), 11)).toEqual(['enter tank-farm T1']);
    expect(state.rejectedFixes).toBe(9);
  });
});

describe('reader events out of order', () => {
  it('ignores an event stamped before the latest of the same reader about the tag: a late enter does not pin the tag', () => {
    const state = new PeopleState(ZONES);
    state.reader({ tagId: 'T1', readerId: 'R1', kind: 'enter', ts: T0 }, T0);
    expect(summary(state.reader({ tagId: 'T1', readerId: 'R1', kind: 'leave', ts: T0 + 5 * S }, T0 + 6 * S))).toEqual(['leave adit T1']);
    // The enter of a second pass, delayed in the network, stamped before the leave.
    expect(summary(state.reader({ tagId: 'T1', readerId: 'R1', kind: 'enter', ts: T0 + 3 * S }, T0 + 7 * S))).toEqual([]);
    expect(state.zonesOf('T1')).toEqual([]);
    expect(state.rejectedReaderEvents).toBe(1);
    expect(state.tag('T1')?.lastSeen).toBe(T0 + 6 * S);
    // Another reader's events and later ones are taken.
    expect(summary(state.reader({ tagId: 'T1', readerId: 'R1', kind: 'enter', ts: T0 + 8 * S }, T0 + 8 * S))).toEqual(['enter adit T1']);
  });

  it('a monitor judges nothing on a refused event', () => {
    const m = new PeopleMonitor({ zones: [{ id: 'face', kind: 'danger', readers: ['R1'] }] });
    expect(m.reader({ tagId: 'T1', readerId: 'R1', kind: 'enter', ts: T0 }, T0).alarms.map((a) => a.level)).toEqual(['INTRUSION']);
    expect(m.reader({ tagId: 'T1', readerId: 'R1', kind: 'leave', ts: T0 + 2 * S }, T0 + 2 * S).alarms.map((a) => a.level)).toEqual([null]);
    expect(m.reader({ tagId: 'T1', readerId: 'R1', kind: 'enter', ts: T0 + S }, T0 + 3 * S)).toEqual({ changes: [], alarms: [] });
    expect(m.state.rejectedReaderEvents).toBe(1);
  });
});
