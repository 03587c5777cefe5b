import './points.css';
import { formatDateTime, formatDuration, formatTime, formatValue } from '../../lib/format.js';
import { formatRoute, type Route } from '../../lib/route.js';
import { ageMs, currentSample, distinct, filterPoints, worstAlarmByPoint, type PointFilter } from '../../lib/trend-points.js';
import type { CentreValue, Point, Sample, Transition } from '../../lib/wire.js';
import { priorityChip } from '../alarm-parts.js';
import type { Ctx, Page } from '../context.js';
import { fill, h, throttled } from '../dom.js';
import { errorDetail, errorText } from '../errors.js';
import { listKeys } from '../list-keys.js';

/**
 * `#/points?area=&kind=&q=`: the gateway's points with their live values (subscribed for the rows
 * shown), quality, source time and age, and the point's most important alarm. A row opens the trend.
 * At a centre: the sites' latest indicator values, polled every 10 s.
 */
export function pointsPage(ctx: Ctx, route: Route): Page {
  return ctx.mode === 'centre' ? centreValuesPage(ctx, route) : gatewayPointsPage(ctx, route);
}

interface RowCells {
  readonly point: Point;
  readonly tr: HTMLTableRowElement;
  readonly value: HTMLTableCellElement;
  readonly quality: HTMLTableCellElement;
  readonly time: HTMLTableCellElement;
  readonly age: HTMLTableCellElement;
  readonly alarm: HTMLTableCellElement;
  shown: Sample | null | undefined;
  /** The alarm the alarm cell shows (null: none yet drawn); the cell is rebuilt only when it changes. */
  alarmShown: Transition | undefined | null;
}

/** Typing in the filter redraws (and re-subscribes) once the keys pause this long. */
const FILTER_DEBOUNCE_MS = 250;

function gatewayPointsPage(ctx: Ctx, route: Route): Page {
  let filter: PointFilter = { area: route.query['area'] ?? '', kind: route.query['kind'] ?? '', text: route.query['q'] ?? '' };
  let rows: RowCells[] = [];
  let selected = -1;
  // One watcher for the rows shown: a new filter sends only the points that came or went.
  const watcher = ctx.valuesWatcher();
  let typing: ReturnType<typeof setTimeout> | null = null;
  const offs: (() => void)[] = [];
  const words = { on: ctx.t('value.on'), off: ctx.t('value.off') };

  const option = (value: string, label: string, current: string) => h('option', { value, selected: value === current }, label);
  const areaSel = h('select', { 'data-testid': 'points-area', onchange: () => setFilter({ ...filter, area: areaSel.value }) });
  const kindSel = h('select', { 'data-testid': 'points-kind', onchange: () => setFilter({ ...filter, kind: kindSel.value }) });
  const text = h('input', { type: 'search', value: filter.text, placeholder: ctx.t('points.filterPh'), 'data-search': '', 'data-testid': 'points-filter', 'aria-label': ctx.t('points.filter'), oninput: () => {
    if (typing !== null) clearTimeout(typing);
    typing = setTimeout(() => {
      typing = null;
      setFilter({ ...filter, text: text.value });
    }, FILTER_DEBOUNCE_MS);
  } });
  const count = h('span', { class: 'muted points-count' });
  const tbody = h('tbody', {});
  const table = h(
    'table',
    { class: 'grid points-table', 'aria-label': ctx.t('points.title') },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, ctx.t('points.col.id')),
        h('th', {}, ctx.t('points.col.name')),
        h('th', {}, ctx.t('points.col.kind')),
        h('th', {}, ctx.t('points.col.area')),
        h('th', { class: 'num' }, ctx.t('points.col.value')),
        h('th', {}, ctx.t('points.col.quality')),
        h('th', {}, ctx.t('points.col.time')),
        h('th', { class: 'num' }, ctx.t('points.col.age')),
        h('th', {}, ctx.t('points.col.alarm')),
      ),
    ),
    tbody,
  );
  const empty = h('p', { class: 'empty', hidden: true });
  const root = h(
    'section',
    { class: 'page-points', 'data-testid': 'points-page' },
    h('h1', {}, ctx.t('points.title')),
    h(
      'div',
      { class: 'toolbar' },
      h('label', {}, ctx.t('points.area'), areaSel),
      h('label', {}, ctx.t('points.kind'), kindSel),
      h('label', {}, ctx.t('points.filter'), text),
      count,
      h('span', { class: 'muted points-keys' }, ctx.t('points.keys')),
    ),
    h('div', { class: 'table-wrap' }, table),
    empty,
  );

  function drawSelects(): void {
    const all = [...ctx.points.values()];
    fill(areaSel, option('', ctx.t('points.areaAll'), filter.area), distinct(all, 'area').map((a) => option(a, a, filter.area)));
    fill(kindSel, option('', ctx.t('points.kindAll'), filter.kind), distinct(all, 'kind').map((k) => option(k, k, filter.kind)));
  }

  function setFilter(f: PointFilter): void {
    filter = f;
    history.replaceState(null, '', formatRoute('points', null, { area: f.area, kind: f.kind, q: f.text }));
    build();
  }

  const open = (id: string) => ctx.navigate(formatRoute('trend', id, { range: '1h' }));

  /** The rows for the filter (built again when it changes), then the live cells. */
  function build(): void {
    const list = filterPoints(ctx.points.values(), filter);
    watcher.set(list.map((p) => p.id));
    selected = -1;
    rows = list.map((p) => {
      const cells = {
        value: h('td', { class: 'num point-value', 'data-testid': 'point-value' }),
        quality: h('td', {}),
        time: h('td', { class: 'num mono-time' }),
        age: h('td', { class: 'num' }),
        alarm: h('td', {}),
      };
      const tr = h(
        'tr',
        { 'data-testid': 'point-row', 'data-point': p.id, tabindex: -1, 'aria-selected': 'false', title: ctx.t('points.openTrend', { id: p.id }), onclick: () => open(p.id) },
        h('td', { class: 'mono' }, h('a', { href: formatRoute('trend', p.id, { range: '1h' }), tabindex: -1 }, p.id)),
        h('td', {}, p.name ?? ''),
        h('td', { class: 'muted' }, p.kind ?? ''),
        h('td', {}, p.area ?? ''),
        cells.value,
        cells.quality,
        cells.time,
        cells.age,
        cells.alarm,
      );
      return { point: p, tr, ...cells, shown: undefined, alarmShown: null };
    });
    fill(tbody, rows.map((r) => r.tr));
    if (rows[0] !== undefined) rows[0].tr.tabIndex = 0;
    count.textContent = ctx.t('points.count', { shown: rows.length, total: ctx.points.size });
    empty.hidden = rows.length > 0;
    empty.textContent = ctx.points.size === 0 ? ctx.t('points.none') : ctx.t('points.empty');
    lastAlarms = -1;
    update();
  }

  let lastAlarms = -1;
  /** Values, ages and alarm chips in place (no rebuild): cheap enough every second for a few thousand rows. */
  function update(): void {
    const now = ctx.now();
    const alarms = ctx.live.book.version === lastAlarms ? null : worstAlarmByPoint(ctx.live.book.all());
    for (const r of rows) {
      const s = currentSample(ctx.live.values.get(r.point.id), r.point.latest);
      if (s !== r.shown) {
        r.shown = s;
        if (s === null) {
          fill(r.value, h('span', { class: 'muted' }, ctx.t('points.noValue')));
          fill(r.quality);
          fill(r.time);
        } else {
          r.value.textContent = formatValue(s.value, r.point.unit, words);
          r.value.className = `num point-value q-${s.quality.level}`;
          fill(r.quality, h('span', { class: `q-${s.quality.level} quality` }, ctx.t(`points.quality.${s.quality.level}`)), s.quality.reason === undefined ? null : h('span', { class: 'muted q-reason' }, s.quality.reason));
          r.time.textContent = now - s.ts < 86_400_000 ? formatTime(s.ts, ctx.tr.lang) : formatDateTime(s.ts, ctx.tr.lang);
          r.time.title = formatDateTime(s.ts, ctx.tr.lang);
        }
      }
      const age = ageMs(s, now);
      r.age.textContent = age === null ? '' : formatDuration(age, ctx.tr.lang);
      const a = alarms?.get(r.point.id);
      if (alarms !== null && a !== r.alarmShown) {
        r.alarmShown = a;
        fill(r.alarm, a === undefined ? null : [priorityChip(ctx, a, a.annunciated && !a.acked), ' ', h('span', { class: a.annunciated ? 'point-alarm-level' : 'muted' }, a.annunciated ? (a.level ?? '') : ctx.t('points.hidden'))]);
      }
    }
    if (alarms !== null) lastAlarms = ctx.live.book.version;
  }

  function select(i: number, focus: boolean): void {
    const old = rows[selected];
    if (old !== undefined) {
      old.tr.setAttribute('aria-selected', 'false');
      old.tr.tabIndex = -1;
    }
    selected = i;
    const r = rows[i];
    if (r === undefined) return;
    r.tr.setAttribute('aria-selected', 'true');
    r.tr.tabIndex = 0;
    if (focus) r.tr.focus();
    r.tr.scrollIntoView({ block: 'nearest' });
  }

  tbody.addEventListener(
    'keydown',
    listKeys({
      count: () => rows.length,
      current: () => (selected >= 0 ? selected : rows.findIndex((r) => r.tr === document.activeElement)),
      select: (i) => select(i, true),
      open: (i) => {
        const r = rows[i];
        if (r !== undefined) open(r.point.id);
      },
    }),
  );

  tbody.addEventListener('focusin', (ev) => {
    const i = rows.findIndex((r) => r.tr === ev.target);
    if (i >= 0 && i !== selected) select(i, false);
  });

  drawSelects();
  build();
  const redraw = throttled(update);
  offs.push(
    ctx.on('values', redraw),
    ctx.on('alarms', redraw),
    ctx.on('clock', redraw),
    ctx.on('points', () => {
      drawSelects();
      build();
    }),
  );

  return {
    root,
    title: ctx.t('points.title'),
    unmount(): void {
      if (typing !== null) clearTimeout(typing);
      watcher.close();
      for (const off of offs) off();
    },
  };
}

/** A centre: the latest indicator values of the chosen site(s), as their snapshots last reported them. */
function centreValuesPage(ctx: Ctx, route: Route): Page {
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let text = route.query['q'] ?? '';
  let values: CentreValue[] = [];
  let snapshotAt: number | null = null;
  const stamp = h('p', { class: 'muted points-stamp' }, ctx.t('common.loading'));
  const input = h('input', {
    type: 'search',
    value: text,
    placeholder: ctx.t('points.filterPh'),
    'data-search': '',
    'data-testid': 'points-filter',
    'aria-label': ctx.t('points.filter'),
    oninput: () => {
      text = input.value;
      history.replaceState(null, '', formatRoute('points', null, { site: ctx.site, q: text }));
      draw();
    },
  });
  const count = h('span', { class: 'muted points-count' });
  const tbody = h('tbody', {});
  const root = h(
    'section',
    { class: 'page-points', 'data-testid': 'points-page' },
    h('h1', {}, ctx.t('points.centreTitle')),
    h('div', { class: 'toolbar' }, h('label', {}, ctx.t('points.filter'), input), count),
    stamp,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'grid points-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, ctx.t('points.col.site')),
            h('th', {}, ctx.t('points.col.id')),
            h('th', { class: 'num' }, ctx.t('points.col.value')),
            h('th', {}, ctx.t('points.col.quality')),
            h('th', {}, ctx.t('points.col.time')),
            h('th', { class: 'num' }, ctx.t('points.col.age')),
          ),
        ),
        tbody,
      ),
    ),
  );
  const words = { on: ctx.t('value.on'), off: ctx.t('value.off') };

  function draw(): void {
    const now = ctx.now();
    const ws = text.toLowerCase().split(/\s+/).filter((w) => w !== '');
    const shown = values.filter((v) => ws.every((w) => `${v.site} ${v.pointId} ${v.unit ?? ''}`.toLowerCase().includes(w)));
    count.textContent = ctx.t('points.count', { shown: shown.length, total: values.length });
    fill(
      tbody,
      shown.map((v) => {
        const q = v.quality === 'good' || v.quality === 'uncertain' || v.quality === 'bad' ? v.quality : 'bad';
        return h(
          'tr',
          { 'data-testid': 'point-row', 'data-point': v.pointId, 'data-site': v.site },
          h('td', {}, v.site),
          h('td', { class: 'mono' }, v.pointId),
          h('td', { class: `num point-value q-${q}`, 'data-testid': 'point-value' }, formatValue(v.value, v.unit, words)),
          h('td', {}, h('span', { class: `q-${q}` }, ctx.t(`points.quality.${q}`)), v.reason === undefined ? null : h('span', { class: 'muted q-reason' }, v.reason)),
          h('td', { class: 'num' }, v.ts === null ? '' : formatDateTime(v.ts, ctx.tr.lang)),
          h('td', { class: 'num' }, v.ts === null ? '' : formatDuration(Math.max(0, now - v.ts), ctx.tr.lang)),
        );
      }),
    );
    if (shown.length === 0) fill(tbody, h('tr', {}, h('td', { colspan: 6, class: 'empty' }, ctx.t('points.empty'))));
  }

  async function poll(): Promise<void> {
    try {
      const path = ctx.site === null ? '/api/points/values' : `/api/points/values?site=${encodeURIComponent(ctx.site)}`;
      const res = await ctx.api.get<{ values: CentreValue[] }>(path, abort.signal);
      values = [...res.values].sort((a, b) => (a.site < b.site ? -1 : a.site > b.site ? 1 : a.pointId < b.pointId ? -1 : a.pointId > b.pointId ? 1 : 0));
      snapshotAt = values.reduce<number | null>((m, v) => (m === null || v.time > m ? v.time : m), null);
      stamp.textContent = ctx.t('points.snapshot', { time: snapshotAt === null ? '—' : formatDateTime(snapshotAt, ctx.tr.lang) });
      stamp.classList.remove('error-text');
      draw();
    } catch (e) {
      if (abort.signal.aborted) return;
      stamp.textContent = ctx.t('common.failed', { message: errorText(ctx, e) });
      stamp.title = errorDetail(e) ?? '';
      stamp.classList.add('error-text');
    }
    if (!abort.signal.aborted) timer = setTimeout(() => void poll(), 10_000);
  }
  void poll();

  return {
    root,
    title: ctx.t('points.centreTitle'),
    unmount(): void {
      abort.abort();
      if (timer !== null) clearTimeout(timer);
    },
  };
}
