import { describe, expect, it } from 'vitest';
import { csvCell, DEFAULT_LIMIT, filterHistory, historyPath, isAudit, MAX_LIMIT, moveSelection, parseLimit, REASONS, searchFromQuery, searchToQuery, sinceMs, toCsv } from '../../src/console/lib/history-view.js';
import type { Transition } from '../../src/console/lib/wire.js';

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

function tr(over: Partial<Transition> & { type?: string }): Transition {
  return {
    eventId: 'e', conditionId: 'gas-high/GT-102', ruleId: 'gas-high', ruleKind: 'threshold', siteId: 's', pointId: 'GT-102', from: 'normal', state: 'active-unacked',
    reason: 'activate', active: true, activeSince: NOW, acked: false, ackedAt: null, confirmed: false, latched: false, shelved: null, suppressed: null, outOfService: null,
    annunciated: true, level: 'HH', priority: 1, colour: 'red', value: 42, time: NOW, rts: NOW, message: 'Gas leak at tank 2', ...over,
  } as Transition;
}

describe('history search in the query', () => {
  it('reads the query with defaults, clamps the limit and drops a junk since', () => {
    expect(searchFromQuery({})).toEqual({ condition: '', point: '', since: '', limit: DEFAULT_LIMIT, q: '', audit: false, forSite: '' });
    const s = searchFromQuery({ condition: ' gas-high/GT-102 ', point: 'GT-102', since: '8h', limit: '50000', q: 'leak', audit: '1' });
    expect(s).toEqual({ condition: 'gas-high/GT-102', point: 'GT-102', since: '8h', limit: MAX_LIMIT, q: 'leak', audit: true, forSite: '' });
    expect(searchFromQuery({ since: 'yesterday' }).since).toBe('');
    expect(searchFromQuery({ since: String(NOW) }).since).toBe(String(NOW));
  });
  it('writes back only what is not a default (a round trip keeps it)', () => {
    expect(searchToQuery(searchFromQuery({}))).toEqual({});
    const q = { condition: 'c', point: 'p', since: '24h', limit: '500', q: 'x y', audit: '1' };
    expect(searchToQuery(searchFromQuery(q))).toEqual(q);
  });
  it('parses limits', () => {
    expect(parseLimit(undefined)).toBe(200);
    expect(parseLimit('')).toBe(200);
    expect(parseLimit('abc')).toBe(200);
    expect(parseLimit('0')).toBe(1);
    expect(parseLimit('12.7')).toBe(12);
    expect(parseLimit('99999')).toBe(10_000);
  });
  it('since: relative choices back from now, or epoch ms', () => {
    expect(sinceMs('1h', NOW)).toBe(NOW - 3_600_000);
    expect(sinceMs('7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(sinceMs('30m', NOW)).toBe(NOW - 1_800_000);
    expect(sinceMs(String(NOW - 5), NOW)).toBe(NOW - 5);
    expect(sinceMs('', NOW)).toBeNull();
    expect(sinceMs('-1h', NOW)).toBeNull();
  });
  it('the REST path: the gateway takes a point, the centre a site and no point', () => {
    const s = searchFromQuery({ condition: 'gas-high/GT-102', point: 'GT-102', since: '1h', limit: '20' });
    expect(historyPath(s, NOW, 'gateway', null)).toBe(`/api/alarms/history?limit=20&conditionId=gas-high%2FGT-102&pointId=GT-102&since=${NOW - 3_600_000}`);
    expect(historyPath(s, NOW, 'centre', 'plant-a')).toBe(`/api/alarms/history?site=plant-a&limit=20&conditionId=gas-high%2FGT-102&since=${NOW - 3_600_000}`);
    // Under "all sites" the details' history link names its site as `for`: the history is that site's, the console's choice stays.
    const f = searchFromQuery({ condition: 'X', for: 'plant-b' });
    expect(searchToQuery(f)).toEqual({ condition: 'X', for: 'plant-b' });
    expect(historyPath(f, NOW, 'centre', null)).toBe('/api/alarms/history?site=plant-b&limit=200&conditionId=X');
    expect(historyPath(f, NOW, 'centre', 'plant-a')).toBe('/api/alarms/history?site=plant-a&limit=200&conditionId=X');
    expect(historyPath(f, NOW, 'gateway', null)).toBe('/api/alarms/history?limit=200&conditionId=X');
    expect(historyPath(searchFromQuery({}), NOW, 'centre', null)).toBe('/api/alarms/history?limit=200');
  });
});

describe('history rows', () => {
  const rows = [
    tr({ eventId: '1' }),
    tr({ eventId: '2', reason: 'acknowledge', user: 'zhang.wei', comment: 'Field check ordered', state: 'active-acked' }),
    tr({ eventId: '3', conditionId: 'audit:login', state: 'audit' as Transition['state'], message: 'login by admin' }),
    tr({ eventId: '4', type: 'audit', message: 'config changed' }),
    tr({ eventId: '5', conditionId: 'temp-high/TT-1', pointId: 'TT-1', level: 'H', message: 'Reactor temperature high', reason: 'return' }),
  ];
  it('audit records are not alarms: hidden unless asked for', () => {
    expect(isAudit(rows[0]!)).toBe(false);
    expect(isAudit(rows[2]!)).toBe(true);
    expect(isAudit(rows[3]!)).toBe(true);
    expect(filterHistory(rows, '', false).map((t) => t.eventId)).toEqual(['1', '2', '5']);
    expect(filterHistory(rows, '', true)).toHaveLength(5);
  });
  it('the free text matches message, level, user, comment and reason (as sent and as shown), all words', () => {
    const ids = (q: string, label?: (r: string) => string) => filterHistory(rows, q, false, label).map((t) => t.eventId);
    expect(ids('zhang')).toEqual(['2']);
    expect(ids('FIELD check')).toEqual(['2']);
    expect(ids('acknowledge')).toEqual(['2']);
    expect(ids('确认', (r) => (r === 'acknowledge' ? '确认' : r))).toEqual(['2']);
    expect(ids('reactor h')).toEqual(['5']);
    expect(ids('TT-1')).toEqual(['5']);
    expect(ids('nothing-like-this')).toEqual([]);
  });
  it('knows every reason of the gateway', () => {
    expect(REASONS).toHaveLength(16);
    expect(new Set(REASONS).size).toBe(16);
  });
});

describe('CSV export', () => {
  it('quotes what needs it and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    // Only a cell that is entirely a number keeps its sign unquoted: anything after it may be a formula.
    expect(csvCell('-5.2 °C')).toBe("'-5.2 °C");
    expect(csvCell("-1+cmd|' /C calc'!A0")).toBe("'-1+cmd|' /C calc'!A0");
    expect(csvCell('+1+HYPERLINK("http://x")')).toBe(`"'+1+HYPERLINK(""http://x"")"`);
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('-3')).toBe('-3');
    expect(csvCell('+4.5e-3')).toBe('+4.5e-3');
    expect(csvCell('-1e5')).toBe('-1e5');
    expect(csvCell('-')).toBe("'-");
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
  it('starts with a BOM (Excel reads UTF-8 Chinese) and uses CRLF', () => {
    const csv = toCsv(['时间', '报警信息'], [['2026/11/29 12:00:00', '可燃气体泄漏']]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toBe('\uFEFF时间,报警信息\r\n2026/11/29 12:00:00,可燃气体泄漏\r\n');
  });
});

describe('roving selection', () => {
  it('moves and clamps; from none, down takes the first and up the last', () => {
    expect(moveSelection(-1, 5, 1)).toBe(0);
    expect(moveSelection(-1, 5, -1)).toBe(4);
    expect(moveSelection(4, 5, 1)).toBe(4);
    expect(moveSelection(0, 5, -1)).toBe(0);
    expect(moveSelection(2, 5, 1)).toBe(3);
    expect(moveSelection(2, 0, 1)).toBe(-1);
  });
});
