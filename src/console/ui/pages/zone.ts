import { compareAlarms } from '../../lib/alarm-model.js';
import { formatDateTime, formatTime } from '../../lib/format.js';
import { personMatches, readPeople, sortPeople } from '../../lib/people-list.js';
import { alarmsByZone, occupancy } from '../../lib/people-zones.js';
import { formatRoute, type Route } from '../../lib/route.js';
import type { PersonRef, ZoneHeadcount } from '../../lib/wire.js';
import { ApiError } from '../../net/api.js';
import type { Ctx, Page } from '../context.js';
import { fill, h, throttled } from '../dom.js';
import { errorDetail, errorText } from '../errors.js';
import { alarmChips, kindLabel } from './people-parts.js';
import './people.css';
import './zone.css';

/** The evacuation list is fetched again this often, and at each headcount change of the zone. */
const REFRESH_MS = 10_000;

/**
 * A zone's evacuation list (`#/people/<zoneId>`): the people in it now (name, person id, role, tag),
 * the zone's alarms and the cameras they name, and a print of the whole list with the time it was
 * taken (the shell is left off the paper).
 */
export function zonePage(ctx: Ctx, route: Route): Page {
  const zoneId = route.id ?? '';
  const root = h('section', { class: 'zone-page', 'data-testid': 'zone-page', 'data-zone': zoneId });
  const back = h('a', { class: 'no-print back', href: formatRoute('people') }, ctx.t('zone.back'));
  if (ctx.mode === 'centre') {
    fill(root, h('h1', {}, ctx.t('people.title')), h('p', { class: 'empty' }, ctx.t('people.notAtCentre')));
    return { root, title: ctx.t('people.title'), unmount: () => undefined };
  }

  const abort = new AbortController();
  let zone: ZoneHeadcount | null = null;
  let people: PersonRef[] = [];
  let loadedAt: number | null = null;
  let failure: string | null = null;
  /** The server's own words about the failure (English): the failure's title. */
  let failureDetail: string | null = null;
  let missing: 'zone' | 'people' | null = null;
  let loading = false;
  let again = false;
  let text = route.query['q'] ?? '';
  let lastLive: string | null = liveKey();

  const heading = h('h1', { class: 'zone-title' }, zoneId);
  const stats = h('div', { class: 'zone-stats' });
  const alarmsBox = h('div', { class: 'zone-alarms no-print' });
  const status = h('p', { class: 'muted no-print zone-status', 'data-testid': 'zone-status' });
  const search = h('input', {
    type: 'search',
    value: text,
    placeholder: ctx.t('zone.searchPlaceholder'),
    'aria-label': ctx.t('zone.search'),
    'data-testid': 'zone-search',
    'data-search': true,
    oninput: () => {
      text = search.value;
      history.replaceState(null, '', formatRoute('zone', zoneId, { q: text }));
      drawPeople();
    },
  });
  const printButton = h('button', { type: 'button', class: 'primary', 'data-testid': 'zone-print', onclick: () => window.print() }, ctx.t('zone.print'));
  const printHead = h('div', { class: 'print-only print-head' });
  const shownNote = h('span', { class: 'muted' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'grid people-table', 'data-testid': 'zone-people' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { class: 'num n-col' }, ctx.t('zone.col.n')),
        h('th', {}, ctx.t('zone.col.name')),
        h('th', {}, ctx.t('zone.col.personId')),
        h('th', {}, ctx.t('zone.col.role')),
        h('th', {}, ctx.t('zone.col.tag')),
        h('th', { class: 'print-only tick-col' }, '✓'),
      ),
    ),
    tbody,
  );
  const empty = h('p', { class: 'empty', 'data-testid': 'zone-empty' });
  const listSection = h(
    'section',
    { class: 'evac-list', 'aria-label': ctx.t('zone.listTitle') },
    printHead,
    h('div', { class: 'toolbar no-print' }, h('h2', { class: 'list-title' }, ctx.t('zone.listTitle')), h('label', {}, ctx.t('zone.search'), ' ', search), shownNote, h('span', { class: 'spacer' }), printButton),
    table,
    empty,
  );
  const body = h('div', {}, stats, alarmsBox, listSection, status);
  fill(root, back, heading, body);

  function liveKey(): string | null {
    const l = ctx.live.headcounts.get(zoneId);
    return l === undefined ? null : `${l.headcount}|${l.time ?? ''}`;
  }

  function zoneName(): string {
    return zone?.name ?? ctx.live.headcounts.get(zoneId)?.name ?? zoneId;
  }

  function drawHead(): void {
    const z = zone;
    const live = ctx.live.headcounts.get(zoneId);
    const headcount = live?.headcount ?? z?.headcount ?? people.length;
    const limit = live?.limit !== undefined ? live.limit : (z?.limit ?? null);
    const kind = live?.kind ?? z?.kind ?? '';
    fill(heading, zoneName(), ' ', zoneName() !== zoneId ? h('span', { class: 'muted mono zone-id' }, zoneId) : null, kind === '' ? null : h('span', { class: `kind-badge kind-${kind}` }, kindLabel(ctx, kind)));
    const occ = occupancy(headcount, limit);
    const alarms = alarmsByZone(ctx.live.book.all(), new Set([zoneId]), (id) => ctx.points.get(id)?.area).get(zoneId);
    const overClass = occ.level === 'over' ? (alarms?.headcountColour != null ? `over c-${alarms.headcountColour}` : 'over over-neutral') : occ.level;
    const fillBar = h('div', { class: `occ-fill ${overClass}` });
    fillBar.style.width = `${Math.round(occ.ratio * 100)}%`;
    fill(
      stats,
      h('div', { class: `panel stat${occ.level === 'over' ? ' stat-highlight' : ''}` }, h('div', { class: 'stat-label' }, ctx.t('zone.headcount')), h('div', { class: 'stat-value num', 'data-testid': 'zone-count' }, headcount)),
      h(
        'div',
        { class: 'panel stat' },
        h('div', { class: 'stat-label' }, limit === null ? ctx.t('zone.noLimit') : ctx.t('zone.limit', { n: limit })),
        occ.level === 'none'
          ? h('div', { class: 'stat-value muted' }, '—')
          : h(
              'div',
              { class: 'occ occ-big' },
              h('div', { class: 'occ-bar' }, fillBar),
              h('span', { class: `occ-text ${occ.level === 'over' ? overClass : ''}` }, occ.level === 'over' ? ctx.t('people.over', { n: headcount - (limit ?? 0) }) : occ.level === 'full' ? ctx.t('people.full') : `${Math.round(occ.ratio * 100)}%`),
            ),
      ),
    );
    // The zone's alarms, most urgent first, with the cameras they name.
    const list = [...(alarms?.alarms ?? [])].sort(compareAlarms);
    fill(
      alarmsBox,
      h('h2', {}, ctx.t('zone.alarms'), ' ', alarms === undefined ? null : alarmChips(ctx, alarms.chips)),
      list.length === 0
        ? h('p', { class: 'muted' }, ctx.t('zone.noAlarms'))
        : h(
            'ul',
            { class: 'zone-alarm-list', 'data-testid': 'zone-alarms' },
            list.map((t) =>
              h(
                'li',
                { 'data-colour': t.colour },
                h('span', { class: `chip c-${t.colour}${t.annunciated && !t.acked ? ' flash' : ''}` }, t.priority),
                ' ',
                h('span', { class: 'mono muted' }, formatTime(t.activeSince ?? t.time, ctx.tr.lang)),
                ' ',
                h('a', { href: formatRoute('alarms', null, { q: t.conditionId, state: 'all' }) }, t.message),
              ),
            ),
          ),
      alarms !== undefined && alarms.cameras.length > 0
        ? h('p', { class: 'zone-cameras', 'data-testid': 'zone-cameras' }, h('strong', {}, ctx.t('zone.cameras')), ' ', h('span', { class: 'muted' }, `(${ctx.t('zone.cameraHint')})`), ' ', alarms.cameras.map((c) => h('span', { class: 'chip c-none mono camera' }, c)))
        : null,
    );
  }

  /** The paper's heading: the zone, when it is printed and how old the list is. */
  function drawPrintHead(): void {
    const lang = ctx.tr.lang;
    const now = ctx.now();
    fill(
      printHead,
      h('h1', {}, `${ctx.t('zone.listTitle')} · ${zoneName()}`),
      h('p', {}, ctx.t('zone.printedAt', { time: formatDateTime(now, lang), asOf: formatTime(loadedAt ?? now, lang), n: people.length, zone: zoneId })),
    );
  }

  function drawPeople(): void {
    const sorted = sortPeople(people);
    drawPrintHead();
    let shown = 0;
    fill(
      tbody,
      sorted.map((p, i) => {
        const match = personMatches(p, text);
        if (match) shown++;
        return h(
          'tr',
          { class: match ? null : 'filtered-out', 'data-testid': 'zone-person', 'data-tag': p.tagId },
          h('td', { class: 'num muted' }, i + 1),
          h('td', { class: 'person-name' }, p.name ?? h('span', { class: 'muted' }, ctx.t('zone.unknownPerson'))),
          h('td', { class: 'mono' }, p.personId ?? '—'),
          h('td', {}, p.role ?? '—'),
          h('td', { class: 'mono' }, p.tagId),
          h('td', { class: 'print-only tick-col' }, '☐'),
        );
      }),
    );
    shownNote.textContent = text.trim() !== '' && sorted.length > 0 ? ctx.t('zone.shown', { shown, n: sorted.length }) : '';
    if (loadedAt === null && failure === null) empty.textContent = ctx.t('common.loading');
    else if (sorted.length === 0) empty.textContent = ctx.t('zone.empty');
    else if (shown === 0) empty.textContent = ctx.t('zone.noMatch', { text });
    else empty.textContent = '';
    empty.hidden = empty.textContent === '';
    table.hidden = sorted.length === 0;
  }

  function drawStatus(): void {
    const lang = ctx.tr.lang;
    if (failure !== null && loadedAt !== null) {
      status.className = 'error-text no-print zone-status';
      status.textContent = ctx.t('zone.stale', { message: failure, time: formatTime(loadedAt, lang) });
    } else if (failure !== null) {
      status.className = 'error-text no-print zone-status';
      status.title = failureDetail ?? '';
      fill(status, ctx.t('common.failed', { message: failure }), ' ', h('button', { type: 'button', onclick: () => void load() }, ctx.t('common.retry')));
    } else {
      status.className = 'muted no-print zone-status';
      status.textContent = loadedAt === null ? '' : ctx.t('zone.refreshed', { time: formatTime(loadedAt, lang) });
    }
  }

  function draw(): void {
    if (missing !== null) {
      fill(body, h('p', { class: 'empty', 'data-testid': 'zone-missing' }, missing === 'people' ? ctx.t('people.notConfigured') : ctx.t('zone.notFound', { zone: zoneId })));
      return;
    }
    drawHead();
    drawPeople();
    drawStatus();
  }

  async function load(): Promise<void> {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const res = await ctx.api.get<{ zone: ZoneHeadcount; people: unknown }>(`/api/people/zones/${encodeURIComponent(zoneId)}`, abort.signal);
      zone = res.zone ?? null;
      people = readPeople(res.people);
      loadedAt = ctx.now();
      failure = null;
      lastLive = liveKey();
    } catch (e) {
      if (abort.signal.aborted) return;
      if (e instanceof ApiError && e.status === 404) missing = /people section/i.test(e.message) ? 'people' : 'zone';
      else {
        failure = errorText(ctx, e);
        failureDetail = errorDetail(e);
      }
    } finally {
      loading = false;
    }
    redraw();
    if (again && !abort.signal.aborted) {
      again = false;
      void load();
    }
  }

  const redraw = throttled(draw);
  // A busy zone changes count often: its list is fetched at most twice a second.
  let soonTimer: ReturnType<typeof setTimeout> | null = null;
  function soon(): void {
    if (soonTimer !== null) return;
    soonTimer = setTimeout(() => {
      soonTimer = null;
      void load();
    }, 500);
  }
  const offs = [
    ctx.on('headcount', () => {
      // This zone's count or limit changed: who is in it changed too.
      const key = liveKey();
      if (key === lastLive) return;
      lastLive = key;
      redraw();
      soon();
    }),
    ctx.on('alarms', redraw),
    ctx.on('points', redraw),
  ];
  const timer = setInterval(() => void load(), REFRESH_MS);
  window.addEventListener('beforeprint', drawPrintHead);
  draw();
  void load();

  return {
    root,
    title: `${ctx.t('zone.listTitle')} · ${zoneName()}`,
    unmount() {
      abort.abort();
      for (const off of offs) off();
      clearInterval(timer);
      window.removeEventListener('beforeprint', drawPrintHead);
      if (soonTimer !== null) clearTimeout(soonTimer);
    },
  };
}
