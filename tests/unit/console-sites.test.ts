import { describe, expect, it } from 'vitest';
import {
  chainLevel,
  chainRecords,
  gapCounts,
  liveAlarmCounts,
  mergeSites,
  restAlarmCounts,
  silence,
  siteUrgency,
  statusSummary,
  type LiveSite,
} from '../../src/console/lib/sites-view.js';
import type { SiteView } from '../../src/console/lib/wire.js';
import { tr } from './console-alarm-fixtures.js';

function site(over: Partial<SiteView> & { site: string }): SiteView {
  return {
    configured: true,
    lastSeq: 10,
    ackUpto: 10,
    gaps: { open: [], lost: [], openMessages: 0, lostMessages: 0 },
    chain: { verdict: 'ok', tamperedCount: 0 },
    lastStatus: null,
    alarms: { total: 0, byPriority: {} },
    lastMessageAt: 1_000_000,
    ...over,
  };
}

describe('merging the REST sites with the live ones', () => {
  it('lays a live message sent after the poll over its site, keeping the fields it lacks and the latest message time', () => {
    const rest = [site({ site: 'b', name: 'Plant B' }), site({ site: 'a', name: 'Plant A', alarms: { total: 2, byPriority: { '1': 2 } } })];
    const live = new Map<string, LiveSite>([
      ['a', { ...site({ site: 'a', chain: { verdict: 'tampered', tamperedCount: 3 }, lastMessageAt: 900_000 }), time: 2_000 } as LiveSite],
    ]);
    const out = mergeSites(rest, 1_000, live);
    expect(out.map((s) => s.site)).toEqual(['a', 'b']);
    expect(out[0]?.chain.verdict).toBe('tampered');
    expect(out[0]?.name).toBe('Plant A');
    expect(out[0]?.lastMessageAt).toBe(1_000_000);
  });
  it('ignores live messages older than the poll, and copies without a time, when the poll has the site', () => {
    const rest = [site({ site: 'a' })];
    const old = new Map<string, LiveSite>([['a', { ...site({ site: 'a', chain: { verdict: 'tampered' } }), time: 500 } as LiveSite]]);
    expect(mergeSites(rest, 1_000, old)[0]?.chain.verdict).toBe('ok');
    const copy = new Map<string, LiveSite>([['a', site({ site: 'a', chain: { verdict: 'tampered' } })]]);
    expect(mergeSites(rest, 1_000, copy)[0]?.chain.verdict).toBe('ok');
  });
  it('adds sites only the live messages know', () => {
    const live = new Map<string, LiveSite>([['z', site({ site: 'z' })]]);
    expect(mergeSites([site({ site: 'a' })], 1_000, live).map((s) => s.site)).toEqual(['a', 'z']);
  });
});

describe('alarm counts', () => {
  it('reads byPriority into colours', () => {
    const c = restAlarmCounts(site({ site: 'a', alarms: { total: 5, byPriority: { '1': 1, '2': 3, '4': 1, unknown: 7 } } }));
    expect(c.byColour).toEqual({ red: 1, orange: 3, yellow: 0, blue: 1 });
    expect(c.total).toBe(5);
    expect(restAlarmCounts(site({ site: 'a', alarms: {} })).total).toBe(0);
  });
  it('counts the live book by site, shown alarms only, unacknowledged apart', () => {
    const m = liveAlarmCounts([
      tr({ conditionId: 'x', site: 'a', priority: 1 }),
      tr({ conditionId: 'y', site: 'a', priority: 1, acked: true }),
      tr({ conditionId: 'z', site: 'a', priority: 3, annunciated: false }),
      tr({ conditionId: 'x', site: 'b', priority: 4 }),
      tr({ conditionId: 'no-site' }),
    ]);
    expect(m.get('a')).toEqual({ byColour: { red: 2, orange: 0, yellow: 0, blue: 0 }, unacked: { red: 1, orange: 0, yellow: 0, blue: 0 }, total: 2 });
    expect(m.get('b')?.total).toBe(1);
    expect(m.size).toBe(2);
  });
});

describe('site health', () => {
  it('classes chain verdicts', () => {
    expect(['ok', 'partial', 'tampered', 'head-mismatch', 'weird', undefined].map(chainLevel)).toEqual(['ok', 'partial', 'broken', 'broken', 'unknown', 'unknown']);
    expect(chainRecords(site({ site: 'a', chain: { verdict: 'ok', records: 7 } as SiteView['chain'] }))).toBe(7);
    expect(chainRecords(site({ site: 'a' }))).toBeNull();
  });
  it('counts gaps', () => {
    expect(gapCounts(site({ site: 'a', gaps: { open: [[1, 2]], lost: [[5, 5], [8, 9]], openMessages: 2, lostMessages: 3 } }))).toEqual({ open: 1, lost: 2, openMessages: 2, lostMessages: 3 });
  });
  it('flags a site silent over 60 s, or never heard', () => {
    expect(silence({ lastMessageAt: 1_000 }, 61_000)).toEqual({ ageMs: 60_000, silent: false });
    expect(silence({ lastMessageAt: 1_000 }, 61_001)).toEqual({ ageMs: 60_001, silent: true });
    expect(silence({ lastMessageAt: null }, 5)).toEqual({ ageMs: null, silent: true });
    expect(silence({ lastMessageAt: 9_000 }, 5_000).ageMs).toBe(0);
  });
  it('reads the last status defensively', () => {
    const st = statusSummary({ seq: 4, time: 123, body: { version: '0.9.0', adapters: [{ id: 'm', status: 'up' }, { id: 'plc', status: 'down' }, 'junk'], outbox: { depth: 12, oldestAgeMs: 5_000, dropped: { journal: 0, snapshot: 2, status: 1 } } } });
    expect(st).toEqual({ version: '0.9.0', adaptersUp: 1, adapters: 2, down: [{ id: 'plc', status: 'down' }], outboxDepth: 12, outboxOldestMs: 5_000, dropped: 3, time: 123 });
    expect(statusSummary(null)).toBeNull();
    expect(statusSummary({})?.adapters).toBe(0);
  });
  it('ranks sites: broken chain, red alarms, silent, orange, gaps, yellow, blue, quiet', () => {
    const now = 1_010_000;
    const z = { red: 0, orange: 0, yellow: 0, blue: 0 };
    const count = (c: Partial<typeof z>) => ({ byColour: { ...z, ...c }, unacked: z, total: 1 });
    expect(siteUrgency(site({ site: 'a', chain: { verdict: 'tampered' } }), count({}), now)).toBe(0);
    expect(siteUrgency(site({ site: 'a' }), count({ red: 1 }), now)).toBe(1);
    expect(siteUrgency(site({ site: 'a', lastMessageAt: 0 }), count({ orange: 1 }), now)).toBe(2);
    expect(siteUrgency(site({ site: 'a' }), count({ orange: 1 }), now)).toBe(3);
    expect(siteUrgency(site({ site: 'a', gaps: { open: [[1, 1]], lost: [] } }), count({ yellow: 1 }), now)).toBe(4);
    expect(siteUrgency(site({ site: 'a' }), count({ yellow: 1 }), now)).toBe(5);
    expect(siteUrgency(site({ site: 'a' }), count({ blue: 1 }), now)).toBe(6);
    expect(siteUrgency(site({ site: 'a' }), count({}), now)).toBe(7);
  });
});
