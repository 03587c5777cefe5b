import { formatTime } from '../../lib/format.js';
import {
  alarmsByZone,
  mergeHeadcounts,
  occupancy,
  totalHeadcount,
  urgentAlarms,
  zoneMatches,
  zoneOfAlarm,
  type ZoneAlarms,
  type ZoneRow,
} from '../../lib/people-zones.js';
import { formatRoute, type Route } from '../../lib/route.js';
import type { Transition, ZoneHeadcount } from '../../lib/wire.js';
import { ApiError } from '../../net/api.js';
import type { Ctx, Page } from '../context.js';
import { fill, h, throttled } from '../dom.js';
import { errorDetail, errorText } from '../errors.js';
import { idListKeys, markSelected, rowById } from '../list-keys.js';
import { alarmChips, kindLabel, urgentStrip } from './people-parts.js';
import './people.css';

interface ZonesAnswer {
  readonly count: number;
  readonly total: number;
  readonly zones: readonly ZoneHeadcount[];
}

/** The REST list is fetched again this often (the live headcounts keep it current between). */
const POLL_MS = 30_000;

/**
 * Personnel location (`#/people`): who is on site and where. The zone board lists every zone with
 * its headcount against its limit and the alarms in it; a person asking for help (SOS, man down)
 * comes first, above everything. A zone opens its evacuation list (`#/people/<zone>`).
 */
export function peoplePage(ctx: Ctx, route: Route): Page {
  const title = ctx.t('people.title');
  const root = h('section', { class: 'people-page', 'data-testid': 'people-page' });
  if (ctx.mode === 'centre') {
    fill(root, h('h1', {}, title), h('p', { class: 'empty' }, ctx.t('people.notAtCentre')));
    return { root, title, unmount: () => undefined };
  }

  const abort = new AbortController();
  let rest: readonly ZoneHeadcount[] | null = null;
  let restAt: number | null = null;
  let failure: string | null = null;
  /** The server's own words about the failure (English): the failure's title. */
  let failureDetail: string | null = null;
  let notConfigured = false;
  let text = route.query['q'] ?? '';
  let selected: string | null = null;

  const summary = h('div', { class: 'cards people-cards' });
  const urgent = h('div');
  const search = h('input', {
    type: 'search',
    value: text,
    placeholder: ctx.t('people.searchPlaceholder'),
    'aria-label': ctx.t('people.search'),
    'data-testid': 'people-search',
    'data-search': true,
    oninput: () => {
      text = search.value;
      history.replaceState(null, '', formatRoute('people', null, { q: text }));
      redraw();
    },
  });
  const updated = h('span', { class: 'muted' });
  const tbody: HTMLElement = h('tbody', { onkeydown: (e: Event) => onKey(e as KeyboardEvent) });
  const onKey = idListKeys(tbody, 'zone', () => selected, (id) => select(id), (id) => open(id));
  const table = h(
    'table',
    { class: 'grid zone-table', 'data-testid': 'zone-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, ctx.t('people.col.zone')),
        h('th', {}, ctx.t('people.col.kind')),
        h('th', { class: 'num' }, ctx.t('people.col.people')),
        h('th', { class: 'num' }, ctx.t('people.col.limit')),
        h('th', { class: 'occ-col' }, ctx.t('people.col.occupancy')),
        h('th', {}, ctx.t('people.col.alarms')),
      ),
    ),
    tbody,
  );
  const body = h('div');
  fill(root, h('h1', {}, title), body);

  const pointArea = (id: string) => ctx.points.get(id)?.area;

  function rows(): ZoneRow[] {
    return mergeHeadcounts(rest ?? [], ctx.live.headcounts);
  }

  function draw(): void {
    if (notConfigured) return void fill(body, h('p', { class: 'empty', 'data-testid': 'people-not-configured' }, ctx.t('people.notConfigured')));
    if (rest === null && ctx.live.headcounts.size === 0) {
      if (failure !== null) return void fill(body, h('p', { class: 'empty error-text', title: failureDetail }, ctx.t('common.failed', { message: failure }), ' ', h('button', { type: 'button', onclick: () => void load() }, ctx.t('common.retry'))));
      return void fill(body, h('p', { class: 'empty' }, ctx.t('common.loading')));
    }
    if (body.firstChild !== summary) fill(body, summary, urgent, h('div', { class: 'toolbar' }, h('label', {}, ctx.t('people.search'), ' ', search), h('span', { class: 'spacer' }), updated), table);
    const all = rows();
    const zoneIds = new Set(all.map((z) => z.zoneId));
    const alarms = ctx.live.book.all();
    const byZone = alarmsByZone(alarms, zoneIds, pointArea);
    const names = new Map(all.map((z) => [z.zoneId, z.name ?? z.zoneId]));
    const zoneOf = (t: Transition) => zoneOfAlarm(t, zoneIds, pointArea);

    const over = all.filter((z) => occupancy(z.headcount, z.limit).level === 'over').length;
    const inAlarm = all.filter((z) => (byZone.get(z.zoneId)?.chips.length ?? 0) > 0).length;
    fill(
      summary,
      card(ctx.t('people.onSite'), totalHeadcount(all), 'people-total'),
      card(ctx.t('people.zones'), all.length, 'people-zone-count'),
      card(ctx.t('people.overLimit'), over, 'people-over', over > 0),
      card(ctx.t('people.inAlarm'), inAlarm, 'people-in-alarm'),
    );
    fill(urgent, urgentStrip(ctx, urgentAlarms(alarms), (z) => names.get(z) ?? z, zoneOf));
    const latest = Math.max(restAt ?? 0, ...all.map((z) => z.time ?? 0));
    updated.textContent = latest > 0 ? ctx.t('people.updated', { time: formatTime(latest, ctx.tr.lang) }) : '';

    const shown = all.filter((z) => zoneMatches(z, text, kindLabel(ctx, z.kind)));
    const focusedInside = tbody.contains(document.activeElement);
    if (all.length === 0) fill(tbody, h('tr', {}, h('td', { colspan: 6, class: 'empty' }, ctx.t('people.noZones'))));
    else if (shown.length === 0) fill(tbody, h('tr', {}, h('td', { colspan: 6, class: 'empty' }, ctx.t('people.noMatch', { text }))));
    else {
      const tabbable = shown.some((z) => z.zoneId === selected) ? selected : (shown[0]?.zoneId ?? null);
      fill(tbody, shown.map((z) => row(z, byZone.get(z.zoneId), z.zoneId === tabbable)));
    }
    const outside = byZone.get(null);
    const outsideNonUrgent = outside?.chips.filter((c) => c.kind !== 'sos' && c.kind !== 'man-down') ?? [];
    if (outsideNonUrgent.length > 0) tbody.append(h('tr', { class: 'zone-outside' }, h('td', { colspan: 5, class: 'muted' }, ctx.t('people.outside')), h('td', {}, alarmChips(ctx, outsideNonUrgent))));
    if (focusedInside) rowOf(selected)?.focus();
  }

  function card(label: string, value: number, testid: string, highlight = false): HTMLElement {
    return h('div', { class: `panel stat${highlight ? ' stat-highlight' : ''}` }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value num', 'data-testid': testid }, value));
  }

  function row(z: ZoneRow, alarms: ZoneAlarms | undefined, tabbable: boolean): HTMLElement {
    const occ = occupancy(z.headcount, z.limit);
    const name = z.name ?? z.zoneId;
    const worst = alarms?.chips.reduce<number>((p, c) => Math.min(p, c.priority), 5) ?? 5;
    const colour = worst <= 4 ? (['red', 'orange', 'yellow', 'blue'] as const)[worst - 1] : undefined;
    // Over the limit: the retained headcount alarm's colour; without one (not raised yet, or none configured) a neutral highlight.
    const overClass = occ.level === 'over' ? (alarms?.headcountColour !== null && alarms?.headcountColour !== undefined ? `over c-${alarms.headcountColour}` : 'over over-neutral') : occ.level;
    const fillBar = h('div', { class: `occ-fill ${overClass}` });
    fillBar.style.width = `${Math.round(occ.ratio * 100)}%`;
    const tr = h(
      'tr',
      {
        'data-testid': 'zone-row',
        'data-zone': z.zoneId,
        'data-colour': colour,
        'data-urgent': alarms?.urgent === true ? 'true' : null,
        'data-over': occ.level === 'over' ? 'true' : null,
        'aria-selected': z.zoneId === selected ? 'true' : 'false',
        tabindex: tabbable ? 0 : -1,
        title: ctx.t('people.open', { zone: name }),
        onclick: () => open(z.zoneId),
        onfocus: () => select(z.zoneId),
      },
      h('td', {}, h('a', { class: 'zone-name', href: formatRoute('zone', z.zoneId), tabindex: -1 }, name), ' ', z.name !== null ? h('span', { class: 'muted mono zone-id' }, z.zoneId) : null),
      h('td', { class: `kind kind-${z.kind}` }, kindLabel(ctx, z.kind)),
      h('td', { class: 'num headcount', 'data-testid': 'zone-headcount' }, z.headcount),
      h('td', { class: 'num limit' }, z.limit === null ? ctx.t('people.noLimit') : z.limit),
      h(
        'td',
        { class: 'occ-col' },
        occ.level === 'none'
          ? null
          : h(
              'div',
              { class: 'occ' },
              h('div', { class: 'occ-bar' }, fillBar),
              occ.level === 'over'
                ? h('span', { class: `occ-text ${overClass}` }, ctx.t('people.over', { n: z.headcount - (z.limit ?? 0) }))
                : occ.level === 'full'
                  ? h('span', { class: 'occ-text' }, ctx.t('people.full'))
                  : h('span', { class: 'occ-text muted' }, `${Math.round(occ.ratio * 100)}%`),
            ),
      ),
      h('td', {}, alarms === undefined ? null : alarmChips(ctx, alarms.chips)),
    );
    return tr;
  }

  function rowOf(zoneId: string | null): HTMLElement | null {
    return zoneId === null ? null : rowById(tbody, 'zone', zoneId);
  }

  function select(zoneId: string): void {
    if (selected === zoneId) return;
    selected = zoneId;
    markSelected(tbody, 'zone', zoneId);
  }

  function open(zoneId: string): void {
    ctx.navigate(formatRoute('zone', zoneId));
  }



  async function load(): Promise<void> {
    try {
      const res = await ctx.api.get<ZonesAnswer>('/api/people/zones', abort.signal);
      rest = Array.isArray(res.zones) ? res.zones : [];
      restAt = ctx.now();
      failure = null;
      notConfigured = false;
    } catch (e) {
      if (abort.signal.aborted) return;
      if (e instanceof ApiError && e.status === 404) notConfigured = true;
      else {
        failure = errorText(ctx, e);
        failureDetail = errorDetail(e);
      }
    }
    redraw();
  }

  const redraw = throttled(draw);
  const offs = [ctx.on('headcount', redraw), ctx.on('alarms', redraw), ctx.on('link', redraw), ctx.on('points', redraw)];
  // The urgent strip's "since … (12 min)" ages; the rest does not move with the clock.
  const tick = setInterval(() => {
    if (urgent.firstChild !== null) redraw();
  }, 5_000);
  const poll = setInterval(() => void load(), POLL_MS);
  draw();
  void load();

  return {
    root,
    title,
    unmount() {
      abort.abort();
      for (const off of offs) off();
      clearInterval(tick);
      clearInterval(poll);
    },
  };
}
