import { describe, expect, it } from 'vitest';
import type { Person, ZoneSpec } from '../../src/core/index.js';
import { checkPeopleSetup } from '../../src/engine/people/index.js';

/** Config-time checks of zones and the roster: every problem at once, each at its path. */

const SQUARE: [number, number][] = [
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 10],
];

const GOOD_ZONES: ZoneSpec[] = [
  { id: 'ws', kind: 'key', polygon: SQUARE, headcountLimit: [{ from: '20:00', to: '08:00', limit: 2 }] },
  { id: 'sub', kind: 'restricted', readers: ['R1'] },
  { id: 'unit', kind: 'warning', colour: 'red', polygon: SQUARE },
];
const GOOD_PEOPLE: Person[] = [{ tagId: 'T1', personId: 'P1', name: 'Zhang San', authorisedZones: ['sub'] }];

describe('checkPeopleSetup', () => {
  it('finds nothing wrong with a sound setup', () => {
    expect(checkPeopleSetup(GOOD_ZONES, GOOD_PEOPLE, { crowdByColour: { red: { minPeople: 5 } } })).toEqual([]);
  });

  it('names every bad zone at its path', () => {
    const zones: ZoneSpec[] = [
      { id: 'a', kind: 'key' },
      { id: 'a', kind: 'general', polygon: SQUARE },
      { id: 'b', kind: 'key', polygon: [[0, 0], [1, 1]] },
      { id: 'c', kind: 'key', polygon: [[0, 0], [1, 1], [2, 2]] },
      { id: 'd', kind: 'key', polygon: SQUARE, headcountLimit: [{ from: '8am', to: '20:00', limit: 2.5 }], maxDwellMs: 0 },
      { id: 'e', kind: 'warning', polygon: SQUARE, crowd: { minPeople: 1, radiusM: 20 } },
      { id: 'f', kind: 'warning', colour: 'blue', polygon: SQUARE },
      { id: 'g', kind: 'key', polygon: SQUARE, headcountLimit: -1 },
    ];
    const problems = checkPeopleSetup(zones, [], { crowdByColour: { red: { minPeople: 0 } } });
    expect(problems.map((p) => p.path.join('.'))).toEqual([
      'zones.0',
      'zones.1.id',
      'zones.2.polygon',
      'zones.3.polygon',
      'zones.4.headcountLimit.0.from',
      'zones.4.headcountLimit.0.limit',
      'zones.4.maxDwellMs',
      'zones.5.crowd.minPeople',
      'zones.5.crowd.radiusM',
      'zones.6',
      'zones.7.headcountLimit',
      'settings.crowdByColour.red.minPeople',
    ]);
    expect(problems[0]?.message).toBe('zone a: has neither a polygon nor readers: no tag can ever be in it');
    expect(problems[4]?.message).toBe('zone d: "8am" is not a time of day HH:MM (CST)');
    expect(problems[9]?.message).toContain('warning zone with no crowd threshold');
  });

  it('names roster problems: a tag worn twice, authorisations for missing or unguarded zones', () => {
    const people: Person[] = [
      { tagId: 'T1', personId: 'P1', name: 'Zhang San', authorisedZones: ['sub', 'nowhere', 'ws'] },
      { tagId: 'T1', personId: 'P2', name: 'Li Si' },
    ];
    const problems = checkPeopleSetup(GOOD_ZONES, people, { crowdByColour: { red: { minPeople: 5 } } });
    expect(problems).toEqual([
      { path: ['people', 0, 'authorisedZones', 1], message: 'Zhang San (T1) is authorised for zone nowhere, which does not exist' },
      { path: ['people', 0, 'authorisedZones', 2], message: 'zone ws is a key zone: nobody needs an authorisation for it (restricted, authorised-only or danger)' },
      { path: ['people', 1, 'tagId'], message: 'tag T1 is worn by two people' },
    ]);
  });
});
