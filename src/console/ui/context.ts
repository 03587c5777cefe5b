import type { AreaOf } from '../lib/alarm-model.js';
import type { Translator } from '../lib/i18n.js';
import type { LiveState, Topic } from '../lib/live-state.js';
import type { Route } from '../lib/route.js';
import type { SilentSite } from '../lib/sites-view.js';
import type { ValuesWatcher } from '../lib/values-watch.js';
import type { Me, OperatorAction, Point } from '../lib/wire.js';
import type { Api } from '../net/api.js';
import type { LinkInfo } from '../net/live.js';

/** What the console talks to: a plant's gateway (operators act) or a monitoring centre (read-only, many sites). */
export type Mode = 'gateway' | 'centre';

/** Every topic a view can listen to: the live state's, and the console's own. */
export type AnyTopic = Topic | 'link' | 'points' | 'site' | 'clock';

/** What an operator may do, from the user's roles (the server checks again; the console only hides what would be refused). */
export type Capability = 'operate' | 'maintain';

/**
 * The console's shared state and services, handed to every page. Pages listen to topics and redraw
 * (with `throttled`), and unlisten in `unmount`.
 */
export interface Ctx {
  readonly mode: Mode;
  readonly api: Api;
  readonly tr: Translator;
  readonly live: LiveState;
  readonly me: Me;
  /** The WebSocket's state: pages grey what they show unless it is `live`. */
  readonly link: LinkInfo;
  /** Configured points by id (a gateway; empty at a centre). */
  readonly points: ReadonlyMap<string, Point>;
  /** At a centre: the chosen site, or null for all of the user's sites. */
  readonly site: string | null;
  t(key: string, params?: Readonly<Record<string, string | number>>): string;
  /** The operator position (area) of an alarm: its point's area, or `site` for what has no point (zone, people and video conditions), as the server's flood figures and scopes count it. */
  readonly areaOf: AreaOf;
  /** The server's clock now (the browser's corrected by `hello`). */
  now(): number;
  on(topic: AnyTopic, fn: () => void): () => void;
  navigate(hash: string): void;
  can(capability: Capability): boolean;
  /** Live values of these points while the returned function is not called (reference counted over the WebSocket). */
  watchValues(pointIds: readonly string[]): () => void;
  /** Live values of a set of points that changes (a filtered list): `set` sends only the difference; `close` when done. */
  valuesWatcher(): ValuesWatcher;
  /** At a centre: the shown sites (the chosen one, or all) not heard from for over a minute (what they show may be stale). */
  silentSites(): SilentSite[];
  /** Carries out an operator action over REST; resolves with the new transition, rejects with an ApiError. */
  act(action: OperatorAction, conditionId: string, body: Readonly<Record<string, unknown>>): Promise<unknown>;
  /** A short message at the foot of the screen (errors stay until dismissed). */
  toast(kind: 'ok' | 'error', text: string): void;
}

/** A mounted page: its root element (placed by the shell) and how to take it down. */
export interface Page {
  readonly root: HTMLElement;
  /** A short title for the header and the document title. */
  readonly title: string;
  unmount(): void;
}

export type PageFactory = (ctx: Ctx, route: Route) => Page;
