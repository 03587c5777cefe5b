import { describe, expect, it } from 'vitest';
import { AlarmManager } from '../../src/alarms/index.js';
import { wirePeople } from '../../src/app/people-wiring.js';
import { silentLogger } from '../../src/core/index.js';
import { FakeJournal } from './alarms-fixtures.js';

const S = 1000, MIN = 60 * S, H = 60 * MIN;
const T0 = Date.UTC(2025, 0, 6, 2);

/** Alarm policy of personnel-location conditions does not depend on the tag still being known. */

describe('SOS of a tag not on the roster (visitor card)', () => {
  it('may not be shelved, also once the tag is forgotten', () => {
    let now = T0;
    const people = wirePeople(
      { zones: [{ id: 'ws', kind: 'key', polygon: [[0, 0], [20, 0], [20, 20], [0, 20]] }], people: [], settings: { enterAfterMs: 0 } },
      [], silentLogger, undefined, 300_000, T0,
    );
    const journal = new FakeJournal();
    const alarms = new AlarmManager({ siteId: 's', journal, clock: { now: () => now }, newEventId: () => `e${journal.rows.length}`, onTransition: () => undefined, conditions: people.setup });
    for (const r of people.observe({ type: 'position', position: { tagId: 'V1', x: 5, y: 5, ts: now, sos: true } }, now)) alarms.apply(r);
    const shelve = () => { try { alarms.act({ action: 'shelve', conditionId: 'sos/V1', user: 'op', shelve: { kind: 'timed', durationMs: 3600000 } } as never); return 'accepted'; } catch (e) { return (e as { code: string }).code; } };
    expect(shelve()).toBe('HG_ERR_ALARM_NOT_SHELVABLE');
    // The card goes silent (battery gone, card dropped); an hour on it is forgotten, the SOS still latched.
    for (now = T0 + S; now <= T0 + H + 2 * MIN; now += 10 * S) for (const r of people.tick(now)) alarms.apply(r);
    expect(alarms.get('sos/V1')).toMatchObject({ latched: true });
    expect(shelve()).toBe('HG_ERR_ALARM_NOT_SHELVABLE');
  });
});
