import { describe, expect, it } from 'vitest';
import { wirePeople } from '../../src/app/people-wiring.js';
import { silentLogger, type AdapterMetric, type Observation, type ZoneSpec } from '../../src/core/index.js';
import { PeopleMonitor, PeopleState, resolvePeopleSettings } from '../../src/engine/people/index.js';

/**
 * Memory bounds of personnel location (review: 300,000 junk tag ids took about 650 MB): at most
 * maxTags tags off the roster, refused and counted beyond; roster tags always taken.
 */

const S = 1000;
const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 6, 2);
const ZONES: ZoneSpec[] = [
  { id: 'ws', kind: 'general', polygon: [[0, 0], [10, 0], [10, 10], [0, 10]] },
  { id: 'pit', kind: 'key', readers: ['KJ-01'] },
];
const PEOPLE = [{ tagId: 'W1', personId: 'P1', name: 'Li Wei' }];

describe('maxTags', () => {
  it('defaults to 20,000', () => {
    expect(resolvePeopleSettings().maxTags).toBe(20_000);
  });

  it('refuses a new tag off the roster past it, by fix, tag state or reader event, and counts it', () => {
    const st = new PeopleState(ZONES, PEOPLE, { maxTags: 2 });
    st.position({ tagId: 'J1', x: 1, y: 1, ts: T0 }, T0);
    st.reader({ tagId: 'J2', readerId: 'KJ-01', kind: 'enter', ts: T0 }, T0);
    expect(st.takePosition({ tagId: 'J3', x: 1, y: 1, ts: T0 }, T0)).toBeNull();
    expect(st.takeReader({ tagId: 'J4', readerId: 'KJ-01', kind: 'enter', ts: T0 }, T0)).toBeNull();
    expect(st.takeStatus({ tagId: 'J5', ts: T0, sos: true }, T0)).toBeNull();
    expect(st.rejectedTags).toBe(3);
    // Known tags keep reporting; roster tags are always taken.
    expect(st.takePosition({ tagId: 'J1', x: 2, y: 1, ts: T0 + S }, T0 + S)).not.toBeNull();
    expect(st.takePosition({ tagId: 'W1', x: 2, y: 1, ts: T0 }, T0)).not.toBeNull();
    expect([...st.tags()].map((t) => t.tagId)).toEqual(['J1', 'J2', 'W1']);
  });

  it('makes room again as tags are forgotten, and counts a roster change', () => {
    const m = new PeopleMonitor({ zones: ZONES, settings: { maxTags: 1 }, startedAt: T0 });
    m.position({ tagId: 'J1', x: 1, y: 1, ts: T0 }, T0);
    m.position({ tagId: 'J2', x: 1, y: 1, ts: T0 }, T0);
    expect(m.state.size).toBe(1);
    m.tick(T0 + 2 * H);
    expect(m.state.size).toBe(0);
    m.position({ tagId: 'J2', x: 1, y: 1, ts: T0 + 2 * H }, T0 + 2 * H);
    expect(m.state.tag('J2')).toBeDefined();
    // J2 put on the roster: it no longer counts, so another stranger fits.
    m.state.setPeople([{ tagId: 'J2', personId: 'P2', name: 'Wang Fang' }]);
    m.position({ tagId: 'J3', x: 1, y: 1, ts: T0 + 2 * H }, T0 + 2 * H);
    expect(m.state.size).toBe(2);
  });

  it('bounds a restore too', () => {
    const before = new PeopleState(ZONES, [], { maxTags: 5 });
    for (let i = 0; i < 5; i++) before.position({ tagId: `J${i}`, x: 1, y: 1, ts: T0 }, T0);
    const after = new PeopleState(ZONES, [], { maxTags: 3 });
    after.restore(before.snapshot(T0), T0 + S, { offlineAfterMs: 60_000, forgetAfterMs: H });
    expect(after.size).toBe(3);
    expect(after.rejectedTags).toBe(2);
  });
});

describe('personnel location in the gateway, bounded', () => {
  const refused = (metrics: readonly AdapterMetric[], reason: string): number | undefined =>
    metrics.find((m) => m.name === 'hazgate_people_refused_total')?.values.find((v) => v.labels['reason'] === reason)?.value;

  it('keeps no track of a refused tag and counts too-many-tags and unknown-reader', () => {
    const people = wirePeople({ zones: ZONES, people: PEOPLE, settings: { maxTags: 100 } }, [], silentLogger);
    for (let i = 0; i < 1_000; i++) people.observe({ type: 'position', position: { tagId: `junk-${i}`, x: 1, y: 1, ts: T0 + i } }, T0 + i);
    const seen: Observation = { type: 'reader', event: { tagId: 'C9', readerId: 'LAMP-ROOM', kind: 'enter', ts: T0 } };
    people.observe(seen, T0);
    const metrics = people.metrics();
    expect(refused(metrics, 'too-many-tags')).toBe(900);
    expect(refused(metrics, 'unknown-reader')).toBe(1);
    expect(metrics.find((m) => m.name === 'hazgate_people_tags')?.values[0]?.value).toBe(100);
    expect(people.service?.track('junk-999', 0, Infinity)).toBeUndefined();
    expect(people.service?.track('junk-0', 0, Infinity)).toHaveLength(1);
    // 100 one-point tracks: two points' room and about 1 kB each.
    expect(metrics.find((m) => m.name === 'hazgate_people_track_bytes')?.values[0]?.value).toBe(100 * (2 * 26 + 1_000));
  });
});
