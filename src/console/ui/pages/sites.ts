import { COLOURS } from '../../lib/alarm-model.js';
import { formatDateTime, formatDuration, formatTime } from '../../lib/format.js';
import { formatRoute, type Route } from '../../lib/route.js';
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
  type SiteAlarmCount,
} from '../../lib/sites-view.js';
import type { SiteView } from '../../lib/wire.js';
import type { Ctx, Page } from '../context.js';
import { fill, h, throttled } from '../dom.js';
import { errorDetail, errorText } from '../errors.js';
import { idListKeys, markSelected, rowById } from '../list-keys.js';
import './sites.css';

/** GET /api/sites is read again this often: it has every site's latest message time (the live `site` messages come only when gaps or the chain change). */
const POLL_MS = 10_000;

type Sort = 'urgency' | 'id';

/**
 * The centre's sites (`#/sites`): for every plant, its alarms by priority, its journal chain's
 * verdict (an edited journal in red, with what it means), its feed's gaps, how long since it was
 * last heard (silent over a minute: flagged) and its gateway's last status. A site opens its alarms.
 */
export function sitesPage(ctx: Ctx, route: Route): Page {
  const title = ctx.t('sites.title');
  const root = h('section', { class: 'sites-page', 'data-testid': 'sites-page' });
  if (ctx.mode !== 'centre') {
    fill(root, h('h1', {}, title), h('p', { class: 'empty' }, ctx.t('sites.notCentre')));
    return { root, title, unmount: () => undefined };
  }

  const abort = new AbortController();
  let rest: readonly SiteView[] | null = null;
  let restAt = 0;
  let failure: string | null = null;
  /** The server's own words about the failure (English): the failure's title. */
  let failureDetail: string | null = null;
  let text = route.query['q'] ?? '';
  let sort: Sort = route.query['sort'] === 'id' ? 'id' : 'urgency';
  let selected: string | null = ctx.site;
  const ageCells = new Map<string, { readonly td: HTMLElement; readonly site: SiteView }>();

  const counts = h('span', { class: 'sites-counts', 'data-testid': 'sites-counts' });
  const updated = h('span', { class: 'muted' });
  const search = h('input', {
    type: 'search',
    value: text,
    placeholder: ctx.t('sites.searchPlaceholder'),
    'aria-label': ctx.t('sites.search'),
    'data-testid': 'sites-search',
    'data-search': true,
    oninput: () => {
      text = search.value;
      remember();
      redraw();
    },
  });
  const sortSelect = h(
    'select',
    {
      'data-testid': 'sites-sort',
      onchange: () => {
        sort = sortSelect.value === 'id' ? 'id' : 'urgency';
        remember();
        redraw();
      },
    },
    h('option', { value: 'urgency', selected: sort === 'urgency' }, ctx.t('sites.sort.urgency')),
    h('option', { value: 'id', selected: sort === 'id' }, ctx.t('sites.sort.id')),
  );
  const tbody: HTMLElement = h('tbody', { onkeydown: (e: Event) => onKey(e as KeyboardEvent) });
  const onKey = idListKeys(tbody, 'site', () => selected, (id) => select(id), (id) => open(id));
  const table = h(
    'table',
    { class: 'grid sites-table', 'data-testid': 'sites-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, ctx.t('sites.col.site')),
        h('th', {}, ctx.t('sites.col.alarms')),
        h('th', {}, ctx.t('sites.col.chain')),
        h('th', {}, ctx.t('sites.col.gaps')),
        h('th', {}, ctx.t('sites.col.last')),
        h('th', {}, ctx.t('sites.col.status')),
      ),
    ),
    tbody,
  );
  const body = h('div');
  fill(
    root,
    h('h1', {}, title),
    h('div', { class: 'toolbar' }, counts, h('label', {}, ctx.t('sites.search'), ' ', search), h('label', {}, ctx.t('sites.sort'), ' ', sortSelect), h('span', { class: 'spacer' }), updated),
    body,
  );

  function remember(): void {
    history.replaceState(null, '', formatRoute('sites', null, { site: ctx.site, q: text, sort: sort === 'urgency' ? null : sort }));
  }

  /** Live counts from the alarm book where the WebSocket carries the site (all sites, or the one chosen); the REST counts elsewhere. */
  function alarmCountsOf(): (s: SiteView) => SiteAlarmCount {
    const live = ctx.link.state === 'live' ? liveAlarmCounts(ctx.live.book.all()) : null;
    return (s) => {
      if (live !== null && (ctx.site === null || ctx.site === s.site)) return live.get(s.site) ?? restAlarmCounts({ ...s, alarms: {} });
      return restAlarmCounts(s);
    };
  }

  function draw(): void {
    if (rest === null) {
      if (failure !== null) fill(body, h('p', { class: 'empty error-text', title: failureDetail }, ctx.t('common.failed', { message: failure }), ' ', h('button', { type: 'button', onclick: () => void load() }, ctx.t('common.retry'))));
      else fill(body, h('p', { class: 'empty' }, ctx.t('common.loading')));
      return;
    }
    if (body.firstChild !== table) fill(body, table);
    const now = ctx.now();
    const all = mergeSites(rest, restAt, ctx.live.sites as ReadonlyMap<string, LiveSite>);
    const countOf = alarmCountsOf();
    const alarmCounts = new Map(all.map((s) => [s.site, countOf(s)]));
    const silent = all.filter((s) => silence(s, now).silent).length;
    const broken = all.filter((s) => chainLevel(s.chain?.verdict) === 'broken').length;
    const alarmTotal = [...alarmCounts.values()].reduce((n, c) => n + c.total, 0);
    fill(
      counts,
      h('span', {}, ctx.t('sites.count', { n: all.length })),
      h('span', {}, ctx.t('sites.alarmCount', { n: alarmTotal })),
      silent > 0 ? h('span', { class: 'flag-silent' }, ctx.t('sites.silentCount', { n: silent })) : null,
      broken > 0 ? h('span', { class: 'flag-broken' }, ctx.t('sites.brokenCount', { n: broken })) : null,
    );
    updated.textContent = failure !== null ? ctx.t('common.failed', { message: failure }) : ctx.t('sites.updated', { time: formatTime(restAt, ctx.tr.lang) });
    updated.className = failure !== null ? 'error-text' : 'muted';

    const words = text.toLowerCase().split(/\s+/).filter((w) => w !== '');
    const shown = all.filter((s) => words.every((w) => `${s.site} ${s.name ?? ''}`.toLowerCase().includes(w)));
    if (sort === 'urgency') {
      const rank = new Map(shown.map((s) => [s.site, siteUrgency(s, alarmCounts.get(s.site) ?? restAlarmCounts(s), now)]));
      shown.sort((a, b) => (rank.get(a.site) ?? 9) - (rank.get(b.site) ?? 9) || (a.site < b.site ? -1 : 1));
    }
    const focusedInside = tbody.contains(document.activeElement);
    ageCells.clear();
    if (all.length === 0) fill(tbody, h('tr', {}, h('td', { colspan: 6, class: 'empty' }, ctx.t('sites.none'))));
    else if (shown.length === 0) fill(tbody, h('tr', {}, h('td', { colspan: 6, class: 'empty' }, ctx.t('sites.noMatch', { text }))));
    else {
      const tabbable = shown.some((s) => s.site === selected) ? selected : (shown[0]?.site ?? null);
      fill(tbody, shown.map((s) => row(s, alarmCounts.get(s.site) ?? restAlarmCounts(s), now, s.site === tabbable)));
    }
    if (focusedInside && selected !== null) rowOf(selected)?.focus();
  }

  function row(s: SiteView, alarms: SiteAlarmCount, now: number, tabbable: boolean): HTMLElement {
    const worst = COLOURS.find((c) => alarms.byColour[c] > 0);
    const name = s.name ?? s.site;
    const ageTd = h('td', { class: 'last' });
    ageCells.set(s.site, { td: ageTd, site: s });
    drawAge(ageTd, s, now);
    return h(
      'tr',
      {
        'data-testid': 'site-row',
        'data-site': s.site,
        'data-colour': worst,
        'aria-selected': s.site === selected ? 'true' : 'false',
        'aria-current': s.site === ctx.site ? 'true' : null,
        tabindex: tabbable ? 0 : -1,
        title: ctx.t('sites.open', { site: name }),
        onclick: () => open(s.site),
        onfocus: () => select(s.site),
      },
      h(
        'td',
        { class: 'site-cell' },
        h('div', { class: 'site-name' }, name, s.site === ctx.site ? h('span', { class: 'chip c-none selected-badge' }, ctx.t('sites.selected')) : null),
        h('div', { class: 'muted mono' }, s.site, s.configured === false ? ` · ${ctx.t('sites.unconfigured')}` : ''),
      ),
      h('td', { class: 'alarm-chips', 'data-testid': 'site-alarms' }, COLOURS.map((c) => {
        const n = alarms.byColour[c];
        return h(
          'span',
          { class: `chip ${n > 0 ? `c-${c}` : 'c-none'}${alarms.unacked[c] > 0 ? ' flash' : ''}`, 'data-colour': c, title: ctx.t('sites.alarmsTitle', { colour: ctx.t(`sites.colour.${c}`), n }) },
          n,
        );
      })),
      chainCell(s),
      gapsCell(s),
      ageTd,
      statusCell(s, now),
    );
  }

  function chainCell(s: SiteView): HTMLElement {
    const verdict = s.chain?.verdict ?? 'unknown';
    const level = chainLevel(verdict);
    const label = ctx.tr.has(`sites.chain.${verdict}`) ? ctx.t(`sites.chain.${verdict}`) : verdict;
    const n = chainRecords(s);
    const records = n === null ? null : ctx.t('sites.chain.records', { n });
    const hint =
      verdict === 'tampered'
        ? ctx.t('sites.chain.tamperedHint', { n: s.chain.tamperedCount ?? 0 })
        : verdict === 'head-mismatch'
          ? ctx.t('sites.chain.headHint')
          : verdict === 'partial'
            ? ctx.t('sites.chain.partialHint')
            : verdict === 'ok'
              ? ctx.t('sites.chain.okHint')
              : null;
    return h(
      'td',
      { class: `chain chain-${level}`, 'data-testid': 'site-chain', 'data-verdict': verdict },
      h('div', { class: 'chain-verdict' }, label),
      level === 'broken' ? h('div', { class: 'chain-hint' }, hint) : h('div', { class: 'muted small', title: hint ?? '' }, records),
    );
  }

  function gapsCell(s: SiteView): HTMLElement {
    const g = gapCounts(s);
    if (g.open === 0 && g.lost === 0) return h('td', { class: 'gaps muted', 'data-testid': 'site-gaps' }, ctx.t('sites.gaps.none'));
    return h(
      'td',
      { class: 'gaps', 'data-testid': 'site-gaps' },
      g.open > 0 ? h('div', { class: 'gap-open' }, ctx.t('sites.gaps.open', { n: g.open, m: g.openMessages })) : null,
      g.lost > 0 ? h('div', { class: 'gap-lost' }, ctx.t('sites.gaps.lost', { n: g.lost, m: g.lostMessages })) : null,
    );
  }

  function drawAge(td: HTMLElement, s: SiteView, now: number): void {
    const lang = ctx.tr.lang;
    const { ageMs, silent } = silence(s, now);
    td.dataset['silent'] = silent ? 'true' : 'false';
    td.setAttribute('data-testid', 'site-last');
    if (ageMs === null || s.lastMessageAt === null) return void fill(td, h('span', { class: 'silent' }, ctx.t('sites.last.never')));
    if (silent) {
      fill(
        td,
        h('div', { class: 'silent' }, ctx.t('sites.last.silent', { time: ageMs > 86_400_000 ? formatDateTime(s.lastMessageAt, lang) : formatTime(s.lastMessageAt, lang) })),
        h('div', { class: 'muted small' }, ctx.t('sites.last.silentHint', { ago: formatDuration(ageMs, lang) })),
      );
    } else fill(td, h('div', {}, ctx.t('sites.last.ago', { ago: formatDuration(ageMs, lang) })), h('div', { class: 'muted small mono' }, formatTime(s.lastMessageAt, lang)));
  }

  function statusCell(s: SiteView, now: number): HTMLElement {
    const st = statusSummary(s.lastStatus);
    const lang = ctx.tr.lang;
    if (st === null) return h('td', { class: 'status muted', 'data-testid': 'site-status' }, ctx.t('sites.status.none'));
    return h(
      'td',
      { class: 'status', 'data-testid': 'site-status' },
      h(
        'div',
        {},
        h('span', { class: st.down.length > 0 ? 'status-bad' : '' }, ctx.t('sites.status.adapters', { up: st.adaptersUp, n: st.adapters })),
        st.version === null ? null : h('span', { class: 'muted' }, ` · ${ctx.t('sites.status.version', { version: st.version })}`),
      ),
      st.down.length > 0 ? h('div', { class: 'status-bad small' }, st.down.map((d) => ctx.t('sites.status.down', { id: d.id, status: d.status })).join(', ')) : null,
      st.outboxDepth > 0 ? h('div', { class: 'small' }, ctx.t('sites.status.outbox', { n: st.outboxDepth, ago: formatDuration(st.outboxOldestMs, lang) })) : null,
      st.dropped > 0 ? h('div', { class: 'status-bad small' }, ctx.t('sites.status.dropped', { n: st.dropped })) : null,
      st.time === null ? null : h('div', { class: 'muted small' }, ctx.t('sites.status.age', { ago: formatDuration(Math.max(0, now - st.time), lang), time: formatTime(st.time, lang) })),
    );
  }

  function rowOf(site: string): HTMLElement | null {
    return rowById(tbody, 'site', site);
  }

  function select(site: string): void {
    if (selected === site) return;
    selected = site;
    markSelected(tbody, 'site', site);
  }

  function open(site: string): void {
    ctx.navigate(formatRoute('alarms', null, { site }));
  }



  async function load(): Promise<void> {
    try {
      const res = await ctx.api.get<{ sites: SiteView[] }>('/api/sites', abort.signal);
      rest = Array.isArray(res.sites) ? res.sites : [];
      restAt = ctx.now();
      failure = null;
    } catch (e) {
      if (abort.signal.aborted) return;
      failure = errorText(ctx, e);
      failureDetail = errorDetail(e);
    }
    redraw();
  }

  /** Each second: the ages only (the rows stay as they are, focus and hover with them). */
  function tick(): void {
    const now = ctx.now();
    let flips = false;
    for (const { td, site } of ageCells.values()) {
      const was = td.dataset['silent'];
      drawAge(td, site, now);
      if (td.dataset['silent'] !== was) flips = true;
    }
    if (flips) redraw();
  }

  const redraw = throttled(draw);
  const offs = [ctx.on('sites', redraw), ctx.on('alarms', redraw), ctx.on('link', redraw), ctx.on('clock', tick)];
  const poll = setInterval(() => void load(), POLL_MS);
  draw();
  void load();

  return {
    root,
    title,
    unmount() {
      abort.abort();
      for (const off of offs) off();
      clearInterval(poll);
    },
  };
}
