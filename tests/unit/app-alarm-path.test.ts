import { describe, expect, it } from 'vitest';
import { AlarmManager } from '../../src/alarms/index.js';
import { AlarmPath } from '../../src/app/alarm-path.js';
import { silentLogger, type RuleResult } from '../../src/core/index.js';
import { FakeJournal } from './alarms-fixtures.js';

const result = (level: string | null, time: number): RuleResult => ({
  conditionId: 'r/P1', ruleId: 'r', ruleKind: 'threshold', pointId: 'P1', level, priority: 2, value: 1, time, message: 'm',
});

describe('AlarmPath', () => {
  it('keeps results in order while the journal fails and applies them when it recovers', () => {
    const journal = new FakeJournal();
    let id = 0;
    const heard: string[] = [];
    const alarms = new AlarmManager({ siteId: 's', journal, clock: { now: () => 0 }, newEventId: () => `e${++id}`, onTransition: (t) => heard.push(`${t.reason}:${t.level ?? ''}`) });
    const path = new AlarmPath(alarms, silentLogger);
    journal.failing = true;
    path.apply([result('H', 1)]);
    path.apply([result('HH', 2), result(null, 3)]);
    expect(path.backlog).toBe(3);
    expect(heard).toEqual([]);
    path.retry();
    expect(path.backlog).toBe(3);
    journal.failing = false;
    path.retry();
    expect(path.backlog).toBe(0);
    expect(heard).toEqual(['activate:H', 'escalate:HH', 'return:HH']);
    expect(journal.rows.map((r) => r.state)).toEqual(['active-unacked', 'active-unacked', 'returned-unacked']);
  });
});
