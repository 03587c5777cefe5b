import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/console/lib/format.js';
import { availableActions, canReset, filterFromQuery, formatWhen, linkLabel, linksOf, listCommand, moveIndex, queryOfFilter, safeHref, sinceOf, splitLinks, audiencesOf, afterFailure } from '../../src/console/lib/alarm-view.js';
import { tr } from './console-alarm-fixtures.js';

const none = { ctrl: false, alt: false, meta: false };

describe('filter in the route', () => {
  it('reads area, priority, state and words, with defaults for nonsense', () => {
    expect(filterFromQuery({ area: 'tank-farm', priority: '2', state: 'unacked', q: 'leak' }, null)).toEqual({ area: 'tank-farm', priority: 2, state: 'unacked', text: 'leak', site: null });
    expect(filterFromQuery({ priority: '9', state: 'bogus', area: '' }, 'plant-a')).toEqual({ area: null, priority: null, state: 'shown', text: '', site: 'plant-a' });
  });

  it('writes back only what differs from the defaults', () => {
    expect(queryOfFilter({ area: null, priority: null, state: 'shown', text: '  ', site: null })).toEqual({});
    const f = { area: 'a b', priority: 1 as const, state: 'hidden' as const, text: 'x', site: 's' };
    expect(queryOfFilter(f)).toEqual({ area: 'a b', priority: '1', state: 'hidden', q: 'x', site: 's' });
    expect(filterFromQuery(queryOfFilter(f), 's')).toEqual(f);
  });
});

describe('times', () => {
  it('uses the activation, else the last change', () => {
    expect(sinceOf({ activeSince: 5, time: 9 })).toBe(5);
    expect(sinceOf({ activeSince: null, time: 9 })).toBe(9);
  });

  it('shows the date only for another day', () => {
    const now = Date.UTC(2026, 10, 29, 12, 0, 0);
    expect(formatWhen(now - 3_600_000, now, 'en', 'UTC')).toBe('11:00:00');
    expect(formatWhen(now - 86_400_000, now, 'en', 'UTC')).toBe(formatDateTime(now - 86_400_000, 'en', 'UTC'));
    expect(formatWhen(now - 86_400_000, now, 'en', 'UTC')).toContain('12:00:00');
    expect(formatWhen(now - 86_400_000, now, 'zh-CN', 'UTC')).toBe('2026/11/28 12:00:00');
  });
});

describe('actions an alarm offers', () => {
  const op = { operate: true, maintain: false };
  const eng = { operate: true, maintain: true };
  it('acknowledge only when unacked; shelve unless shelved; maintenance for engineers', () => {
    expect(availableActions(tr({ conditionId: 'A' }), op)).toEqual(['acknowledge', 'comment', 'shelve']);
    expect(availableActions(tr({ conditionId: 'A', acked: true, state: 'active-acked' }), eng)).toEqual(['comment', 'shelve', 'out-of-service']);
    expect(availableActions(tr({ conditionId: 'A', acked: true, shelved: { kind: 'timed', user: 'u', since: 1, until: 2 }, annunciated: false }), op)).toEqual(['comment', 'unshelve']);
    expect(availableActions(tr({ conditionId: 'A', outOfService: { user: 'u', since: 1, reason: 'r' }, acked: true }), eng)).toEqual(['comment', 'in-service']);
    expect(availableActions(tr({ conditionId: 'A' }), { operate: false, maintain: false })).toEqual([]);
  });

  it('reset once a latched alarm is acknowledged and back to normal', () => {
    expect(canReset({ latched: true, acked: true, active: false })).toBe(true);
    expect(canReset({ latched: true, acked: false, active: false })).toBe(false);
    expect(canReset({ latched: true, acked: true, active: true })).toBe(false);
    expect(canReset({ latched: false, acked: true, active: false })).toBe(false);
    expect(availableActions(tr({ conditionId: 'A', state: 'latched', latched: true, acked: true, active: false }), op)).toContain('reset');
  });

  it('confirm for an acknowledged, unconfirmed alarm', () => {
    expect(availableActions(tr({ conditionId: 'A', state: 'unconfirmed', acked: true, active: false }), op)).toEqual(['confirm', 'comment', 'shelve']);
  });
});

describe('links in messages', () => {
  it('makes http(s) URLs links and keeps the rest text', () => {
    const parts = splitLinks('Person in zone: snapshot https://cam.local/snap/42.jpg, clip http://cam.local/clips/42.mp4.');
    expect(parts).toEqual([
      { text: 'Person in zone: snapshot ' },
      { href: 'https://cam.local/snap/42.jpg', label: '42.jpg' },
      { text: ', clip ' },
      { href: 'http://cam.local/clips/42.mp4', label: '42.mp4' },
      { text: '.' },
    ]);
  });

  it('never links javascript:, data: or other schemes', () => {
    const msg = 'javascript:alert(1) data:text/html,<b>x</b> ftp://x/y JaVaScRiPt://%0aalert(1)';
    expect(linksOf(msg)).toEqual([]);
    expect(splitLinks(msg)).toEqual([{ text: msg }]);
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('HTTPS://Cam.Local/a')).toBe('https://cam.local/a');
  });

  it('stops at Chinese punctuation and keeps an empty message empty', () => {
    expect(linksOf('抓拍：http://cam/a.jpg，录像：https://cam/b.mp4。')).toEqual(['http://cam/a.jpg', 'https://cam/b.mp4']);
    expect(splitLinks('')).toEqual([]);
  });

  it('labels a link by its file or host, shortened', () => {
    expect(linkLabel('https://cam.local/')).toBe('cam.local');
    expect(linkLabel(`https://cam.local/${'x'.repeat(40)}`)).toHaveLength(28);
  });
});

describe('keys', () => {
  it('maps keys to commands, none with modifiers', () => {
    expect(listCommand('ArrowDown', none)).toBe('down');
    expect(listCommand('Enter', none)).toBe('acknowledge');
    expect(listCommand('a', none)).toBe('acknowledge');
    expect(listCommand('S', none)).toBe('shelve');
    expect(listCommand('t', none)).toBe('trend');
    expect(listCommand('Escape', none)).toBe('clear');
    expect(listCommand('a', { ...none, ctrl: true })).toBeNull();
    expect(listCommand('1', { ...none, alt: true })).toBeNull();
    expect(listCommand('x', none)).toBeNull();
  });

  it('moves within the list, clamped', () => {
    expect(moveIndex(-1, 'down', 3)).toBe(0);
    expect(moveIndex(-1, 'up', 3)).toBe(2);
    expect(moveIndex(2, 'down', 3)).toBe(2);
    expect(moveIndex(0, 'up', 3)).toBe(0);
    expect(moveIndex(1, 'first', 3)).toBe(0);
    expect(moveIndex(1, 'last', 3)).toBe(2);
    expect(moveIndex(0, 'down', 0)).toBe(-1);
  });
});

it('reads audiences defensively', () => {
  expect(audiencesOf({ ...tr({ conditionId: 'A' }), audiences: ['fire', 3] } as never)).toEqual(['fire']);
  expect(audiencesOf(tr({ conditionId: 'A' }))).toEqual([]);
});

describe('afterFailure (an operator dialog whose action failed)', () => {
  it('never swaps in another occurrence silently: a changed event is "changed" (shown and said before a further submit)', () => {
    // A network error while the alarm re-activated: the list holds a new event.
    expect(afterFailure({ eventId: 'e1' }, { eventId: 'e2' }, false)).toBe('changed');
    expect(afterFailure({ eventId: 'e1' }, { eventId: 'e2' }, true)).toBe('changed');
    expect(afterFailure({ eventId: 'e1' }, { eventId: 'e1' }, false)).toBe('same');
    expect(afterFailure({ eventId: 'e1' }, { eventId: 'e1' }, true)).toBe('same');
    expect(afterFailure({ eventId: 'e1' }, undefined, true)).toBe('gone');
    expect(afterFailure({ eventId: 'e1' }, undefined, false)).toBe('same');
  });
});
