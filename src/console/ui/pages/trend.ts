import './trend.css';
import { formatDateTime, formatValue } from '../../lib/format.js';
import { formatRoute, type Route } from '../../lib/route.js';
import { alarmsOfPoint, parseRange, RANGE_KEYS, RANGES } from '../../lib/trend-points.js';
import { LiveSeries, seriesFromColumns, stats } from '../../lib/trend-series.js';
import type { HistoryColumns, Point } from '../../lib/wire.js';
import { ApiError } from '../../net/api.js';
import { priorityChip, stateLabel } from '../alarm-parts.js';
import { createTrendChart, type TrendChart } from '../chart.js';
import type { Ctx, Page } from '../context.js';
import { fill, h, throttled } from '../dom.js';
import { errorDetailNode, errorText } from '../errors.js';

/** Samples a range may load (the server's most): a week of a 1 Hz point is 604,800. */
const HISTORY_LIMIT = 1_000_000;

/**
 * `#/points/<id>?range=1h`: one point's trend over a range ending now, extended by its live values
 * while shown; its metadata and its retained alarms above the chart.
 */
export function trendPage(ctx: Ctx, route: Route): Page {
  const id = route.id ?? '';
  const range = parseRange(route.query['range']);
  const span = RANGES[range] ?? 3_600_000;
  const abort = new AbortController();
  const offs: (() => void)[] = [];
  let point: Point | undefined = ctx.points.get(id);
  let series: LiveSeries | null = null;
  let chart: TrendChart | null = null;
  let truncated = false;

  const name = () => (point?.name !== undefined && point.name !== '' ? `${point.name} (${id})` : id);
  const title = h('h1', { class: 'trend-title' }, name());
  const meta = h('dl', { class: 'trend-meta' });
  const alarmsBox = h('section', { class: 'trend-alarms', 'aria-label': ctx.t('trend.alarms') });
  const rangeBar = h(
    'div',
    { class: 'trend-ranges', role: 'group', 'aria-label': ctx.t('trend.range') },
    RANGE_KEYS.map((k) =>
      h(
        'button',
        {
          type: 'button',
          'data-range': k,
          'aria-pressed': k === range ? 'true' : 'false',
          class: k === range ? 'selected' : null,
          onclick: () => ctx.navigate(formatRoute('trend', id, { ...route.query, range: k, y: fit ? 'fit' : null })),
        },
        ctx.t(`trend.range.${k}`),
      ),
    ),
  );
  let fit = route.query['y'] === 'fit';
  const fitBtn = h(
    'button',
    {
      type: 'button',
      'data-testid': 'trend-fit',
      'aria-pressed': fit ? 'true' : 'false',
      title: ctx.t('trend.fitTitle'),
      onclick: () => {
        fit = !fit;
        fitBtn.setAttribute('aria-pressed', fit ? 'true' : 'false');
        history.replaceState(null, '', formatRoute('trend', id, { ...route.query, range, y: fit ? 'fit' : null }));
        drawChart();
      },
    },
    ctx.t('trend.fit'),
  );
  const liveTag = h('span', { class: 'trend-live', 'data-live': 'no' }, ctx.t('trend.paused'));
  const statsBox = h('dl', { class: 'trend-stats' });
  const notice = h('p', { class: 'muted trend-notice' });
  const body = h('div', { class: 'trend-body' }, h('p', { class: 'empty' }, ctx.t('trend.loading')));
  const legend = h(
    'p',
    { class: 'trend-legend muted' },
    h('span', { class: 'lg lg-good' }, ctx.t('trend.legendGood')),
    h('span', { class: 'lg lg-uncertain' }, ctx.t('trend.legendUncertain')),
    h('span', { class: 'lg lg-gap' }, ctx.t('trend.legendGap')),
    h('span', { class: 'lg lg-range' }, ctx.t('trend.legendRange')),
    h('span', { class: 'trend-keys' }, ctx.t('trend.keys')),
  );
  const root = h(
    'section',
    { class: 'page-trend', 'data-testid': 'trend-page', 'data-point': id },
    h('nav', { class: 'trend-nav' }, h('a', { href: formatRoute('points') }, ctx.t('trend.back'))),
    h('header', { class: 'trend-head' }, h('div', {}, title, meta), alarmsBox),
    h('div', { class: 'toolbar trend-toolbar' }, h('span', { class: 'muted' }, ctx.t('trend.range')), rangeBar, fitBtn, liveTag, statsBox),
    body,
    legend,
    notice,
  );

  const words = { on: ctx.t('value.on'), off: ctx.t('value.off') };
  const isBool = () => point?.type === 'boolean' || (point?.latest !== null && point?.latest !== undefined && typeof point.latest.value === 'boolean');

  function drawMeta(): void {
    title.textContent = name();
    fitBtn.hidden = point?.range === undefined || isBool();
    if (point === undefined) return void fill(meta);
    const item = (label: string, value: string | undefined) => (value === undefined || value === '' ? null : [h('dt', {}, label), h('dd', {}, value)]);
    fill(
      meta,
      item(ctx.t('trend.kind'), point.kind),
      item(ctx.t('trend.area'), point.area),
      item(ctx.t('trend.unit'), point.unit),
      item(ctx.t('trend.type'), ctx.t(isBool() ? 'trend.type.boolean' : 'trend.type.number')),
      item(ctx.t('trend.rangeMeta'), point.range === undefined ? undefined : `${formatValue(point.range[0])} … ${formatValue(point.range[1], point.unit)}`),
    );
  }

  let alarmsVersion = -1;
  function drawAlarms(): void {
    if (ctx.live.book.version === alarmsVersion) return;
    alarmsVersion = ctx.live.book.version;
    const list = alarmsOfPoint(ctx.live.book.all(), id);
    if (list.length === 0) return void fill(alarmsBox, h('p', { class: 'muted trend-no-alarm' }, ctx.t('trend.noAlarms')));
    fill(
      alarmsBox,
      h('h2', {}, ctx.t('trend.alarms')),
      h(
        'ul',
        { class: 'trend-alarm-list' },
        list.map((t) =>
          h(
            'li',
            { 'data-testid': 'trend-alarm', 'data-condition': t.conditionId },
            priorityChip(ctx, t, t.annunciated && !t.acked),
            h('span', { class: 'trend-alarm-level' }, t.level ?? ''),
            h('span', { class: 'trend-alarm-state muted' }, stateLabel(ctx, t.state)),
            h('a', { href: formatRoute('alarms', null, { q: t.conditionId }), class: 'trend-alarm-msg' }, t.message),
          ),
        ),
      ),
    );
  }

  function timeWindow(): { from: number; to: number } {
    const to = ctx.now();
    return { from: to - span, to };
  }

  function drawChart(): void {
    if (series === null || chart === null) return;
    const { from, to } = timeWindow();
    series.dropBefore(from);
    const s = series.view();
    chart.update({ series: s, from, to, unit: point?.unit ?? '', range: point?.range, boolean: isBool(), live: ctx.link.state === 'live', fit });
    const st = stats(s, from, to);
    const v = (n: number) => (Number.isNaN(n) ? '—' : isBool() ? (n >= 0.5 ? words.on : words.off) : formatValue(n, point?.unit));
    fill(
      statsBox,
      h('dt', {}, ctx.t('trend.min')),
      h('dd', { class: 'num' }, v(st.min)),
      h('dt', {}, ctx.t('trend.max')),
      h('dd', { class: 'num' }, v(st.max)),
      h('dt', {}, ctx.t('trend.last')),
      h('dd', { class: 'num trend-last', title: Number.isNaN(st.lastTime) ? '' : formatDateTime(st.lastTime, ctx.tr.lang) }, v(st.last)),
      h('dt', {}, ctx.t('trend.samples')),
      h('dd', { class: 'num' }, String(st.count)),
    );
    const live = ctx.link.state === 'live';
    liveTag.dataset['live'] = live ? 'yes' : 'no';
    liveTag.textContent = ctx.t(live ? 'trend.live' : 'trend.paused');
    notice.textContent = truncated ? ctx.t('trend.truncated', { n: HISTORY_LIMIT }) : '';
  }

  const redraw = throttled(drawChart);

  function onValues(): void {
    if (series === null) return;
    const s = ctx.live.values.get(id);
    if (s !== undefined && series.push(s)) redraw();
  }

  function unknown(): void {
    fill(body, h('div', { class: 'empty trend-unknown', 'data-testid': 'trend-unknown' }, h('p', { class: 'trend-unknown-title' }, ctx.t('trend.unknown', { id })), h('p', {}, ctx.t('trend.unknownHint'))));
    root.classList.add('trend-is-unknown');
  }

  async function load(): Promise<void> {
    const { from, to } = timeWindow();
    const enc = encodeURIComponent(id);
    try {
      if (point === undefined) point = await ctx.api.get<Point>(`/api/points/${enc}`, abort.signal);
      drawMeta();
      const cols = await ctx.api.get<HistoryColumns>(`/api/points/${enc}/history?from=${Math.floor(from)}&to=${Math.ceil(to)}&format=columns&limit=${HISTORY_LIMIT}`, abort.signal);
      if (abort.signal.aborted) return;
      truncated = cols.count >= HISTORY_LIMIT;
      series = new LiveSeries(seriesFromColumns(cols));
      // Live values that came while the history loaded (or the list's latest) extend it.
      const latest = ctx.live.values.get(id) ?? point.latest ?? undefined;
      if (latest !== undefined && latest.ts > to) series.push(latest);
      const name = point.name ?? id;
      chart = createTrendChart({
        lang: ctx.tr.lang,
        on: words.on,
        off: words.off,
        label: ctx.t('trend.chartLabel', { name }),
        noData: ctx.t('trend.noData'),
        summary: (min, max, last) => ctx.t('trend.summary', { min, max, last }),
      });
      fill(body, chart.root);
      drawChart();
      offs.push(ctx.on('values', onValues), ctx.on('clock', redraw), ctx.on('link', redraw));
    } catch (e) {
      if (abort.signal.aborted) return;
      if (e instanceof ApiError && e.status === 404) return unknown();
      fill(body, h('div', { class: 'empty error-text', role: 'alert' }, ctx.t('trend.failed', { message: errorText(ctx, e) }), ' ', h('button', { type: 'button', onclick: retry }, ctx.t('common.retry')), errorDetailNode(e)));
    }
  }

  function retry(): void {
    fill(body, h('p', { class: 'empty' }, ctx.t('trend.loading')));
    void load();
  }

  drawMeta();
  drawAlarms();
  offs.push(ctx.on('alarms', throttled(drawAlarms)));
  if (ctx.mode === 'gateway' && id !== '') {
    offs.push(ctx.watchValues([id]));
    void load();
  } else unknown();

  return {
    root,
    title: name(),
    unmount(): void {
      abort.abort();
      for (const off of offs) off();
      chart?.destroy();
    },
  };
}
