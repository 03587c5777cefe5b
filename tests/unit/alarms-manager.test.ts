import { describe, expect, it } from 'vitest';
import { isHazgateError, type AlarmTransition } from '../../src/core/index.js';
import { AlarmManager } from '../../src/alarms/index.js';
import { FakeJournal, result, T0, codeOf } from './alarms-fixtures.js';

function setup() {
  const journal = new FakeJournal();
  const heard: AlarmTransition[] = [];
  /** How many rows the journal held when each transition was heard. */
  const journaledWhenHeard: number[] = [];
  let now = T0 + 1000;
  let id = 0;
  const manager = new AlarmManager({
    siteId: 'site-1',
    journal,
    clock: { now: () => now },
    newEventId: () => `ev-${++id}`,
    onTransition: (t) => {
      heard.push(t);
      journaledWhenHeard.push(journal.rows.length);
    },
  });
  return { journal, heard, journaledWhenHeard, manager, setNow: (t: number) => (now = t) };
}

describe('AlarmManager', () => {
  it('journals a transition before anyone hears of it', () => {
    const { manager, journal, heard, journaledWhenHeard } = setup();
    const t = manager.apply(result('HH', 2));
    expect(t).toMatchObject({ eventId: 'ev-1', siteId: 'site-1', state: 'active-unacked', rts: T0 + 1000 });
    expect(journal.rows).toEqual([t]);
    expect(heard).toEqual([t]);
    expect(journaledWhenHeard).toEqual([1]);
  });

  it('does nothing for a result that changes no state', () => {
    const { manager, journal, heard } = setup();
    expect(manager.apply(result(null, 3))).toBeNull();
    expect([journal.rows.length, heard.length]).toEqual([0, 0]);
  });

  it('retains conditions until acknowledged and back to normal', () => {
    const { manager } = setup();
    const active = manager.apply(result('H', 3));
    expect(manager.get('gas/GT-101')).toEqual(active);
    const returned = manager.apply(result(null, 3));
    expect(manager.get('gas/GT-101')).toEqual(returned);
    expect(returned?.state).toBe('returned-unacked');
    manager.acknowledge('gas/GT-101', returned?.eventId ?? '', 'alice');
    expect(manager.get('gas/GT-101')).toBeUndefined();
    expect(manager.retained()).toEqual([]);
  });

  it('lists retained alarms most urgent first, then newest first', () => {
    const { manager } = setup();
    manager.apply(result('H', 3, { pointId: 'A', time: T0 + 1 }));
    manager.apply(result('HH', 2, { pointId: 'B', time: T0 + 2 }));
    manager.apply(result('H', 3, { pointId: 'C', time: T0 + 3 }));
    manager.apply(result('HH', 1, { pointId: 'D', time: T0 + 1 }));
    expect(manager.retained().map((t) => t.pointId)).toEqual(['D', 'B', 'C', 'A']);
  });

  it('acknowledges with the clock time and the user, and counts', () => {
    const { manager, heard, setNow } = setup();
    const active = manager.apply(result('HH', 2));
    setNow(T0 + 60_000);
    const t = manager.acknowledge('gas/GT-101', active?.eventId ?? '', 'alice', 'crew on the way');
    expect(t).toMatchObject({ state: 'active-acked', time: T0 + 60_000, user: 'alice', comment: 'crew on the way' });
    expect(heard.at(-1)).toEqual(t);
    expect(manager.stats.actions.acknowledge).toBe(1);
  });

  it('throws coded refusals and counts them by code', () => {
    const { manager, journal } = setup();
    const first = manager.apply(result('H', 3));
    manager.apply(result('HH', 2));
    expect(codeOf(() => manager.acknowledge('gas/NOPE', 'x', 'bob'))).toBe('HG_ERR_ALARM_UNKNOWN_CONDITION');
    expect(codeOf(() => manager.acknowledge('gas/GT-101', first?.eventId ?? '', 'bob'))).toBe('HG_ERR_ALARM_STALE_EVENT');
    const latest = manager.get('gas/GT-101')?.eventId ?? '';
    manager.acknowledge('gas/GT-101', latest, 'bob');
    expect(codeOf(() => manager.acknowledge('gas/GT-101', latest, 'carol'))).toBe('HG_ERR_ALARM_ALREADY_ACKED');
    expect(manager.stats.refused.acknowledge).toEqual({ HG_ERR_ALARM_UNKNOWN_CONDITION: 1, HG_ERR_ALARM_STALE_EVENT: 1, HG_ERR_ALARM_ALREADY_ACKED: 1 });
    expect(manager.stats.actions.acknowledge).toBe(1);
    expect(journal.rows.map((t) => t.reason)).toEqual(['activate', 'escalate', 'acknowledge']);
  });

  it('counts transitions by reason', () => {
    const { manager } = setup();
    manager.apply(result('H', 3));
    manager.apply(result('HH', 2));
    manager.apply(result('H', 3));
    manager.apply(result(null, 3));
    manager.acknowledge('gas/GT-101', manager.get('gas/GT-101')?.eventId ?? '', 'alice');
    expect(manager.stats.transitions).toMatchObject({ activate: 1, escalate: 1, deescalate: 1, return: 1, acknowledge: 1, shelve: 0, 're-alarm': 0 });
  });

  it('on a journal failure throws HG_ERR_JOURNAL_WRITE, counts, and changes nothing; a retry succeeds', () => {
    const { manager, journal, heard } = setup();
    const disk = new Error('disk full');
    journal.failWith = disk;
    let caught: unknown;
    try {
      manager.apply(result('HH', 2));
    } catch (e) {
      caught = e;
    }
    expect(isHazgateError(caught) && [caught.code, caught.cause]).toEqual(['HG_ERR_JOURNAL_WRITE', disk]);
    expect(manager.stats.journalFailures).toBe(1);
    expect([manager.retained().length, heard.length, manager.stats.transitions.activate]).toEqual([0, 0, 0]);
    journal.failWith = null;
    expect(manager.apply(result('HH', 2))?.reason).toBe('activate');
    expect(heard).toHaveLength(1);
  });

  it('does not acknowledge when the journal fails', () => {
    const { manager, journal } = setup();
    const active = manager.apply(result('HH', 2));
    journal.failWith = new Error('io');
    expect(codeOf(() => manager.acknowledge('gas/GT-101', active?.eventId ?? '', 'alice'))).toBe('HG_ERR_JOURNAL_WRITE');
    expect([manager.get('gas/GT-101')?.state, manager.stats.actions.acknowledge]).toEqual(['active-unacked', 0]);
  });

  it('restores retained conditions from the journal and carries on from them', () => {
    const before = setup();
    const active = before.manager.apply(result('HH', 2));
    const { manager, journal } = setup();
    journal.retainedOnLoad = active === null ? [] : [active];
    expect(manager.restore()).toEqual([active]);
    expect(manager.apply(result(null, 2))).toMatchObject({ from: 'active-unacked', state: 'returned-unacked', level: 'HH' });
  });
});
