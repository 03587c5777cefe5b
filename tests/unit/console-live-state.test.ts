import { describe, expect, it } from 'vitest';
import { LiveState } from '../../src/console/lib/live-state.js';
import { tr } from './console-alarm-fixtures.js';

const msg = (type: string, fields: Record<string, unknown> = {}) => ({ type, ...fields });

describe('LiveState', () => {
  it('takes the clock offset, site and version from hello (gateway or centre)', () => {
    const s = new LiveState();
    expect(s.handle(msg('hello', { siteId: 'demo', serverTime: 10_500, version: '1.2.3' }), 10_000)).toEqual(['hello']);
    expect(s.clockOffset).toBe(500);
    expect(s.siteId).toBe('demo');
    expect(s.version).toBe('1.2.3');
    s.handle(msg('hello', { centreId: 'prov', serverTime: 9_000 }), 10_000);
    expect(s.clockOffset).toBe(-1000);
    expect(s.siteId).toBe('prov');
    expect(s.version).toBeNull();
  });

  it('shows a snapshot only at its end, then applies live transitions', () => {
    const s = new LiveState();
    s.handle(msg('transition', { ...tr({ conditionId: 'OLD', rts: 1 }) }), 0);
    expect(s.handle(msg('snapshot-begin', { count: 2 }), 0)).toEqual([]);
    expect(s.handle(msg('condition', { ...tr({ conditionId: 'A', rts: 2 }) }), 0)).toEqual([]);
    expect(s.book.all().map((t) => t.conditionId)).toEqual(['OLD']);
    s.handle(msg('condition', { ...tr({ conditionId: 'B', rts: 2 }) }), 0);
    expect(s.handle(msg('snapshot-end', { count: 2 }), 0)).toEqual(['alarms']);
    expect(s.book.all().map((t) => t.conditionId).sort()).toEqual(['A', 'B']);
    expect(s.handle(msg('transition', { ...tr({ conditionId: 'A', rts: 3, state: 'normal', active: false }) }), 0)).toEqual(['alarms']);
    expect(s.book.all().map((t) => t.conditionId)).toEqual(['B']);
  });

  it('drops a half snapshot when the connection goes', () => {
    const s = new LiveState();
    s.handle(msg('transition', { ...tr({ conditionId: 'OLD' }) }), 0);
    s.handle(msg('snapshot-begin'), 0);
    s.handle(msg('condition', { ...tr({ conditionId: 'A' }) }), 0);
    s.disconnected();
    expect(s.book.all().map((t) => t.conditionId)).toEqual(['OLD']);
    expect(s.book.inSnapshot).toBe(false);
  });

  it('ignores malformed transitions', () => {
    const s = new LiveState();
    expect(s.handle(msg('transition', { conditionId: 'A' }), 0)).toEqual([]);
    expect(s.book.size).toBe(0);
  });

  it('keeps the latest value of each point from values and value', () => {
    const s = new LiveState();
    const sample = (pointId: string, value: number | boolean, ts: number) => ({ pointId, value, ts, rts: ts, quality: { level: 'good' } });
    expect(s.handle(msg('values', { samples: [sample('GT-101', 1, 1), sample('GT-102', true, 1), { pointId: 'bad' }], unknown: ['X'] }), 0)).toEqual(['values']);
    expect(s.values.get('GT-101')?.value).toBe(1);
    expect(s.values.get('GT-102')?.value).toBe(true);
    expect(s.values.has('bad')).toBe(false);
    expect(s.handle(msg('value', sample('GT-101', 7.5, 2)), 0)).toEqual(['values']);
    expect(s.values.get('GT-101')?.value).toBe(7.5);
    expect(s.handle(msg('value', { pointId: 'GT-101', value: 'x', ts: 3 }), 0)).toEqual([]);
    expect(s.values.get('GT-101')?.value).toBe(7.5);
  });

  it('keeps each zone headcount', () => {
    const s = new LiveState();
    expect(s.handle(msg('headcount', { zoneId: 'z1', name: 'Tank farm', kind: 'restricted', headcount: 3, limit: 5, time: 1 }), 0)).toEqual(['headcount']);
    expect(s.headcounts.get('z1')).toMatchObject({ zoneId: 'z1', headcount: 3, limit: 5 });
    s.handle(msg('headcount', { zoneId: 'z1', name: 'Tank farm', kind: 'restricted', headcount: 0, limit: 5, time: 2 }), 0);
    expect(s.headcounts.get('z1')?.headcount).toBe(0);
    expect(s.handle(msg('headcount', { zoneId: 'z2' }), 0)).toEqual([]);
  });

  it('tracks floods on and off by position', () => {
    const s = new LiveState();
    expect(s.handle(msg('flood', { position: 'tank-farm', flood: true, count: 12, time: 5000 }), 9000)).toEqual(['flood']);
    expect(s.floods.get('tank-farm')).toEqual({ position: 'tank-farm', count: 12, since: 5000 });
    s.handle(msg('flood', { position: 'unit-2', flood: true, count: 11 }), 9000);
    expect(s.floods.get('unit-2')?.since).toBe(9000);
    s.handle(msg('flood', { position: 'tank-farm', flood: false, count: 4, time: 6000 }), 9000);
    expect([...s.floods.keys()]).toEqual(['unit-2']);
    expect(s.handle(msg('flood', { flood: true }), 0)).toEqual([]);
  });

  it('keeps centre sites, a summary message updating the full view without losing its other fields', () => {
    const s = new LiveState();
    const full = { site: 'plant-a', name: 'Plant A', configured: true, lastSeq: 10, ackUpto: 10, gaps: { open: [], lost: [] }, chain: { verdict: 'ok' }, lastStatus: null, alarms: { total: 2, byPriority: { 1: 1, 2: 1 } }, lastMessageAt: 100 };
    expect(s.handle(msg('site', full), 0)).toEqual(['sites']);
    expect(s.sites.get('plant-a')?.name).toBe('Plant A');
    // docs/centre.md: a `site` message is a full view or its summary (site, lastSeq, ackUpto, gaps, chain) and time.
    s.handle(msg('site', { site: 'plant-a', lastSeq: 12, ackUpto: 12, gaps: { open: [[11, 11]], lost: [] }, chain: { verdict: 'tampered' }, time: 200 }), 0);
    const v = s.sites.get('plant-a');
    expect(v?.lastSeq).toBe(12);
    expect(v?.chain.verdict).toBe('tampered');
    expect(v?.gaps.open).toHaveLength(1);
    expect(v?.name).toBe('Plant A');
    expect(v?.alarms.byPriority).toEqual({ 1: 1, 2: 1 });
    expect(s.handle(msg('site', { name: 'no id' }), 0)).toEqual([]);
  });

  it('forgets the floods at each snapshot (the server tells those still on after it)', () => {
    const s = new LiveState();
    s.handle(msg('flood', { position: 'tank-farm', flood: true, count: 12, time: 5000 }), 9000);
    // The flood ended while the link was down: its end was never heard.
    expect(s.handle(msg('snapshot-begin', { count: 0 }), 9000)).toEqual(['flood']);
    expect(s.floods.size).toBe(0);
    s.handle(msg('snapshot-end', { count: 0 }), 9000);
    s.handle(msg('flood', { position: 'unit-2', flood: true, count: 11, time: 8000 }), 9000);
    expect([...s.floods.keys()]).toEqual(['unit-2']);
    expect(s.handle(msg('resync', {}), 9000)).toEqual([]);
    s.handle(msg('snapshot-begin', { count: 0 }), 9000);
    expect(s.floods.size).toBe(0);
    expect(s.handle(msg('snapshot-begin', { count: 0 }), 9000)).toEqual([]);
  });

  it('forgets the values at hello: a new connection (maybe a restarted gateway) sends them again', () => {
    const s = new LiveState();
    s.handle(msg('value', { pointId: 'GT-101', value: 3, ts: 1, rts: 1, quality: { level: 'good' } }), 0);
    expect(s.handle(msg('hello', { siteId: 'demo', serverTime: 0 }), 0)).toEqual(['hello', 'values']);
    expect(s.values.size).toBe(0);
    expect(s.handle(msg('hello', { siteId: 'demo', serverTime: 0 }), 0)).toEqual(['hello']);
  });

  it('a centre orders transitions by journal seq, a gateway by arrival', () => {
    const centre = new LiveState('journal');
    centre.handle(msg('transition', { ...tr({ conditionId: 'A', site: 's', journalSeq: 5, state: 'normal', active: false }) }), 0);
    centre.handle(msg('transition', { ...tr({ conditionId: 'A', site: 's', journalSeq: 4 }) }), 0);
    expect(centre.book.size).toBe(0);
    const gw = new LiveState();
    gw.handle(msg('transition', { ...tr({ conditionId: 'A', rts: 5 }) }), 0);
    gw.handle(msg('transition', { ...tr({ conditionId: 'A', rts: 4, state: 'normal', active: false }) }), 0);
    expect(gw.book.size).toBe(0);
  });

  it('ignores unknown messages', () => {
    expect(new LiveState().handle(msg('pong'), 0)).toEqual([]);
  });
});
