import { describe, expect, it } from 'vitest';
import { NOT_LIVE_MARK, documentTitle, linkBanner } from '../../src/console/lib/link-view.js';
import { silentSites } from '../../src/console/lib/sites-view.js';
import type { SiteView } from '../../src/console/lib/wire.js';

describe('linkBanner', () => {
  it('shows a neutral "connecting" for the first connection, the red "lost" only once a link was lost or connecting failed', () => {
    expect(linkBanner({ state: 'connecting', liveUntil: null, attempt: 0 })).toBe('connecting');
    expect(linkBanner({ state: 'lost', liveUntil: null, attempt: 1 })).toBe('lost');
    expect(linkBanner({ state: 'connecting', liveUntil: null, attempt: 1 })).toBe('lost');
    expect(linkBanner({ state: 'connecting', liveUntil: 5, attempt: 0 })).toBe('lost');
    expect(linkBanner({ state: 'snapshot', liveUntil: null, attempt: 0 })).toBe('wait');
    expect(linkBanner({ state: 'behind', liveUntil: 5, attempt: 0 })).toBe('behind');
    expect(linkBanner({ state: 'live', liveUntil: 5, attempt: 0 })).toBeNull();
  });
});

describe('documentTitle', () => {
  it('counts the unacknowledged first and marks a screen that is not live', () => {
    expect(documentTitle(3, 'Alarms', 'hazgate', true)).toBe('(3) Alarms · hazgate');
    expect(documentTitle(0, 'Alarms', 'hazgate', true)).toBe('Alarms · hazgate');
    expect(documentTitle(3, 'Alarms', 'hazgate', false)).toBe(`${NOT_LIVE_MARK}(3) Alarms · hazgate`);
    expect(documentTitle(0, '', 'hazgate', true)).toBe('hazgate');
  });
});

describe('silentSites', () => {
  const site = (id: string, lastMessageAt: number | null, name?: string) => ({ site: id, name, lastMessageAt }) as unknown as SiteView;
  const now = 1_000_000;
  it('names the shown sites not heard from for over a minute', () => {
    const sites = [site('b', now - 61_000, 'Plant B'), site('a', now - 5_000), site('c', null)];
    expect(silentSites(sites, now, null)).toEqual([
      { site: 'b', name: 'Plant B', lastMessageAt: now - 61_000 },
      { site: 'c', name: null, lastMessageAt: null },
    ]);
    expect(silentSites(sites, now, 'a')).toEqual([]);
    expect(silentSites(sites, now, 'b').map((s) => s.site)).toEqual(['b']);
  });
});
