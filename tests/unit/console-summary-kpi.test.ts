import { describe, expect, it } from 'vitest';
import { priorityShares, rateBand, shareOff, siteRows } from '../../src/console/lib/kpi-view.js';
import type { SiteView } from '../../src/console/lib/wire.js';
import { tr } from './console-alarm-fixtures.js';

describe('EEMUA 191 bands', () => {
  it('bands alarm rates per 10 minutes', () => {
    expect(rateBand(0)).toBe('acceptable');
    expect(rateBand(1)).toBe('acceptable');
    expect(rateBand(1.5)).toBe('manageable');
    expect(rateBand(2)).toBe('manageable');
    expect(rateBand(2.1)).toBe('demanding');
    expect(rateBand(10)).toBe('demanding');
    expect(rateBand(11)).toBe('flood');
  });
});

describe('priority distribution', () => {
  it('maps P1 high, P2 medium, P3+P4 low, against ~5/15/80 %', () => {
    const s = priorityShares({ '1': 1, '2': 3, '3': 10, '4': 6 });
    expect(s).toEqual([
      { band: 'high', count: 1, pct: 5, recommendedPct: 5 },
      { band: 'medium', count: 3, pct: 15, recommendedPct: 15 },
      { band: 'low', count: 16, pct: 80, recommendedPct: 80 },
    ]);
    expect(s.some(shareOff)).toBe(false);
  });

  it('flags too many high alarms and too few low ones; nothing without alarms', () => {
    const s = priorityShares({ '1': 5, '2': 5, '3': 0, '4': 0 });
    expect(s.map(shareOff)).toEqual([true, true, false]);
    expect(priorityShares({}).map((x) => x.pct)).toEqual([0, 0, 0]);
    expect(priorityShares({}).some(shareOff)).toBe(false);
    expect(priorityShares({ '1': 1, '3': 3 }).map(shareOff)).toEqual([true, false, false]);
    expect(priorityShares({ '1': 3, '2': 3, '4': 1 }).map(shareOff)).toEqual([true, true, true]);
  });
});

describe('centre site rows', () => {
  const view = (site: string, over: Partial<SiteView> = {}): SiteView => ({
    site,
    configured: true,
    lastSeq: 1,
    ackUpto: 1,
    gaps: { open: [], lost: [] },
    chain: { verdict: 'ok' },
    lastStatus: null,
    alarms: {},
    lastMessageAt: 5,
    ...over,
  });

  it('counts shown alarms per site from the live book, worst first', () => {
    const rows = siteRows(
      [view('a', { name: 'Plant A' }), view('b', { gaps: { open: [[1, 2]], lost: [[3, 3], [5, 6]] }, chain: { verdict: 'tampered' } }), view('quiet')],
      [
        tr({ conditionId: 'x', site: 'a', priority: 2 }),
        tr({ conditionId: 'y', site: 'a', priority: 2, acked: true }),
        tr({ conditionId: 'x', site: 'b', priority: 1 }),
        tr({ conditionId: 'z', site: 'b', priority: 4, annunciated: false }),
        tr({ conditionId: 'x', site: 'new', priority: 3 }),
      ],
    );
    expect(rows.map((r) => r.site)).toEqual(['b', 'a', 'new', 'quiet']);
    const [b, a, fresh, quiet] = rows;
    expect(b).toMatchObject({ name: 'b', shown: 1, unacked: 1, verdict: 'tampered', openGaps: 1, lostGaps: 2, byColour: { red: 1, orange: 0, yellow: 0, blue: 0 } });
    expect(a).toMatchObject({ name: 'Plant A', shown: 2, unacked: 1, verdict: 'ok', lastMessageAt: 5 });
    expect(fresh).toMatchObject({ name: 'new', verdict: null, lastMessageAt: null, shown: 1 });
    expect(quiet?.shown).toBe(0);
  });
});
