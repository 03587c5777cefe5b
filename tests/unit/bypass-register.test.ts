import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BypassRegister, inServiceRates, InterlockBypasses, SqliteBypassStore, type BypassStore } from '../../src/alarms/index.js';
import type { AlarmJournal, AlarmTransition, BypassEntry, Point } from '../../src/core/index.js';
import { SiteScope } from '../../src/server/index.js';
import { registerBypassRoutes } from '../../src/server/routes-bypass.js';
import { guardedApp, TestAuth } from '../support/auth.js';
import { codeOf, SHOWN } from './alarms-fixtures.js';

/** The interlock bypass register (who, approver, reason, start, planned end) and the in-service rate. */

const T0 = Date.UTC(2026, 10, 28, 0); // 08:00 CST
const HOUR = 3_600_000;

class MemoryStore implements BypassStore {
  readonly versions: BypassEntry[] = [];
  failWith: Error | null = null;
  append(e: BypassEntry): void {
    if (this.failWith !== null) throw this.failWith;
    this.versions.push(e);
  }
  loadLatest(): BypassEntry[] {
    const latest = new Map<string, BypassEntry>();
    for (const v of this.versions) latest.set(v.id, v);
    return [...latest.values()];
  }
  close(): void {}
}

function setup(store: BypassStore = new MemoryStore()) {
  let now = T0;
  let n = 0;
  const changes: BypassEntry[] = [];
  const register = new BypassRegister({
    store, clock: { now: () => now }, newId: () => `bp-${++n}`,
    interlocks: new Map([['SIS-101', 'tank-farm-1'], ['SIS-102', 'tank-farm-1'], ['SIS-201', null]]),
    onChange: (e) => changes.push(e),
  });
  return { register, changes, store, at: (ms: number) => (now = T0 + ms) };
}

const REQUEST = { interlock: 'SIS-101', who: 'wang.wu', approver: 'zhao.liu', reason: 'level transmitter replacement', plannedEnd: T0 + 4 * HOUR };

describe('bypass register', () => {
  it('registers a bypass with who, approver, reason, start and planned end, and ends it', () => {
    const { register, changes, at } = setup();
    const entry = register.register(REQUEST);
    expect(entry).toEqual({ id: 'bp-1', interlock: 'SIS-101', unit: 'tank-farm-1', who: 'wang.wu', approver: 'zhao.liu', reason: 'level transmitter replacement', start: T0, plannedEnd: T0 + 4 * HOUR, endedAt: null, endedBy: null, endComment: null });
    expect(register.activeOf('SIS-101')).toEqual(entry);
    at(2 * HOUR);
    const ended = register.end('bp-1', 'zhao.liu', 'transmitter back, interlock tested');
    expect(ended).toMatchObject({ endedAt: T0 + 2 * HOUR, endedBy: 'zhao.liu', endComment: 'transmitter back, interlock tested' });
    expect(register.activeOf('SIS-101')).toBeUndefined();
    expect(changes.map((c) => c.endedAt)).toEqual([null, T0 + 2 * HOUR]);
    expect(register.list(true)).toEqual([]);
    expect(register.list(false)).toEqual([ended]);
  });

  it.each([
    ['an unknown interlock', { interlock: 'NOPE' }, 'HG_ERR_BYPASS_UNKNOWN_INTERLOCK'],
    ['a self-approved bypass (four eyes)', { approver: 'Wang.Wu ' }, 'HG_ERR_BYPASS_SELF_APPROVED'],
    ['a planned end before the start', { start: T0 + HOUR, plannedEnd: T0 + HOUR }, 'HG_ERR_BYPASS_BAD_PERIOD'],
    ['a planned end in the past', { start: T0 - 2 * HOUR, plannedEnd: T0 - HOUR }, 'HG_ERR_BYPASS_BAD_PERIOD'],
  ])('refuses %s', (_name, change, code) => {
    const { register, changes } = setup();
    expect(codeOf(() => register.register({ ...REQUEST, ...change }))).toBe(code);
    expect(changes).toEqual([]);
  });

  it('allows one active bypass per interlock; ending twice or an unknown id is refused', () => {
    const { register } = setup();
    register.register(REQUEST);
    expect(codeOf(() => register.register(REQUEST))).toBe('HG_ERR_BYPASS_ACTIVE');
    expect(codeOf(() => register.register({ ...REQUEST, interlock: 'SIS-102' }))).toBe('accepted');
    register.end('bp-1', 'x', undefined);
    expect(codeOf(() => register.end('bp-1', 'x', undefined))).toBe('HG_ERR_BYPASS_NOT_ACTIVE');
    expect(codeOf(() => register.end('bp-9', 'x', undefined))).toBe('HG_ERR_BYPASS_UNKNOWN');
  });

  it('changes nothing when the store cannot write', () => {
    const store = new MemoryStore();
    const { register, changes } = setup(store);
    store.failWith = new Error('disk full');
    expect(codeOf(() => register.register(REQUEST))).toBe('HG_ERR_JOURNAL_WRITE');
    expect([register.list(false), changes]).toEqual([[], []]);
  });

  describe('in SQLite', () => {
    let dir = '';
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps every version and comes back with the latest of each after a restart', () => {
      dir = mkdtempSync(join(tmpdir(), 'hg-bypass-'));
      const first = new SqliteBypassStore(dir);
      const a = setup(first);
      a.register.register(REQUEST);
      a.at(1000);
      a.register.register({ ...REQUEST, interlock: 'SIS-201' });
      a.at(HOUR);
      a.register.end('bp-1', 'zhao.liu', 'done');
      first.close();
      const second = new SqliteBypassStore(dir);
      const b = setup(second);
      expect(b.register.list(false).map((e) => [e.id, e.endedAt])).toEqual([
        ['bp-2', null],
        ['bp-1', T0 + HOUR],
      ]);
      expect(b.register.activeOf('SIS-201')?.id).toBe('bp-2');
      second.close();
    });
  });
});

describe('interlock in-service rate per unit and day', () => {
  const t = (conditionId: string, rts: number, active: boolean, zoneId = 'tank-farm-1'): AlarmTransition => ({
    ...SHOWN, eventId: `${conditionId}-${rts}`, conditionId, ruleId: 'bypass', ruleKind: 'interlock-bypass', siteId: 's', pointId: null, zoneId,
    from: 'normal', state: active ? 'active-unacked' : 'returned-unacked', reason: active ? 'activate' : 'return', active, acked: false,
    level: 'BYPASSED', priority: 3, severity: 600, value: 1, time: rts, rts, message: '',
  });
  // CST days: 2026-11-28 starts at T0 - 8 h (UTC midnight is 08:00 CST).
  const day = T0 - 8 * HOUR;

  it('is 100 % minus the interlock-time bypassed, by CST day, with a bypass still running at the end', () => {
    const journal = [t('bypass/SIS-101', day + 2 * HOUR, true), t('bypass/SIS-101', day + 8 * HOUR, false), t('bypass/SIS-102', day + 20 * HOUR, true)];
    const rates = inServiceRates(journal, new Map([['tank-farm-1', 2], ['pumps', 3]]), day, day + 48 * HOUR);
    expect(rates).toEqual([
      { unit: 'pumps', day: '2026-11-28', interlocks: 3, bypassedHours: 0, ratePct: 100 },
      { unit: 'pumps', day: '2026-11-29', interlocks: 3, bypassedHours: 0, ratePct: 100 },
      // 6 h + 4 h bypassed of 2 × 24 interlock-hours.
      { unit: 'tank-farm-1', day: '2026-11-28', interlocks: 2, bypassedHours: 10, ratePct: 79.17 },
      { unit: 'tank-farm-1', day: '2026-11-29', interlocks: 2, bypassedHours: 24, ratePct: 50 },
    ]);
  });

  it('counts an interlock watched by two bypass rules once', () => {
    const journal = [t('bypass/SIS-101', day, true), t('esd-bypass/SIS-101', day + HOUR, true), t('bypass/SIS-101', day + 6 * HOUR, false), t('esd-bypass/SIS-101', day + 12 * HOUR, false)];
    const [rate] = inServiceRates(journal, new Map([['tank-farm-1', 1]]), day, day + 24 * HOUR);
    expect(rate).toMatchObject({ bypassedHours: 12, ratePct: 50 });
  });

  it('clips a partial first and last day to the period and counts a bypass begun before it', () => {
    const journal = [t('bypass/SIS-101', day - 5 * HOUR, true), t('bypass/SIS-101', day + 3 * HOUR, false)];
    const rates = inServiceRates(journal, new Map([['tank-farm-1', 1]]), day + HOUR, day + 5 * HOUR);
    expect(rates).toEqual([{ unit: 'tank-farm-1', day: '2026-11-28', interlocks: 1, bypassedHours: 2, ratePct: 50 }]);
  });
});

describe('in-service rate through the register service', () => {
  it('counts a bypass still active since before the look-back, from its activation', () => {
    const { register } = setup();
    const since = T0 - 40 * 24 * HOUR;
    const standing: AlarmTransition = {
      ...SHOWN, eventId: 'e1', conditionId: 'bypass/SIS-101', ruleId: 'bypass', ruleKind: 'interlock-bypass', siteId: 's', pointId: null, zoneId: 'tank-farm-1',
      from: 'active-unacked', state: 'active-acked', reason: 'acknowledge', active: true, activeSince: since, acked: true, ackedAt: T0 - HOUR,
      level: 'BYPASSED', priority: 3, severity: 600, value: 1, time: T0 - HOUR, rts: T0 - HOUR, message: '',
    };
    const journal: AlarmJournal = { append: () => undefined, loadRetained: () => [standing], recent: () => [standing], close: () => undefined };
    const service = new InterlockBypasses(register, journal, new Map([['tank-farm-1', 2]]), (t) => t.ruleKind === 'interlock-bypass');
    const day = T0 - 8 * HOUR;
    expect(service.inServiceRates(day, day + 24 * HOUR)).toEqual([{ unit: 'tank-farm-1', day: '2026-11-28', interlocks: 2, bypassedHours: 24, ratePct: 50 }]);
  });
});

describe('bypass routes', () => {
  it('registers (201), lists, ends, refuses with codes, and gives in-service rates', async () => {
    const { register, at } = setup();
    const journal: AlarmJournal = { append: () => undefined, loadRetained: () => [], recent: () => [], close: () => undefined };
    const dir = mkdtempSync(join(tmpdir(), 'hg-bypass-routes-'));
    const auth = TestAuth.open(dir);
    const app = guardedApp(auth);
    const registerPoints: Point[] = ['SIS-101', 'SIS-102'].map((id) => ({ id: `${id}.BP`, kind: 'bypass-register', type: 'number', area: 'tank-farm-1', attrs: { interlock: id } }));
    const scope = new SiteScope('s', { list: () => registerPoints, get: () => undefined, latest: () => undefined }, auth.service);
    registerBypassRoutes(app, { bypasses: new InterlockBypasses(register, journal, new Map([['tank-farm-1', 2]]), () => true), scope, audit: auth.http.audit, now: () => T0 + HOUR });
    const headers = auth.as('zhao.liu', 'engineer');
    const post = (url: string, body: unknown) => app.inject({ method: 'POST', url, payload: body as Record<string, unknown>, headers });
    const created = await post('/api/bypasses', { ...REQUEST, plannedEnd: new Date(T0 + 4 * HOUR).toISOString() });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'bp-1', plannedEnd: T0 + 4 * HOUR });
    expect((await post('/api/bypasses', REQUEST)).json()).toEqual({ error: { code: 'HG_ERR_BYPASS_ACTIVE', message: expect.stringContaining('SIS-101') } });
    expect((await post('/api/bypasses', { ...REQUEST, interlock: 'SIS-102', approver: 'wang.wu' })).statusCode).toBe(400);
    expect((await post('/api/bypasses', { ...REQUEST, interlock: 'NOPE' })).statusCode).toBe(404);
    expect((await post('/api/bypasses', { ...REQUEST, reason: ' ' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/bypasses?active=true', headers })).json()).toMatchObject({ count: 1 });
    at(HOUR);
    expect((await post('/api/bypasses/bp-1/end', { user: 'zhao.liu' })).json()).toMatchObject({ endedBy: 'zhao.liu', endedAt: T0 + HOUR });
    expect((await post('/api/bypasses/bp-1/end', { user: 'zhao.liu' })).statusCode).toBe(409);
    const rates = (await app.inject({ url: '/api/interlocks/in-service', headers })).json() as { rates: unknown[] };
    expect(rates.rates).toHaveLength(8);
    // Who registered and ended it through the API is in the audit.
    expect(auth.audited.filter((e) => e.kind === 'bypass').map((e) => [e.user, e.details?.['action']])).toEqual([['zhao.liu', 'register'], ['zhao.liu', 'end']]);
    await app.close();
    auth.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
