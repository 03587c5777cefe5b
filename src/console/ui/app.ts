import type { AreaOf } from '../lib/alarm-model.js';
import { pickLanguage, Translator, type Lang } from '../lib/i18n.js';
import { LiveState } from '../lib/live-state.js';
import { formatRoute, parseRoute, type Route } from '../lib/route.js';
import { mergeSites, silentSites, type SilentSite } from '../lib/sites-view.js';
import { ValuesWatch, type ValuesWatcher } from '../lib/values-watch.js';
import type { Me, OperatorAction, Point, SiteView, Transition } from '../lib/wire.js';
import { DICTS } from '../i18n/index.js';
import { Api } from '../net/api.js';
import { LiveLink, type LinkInfo } from '../net/live.js';
import type { AnyTopic, Capability, Ctx, Mode, Page } from './context.js';
import { bindShortcuts } from './keys.js';
import { showLogin } from './login.js';
import { PAGES } from './pages/index.js';
import { Shell } from './shell.js';

const LANG_KEY = 'hazgate.lang';
/** A centre's sites are polled this often (their last-heard times say which ones went silent). */
const SITES_POLL_MS = 15_000;
/** Flashing rows and chips blink together: one timer toggles the phase (about 1 Hz). */
const BLINK_MS = 500;
const OPERATE: ReadonlySet<string> = new Set(['operator', 'engineer', 'admin']);
const MAINTAIN: ReadonlySet<string> = new Set(['engineer', 'admin']);

function storedLang(): string | null {
  try {
    return localStorage.getItem(LANG_KEY);
  } catch {
    return null;
  }
}

/** The console: who is logged in, the live link, the shell and the page on screen. */
export class ConsoleApp implements Ctx {
  readonly api = new Api();
  readonly tr: Translator;
  live: LiveState;
  me: Me = { user: '', roles: [], scopes: { sites: [], areas: [] }, via: 'session' };
  link: LinkInfo = { state: 'connecting', liveUntil: null, attempt: 0, retryAt: null };
  points: ReadonlyMap<string, Point> = new Map();
  site: string | null = null;

  private readonly listeners = new Map<AnyTopic, Set<() => void>>();
  private linkWs: LiveLink | null = null;
  private shell: Shell | null = null;
  private page: Page | null = null;
  private route: Route = parseRoute('');
  private clock: ReturnType<typeof setInterval> | null = null;
  private readonly watch = new ValuesWatch((m) => this.linkWs?.send(m) ?? false);
  private unbindKeys: (() => void) | null = null;
  private blink: ReturnType<typeof setInterval> | null = null;
  private helloSeen = false;
  /** GET /api/sites at a centre, and when it was answered (browser clock). */
  sitesRest: readonly SiteView[] = [];
  private sitesRestAt = 0;
  private sitesTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly mode: Mode,
    private readonly root: HTMLElement,
  ) {
    this.live = this.newLive();
    this.tr = new Translator(DICTS, pickLanguage(storedLang(), navigator.languages ?? [navigator.language]));
    this.api.onUnauthenticated = () => this.sessionEnded(null);
    document.documentElement.lang = this.tr.lang;
  }

  async boot(): Promise<void> {
    let me: Me | null = null;
    try {
      me = await this.api.me();
    } catch {
      me = null;
    }
    if (me === null) return this.login(null);
    await this.start(me);
  }

  t(key: string, params?: Readonly<Record<string, string | number>>): string {
    return this.tr.t(key, params);
  }

  readonly areaOf: AreaOf = (t: Transition) => {
    if (this.mode === 'centre') return t.site ?? 'site';
    const p = t.pointId === null ? undefined : this.points.get(t.pointId);
    return p?.area ?? 'site';
  };

  now(): number {
    return Date.now() + this.live.clockOffset;
  }

  on(topic: AnyTopic, fn: () => void): () => void {
    let set = this.listeners.get(topic);
    if (set === undefined) this.listeners.set(topic, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  emit(topic: AnyTopic): void {
    for (const fn of [...(this.listeners.get(topic) ?? [])]) {
      try {
        fn();
      } catch (e) {
        console.error(`console: a view failed on ${topic}`, e);
      }
    }
  }

  navigate(hash: string): void {
    let target = hash;
    if (this.mode === 'centre' && this.site !== null) {
      const r = parseRoute(hash);
      if (r.query['site'] === undefined) target = formatRoute(r.page, r.id, { ...r.query, site: this.site });
    }
    if (location.hash === target) this.showRoute();
    else location.hash = target;
  }

  can(capability: Capability): boolean {
    if (this.mode === 'centre') return false;
    const roles = capability === 'operate' ? OPERATE : MAINTAIN;
    return this.me.roles.some((r) => roles.has(r));
  }

  watchValues(pointIds: readonly string[]): () => void {
    if (this.mode === 'centre' || pointIds.length === 0) return () => undefined;
    return this.watch.watch(pointIds);
  }

  valuesWatcher(): ValuesWatcher {
    if (this.mode === 'centre') return { set: () => undefined, close: () => undefined };
    return this.watch.open();
  }

  silentSites(): SilentSite[] {
    if (this.mode !== 'centre') return [];
    return silentSites(mergeSites(this.sitesRest, this.sitesRestAt, this.live.sites), this.now(), this.site);
  }

  async act(action: OperatorAction, conditionId: string, body: Readonly<Record<string, unknown>>): Promise<unknown> {
    return this.api.post(`/api/alarms/${encodeURIComponent(conditionId)}/${action}`, body);
  }

  toast(kind: 'ok' | 'error', text: string): void {
    this.shell?.toast(kind, text);
  }

  setLanguage(lang: Lang): void {
    this.tr.lang = lang;
    document.documentElement.lang = lang;
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      // A browser that keeps nothing: the choice lasts this page.
    }
    if (this.shell === null) return void this.login(null);
    this.shell.render();
    this.showRoute(true);
  }

  async logout(): Promise<void> {
    try {
      await this.api.logout();
    } catch {
      // Gone already: the login follows either way.
    }
    this.stop();
    this.login(null);
  }

  /** The session ended under us (401, or the WebSocket closed for credentials): back to the login, saying why. */
  sessionEnded(code: string | null): void {
    if (this.shell === null) return;
    this.stop();
    this.login(code ?? 'HG_ERR_AUTH_REQUIRED');
  }

  private login(endedCode: string | null): void {
    this.root.replaceChildren();
    document.body.dataset['live'] = 'no';
    document.title = this.t('app.title');
    showLogin(this, this.root, endedCode, (me) => void this.start(me));
  }

  private async start(me: Me): Promise<void> {
    this.me = me;
    this.live = this.newLive();
    this.helloSeen = false;
    if (this.mode === 'gateway') await this.loadPoints();
    this.route = parseRoute(location.hash);
    this.site = this.mode === 'centre' ? (this.route.query['site'] ?? null) : null;
    this.shell = new Shell(this, this.root);
    this.shell.render();
    this.linkWs = new LiveLink(() => this.wsUrl(), {
      state: (info) => this.onLink(info),
      message: (msg) => {
        const topics = this.live.handle(msg, Date.now());
        if (msg.type === 'hello') {
          this.watch.resubscribe();
          // Connected again (maybe to a restarted gateway): the points' latest values and configuration anew.
          if (this.helloSeen && this.mode === 'gateway') void this.loadPoints();
          this.helloSeen = true;
        }
        for (const t of topics) this.emit(t);
      },
      authEnded: (code) => this.sessionEnded(code),
      refused: () => void this.api.me().then((m) => (m === null ? this.sessionEnded(null) : undefined), () => undefined),
    });
    this.linkWs.start();
    this.clock = setInterval(() => this.emit('clock'), 1000);
    this.blink = setInterval(() => {
      const root = document.documentElement;
      root.dataset['blink'] = root.dataset['blink'] === 'on' ? 'off' : 'on';
    }, BLINK_MS);
    if (this.mode === 'centre') void this.pollSites();
    window.addEventListener('hashchange', this.onHash);
    this.unbindKeys = bindShortcuts(this);
    this.showRoute(true);
  }

  private stop(): void {
    this.page?.unmount();
    this.page = null;
    this.linkWs?.stop();
    this.linkWs = null;
    if (this.clock !== null) clearInterval(this.clock);
    this.clock = null;
    if (this.blink !== null) clearInterval(this.blink);
    this.blink = null;
    delete document.documentElement.dataset['blink'];
    if (this.sitesTimer !== null) clearTimeout(this.sitesTimer);
    this.sitesTimer = null;
    window.removeEventListener('hashchange', this.onHash);
    this.unbindKeys?.();
    this.unbindKeys = null;
    this.shell = null;
    this.listeners.clear();
  }

  private async loadPoints(): Promise<void> {
    try {
      const res = await this.api.get<{ points: Point[] }>('/api/points');
      this.points = new Map(res.points.map((p) => [p.id, p]));
    } catch (e) {
      console.error('console: the points could not be loaded', e);
      this.points = new Map();
    }
    this.emit('points');
  }

  private newLive(): LiveState {
    return new LiveState(this.mode === 'centre' ? 'journal' : 'arrival');
  }

  /** A centre's sites, polled: the selector's names and which sites went silent. */
  private async pollSites(): Promise<void> {
    const shell = this.shell;
    try {
      const res = await this.api.get<{ sites: SiteView[] } | SiteView[]>('/api/sites');
      if (this.shell !== shell || shell === null) return;
      this.sitesRest = Array.isArray(res) ? res : Array.isArray(res.sites) ? res.sites : [];
      this.sitesRestAt = this.now();
      this.emit('sites');
    } catch {
      // The sites page says what failed; the last answer stands.
    }
    if (this.shell === shell && shell !== null) this.sitesTimer = setTimeout(() => void this.pollSites(), SITES_POLL_MS);
  }

  private wsUrl(): string {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const site = this.mode === 'centre' && this.site !== null ? `?site=${encodeURIComponent(this.site)}` : '';
    return `${scheme}//${location.host}/ws${site}`;
  }

  private onLink(info: LinkInfo): void {
    this.link = info;
    if (info.state === 'lost') this.live.disconnected();
    document.body.dataset['live'] = info.state === 'live' ? 'yes' : 'no';
    this.emit('link');
  }

  private readonly onHash = () => this.showRoute();

  /** Mounts the page of the URL's hash (again, with `force`, e.g. after a language switch). */
  private showRoute(force = false): void {
    if (this.shell === null) return;
    const route = parseRoute(location.hash);
    if (route.page === 'login') return void history.replaceState(null, '', formatRoute('summary'));
    const site = this.mode === 'centre' ? (route.query['site'] ?? null) : null;
    if (site !== this.site) {
      this.site = site;
      this.live = this.newLive();
      this.helloSeen = false;
      this.linkWs?.restart();
      this.emit('site');
      force = true;
    }
    const same = route.page === this.route.page && route.id === this.route.id && JSON.stringify(route.query) === JSON.stringify(this.route.query);
    this.route = route;
    if (same && !force && this.page !== null) return;
    this.page?.unmount();
    const page = PAGES[route.page](this, route);
    this.page = page;
    this.shell.mount(route, page);
  }
}
