/** What the shell shows of the WebSocket's state (net/live.ts LinkInfo, structurally). */
export interface LinkLike {
  readonly state: 'connecting' | 'snapshot' | 'live' | 'behind' | 'lost';
  readonly liveUntil: number | null;
  readonly attempt: number;
}

/**
 * The banner over a screen that is not live:
 * - `connecting`: the first connection (of the console, or to another site) is being made: neutral;
 * - `lost`: a live link was lost, or connecting failed: red, with the time the screen is as of;
 * - `wait`: connected, the snapshot is loading; `behind`: the server is re-sending after a pause.
 */
export type LinkBanner = 'connecting' | 'lost' | 'wait' | 'behind' | null;

export function linkBanner(l: LinkLike): LinkBanner {
  switch (l.state) {
    case 'live':
      return null;
    case 'lost':
      return 'lost';
    case 'connecting':
      return l.liveUntil === null && l.attempt === 0 ? 'connecting' : 'lost';
    case 'snapshot':
      return 'wait';
    case 'behind':
      return 'behind';
  }
}

/** Marks the document title of a screen that is not live (the tab strip shows it when the console is in the background). */
export const NOT_LIVE_MARK = '⚠ ';

/** The tab's title: the unacknowledged count first (a background tab still counts), marked when not live. */
export function documentTitle(unacked: number, page: string, app: string, live: boolean): string {
  return `${live ? '' : NOT_LIVE_MARK}${unacked > 0 ? `(${unacked}) ` : ''}${page === '' ? '' : `${page} · `}${app}`;
}
