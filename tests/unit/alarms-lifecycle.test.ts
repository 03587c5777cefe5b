import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GOOD, type AlarmTransition, type OperatorRequest, type Sample } from '../../src/core/index.js';
import { AlarmManager, DEFAULT_POLICY, SqliteAlarmJournal, type AlarmPolicy, type ConditionSetup } from '../../src/alarms/index.js';
import type { AlarmJournal, SuppressionSpec } from '../../src/core/index.js';
import { FakeJournal, result, T0, codeOf } from './alarms-fixtures.js';

/**
 * The ISA-18.2 lifecycle through the manager, with fake time: latch/reset, confirm, shelving
 * (one-shot, timed, expiry, cap), out of service, suppression by design (condition and first-out),
 * re-alarm, and every refusal.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;

interface Options {
  readonly policy?: Partial<AlarmPolicy>;
  readonly suppress?: SuppressionSpec;
  readonly journal?: AlarmJournal;
  /** Conditions `gas/<point>` configured; default GT-101 and GT-102. */
  readonly points?: readonly string[];
}

/** Event ids stay unique across the managers of a test (a restart shares the journal). */
let eventIds = 0;

function plant(o: Options = {}) {
  const journal = o.journal ?? new FakeJournal();
  const heard: AlarmTransition[] = [];
  const latest = new Map<string, Sample>();
  let now = T0;
  const setups = new Map<string, ConditionSetup>(
    (o.points ?? ['GT-101', 'GT-102']).map((p) => [
      `gas/${p}`,
      { info: { conditionId: `gas/${p}`, ruleId: 'gas', ruleKind: 'threshold', pointId: p, priority: 2 }, policy: { ...DEFAULT_POLICY, ...o.policy }, suppress: o.suppress },
    ]),
  );
  const manager = new AlarmManager({
    siteId: 'site-1',
    journal,
    clock: { now: () => now },
    newEventId: () => `ev-${++eventIds}`,
    onTransition: (t) => heard.push(t),
    conditions: (c) => setups.get(c),
    latest: (p) => latest.get(p),
    maxShelveMs: 8 * HOUR,
  });
  const at = (ms: number): void => {
    now = T0 + ms;
  };
  const state = (point = 'GT-101') => manager.get(`gas/${point}`)?.state ?? 'normal';
  const raise = (point = 'GT-101', level: string | null = 'H') => manager.apply(result(level, 2, { pointId: point, time: now }));
  const act = (action: OperatorRequest['action'], extra: Partial<OperatorRequest> = {}, point = 'GT-101'): AlarmTransition => {
    const eventId = manager.get(`gas/${point}`)?.eventId;
    return manager.act({ action, conditionId: `gas/${point}`, user: 'li.wei', ...(eventId === undefined ? {} : { eventId }), ...extra });
  };
  const unit = (point: string, value: number | boolean, quality = GOOD) => latest.set(point, { pointId: point, value, quality, ts: now, rts: now, tsSource: 'device' });
  return { manager, heard, journal, at, state, raise, act, unit, tick: () => manager.tick(now) };
}

describe('latched alarms', () => {
  it('stay after the return until acknowledged and reset; reset is refused while active or unacked', () => {
    const p = plant({ policy: { latch: true } });
    p.raise();
    expect(p.manager.get('gas/GT-101')).toMatchObject({ state: 'active-unacked', latched: true, annunciated: true });
    expect(codeOf(() => p.act('reset'))).toBe('HG_ERR_ALARM_STILL_ACTIVE');
    p.raise('GT-101', null);
    expect(p.state()).toBe('returned-unacked');
    expect(codeOf(() => p.act('reset'))).toBe('HG_ERR_ALARM_NOT_ACKED');
    p.act('acknowledge');
    expect(p.state()).toBe('latched');
    const reset = p.act('reset', { comment: 'detector checked' });
    expect(reset).toMatchObject({ reason: 'reset', from: 'latched', state: 'normal', latched: false, user: 'li.wei', comment: 'detector checked' });
    expect(p.manager.get('gas/GT-101')).toBeUndefined();
    expect(codeOf(() => p.act('reset'))).toBe('HG_ERR_ALARM_NOT_LATCHED');
  });

  it('a re-activation of a latched alarm keeps the latch', () => {
    const p = plant({ policy: { latch: true } });
    p.raise();
    p.act('acknowledge');
    p.raise('GT-101', null);
    p.raise();
    expect(p.manager.get('gas/GT-101')).toMatchObject({ state: 'active-unacked', latched: true });
  });
});

describe('confirmation', () => {
  it('a rule with confirm: true waits for a confirmation after the ack and the return', () => {
    const p = plant({ policy: { confirm: true } });
    p.raise();
    expect(codeOf(() => p.act('confirm'))).toBe('HG_ERR_ALARM_NOT_ACKED');
    p.act('acknowledge');
    p.raise('GT-101', null);
    expect(p.state()).toBe('unconfirmed');
    expect(p.act('confirm', { comment: 'valve closed' })).toMatchObject({ reason: 'confirm', state: 'normal', confirmed: true });
  });

  it('a confirmation can come while the alarm is still active', () => {
    const p = plant({ policy: { confirm: true } });
    p.raise();
    p.act('acknowledge');
    p.act('confirm');
    expect(p.raise('GT-101', null)).toMatchObject({ state: 'normal' });
  });

  it('a rule without confirm awaits none', () => {
    const p = plant();
    p.raise();
    p.act('acknowledge');
    expect(codeOf(() => p.act('confirm'))).toBe('HG_ERR_ALARM_ALREADY_CONFIRMED');
  });
});

describe('shelving', () => {
  it('one-shot: hides an active alarm until it returns to normal, then it is gone without an ack', () => {
    const p = plant();
    p.raise();
    const shelved = p.act('shelve', { shelve: { kind: 'one-shot' }, comment: 'known sensor drift' });
    expect(shelved).toMatchObject({ state: 'shelved', annunciated: false, acked: false, shelved: { kind: 'one-shot', user: 'li.wei', since: T0, until: null } });
    p.at(5 * MIN);
    expect(p.raise('GT-101', null)).toMatchObject({ reason: 'return', state: 'normal', acked: true, shelved: null });
    expect(p.manager.retained()).toEqual([]);
  });

  it('one-shot on an inactive condition is refused', () => {
    const p = plant();
    expect(codeOf(() => p.act('shelve', { shelve: { kind: 'one-shot' } }))).toBe('HG_ERR_ALARM_NOT_ACTIVE');
  });

  it('timed: a normal condition can be shelved ahead; what happens meanwhile is journaled, hidden, and shown at expiry', () => {
    const p = plant({ policy: { latch: true } });
    expect(p.act('shelve', { shelve: { kind: 'timed', durationMs: HOUR }, comment: 'calibration' })).toMatchObject({
      from: 'normal', state: 'shelved', annunciated: false, shelved: { kind: 'timed', until: T0 + HOUR },
    });
    p.at(10 * MIN);
    expect(p.raise()).toMatchObject({ reason: 'activate', state: 'shelved', active: true, acked: false, latched: false, annunciated: false });
    p.at(HOUR - 1);
    expect(p.tick()).toEqual([]);
    p.at(HOUR);
    const [expired] = p.tick();
    // Shown now: unacknowledged, and its latch starts now that an operator sees it.
    expect(expired).toMatchObject({ reason: 'shelve-expired', state: 'active-unacked', annunciated: true, shelved: null, latched: true });
    expect(p.journal.recent({ limit: 10 }).map((t) => t.reason).reverse()).toEqual(['shelve', 'activate', 'shelve-expired']);
  });

  it('timed: an alarm that came and went while shelved needs no ack at expiry', () => {
    const p = plant();
    p.act('shelve', { shelve: { kind: 'timed', durationMs: HOUR } });
    p.raise();
    p.raise('GT-101', null);
    expect(p.state()).toBe('shelved');
    p.at(HOUR);
    expect(p.tick()).toMatchObject([{ reason: 'shelve-expired', state: 'normal' }]);
    expect(p.manager.retained()).toEqual([]);
  });

  it('unshelve shows the alarm again', () => {
    const p = plant();
    p.raise();
    p.act('shelve', { shelve: { kind: 'timed', durationMs: HOUR } });
    expect(p.act('unshelve')).toMatchObject({ reason: 'unshelve', state: 'active-unacked', annunciated: true, shelved: null });
  });

  it.each([
    ['longer than alarms.maxShelve', {}, { kind: 'timed', durationMs: 8 * HOUR + 1 }, 'HG_ERR_ALARM_SHELVE_TOO_LONG'],
    ['a zero duration', {}, { kind: 'timed', durationMs: 0 }, 'HG_ERR_API_BAD_REQUEST'],
    ['no kind', {}, undefined, 'HG_ERR_API_BAD_REQUEST'],
    ['a rule with shelvable: false', { shelvable: false }, { kind: 'timed', durationMs: HOUR }, 'HG_ERR_ALARM_NOT_SHELVABLE'],
    ['exactly alarms.maxShelve', {}, { kind: 'timed', durationMs: 8 * HOUR }, 'accepted'],
  ] as const)('a timed shelve with %s: %s', (_name, policy, shelve, code) => {
    const p = plant({ policy });
    expect(codeOf(() => p.act('shelve', shelve === undefined ? {} : { shelve }))).toBe(code);
  });

  it('refuses a second shelve, an unshelve of an unshelved condition, and a shelve while out of service', () => {
    const p = plant();
    p.raise();
    p.act('shelve', { shelve: { kind: 'one-shot' } });
    expect(codeOf(() => p.act('shelve', { shelve: { kind: 'timed', durationMs: HOUR } }))).toBe('HG_ERR_ALARM_ALREADY_SHELVED');
    p.act('unshelve');
    expect(codeOf(() => p.act('unshelve'))).toBe('HG_ERR_ALARM_NOT_SHELVED');
    p.act('out-of-service', { comment: 'detector replaced' });
    expect(codeOf(() => p.act('shelve', { shelve: { kind: 'one-shot' } }))).toBe('HG_ERR_ALARM_OUT_OF_SERVICE');
  });
});

describe('out of service', () => {
  it('hides the condition with who and why, is retained while normal, and returns to service showing what is active', () => {
    const p = plant();
    const oos = p.act('out-of-service', { comment: 'detector sent for calibration' });
    expect(oos).toMatchObject({ state: 'out-of-service', annunciated: false, outOfService: { user: 'li.wei', since: T0, reason: 'detector sent for calibration' } });
    expect(p.manager.retained().map((t) => t.state)).toEqual(['out-of-service']);
    p.raise();
    expect(p.state()).toBe('out-of-service');
    expect(p.act('in-service')).toMatchObject({ reason: 'in-service', state: 'active-unacked', annunciated: true, outOfService: null });
  });

  it('replaces a shelve', () => {
    const p = plant();
    p.raise();
    p.act('shelve', { shelve: { kind: 'one-shot' } });
    expect(p.act('out-of-service', { comment: 'maintenance' })).toMatchObject({ shelved: null, state: 'out-of-service' });
  });

  it.each([
    ['without a reason', () => plant(), (p: ReturnType<typeof plant>) => p.act('out-of-service'), 'HG_ERR_API_BAD_REQUEST'],
    ['with a blank reason', () => plant(), (p: ReturnType<typeof plant>) => p.act('out-of-service', { comment: '  ' }), 'HG_ERR_API_BAD_REQUEST'],
    ['twice', () => plant(), (p: ReturnType<typeof plant>) => [p.act('out-of-service', { comment: 'a' }), p.act('out-of-service', { comment: 'b' })], 'HG_ERR_ALARM_ALREADY_OUT_OF_SERVICE'],
    ['back in service when in service', () => plant(), (p: ReturnType<typeof plant>) => p.act('in-service'), 'HG_ERR_ALARM_IN_SERVICE'],
  ])('refuses %s', (_name, make, run, code) => {
    const p = make();
    expect(codeOf(() => run(p))).toBe(code);
  });
});

describe('suppression by design', () => {
  const unitDown: SuppressionSpec = { when: [{ point: 'U1.running', equals: false, label: 'unit 1 shut down' }] };

  it('an activation while the unit is shut down is journaled, hidden, and needs no ack when it returns', () => {
    const p = plant({ suppress: unitDown, policy: { latch: true } });
    p.unit('U1.running', false);
    expect(p.raise()).toMatchObject({ state: 'suppressed', annunciated: false, suppressed: { by: 'condition', reason: 'unit 1 shut down' }, latched: false });
    expect(p.raise('GT-101', null)).toMatchObject({ state: 'normal', acked: true });
  });

  it('the unit starting shows a still-active alarm at the next tick', () => {
    const p = plant({ suppress: unitDown });
    p.unit('U1.running', false);
    p.raise();
    expect(p.tick()).toEqual([]);
    p.unit('U1.running', true);
    expect(p.tick()).toMatchObject([{ reason: 'unsuppress', state: 'active-unacked', annunciated: true, suppressed: null }]);
  });

  it('the unit stopping hides a shown alarm only once it is acknowledged: a trip never vanishes unseen', () => {
    const p = plant({ suppress: unitDown });
    p.unit('U1.running', true);
    p.raise();
    p.unit('U1.running', false);
    expect(p.tick()).toEqual([]);
    // The value can even come back while the unit is down: the alarm stays shown until acked.
    expect(p.raise('GT-101', null)).toMatchObject({ state: 'returned-unacked', annunciated: true });
    p.raise();
    p.act('acknowledge');
    expect(p.tick()).toMatchObject([{ reason: 'suppress', state: 'suppressed', comment: 'unit 1 shut down' }]);
    expect(p.raise('GT-101', null)).toMatchObject({ state: 'normal' });
  });

  it('a restart keeps a journaled suppression until its point reports, then follows it', () => {
    const journal = new FakeJournal();
    const first = plant({ suppress: unitDown, journal, policy: { latch: true } });
    first.unit('U1.running', false);
    first.raise();
    const second = plant({ suppress: unitDown, journal, policy: { latch: true } });
    journal.retainedOnLoad = first.manager.retained();
    second.manager.restore();
    expect(second.tick()).toEqual([]);
    expect(second.state()).toBe('suppressed');
    second.unit('U1.running', true);
    expect(second.tick()).toMatchObject([{ reason: 'unsuppress', state: 'active-unacked', latched: true }]);
  });

  it.each([
    ['no value yet', () => undefined],
    ['a bad value', (p: ReturnType<typeof plant>) => p.unit('U1.running', false, { level: 'bad', reason: 'comm-lost' })],
    ['an uncertain value', (p: ReturnType<typeof plant>) => p.unit('U1.running', false, { level: 'uncertain' })],
  ])('%s never suppresses: when in doubt the alarm is shown', (_name, set) => {
    const p = plant({ suppress: unitDown });
    set(p);
    expect(p.raise()).toMatchObject({ state: 'active-unacked', annunciated: true });
  });

  it.each([
    [{ point: 'FT-1', below: 5 }, 4.9, true],
    [{ point: 'FT-1', below: 5 }, 5, false],
    [{ point: 'FT-1', above: 5 }, 5.1, true],
    [{ point: 'FT-1', equals: 0 }, 0, true],
  ] as const)('predicate %o on %d suppresses: %s', (when, value, suppressed) => {
    const p = plant({ suppress: { when: [when] } });
    p.unit('FT-1', value);
    expect(p.raise()?.annunciated).toBe(!suppressed);
  });

  it('first-out: the first trip of a group is shown, the consequences are suppressed until they return', () => {
    const p = plant({ suppress: { firstOut: 'esd-1' }, points: ['GT-101', 'GT-102', 'GT-103'] });
    expect(p.raise('GT-101')).toMatchObject({ annunciated: true, suppressed: null });
    p.at(1000);
    expect(p.raise('GT-102')).toMatchObject({ state: 'suppressed', suppressed: { by: 'first-out', reason: 'first-out group esd-1: gas/GT-101 was first' } });
    p.raise('GT-101', null);
    // Still a consequence while it stays active, even once the first has returned.
    expect(p.tick().filter((t) => t.conditionId === 'gas/GT-102')).toEqual([]);
    expect(p.state('GT-102')).toBe('suppressed');
    expect(p.raise('GT-102', null)).toMatchObject({ state: 'normal', suppressed: null });
    p.act('acknowledge');
    p.at(2000);
    // The group has reset: the next trip is a first-out again.
    expect(p.raise('GT-103')).toMatchObject({ annunciated: true });
  });
});

describe('first-out groups and hidden members', () => {
  const group = { suppress: { firstOut: 'esd-1' }, points: ['A', 'B', 'C'] } as const;

  it.each([
    ['out of service', (p: ReturnType<typeof plant>) => p.act('out-of-service', { comment: 'valve maintenance' }, 'A')],
    ['shelved', (p: ReturnType<typeof plant>) => p.act('shelve', { shelve: { kind: 'timed', durationMs: HOUR } }, 'A')],
  ])('a member %s never hides a real trip as its consequence', (_name, hide) => {
    const p = plant(group);
    hide(p);
    p.raise('A');
    p.at(HOUR / 2);
    expect(p.raise('B')).toMatchObject({ state: 'active-unacked', annunciated: true, suppressed: null });
  });

  it('names the trip that came first by activation, not by its latest record, and a consequence of a consequence the same first', () => {
    const p = plant(group);
    p.raise('A');
    p.at(1000);
    p.raise('B');
    p.at(2000);
    p.act('acknowledge', {}, 'A');
    p.at(3000);
    expect(p.raise('C')?.suppressed?.reason).toBe('first-out group esd-1: gas/A was first');
    p.raise('A', null);
    p.act('acknowledge', {}, 'C');
    expect(p.manager.get('gas/C')?.suppressed?.reason).toBe('first-out group esd-1: gas/A was first');
  });
});

describe('latch and confirm on every path that shows an unacknowledged alarm', () => {
  it('an escalation after an ack given while shelved', () => {
    const p = plant({ policy: { latch: true, confirm: true } });
    p.act('shelve', { shelve: { kind: 'timed', durationMs: HOUR } });
    p.raise('GT-101', 'H');
    p.act('acknowledge');
    p.at(HOUR);
    expect(p.tick()).toMatchObject([{ reason: 'shelve-expired', state: 'active-acked', latched: false }]);
    expect(p.manager.apply(result('HH', 1, { time: HOUR }))).toMatchObject({ reason: 'escalate', state: 'active-unacked', latched: true, confirmed: false });
  });

  it('a suppression ending with the escalation that shows the alarm, before any tick', () => {
    const p = plant({ policy: { latch: true }, suppress: { when: [{ point: 'U1.running', equals: false }] } });
    p.unit('U1.running', false);
    p.raise('GT-101', 'H');
    p.unit('U1.running', true);
    expect(p.manager.apply(result('HH', 1, { time: T0 }))).toMatchObject({ annunciated: true, acked: false, latched: true });
  });

  it('a re-alarm after an ack given while hidden', () => {
    const p = plant({ policy: { latch: true, realarmMs: 10 * MIN } });
    p.act('out-of-service', { comment: 'maintenance' });
    p.raise();
    p.act('acknowledge');
    p.act('in-service');
    expect(p.manager.get('gas/GT-101')).toMatchObject({ state: 'active-acked', latched: false });
    p.at(10 * MIN);
    expect(p.tick()).toMatchObject([{ reason: 're-alarm', state: 'active-unacked', latched: true }]);
  });
});

describe('re-alarm', () => {
  it('an acknowledged alarm still active `realarm` after its ack is annunciated again, unacknowledged', () => {
    const p = plant({ policy: { realarmMs: 10 * MIN } });
    p.raise();
    p.at(MIN);
    p.act('acknowledge');
    p.at(11 * MIN - 1);
    expect(p.tick()).toEqual([]);
    p.at(11 * MIN);
    expect(p.tick()).toMatchObject([{ reason: 're-alarm', state: 'active-unacked', acked: false, ackedAt: null }]);
    p.at(12 * MIN);
    p.act('acknowledge');
    p.at(22 * MIN);
    expect(p.tick()).toMatchObject([{ reason: 're-alarm' }]);
  });

  it('a shelved alarm does not re-alarm', () => {
    const p = plant({ policy: { realarmMs: 10 * MIN } });
    p.raise();
    p.act('acknowledge');
    p.act('shelve', { shelve: { kind: 'one-shot' } });
    p.at(HOUR);
    expect(p.tick()).toEqual([]);
  });
});

describe('operator actions in general', () => {
  it('a comment is journaled with its author and changes no state', () => {
    const p = plant();
    p.raise();
    const c = p.act('comment', { comment: 'patrol sent to tank 3' });
    expect(c).toMatchObject({ reason: 'comment', from: 'active-unacked', state: 'active-unacked', user: 'li.wei', comment: 'patrol sent to tank 3' });
    expect(p.manager.get('gas/GT-101')).toEqual(c);
  });

  it('a comment on a normal condition is journaled and not retained', () => {
    const p = plant();
    expect(p.act('comment', { comment: 'bump-tested today' })).toMatchObject({ state: 'normal', reason: 'comment' });
    expect([p.journal.recent({ limit: 5 }).length, p.manager.retained().length]).toEqual([1, 0]);
  });

  it('refuses an unconfigured condition, a stale eventId on any action, and counts refusals by action and code', () => {
    const p = plant();
    p.raise();
    expect(codeOf(() => p.manager.act({ action: 'shelve', conditionId: 'gas/NOPE', user: 'x', shelve: { kind: 'one-shot' } }))).toBe('HG_ERR_ALARM_UNKNOWN_CONDITION');
    expect(codeOf(() => p.act('comment', { comment: 'x', eventId: 'old' }))).toBe('HG_ERR_ALARM_STALE_EVENT');
    expect(codeOf(() => p.act('acknowledge'))).toBe('accepted');
    expect(codeOf(() => p.manager.act({ action: 'acknowledge', conditionId: 'gas/GT-101', user: 'x' }))).toBe('HG_ERR_ALARM_ALREADY_ACKED');
    expect(p.manager.stats.refused).toMatchObject({ shelve: { HG_ERR_ALARM_UNKNOWN_CONDITION: 1 }, comment: { HG_ERR_ALARM_STALE_EVENT: 1 }, acknowledge: { HG_ERR_ALARM_ALREADY_ACKED: 1 } });
  });

  it('acknowledge and confirm without an eventId are refused as stale: the operator must say what they saw', () => {
    const p = plant();
    p.raise();
    expect(codeOf(() => p.manager.act({ action: 'acknowledge', conditionId: 'gas/GT-101', user: 'x' }))).toBe('HG_ERR_ALARM_STALE_EVENT');
  });

  it('each process change says who hears it now, and every alarm carries the site code under the point codes', () => {
    const journal = new FakeJournal();
    const manager = new AlarmManager({
      siteId: 's', journal, clock: { now: () => T0 }, newEventId: () => `ev-${++eventIds}`, onTransition: () => undefined, siteCodes: { enterpriseCode: 'E-1', hazardSourceCode: 'site-default' },
    });
    const codes = { hazardSourceCode: 'HS-9' };
    expect(manager.apply(result('AL2', 1, { audiences: ['fire-control-room'], codes }))).toMatchObject({ audiences: ['fire-control-room'], codes: { enterpriseCode: 'E-1', hazardSourceCode: 'HS-9' } });
    expect(manager.apply(result('AL1', 2, { codes }))).toMatchObject({ reason: 'deescalate', audiences: [] });
  });

  it('priority, severity band and colour travel together', () => {
    const p = plant();
    expect(p.manager.apply(result('HH', 1, { time: T0 }))).toMatchObject({ priority: 1, severity: 1000, colour: 'red' });
    expect(p.manager.apply(result('H', 4, { time: T0 }))).toMatchObject({ priority: 4, severity: 400, colour: 'blue' });
  });
});

describe('restart', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('shelve timers, latches, out-of-service and design suppression come back exactly from the journal', () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-lifecycle-'));
    const first = plant({ journal: new SqliteAlarmJournal({ dir, synchronous: 'normal' }), policy: { latch: true }, points: ['GT-101', 'GT-102', 'GT-103'] });
    first.act('shelve', { shelve: { kind: 'timed', durationMs: HOUR }, comment: 'calibration' });
    first.at(1000);
    first.raise('GT-102');
    first.act('acknowledge', {}, 'GT-102');
    first.raise('GT-102', null);
    first.at(2000);
    first.act('out-of-service', { comment: 'detector removed' }, 'GT-103');
    const before = first.manager.retained();
    expect(before.map((t) => [t.conditionId, t.state])).toEqual([
      ['gas/GT-103', 'out-of-service'],
      ['gas/GT-102', 'latched'],
      ['gas/GT-101', 'shelved'],
    ]);
    first.journal.close();

    // The "crash": a new manager on the same journal, half an hour later.
    const second = plant({ journal: new SqliteAlarmJournal({ dir, synchronous: 'normal' }), policy: { latch: true }, points: ['GT-101', 'GT-102', 'GT-103'] });
    expect(second.manager.restore()).toEqual(before);
    second.at(30 * MIN);
    expect(second.tick()).toEqual([]);
    second.at(HOUR);
    expect(second.tick()).toMatchObject([{ conditionId: 'gas/GT-101', reason: 'shelve-expired', state: 'normal' }]);
    expect(second.act('reset', {}, 'GT-102')).toMatchObject({ state: 'normal' });
    expect(second.manager.retained().map((t) => t.state)).toEqual(['out-of-service']);
    second.journal.close();
  });

  it('a timed shelve that ran out while the gateway was down ends at the first tick', () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-lifecycle-'));
    const first = plant({ journal: new SqliteAlarmJournal({ dir, synchronous: 'normal' }) });
    first.raise();
    first.act('shelve', { shelve: { kind: 'timed', durationMs: HOUR } });
    first.journal.close();
    const second = plant({ journal: new SqliteAlarmJournal({ dir, synchronous: 'normal' }) });
    second.manager.restore();
    second.at(3 * HOUR);
    expect(second.tick()).toMatchObject([{ reason: 'shelve-expired', state: 'active-unacked', time: T0 + 3 * HOUR }]);
    second.journal.close();
  });

  it('records journaled before the full state model are read as shown, confirmed and unlatched', () => {
    const p = plant();
    const { ackedAt: _a, confirmed: _c, latched: _l, shelved: _s, suppressed: _u, outOfService: _o, annunciated: _n, colour: _k, ...old } = p.raise() as AlarmTransition;
    const q = plant();
    (q.journal as FakeJournal).retainedOnLoad = [old as AlarmTransition];
    expect(q.manager.restore()).toMatchObject([{ state: 'active-unacked', confirmed: true, latched: false, shelved: null, annunciated: true, colour: 'orange', ackedAt: null }]);
  });
});
