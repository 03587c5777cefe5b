import { formatWhen } from '../lib/alarm-view.js';
import { formatDateTime, formatTime } from '../lib/format.js';
import { documentTitle, linkBanner } from '../lib/link-view.js';
import { formatRoute, type PageName, type Route } from '../lib/route.js';
import type { ConsoleApp } from './app.js';
import type { Page } from './context.js';
import { fill, h, throttled } from './dom.js';

/** The header's pages, in the order of Alt+1…6. */
export function navPages(mode: 'gateway' | 'centre'): readonly PageName[] {
  return mode === 'centre' ? ['summary', 'alarms', 'history', 'points', 'sites'] : ['summary', 'alarms', 'history', 'points', 'people'];
}

/** The page's section of the header ('trend' belongs to points, 'zone' to people). */
function navOf(page: PageName): PageName {
  return page === 'trend' ? 'points' : page === 'zone' ? 'people' : page;
}

/**
 * The frame around every page: the header (pages, link state, site at a centre, language, user,
 * clock), the banners that say when the screen is not live or a position is in flood, the page,
 * and the toasts.
 */
export class Shell {
  private readonly header = h('header', { class: 'topbar' });
  private readonly banners = h('div', { 'aria-live': 'assertive', 'data-testid': 'banners' });
  private readonly main = h('main', { id: 'main', tabindex: '-1' });
  private readonly toasts = h('div', { class: 'toasts', 'aria-live': 'polite' });
  private readonly linkBadge = h('span', { class: 'link-state', 'data-testid': 'link-state', role: 'status' });
  private readonly clock = h('span', { class: 'clock', 'data-testid': 'clock' });
  private route: Route | null = null;
  private page: Page | null = null;
  /** The title waits for a frame, or for the clock in a background tab (no frames there). */
  private titleDirty = false;
  private titleAt = 0;

  constructor(
    private readonly app: ConsoleApp,
    private readonly root: HTMLElement,
  ) {
    const redrawBanners = throttled(() => this.drawBanners());
    app.on('link', () => {
      this.drawLink();
      redrawBanners();
    });
    app.on('flood', redrawBanners);
    const titleSoon = throttled(() => this.drawTitle());
    app.on('alarms', () => {
      this.titleDirty = true;
      // A background tab gets no animation frames: count there at once, at most once a second (the clock catches up the rest).
      if (document.hidden) {
        if (Date.now() - this.titleAt >= 1000) this.drawTitle();
      } else titleSoon();
    });
    app.on('link', () => this.drawTitle());
    app.on('clock', () => {
      this.drawClock();
      if (this.titleDirty) this.drawTitle();
      // Banners name times, and a centre's sites go silent as time passes.
      if (app.link.state !== 'live' || app.mode === 'centre') redrawBanners();
    });
    app.on('sites', throttled(() => {
      this.drawSiteOptions();
      this.drawBanners();
    }));
    app.on('hello', () => {
      const id = this.header.querySelector('[data-testid=site-id]');
      if (id !== null) id.textContent = app.live.siteId ?? '';
    });
  }

  render(): void {
    const { app } = this;
    fill(this.root, this.header, this.banners, this.main, this.toasts);
    const t = (k: string, p?: Readonly<Record<string, string | number>>) => app.t(k, p);
    const current = this.route === null ? null : navOf(this.route.page);
    const nav = h(
      'nav',
      { 'aria-label': t('nav.label') },
      navPages(app.mode).map((p, i) =>
        h('a', { href: this.hrefOf(p), 'aria-current': p === current ? 'page' : null, 'data-testid': `nav-${p}`, title: `Alt+${i + 1}` }, t(`nav.${p}`)),
      ),
    );
    const siteSelect =
      app.mode === 'centre'
        ? h('label', {}, t('site.label'), ' ', h('select', { 'data-testid': 'site-select', onchange: (e: Event) => this.chooseSite((e.target as HTMLSelectElement).value) }))
        : null;
    const role = app.me.roles[app.me.roles.length - 1] ?? '';
    fill(
      this.header,
      h('span', { class: 'brand' }, t('app.brand'), ' ', h('span', { class: 'muted', 'data-testid': 'site-id' }, app.live.siteId ?? '')),
      nav,
      siteSelect,
      h('span', { class: 'spacer' }),
      this.linkBadge,
      this.clock,
      h('button', { type: 'button', 'data-testid': 'lang-switch', title: t('lang.switchTitle'), lang: app.tr.lang === 'en' ? 'zh-CN' : 'en', onclick: () => app.setLanguage(app.tr.lang === 'en' ? 'zh-CN' : 'en') }, t('lang.switch')),
      h('span', { class: 'user', 'data-testid': 'user' }, t('user.as', { user: app.me.user, role })),
      h('button', { type: 'button', 'data-testid': 'logout', onclick: () => void app.logout() }, t('user.logout')),
    );
    this.drawSiteOptions();
    this.drawLink();
    this.drawClock();
    this.drawBanners();
    if (this.page !== null) this.main.replaceChildren(this.page.root);
  }

  mount(route: Route, page: Page): void {
    const before = this.route === null ? null : navOf(this.route.page);
    this.route = route;
    this.page = page;
    this.main.replaceChildren(page.root);
    if (before !== navOf(route.page)) this.render();
    else this.drawNav();
    this.drawTitle();
  }

  toast(kind: 'ok' | 'error', text: string): void {
    const el = h('div', { class: 'toast', 'data-kind': kind, role: kind === 'error' ? 'alert' : 'status', 'data-testid': 'toast' }, text);
    if (kind === 'error') el.append(' ', h('button', { type: 'button', onclick: () => el.remove() }, this.app.t('common.close')));
    this.toasts.append(el);
    if (kind === 'ok') setTimeout(() => el.remove(), 4000);
  }

  private hrefOf(p: PageName): string {
    const site = this.app.mode === 'centre' ? this.app.site : null;
    return formatRoute(p, null, { site });
  }

  private drawNav(): void {
    const current = this.route === null ? null : navOf(this.route.page);
    for (const a of this.header.querySelectorAll('nav a')) {
      const p = (a.getAttribute('data-testid') ?? '').slice(4);
      if (p === current) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
      a.setAttribute('href', this.hrefOf(p as PageName));
    }
  }

  private drawTitle(): void {
    this.titleDirty = false;
    this.titleAt = Date.now();
    const counts = this.app.live.book.counts(this.app.areaOf, this.app.site);
    document.title = documentTitle(counts.unacked, this.page?.title ?? '', this.app.t('app.title'), this.app.link.state === 'live');
  }

  private drawLink(): void {
    const { state } = this.app.link;
    this.linkBadge.dataset['state'] = state;
    this.linkBadge.textContent = this.app.t(`link.${state}`);
  }

  private drawClock(): void {
    this.clock.textContent = formatTime(this.app.now(), this.app.tr.lang);
  }

  private drawBanners(): void {
    const { app } = this;
    const link = app.link;
    const out: HTMLElement[] = [];
    const kind = linkBanner(link);
    if (kind === 'lost') {
      const text =
        link.liveUntil === null
          ? app.t('banner.lostNever', { attempt: Math.max(1, link.attempt) })
          : app.t('banner.lost', { time: formatDateTime(link.liveUntil, app.tr.lang), attempt: Math.max(1, link.attempt) });
      out.push(h('div', { class: 'banner banner-lost', role: 'alert', 'data-testid': 'banner-lost' }, text));
    } else if (kind === 'connecting') out.push(h('div', { class: 'banner banner-wait', 'data-testid': 'banner-connecting' }, app.t('banner.connecting')));
    else if (kind === 'wait') out.push(h('div', { class: 'banner banner-wait', 'data-testid': 'banner-wait' }, app.t(link.liveUntil === null ? 'banner.loading' : 'banner.wait')));
    else if (kind === 'behind') out.push(h('div', { class: 'banner banner-wait', 'data-testid': 'banner-behind' }, app.t('banner.behind')));
    const silent = app.silentSites();
    if (silent.length > 0) {
      const now = app.now();
      const sites = silent
        .map((s) => {
          const name = s.name === null ? s.site : `${s.name} (${s.site})`;
          return s.lastMessageAt === null ? app.t('banner.silentNever', { site: name }) : app.t('banner.silentSince', { site: name, time: formatWhen(s.lastMessageAt, now, app.tr.lang) });
        })
        .join(' · ');
      out.push(h('div', { class: 'banner banner-silent', role: 'status', 'data-testid': 'banner-silent', 'data-sites': silent.map((s) => s.site).join(' ') }, app.t('banner.silent', { sites })));
    }
    const floods = [...app.live.floods.values()];
    if (floods.length > 0) {
      const positions = floods.map((f) => app.t('banner.floodPosition', { position: f.position, count: f.count })).join(' · ');
      out.push(h('div', { class: 'banner banner-flood', role: 'alert', 'data-testid': 'banner-flood' }, app.t('banner.flood', { positions })));
    }
    fill(this.banners, out);
  }

  private drawSiteOptions(): void {
    const select = this.header.querySelector<HTMLSelectElement>('[data-testid=site-select]');
    if (select === null) return;
    const rest = this.app.sitesRest;
    const ids = new Set([...rest.map((s) => s.site), ...this.app.live.sites.keys()]);
    const names = new Map<string, string>();
    for (const s of [...rest, ...this.app.live.sites.values()]) if (s.name !== undefined) names.set(s.site, s.name);
    if (this.app.site !== null) ids.add(this.app.site);
    // Not refilled when nothing changed (a poll every 15 s would close the list under the user's hand).
    const sig = [this.app.tr.lang, this.app.site ?? '', ...[...ids].sort().map((id) => `${id}=${names.get(id) ?? ''}`)].join('\n');
    if (select.dataset['sig'] === sig) return;
    select.dataset['sig'] = sig;
    fill(
      select,
      h('option', { value: '' }, this.app.t('site.all')),
      [...ids].sort().map((id) => h('option', { value: id, selected: id === this.app.site }, names.has(id) ? `${names.get(id)} (${id})` : id)),
    );
    select.value = this.app.site ?? '';
  }

  private chooseSite(site: string): void {
    const r = this.route;
    const query = { ...(r?.query ?? {}), site: site === '' ? null : site };
    location.hash = formatRoute(r?.page ?? 'summary', r?.id ?? null, query);
  }
}
