import { describe, expect, it } from 'vitest';
import { PEOPLE_POLICIES, peopleConditionSetup, type PeopleDirectory } from '../../src/app/people-conditions.js';
import { VIDEO_PRIORITIES, VideoWatch } from '../../src/engine/video/index.js';

/** Conditions raised outside the rule engine come back after a restart, and behave by kind. */

const T0 = Date.UTC(2026, 10, 29, 9);
const S = 1000;
const watch = (startedAt = T0) => new VideoWatch({ cameras: [{ id: 'cam-3', zone: 'reactor' }, { id: 'cam-4' }], holdMs: 60 * S, offlineAfterMs: 300 * S, priorities: VIDEO_PRIORITIES }, startedAt);

describe('video conditions retained across a restart', () => {
  it('a held detection is held for hold from the restart, then returns to normal; a repeat keeps it without a second activation', () => {
    const w = watch();
    expect(w.seed({ conditionId: 'video/cam-3/fire-smoke/reactor', level: 'FIRE_SMOKE', zoneId: 'reactor', cameras: ['cam-3'] }, T0)).toBe(true);
    expect(w.event({ eventId: 'e1', cameraId: 'cam-3', type: 'fire-smoke', vendorType: 'smoke', ts: T0 + 10 * S }, T0 + 10 * S)).toEqual([]);
    expect(w.tick(T0 + 69 * S)).toEqual([]);
    expect(w.tick(T0 + 70 * S)).toEqual([expect.objectContaining({ conditionId: 'video/cam-3/fire-smoke/reactor', level: null, zoneId: 'reactor' })]);
  });

  it('an offline camera stays offline (no second activation) until heard', () => {
    const w = watch();
    expect(w.seed({ conditionId: 'camera-offline/cam-4', level: 'OFFLINE', cameras: ['cam-4'] }, T0)).toBe(true);
    expect(w.tick(T0 + 400 * S).filter((r) => r.conditionId === 'camera-offline/cam-4')).toEqual([]);
    expect(w.heartbeat({ cameraId: 'cam-4', ts: T0 + 401 * S }, T0 + 401 * S)).toEqual([expect.objectContaining({ conditionId: 'camera-offline/cam-4', level: null })]);
  });

  it('refuses what it could not raise: an unconfigured camera offline, a level that is no detection, an id that does not match', () => {
    const w = watch();
    expect(w.seed({ conditionId: 'camera-offline/cam-9', level: 'OFFLINE', cameras: ['cam-9'] }, T0)).toBe(false);
    expect(w.seed({ conditionId: 'video/cam-3/teleport/reactor', level: 'TELEPORT', zoneId: 'reactor', cameras: ['cam-3'] }, T0)).toBe(false);
    expect(w.seed({ conditionId: 'video/cam-3/smoking/elsewhere', level: 'SMOKING', zoneId: 'reactor', cameras: ['cam-3'] }, T0)).toBe(false);
    expect(w.seed({ conditionId: 'video/cam-3/smoking', level: 'SMOKING', cameras: [] }, T0)).toBe(false);
  });
});

describe('personnel-location conditions in the alarm catalogue', () => {
  const dir: PeopleDirectory = {
    priorities: { headcount: 2, dwell: 3, unauthorised: 2, sos: 1, 'man-down': 1, 'tag-offline': 3, 'battery-low': 4, crowd: 2 },
    hasZone: (id) => id === 'ws3' || id === 'tank-farm',
    // tag ids may hold `/`, zone ids may not
    
    hasTag: (id) => id === 'T1' || id === 'mine/T7',
  };

  it('SOS and man-down latch and cannot be shelved; intrusion behaves as a process alarm', () => {
    expect(peopleConditionSetup('sos/T1', dir)).toEqual({ info: { conditionId: 'sos/T1', ruleId: 'sos', ruleKind: 'people', pointId: null, priority: 1 }, policy: PEOPLE_POLICIES.sos });
    expect(PEOPLE_POLICIES.sos).toMatchObject({ latch: true, shelvable: false });
    expect(peopleConditionSetup('man-down/T1', dir)?.policy).toMatchObject({ latch: true, shelvable: false });
    expect(peopleConditionSetup('sos/mine/T7', dir)?.info.ruleId).toBe('sos');
    expect(peopleConditionSetup('unauthorised/ws3/mine/T7', dir)).toMatchObject({ info: { zoneId: 'ws3', priority: 2 }, policy: { latch: false, shelvable: true } });
    expect(peopleConditionSetup('headcount/tank-farm', dir)?.info).toMatchObject({ zoneId: 'tank-farm', ruleId: 'headcount' });
  });

  it('knows nothing of made-up ids: unknown rule, zone or tag', () => {
    for (const id of ['sos/T2', 'headcount/nowhere', 'dwell/nowhere/T1', 'dwell/tank-farm/T9', 'teleport/T1', 'sos', 'gas-high/T1']) expect(peopleConditionSetup(id, dir)).toBeUndefined();
  });
});
