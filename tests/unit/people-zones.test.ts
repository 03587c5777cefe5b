import { describe, expect, it } from 'vitest';
import type { Person, TagPosition, ZoneSpec } from '../../src/core/index.js';
import { PeopleState, type ZoneChange } from '../../src/engine/people/index.js';

/** Zone membership: hysteresis on outlines, floors, reader areas, and what the state answers. */

const T0 = Date.UTC(2025, 0, 6, 2);
const S = 1000;

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

const ZONES: ZoneSpec[] = [
  { id: 'tank-farm', name: 'Tank farm', kind: 'key', polygon: rect(0, 0, 100, 50) },
  { id: 'control-2f', kind: 'general', floor: '2F', polygon: rect(200, 0, 240, 30) },
  { id: 'adit', kind: 'key', readers: ['R1', 'R2'] },
  { id: 'gate', kind: 'general', polygon: rect(300, 0, 310, 10), readers: ['R9'] },
];

const PEOPLE: Person[] = [
  { tagId: 'T1', personId: 'P001', name: 'Zhang San', role: 'operator' },
  { tagId: 'T2', personId: 'P002', name: 'Li Si' },
];

function fix(tagId: string, x: number, y: number, atS: number, extra: Partial<TagPosition> = {}): TagPosition {
  return { tagId, x, y, ts: T0 + atS * S, ...extra };
}

/** Entry at the first fix inside and 1 m hysteresis: these tests are about membership (debounce: people-entry.test.ts). */
function instant(hysteresisM = 1): PeopleState {
  return new PeopleState(ZONES, PEOPLE, { hysteresisM, enterAfterMs: 0 });
}

function summary(changes: readonly ZoneChange[]): string[] {
  return changes.map((c) => `${c.change} ${c.zoneId} ${c.tagId}`);
}

describe('zone membership with hysteresis', () => {
  it('a tag wobbling ±0.5 m across an edge enters once and never flaps', () => {
    const state = instant();
    const all: ZoneChange[] = [];
    for (let i = 0; i < 200; i++) {
      const x = 100 + (i % 2 === 0 ? -0.5 : 0.5) + Math.sin(i) * 0.01;
      all.push(...state.position(fix('T1', x, 20, i), T0 + i * S));
    }
    expect(summary(all)).toEqual(['enter tank-farm T1']);
    expect(all[0]?.time).toBe(T0);
    expect(state.zonesOf('T1')).toEqual(['tank-farm']);
  });

  it('a tag that walks 2 m beyond the edge leaves, and one 1 m beyond stays', () => {
    const state = instant();
    state.position(fix('T1', 50, 20, 0), T0);
    expect(summary(state.position(fix('T1', 101, 20, 1), T0 + S))).toEqual([]);
    expect(state.zonesOf('T1')).toEqual(['tank-farm']);
    const left = state.position(fix('T1', 102, 20, 2), T0 + 2 * S);
    expect(summary(left)).toEqual(['leave tank-farm T1']);
    expect(left[0]?.time).toBe(T0 + 2 * S);
    // Outside, it enters again only once inside: 0.5 m off the edge is not enough.
    expect(summary(state.position(fix('T1', 100.5, 20, 3), T0 + 3 * S))).toEqual([]);
    expect(summary(state.position(fix('T1', 100, 20, 4), T0 + 4 * S))).toEqual(['enter tank-farm T1']);
  });

  it('defaults to 3 m (the ±3 m static accuracy of UWB) and takes a configured hysteresis', () => {
    const state = new PeopleState(ZONES, PEOPLE, { enterAfterMs: 0 });
    state.position(fix('T1', 50, 20, 0), T0);
    expect(summary(state.position(fix('T1', 102.5, 20, 1), T0 + S))).toEqual([]);
    expect(summary(state.position(fix('T1', 103.5, 20, 2), T0 + 2 * S))).toEqual(['leave tank-farm T1']);
    const wide = instant(5);
    wide.position(fix('T1', 50, 20, 0), T0);
    expect(summary(wide.position(fix('T1', 104.5, 20, 1), T0 + S))).toEqual([]);
    expect(summary(wide.position(fix('T1', 105.5, 20, 2), T0 + 2 * S))).toEqual(['leave tank-farm T1']);
  });

  it('a zone with a floor holds only tags on that floor, and a floor change leaves at once', () => {
    const state = instant();
    expect(summary(state.position(fix('T1', 220, 10, 0, { floor: '1F' }), T0))).toEqual([]);
    expect(summary(state.position(fix('T2', 220, 10, 0), T0))).toEqual([]);
    expect(summary(state.position(fix('T1', 220, 10, 1, { floor: '2F' }), T0 + S))).toEqual(['enter control-2f T1']);
    expect(summary(state.position(fix('T1', 220, 10, 2, { floor: '3F' }), T0 + 2 * S))).toEqual(['leave control-2f T1']);
  });

  it('drops a fix older than the latest and counts it', () => {
    const state = instant();
    state.position(fix('T1', 50, 20, 10), T0 + 10 * S);
    expect(summary(state.position(fix('T1', 150, 20, 5), T0 + 11 * S))).toEqual([]);
    expect(state.zonesOf('T1')).toEqual(['tank-farm']);
    expect(state.tag('T1')?.fix?.x).toBe(50);
    expect(state.position(fix('T1', Number.NaN, 20, 12), T0 + 12 * S)).toEqual([]);
    expect(state.rejectedFixes).toBe(2);
  });
});

describe('reader zones', () => {
  it('holds a tag while it is in the area of any of the zone readers', () => {
    const state = instant();
    expect(summary(state.reader({ tagId: 'T1', readerId: 'R1', kind: 'enter', ts: T0 }, T0))).toEqual(['enter adit T1']);
    expect(summary(state.reader({ tagId: 'T1', readerId: 'R2', kind: 'enter', ts: T0 + S }, T0 + S))).toEqual([]);
    expect(summary(state.reader({ tagId: 'T1', readerId: 'R1', kind: 'leave', ts: T0 + 2 * S }, T0 + 2 * S))).toEqual([]);
    expect(state.zonesOf('T1')).toEqual(['adit']);
    expect(state.tag('T1')?.zones.get('adit')).toBe(T0);
    expect(summary(state.reader({ tagId: 'T1', readerId: 'R2', kind: 'leave', ts: T0 + 3 * S }, T0 + 3 * S))).toEqual(['leave adit T1']);
    expect(summary(state.reader({ tagId: 'T1', readerId: 'R7', kind: 'enter', ts: T0 + 4 * S }, T0 + 4 * S))).toEqual([]);
  });

  it('a zone with an outline and readers holds a tag placed by either', () => {
    const state = instant();
    expect(summary(state.reader({ tagId: 'T1', readerId: 'R9', kind: 'enter', ts: T0 }, T0))).toEqual(['enter gate T1']);
    expect(summary(state.position(fix('T1', 305, 5, 1), T0 + S))).toEqual([]);
    expect(summary(state.reader({ tagId: 'T1', readerId: 'R9', kind: 'leave', ts: T0 + 2 * S }, T0 + 2 * S))).toEqual([]);
    expect(summary(state.position(fix('T1', 320, 5, 3), T0 + 3 * S))).toEqual(['leave gate T1']);
  });
});

describe('what the state answers', () => {
  it('tags, people and headcount per zone; an unknown tag is a head without a name', () => {
    const state = instant();
    state.position(fix('T2', 10, 10, 0), T0);
    state.position(fix('T1', 20, 10, 0), T0);
    state.position(fix('V9', 30, 10, 0), T0);
    state.position(fix('T3', 150, 10, 0), T0);
    expect([...state.tagsIn('tank-farm')]).toEqual(['T2', 'T1', 'V9']);
    expect(state.headcount('tank-farm')).toBe(3);
    expect(state.headcount('nowhere')).toBe(0);
    expect(state.headcounts()).toEqual(
      new Map([
        ['tank-farm', 3],
        ['control-2f', 0],
        ['adit', 0],
        ['gate', 0],
      ]),
    );
    expect(state.peopleIn('tank-farm')).toEqual([
      { tagId: 'T1', personId: 'P001', name: 'Zhang San', role: 'operator' },
      { tagId: 'T2', personId: 'P002', name: 'Li Si', role: null },
      { tagId: 'V9', personId: null, name: null, role: null },
    ]);
    expect(state.zonesOf('T3')).toEqual([]);
    expect(state.zonesOf('unknown')).toEqual([]);
  });

  it('keeps the SOS flag when a fix does not carry it and tracks still runs', () => {
    const state = instant();
    state.position(fix('T1', 1, 1, 0, { sos: true, motion: 'still' }), T0);
    state.position(fix('T1', 1, 1, 1, { motion: 'still' }), T0 + S);
    expect(state.tag('T1')?.sos).toBe(true);
    expect(state.tag('T1')?.stillSince).toBe(T0);
    state.position(fix('T1', 1, 1, 2, { sos: false, motion: 'moving' }), T0 + 2 * S);
    expect(state.tag('T1')?.sos).toBe(false);
    expect(state.tag('T1')?.stillSince).toBeNaN();
    expect(state.tag('T1')?.lastSeen).toBe(T0 + 2 * S);
  });

  it('takes a new roster for tags already tracked', () => {
    const state = instant();
    state.position(fix('V9', 30, 10, 0), T0);
    state.setPeople([...PEOPLE, { tagId: 'V9', personId: 'C17', name: 'Wang Wu', role: 'contractor' }]);
    expect(state.tag('V9')?.person?.name).toBe('Wang Wu');
    expect(state.peopleIn('tank-farm')).toEqual([{ tagId: 'V9', personId: 'C17', name: 'Wang Wu', role: 'contractor' }]);
  });
});
